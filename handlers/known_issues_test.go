package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"hiroba/app"
	"hiroba/models"
	"hiroba/models/database"
	"hiroba/models/modeltest"
)

// eachDialectWithDB is eachDialect with a second handle on the forum's
// database, for what another part of the forum writes (me-toos) and for
// moving time.
func eachDialectWithDB(t *testing.T, fn func(t *testing.T, f *forum, db *gorm.DB)) {
	t.Parallel()
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			var dbURL string
			f := newForumWith(t, d, func(c *app.Config) { dbURL = c.DatabaseURL })
			db, _, err := database.Open(dbURL)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if sqlDB, err := db.DB(); err == nil {
					sqlDB.Close()
				}
			})
			fn(t, f, db)
		})
	}
}

// issueForm is the form that opens a known issue on a new thread in the
// account category.
func issueForm() url.Values {
	return url.Values{
		"title_en": {"Login loop after the update"}, "title_ja": {"更新後にログインできない"},
		"body_en": {"Signing in sends you back to the sign-in page."}, "body_ja": {"ログインするとログイン画面に戻ります。"},
		"severity": {"critical"}, "status_url": {"https://status.example.com/incidents/42"},
		"incident": {"new"}, "category": {"1"},
	}
}

var incidentLink = regexp.MustCompile(`<a href="(/t/\d+/[^"]+)">Follow the incident thread</a>`)

