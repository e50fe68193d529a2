package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hiroba/app"
	"hiroba/migrations"
	"hiroba/models"
	"hiroba/views"
)

// askedAt is when oldQuestion was asked: 00:42 in London is 09:42 in Tokyo
// and 19:42 the evening before in New York.
var askedAt = time.Date(2026, 2, 20, 0, 42, 0, 0, time.UTC)

const (
	askedUTC     = "Feb 20, 2026 00:42 UTC"
	askedTokyo   = "Feb 20, 2026 09:42 JST"
	askedTokyoJA = "2026年2月20日 09:42 JST"
	askedNewYork = "Feb 19, 2026 19:42 EST"
	askedStamp   = `datetime="2026-02-20T00:42:00Z"`
)

// oldQuestion stores a question asked long enough ago that its time is
// shown as a date, and returns its address.
func (f *forum) oldQuestion() string {
	f.t.Helper()
	ctx := context.Background()
	users, err := f.srv.Store.ImportUsers(ctx, []models.User{{Username: "yuki"}})
	if err != nil {
		f.t.Fatal(err)
	}
	threads, err := f.srv.Store.ImportThreads(ctx, []models.ImportedThread{{
		CategoryID: 1, Title: "Receipts for last year",
		Posts: []models.ImportedPost{{UserID: users[0].ID, Body: "Where are they?", CreatedAt: askedAt}},
	}})
	if err != nil {
		f.t.Fatal(err)
	}
	return views.ThreadPath(threads[0].ID, threads[0].Slug)
}

// chooseZone saves a zone on the settings page, leaving the rest as it is.
func (b *browser) chooseZone(zone string) {
	b.f.t.Helper()
	b.get("/settings/notifications")
	r := b.post("/settings/notifications", url.Values{"email": {"on"}, "reply": {"on"}, "lang": {"en"}, "tz": {zone}})
	if r.Status != http.StatusSeeOther {
		b.f.t.Fatalf("save zone %s: %d\n%s", zone, r.Status, r.Body)
	}
}

func TestUsersSeeTimesInTheirZone(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		thread := f.oldQuestion()
		hana, ken := f.browser(), f.browser()
		hana.signIn("hana")
		ken.signIn("ken")

		// Before choosing, the page offers the zone times are shown in now
		// and lets the script put the browser's in its place.
		expect(t, hana.get("/settings/notifications"), http.StatusOK, `data-zone-guess`, `<option value="UTC" selected>UTC</option>`)
		expect(t, hana.get(thread), http.StatusOK, askedStamp, askedUTC)

		hana.chooseZone("Asia/Tokyo")
		ken.chooseZone("America/New_York")
		page := hana.get(thread)
		expect(t, page, http.StatusOK, askedStamp, askedTokyo)
		refuse(t, page, askedUTC, askedNewYork)
		page = ken.get(thread)
		expect(t, page, http.StatusOK, askedStamp, askedNewYork)
		refuse(t, page, askedUTC, askedTokyo)
		expect(t, ken.get("/"), http.StatusOK, askedNewYork)

		// The choice is the user's: it holds in Japanese, and the script no
		// longer replaces it with a guess.
		settings := ken.get("/settings/notifications")
		expect(t, settings, http.StatusOK, `<option value="America/New_York" selected>America/New York</option>`)
		refuse(t, settings, `data-zone-guess`)
		hana.lang = "ja"
		expect(t, hana.get(thread), http.StatusOK, askedTokyoJA)
		if u := f.user("ken"); u.TimeZone != "America/New_York" {
			t.Errorf("stored zone %q", u.TimeZone)
		}
	})
}

func TestInvalidZoneComesBackWithTheForm(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		b := f.browser()
		b.signIn("hana")
		b.chooseZone("Asia/Tokyo")
		before, err := f.srv.Store.NotificationPrefs(context.Background(), f.user("hana").ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, zone := range []string{"Mars/Olympus", "Local", "../../etc/passwd", `Asia/Tokyo"><script>alert(1)</script>`} {
			b.get("/settings/notifications")
			r := b.post("/settings/notifications", url.Values{"mention": {"on"}, "lang": {"ja"}, "tz": {zone}})
			// The reason beside the select, and everything else as sent:
			// email off, only mentions, emails in Japanese.
			expect(t, r, http.StatusUnprocessableEntity,
				`aria-describedby="tz-help tz-error" aria-invalid="true"`,
				`<p class="field-error" id="tz-error" role="alert">Choose a time zone from the list. Nothing was saved; your other choices are still here.</p>`,
				`name="mention" checked`, `<option value="ja" lang="ja" selected>`,
				`<option value="Asia/Tokyo" selected>`)
			refuse(t, r, `name="email" checked`, `name="reply" checked`, "<script>alert(1)", "Mars/Olympus", "etc/passwd")
		}
		after, err := f.srv.Store.NotificationPrefs(context.Background(), f.user("hana").ID)
		if err != nil {
			t.Fatal(err)
		}
		if after != before || f.user("hana").TimeZone != "Asia/Tokyo" {
			t.Errorf("a refused form saved: %+v → %+v, zone %q", before, after, f.user("hana").TimeZone)
		}
		// The store refuses such a name whoever asks.
		if err := f.srv.Store.SaveSettings(context.Background(), after, "Mars/Olympus"); err == nil {
			t.Error("SaveSettings stored an unknown zone")
		}
	})
}

