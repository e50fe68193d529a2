package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hiroba/models"
)

// seedSearch writes a few threads through the store, as users would.
func seedSearch(t *testing.T, f *forum) {
	t.Helper()
	ctx := context.Background()
	hana, _, _ := f.srv.Store.SignInUser(ctx, models.SignIn{Provider: "t", ProviderUserID: "1", Nickname: "hana"})
	ken, _, _ := f.srv.Store.SignInUser(ctx, models.SignIn{Provider: "t", ProviderUserID: "2", Nickname: "ken"})
	threads := []struct {
		cat          int64
		title, body  string
		reply        string
		replyByKenTo bool
	}{
		{2, "請求書が届きません", "先月の請求書がメールで届きません。", "請求書は「設定 › 請求」から再発行できます。", true},
		{3, "API key returns 401 invalid_api_key", "My API key stopped working after rotation.", "Rotated keys take a minute; check the <b>Authorization</b> header.", true},
		{2, "Charged twice for one subscription", "I was billed twice this month.", "", false},
	}
	for _, th := range threads {
		created, err := f.srv.Store.CreateThread(ctx, models.NewThread{UserID: hana.ID, CategoryID: th.cat, Title: th.title, Body: th.body})
		if err != nil {
			t.Fatal(err)
		}
		if th.reply != "" {
			if _, err := f.srv.Store.CreateReply(ctx, models.NewReply{ThreadID: created.ID, UserID: ken.ID, Body: th.reply}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestSearchPage(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		seedSearch(t, f)
		b := f.browser()
		p := b.get("/search?q=" + url.QueryEscape("請求"))
		expect(t, p, http.StatusOK, "<mark>請求</mark>書が届きません", "1 thread found", `href="/t/1/`)

		// The result links to the matching post, in place.
		p = b.get("/search?q=" + url.QueryEscape("authorization header"))
		expect(t, p, http.StatusOK, "Reply by ken", "<mark>Authorization</mark>", "#p4")
		refuse(t, p, "<b>Authorization")

		// English stemming: billing finds billed.
		expect(t, b.get("/search?q=billing"), http.StatusOK, "Charged twice", "<mark>billed</mark>")

		// Filters: category, author, sort; bad ones explain themselves.
		expect(t, b.get("/search?q=twice&category=api"), http.StatusOK, "No threads match")
		expect(t, b.get("/search?q=twice&category=billing"), http.StatusOK, "Charged <mark>twice</mark> for one subscription")
		expect(t, b.get("/search?q=key&author=ken"), http.StatusOK, "Reply by ken")
		expect(t, b.get("/search?q=key&author=nobody"), http.StatusOK, "No user is called “nobody”.", `value="nobody"`)
		expect(t, b.get("/search?q=key&from=yesterday"), http.StatusOK, "Use a date like 2026-01-31.", `value="yesterday"`)
		expect(t, b.get("/search?q=twice&sort=newest&from=2000-01-01&to=2999-12-31"), http.StatusOK, "for one subscription")
		expect(t, b.get("/search?q=twice&to=2000-01-01"), http.StatusOK, "No threads match")

		// Japanese page, Japanese answer.
		b.lang = "ja"
		expect(t, b.get("/search?q=xyzzy"), http.StatusOK, "「xyzzy」に一致するスレッドはありません。")
	})
}

func TestSearchNeverFails(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		seedSearch(t, f)
		queries := []string{"", "   ", "the of and", `"unbalanced`, "-only -exclusions", "OR", "'; DROP TABLE posts; --",
			`%_\`, "a & b | !c <-> d", "NEAR(a b)", "title:foo", "*", "\xff\xfe", strings.Repeat("長", 1000),
			strings.Repeat("word ", 400), "<script>alert(1)</script>"}
		for _, q := range queries {
			p := f.browser().get("/search?q=" + url.QueryEscape(q) + "&page=" + url.QueryEscape("-3"))
			if p.Status != http.StatusOK {
				t.Errorf("query %q: status %d", q, p.Status)
			}
			refuse(t, p, "<script>alert(1)")
		}
		for _, page := range []string{"0", "abc", "99999999999999999999"} {
			expect(t, f.browser().get("/search?q=twice&page="+page), http.StatusOK)
		}
	})
}

func TestSimilarThreads(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		seedSearch(t, f)
		p := f.browser().get("/similar?title=" + url.QueryEscape("Why was I charged twice?"))
		expect(t, p, http.StatusOK, "These threads may already answer your question", "Charged twice for one subscription")
		refuse(t, p, "<html")
		p = f.browser().get("/similar?title=" + url.QueryEscape("請求書の再発行"))
		expect(t, p, http.StatusOK, "請求書が届きません")
		if p := f.browser().get("/similar?title=the"); strings.TrimSpace(p.Body) != "" {
			t.Errorf("stop words only: %q", p.Body)
		}

		// Without a script, previewing the question shows them too.
		b := f.browser()
		b.signIn("aiko")
		b.get("/new")
		p = b.post("/new", url.Values{"category": {"2"}, "title": {"Charged twice this month"}, "body": {"Help"}, "action": {"preview"}})
		expect(t, p, http.StatusOK, "These threads may already answer your question", "Charged twice for one subscription", `value="Charged twice this month"`)
		p = b.post("/new", url.Values{"category": {"2"}, "title": {"Completely unrelated zebra"}, "body": {"Help"}, "action": {"preview"}})
		expect(t, p, http.StatusOK, "No similar threads found.")
	})
}

func TestOpenSearchAndHeaderSearch(t *testing.T) {
	t.Parallel()
	f := newForum(t, "sqlite")
	p := f.browser().get("/opensearch.xml")
	expect(t, p, http.StatusOK, "<OpenSearchDescription", `/search?q={searchTerms}`, "<ShortName>Hiroba</ShortName>")
	if ct := p.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/opensearchdescription+xml") {
		t.Errorf("content type %q", ct)
	}
	expect(t, f.browser().get("/"), http.StatusOK, `action="/search"`, `rel="search"`)
}