// A moderator runs an incident from the browser: opening it puts a banner
// on every page in the reader's language and a notice in the composer;
// readers dismiss it one by one; resolving it answers the incident thread
// with its solution, tells each reporter once, and leaves a "resolved"
// banner for a while, then none.
func TestKnownIssueLifecycle(t *testing.T) {
	eachDialectWithDB(t, func(t *testing.T, f *forum, db *gorm.DB) {
		mod := f.browser()
		mod.signIn("mori")
		grant(t, f, "mori", models.RoleModerator)
		hana, ken, mia := f.browser(), f.browser(), f.browser()
		hana.signIn("hana")
		ken.signIn("ken")
		mia.signIn("mia")
		existing := hana.ask("Invoices page shows an error", "Since this morning the invoices page says error 500.")
		refuse(t, f.browser().get("/"), `class="known-issue `)

		expect(t, mod.get("/mod/known-issues"), http.StatusOK, "Open a known issue", `name="incident" value="new"`)
		p := mod.post("/mod/known-issues", issueForm())
		if p.Status != http.StatusSeeOther || p.Location != "/mod/known-issues" {
			t.Fatalf("open: %d %s\n%s", p.Status, p.Location, p.Body)
		}
		list := mod.get("/mod/known-issues")
		expect(t, list, http.StatusOK, "The known issue is open: every page shows it.", `<a href="/mod/known-issues/1">Login loop after the update</a>`)

		// Every page, for every reader, in their language; the community
		// notice stays.
		anon := f.browser()
		home := anon.get("/")
		expect(t, home, http.StatusOK, `<div class="known-issue severity-critical" role="status" data-known-issue="1">`,
			"<strong>Login loop after the update</strong> Signing in sends you back to the sign-in page.",
			`<a href="https://status.example.com/incidents/42" rel="noopener">Status page</a>`,
			"This is a community forum, not official support.")
		m := incidentLink.FindStringSubmatch(home.Body)
		if m == nil {
			t.Fatalf("no link to the incident thread:\n%s", home.Body)
		}
		incident := m[1]
		expect(t, anon.get("/c/billing"), http.StatusOK, `data-known-issue="1"`)
		ja := f.browser()
		ja.lang = "ja"
		expect(t, ja.get("/"), http.StatusOK, "<strong>更新後にログインできない</strong> ログインするとログイン画面に戻ります。", "障害スレッドを見る")
		thread := anon.get(incident)
		expect(t, thread, http.StatusOK, "Login loop after the update / 更新後にログインできない", "mori")

		// The composer points askers to the incident thread.
		expect(t, hana.get("/new"), http.StatusOK, "Is your question about this?",
			`<a href="`+incident+`">Add your report to the incident thread instead</a>`)
		ja.signIn("yui")
		expect(t, ja.get("/new"), http.StatusOK, "この問題についての質問ですか？", "新しく質問する代わりに、障害スレッドに報告を追加してください")

		// Similar threads put it first for a title about it.
		sim := hana.get("/similar?title=" + url.QueryEscape("Login loop since the update"))
		expect(t, sim, http.StatusOK, `<span class="known-badge">Known issue</span>`)
		if first := strings.Index(sim.Body, `<a href="`); first < 0 || !strings.HasPrefix(sim.Body[first:], `<a href="`+incident+`"`) {
			t.Errorf("the incident thread is not first:\n%s", sim.Body)
		}

		// A visitor dismisses the banner without an account or a token;
		// others still see it.
		d := anon.postRaw("/known-issues/1/dismiss", url.Values{"next": {"/c/billing?page=2"}})
		if d.Status != http.StatusSeeOther || d.Location != "/c/billing?page=2" {
			t.Fatalf("dismiss: %d %s", d.Status, d.Location)
		}
		refuse(t, anon.get("/"), `data-known-issue="1"`)
		expect(t, anon.get("/"), http.StatusOK, "This is a community forum, not official support.")
		expect(t, f.browser().get("/"), http.StatusOK, `data-known-issue="1"`)
		if d := anon.postRaw("/known-issues/1/dismiss", url.Values{"next": {"https://evil.example/"}}); d.Location != "/" {
			t.Errorf("dismiss went to %q", d.Location)
		}

		// A second issue on an existing thread, named by its address.
		second := issueForm()
		second.Set("incident", "existing")
		second.Set("thread", "http://localhost"+existing)
		second.Set("title_en", "Invoices page errors")
		second.Set("title_ja", "請求書ページのエラー")
		second.Set("severity", "minor")
		second.Del("status_url")
		if p := mod.post("/mod/known-issues", second); p.Status != http.StatusSeeOther {
			t.Fatalf("open on an existing thread: %d\n%s", p.Status, p.Body)
		}
		expect(t, anon.get("/"), http.StatusOK, `<div class="known-issue severity-minor" role="status" data-known-issue="2">`,
			`<a href="`+strings.Split(existing, "#")[0]+`">Follow the incident thread</a>`)

		// Reports: replies and a me-too; then the resolution.
		threadID := strings.Split(incident, "/")[2]
		ken.get(incident)
		if r := ken.post("/t/"+threadID+"/replies", url.Values{"body": {"Same here, on the app too."}}); !replied(r) {
			t.Fatalf("reply: %d", r.Status)
		}
		hana.get(incident)
		if r := hana.post("/t/"+threadID+"/replies", url.Values{"body": {"And in the browser."}}); !replied(r) {
			t.Fatalf("reply: %d", r.Status)
		}
		if err := db.Exec(`INSERT INTO thread_me_toos (thread_id, user_id, created_at) VALUES (?, ?, ?)`,
			threadID, f.user("mia").ID, time.Now().UTC()).Error; err != nil {
			t.Fatal(err)
		}
		expect(t, mod.get("/mod/known-issues/1"), http.StatusOK, "Resolve and notify")
		p = mod.post("/mod/known-issues/1/resolve", url.Values{
			"resolution_en": {"Fixed at 10:42. Sign in again."}, "resolution_ja": {"10時42分に修正しました。もう一度ログインしてください。"},
		})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("resolve: %d\n%s", p.Status, p.Body)
		}
		solved := anon.get(incident)
		expect(t, solved, http.StatusOK, `class="solution-box"`, "Fixed at 10:42. Sign in again.")
		for _, b := range []*browser{hana, ken, mia} {
			n := b.get("/notifications")
			if c := strings.Count(n.Body, "mori resolved the known issue in"); c != 1 {
				t.Errorf("%d notifications of the resolution, want 1:\n%s", c, n.Body)
			}
		}
		refuse(t, ja.get("/notifications"), "さんが解決しました")

		// The banner says it is resolved, to those who dismissed it open too.
		expect(t, f.browser().get("/"), http.StatusOK, `data-known-issue="1r"`, "<strong>Resolved: Login loop after the update</strong>",
			`<a href="`+incident+`">How it was resolved</a>`)
		expect(t, anon.get("/"), http.StatusOK, `data-known-issue="1r"`)
		expect(t, ja.get("/"), http.StatusOK, "<strong>解決済み：更新後にログインできない</strong>")
		refuse(t, hana.get("/new"), "Login loop after the update</p>")
		if p := mod.post("/mod/known-issues/1/resolve", url.Values{"resolution_en": {"Again."}, "resolution_ja": {"再び。"}}); p.Status != http.StatusConflict {
			t.Errorf("resolving twice: %d", p.Status)
		}

		// Past the window the banner is gone; the other issue stays.
		if err := db.Exec(`UPDATE known_issues SET resolved_at = ? WHERE id = 1`,
			time.Now().UTC().Add(-models.KnownIssueResolvedFor-time.Minute)).Error; err != nil {
			t.Fatal(err)
		}
		mod.get("/mod/known-issues/2")
		edit := issueForm()
		edit.Set("title_en", "Invoices page errors for some")
		edit.Set("title_ja", "請求書ページのエラー（一部）")
		if p := mod.post("/mod/known-issues/2", edit); p.Status != http.StatusSeeOther {
			t.Fatalf("update: %d\n%s", p.Status, p.Body)
		}
		after := f.browser().get("/")
		refuse(t, after, `data-known-issue="1`)
		expect(t, after, http.StatusOK, "<strong>Invoices page errors for some</strong>")

		audit := f.browser()
		audit.signIn("aoi")
		grant(t, f, "aoi", models.RoleAdmin)
		expect(t, audit.get("/admin/audit"), http.StatusOK, "Opened a known issue", "Resolved a known issue", "Changed a known issue",
			`<a href="/mod/known-issues/1">Known issue #1</a>`)
	})
}