func TestZoneCookie(t *testing.T) {
	t.Parallel()
	f := newForum(t, migrations.SQLite)
	thread := f.oldQuestion()
	visit := func(cookie, lang string) page {
		t.Helper()
		b := f.browser()
		b.lang = lang
		if cookie != "" {
			b.cookies["hiroba_tz"] = cookie
		}
		return b.get(thread)
	}
	// The browser's zone, as the script reports it.
	expect(t, visit("America/New_York", "en"), http.StatusOK, askedNewYork)
	expect(t, visit("America/New_York", "ja"), http.StatusOK, "2026年2月19日 19:42 EST")
	// No report: the language's zone.
	expect(t, visit("", "en"), http.StatusOK, askedUTC)
	expect(t, visit("", "ja"), http.StatusOK, askedTokyoJA)
	// A forged report is ignored, never echoed.
	for _, forged := range []string{"Mars/Olympus", "Local", "../../../etc/localtime", "/usr/share/zoneinfo/Asia/Tokyo", "Asia/Tokyo<script>"} {
		p := visit(forged, "en")
		expect(t, p, http.StatusOK, askedUTC)
		refuse(t, p, "Olympus", "localtime", "zoneinfo", "<script>", "JST")
		expect(t, visit(forged, "ja"), http.StatusOK, askedTokyoJA)
	}
	// A user's own choice wins over what the browser says.
	b := f.browser()
	b.signIn("hana")
	b.chooseZone("Asia/Tokyo")
	b.cookies["hiroba_tz"] = "America/New_York"
	p := b.get(thread)
	expect(t, p, http.StatusOK, askedTokyo)
	refuse(t, p, askedNewYork)
	// A user who never chose reads in the browser's zone.
	ken := f.browser()
	ken.signIn("ken")
	ken.cookies["hiroba_tz"] = "America/New_York"
	expect(t, ken.get(thread), http.StatusOK, askedNewYork)
}

func TestPageCacheKeepsEachZoneApart(t *testing.T) {
	t.Parallel()
	f := newForumWith(t, migrations.SQLite, func(c *app.Config) { c.PageCacheTTL = time.Hour })
	thread := f.oldQuestion()
	visit := func(cookie string) page {
		t.Helper()
		b := f.browser()
		if cookie != "" {
			b.cookies["hiroba_tz"] = cookie
		}
		return b.get(thread)
	}
	// New York's visitor fills the cache first; nobody else gets that page.
	ny := visit("America/New_York")
	expect(t, ny, http.StatusOK, askedNewYork)
	for _, path := range []string{thread, "/"} {
		for _, v := range []struct{ cookie, want, not string }{
			{"America/New_York", askedNewYork, askedTokyo},
			{"Asia/Tokyo", askedTokyo, askedNewYork},
			{"", askedUTC, askedNewYork},
			{"Mars/Olympus", askedUTC, askedTokyo},
			{"Asia/Tokyo", askedTokyo, askedUTC},
			{"America/New_York", askedNewYork, askedUTC},
		} {
			b := f.browser()
			if v.cookie != "" {
				b.cookies["hiroba_tz"] = v.cookie
			}
			p := b.get(path)
			expect(t, p, http.StatusOK, v.want)
			refuse(t, p, v.not)
		}
	}
	// The second New York visitor was served the cached page.
	if again := visit("America/New_York"); again.Header.Get("ETag") != ny.Header.Get("ETag") || again.Body != ny.Body {
		t.Errorf("New York's page was not cached: ETag %q then %q", ny.Header.Get("ETag"), again.Header.Get("ETag"))
	}
}

// A silenced user is told until when in their own zone, not in UTC.
func TestSilenceEndsInTheUsersZone(t *testing.T) {
	t.Parallel()
	f := newForum(t, migrations.SQLite)
	thread := f.oldQuestion()
	ken := f.browser()
	ken.signIn("ken")
	ken.chooseZone("Asia/Tokyo")
	mod := f.browser()
	mod.signIn("mo")
	grant(t, f, "mo", models.RoleModerator)
	mod.get("/mod/u/ken")
	if r := mod.post("/mod/u/ken", url.Values{"action": {"silence"}, "days": {"3"}, "reason": {"Links"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("silence: %d", r.Status)
	}
	until := f.user("ken").SilencedUntil
	if until == nil {
		t.Fatal("not silenced")
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	ken.get(thread)
	sent := ken.post(thread[:strings.LastIndex(thread, "/")]+"/replies", url.Values{"body": {"my text stays"}})
	if sent.Status != http.StatusSeeOther {
		t.Fatalf("silenced reply: %d, want the thread with the reply kept", sent.Status)
	}
	p := ken.get(sent.Location)
	expect(t, p, http.StatusOK, "until "+until.In(tokyo).Format("Jan 2, 2006 15:04")+" JST.", "my text stays")
	refuse(t, p, until.UTC().Format(time.RFC3339))
}