// Members and visitors may not run known issues, a form without its token
// changes nothing, and refused input comes back as typed with its reasons.
func TestKnownIssuesAreForModerators(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		member, anon := f.browser(), f.browser()
		member.signIn("hana")
		anon.get("/login")
		mod := f.browser()
		mod.signIn("mori")
		grant(t, f, "mori", models.RoleModerator)
		expect(t, mod.get("/mod/known-issues"), http.StatusOK)
		if p := mod.post("/mod/known-issues", issueForm()); p.Status != http.StatusSeeOther {
			t.Fatalf("open: %d", p.Status)
		}
		for _, b := range []*browser{member, anon} {
			for _, path := range []string{"/mod/known-issues", "/mod/known-issues/1"} {
				expect(t, b.get(path), http.StatusForbidden)
			}
			for _, path := range []string{"/mod/known-issues", "/mod/known-issues/1", "/mod/known-issues/1/resolve"} {
				b.get("/login")
				expect(t, b.post(path, url.Values{"resolution_en": {"x"}, "resolution_ja": {"x"}}), http.StatusForbidden)
			}
		}
		refuse(t, member.get("/"), `href="/mod/known-issues"`)
		expect(t, mod.get("/"), http.StatusOK, `href="/mod/known-issues"`)

		// Without the form's token: refused, and nothing resolved.
		expect(t, mod.postRaw("/mod/known-issues/1/resolve", url.Values{"resolution_en": {"Fixed."}, "resolution_ja": {"修正済み。"}}), http.StatusForbidden)
		expect(t, mod.postRaw("/mod/known-issues", issueForm()), http.StatusForbidden)
		home := f.browser().get("/")
		expect(t, home, http.StatusOK, `data-known-issue="1"`)
		refuse(t, home, `data-known-issue="1r"`, `data-known-issue="2"`)

		mod.get("/mod/known-issues")
		bad := issueForm()
		bad.Set("title_ja", "")
		bad.Set("status_url", "javascript:alert(1)")
		bad.Set("body_en", "Typed text stays.")
		p := mod.post("/mod/known-issues", bad)
		expect(t, p, http.StatusUnprocessableEntity, "The known issue could not be saved.", `id="title_ja-error"`,
			"Enter a full web address starting with https:// or http://.", "Typed text stays.")
		missing := issueForm()
		missing.Set("incident", "existing")
		missing.Set("thread", "#999")
		expect(t, mod.post("/mod/known-issues", missing), http.StatusUnprocessableEntity, "No thread everyone can read has this number or address.")
		mod.get("/mod/known-issues/1")
		expect(t, mod.post("/mod/known-issues/1/resolve", url.Values{"resolution_en": {"Fixed."}}), http.StatusUnprocessableEntity,
			`id="resolution_ja-error"`, "Fixed.")
		expect(t, mod.get("/mod/known-issues/9"), http.StatusNotFound)
	})
}

// Kept pages follow the banners: opening an issue drops every kept page,
// a page with a banner is still kept, and a visitor who dismissed it gets
// a page of their own while the others are served the kept one.
func TestKnownIssueBannersOnKeptPages(t *testing.T) {
	t.Parallel()
	f := cachedForum(t)
	f.browser().get("/c/billing")
	if _, hit := f.served("/c/billing"); !hit {
		t.Fatal("the page was not kept")
	}
	mod := f.browser()
	mod.signIn("mori")
	grant(t, f, "mori", models.RoleModerator)
	mod.get("/mod/known-issues")
	if p := mod.post("/mod/known-issues", issueForm()); p.Status != http.StatusSeeOther {
		t.Fatalf("open: %d", p.Status)
	}
	p, hit := f.served("/c/billing")
	if hit {
		t.Error("a page kept from before the issue was served")
	}
	expect(t, p, http.StatusOK, `data-known-issue="1"`)
	if p, hit := f.served("/c/billing"); !hit || !strings.Contains(p.Body, `data-known-issue="1"`) {
		t.Errorf("a page with the banner was not kept (served from the cache: %v)", hit)
	}
	reader := f.browser()
	reader.postRaw("/known-issues/1/dismiss", url.Values{"next": {"/c/billing"}})
	refuse(t, reader.get("/c/billing"), `data-known-issue="1"`)
	if p, hit := f.served("/c/billing"); !hit || !strings.Contains(p.Body, `data-known-issue="1"`) {
		t.Errorf("another visitor lost the banner, or the kept page (served from the cache: %v)", hit)
	}
}
