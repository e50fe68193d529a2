package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"hiroba/app"
	"hiroba/migrations"
)

func TestAnonymousPageCache(t *testing.T) {
	f := newForumWith(t, migrations.SQLite, func(c *app.Config) { c.PageCacheTTL = time.Hour })
	first := f.browser().get("/")
	etag := first.Header.Get("ETag")
	if first.Status != http.StatusOK || etag == "" {
		t.Fatalf("first visit: %d, ETag %q", first.Status, etag)
	}
	// A signed-in author sees their question at once; visitors get the
	// cached page until it expires.
	b := f.browser()
	b.signIn("hana")
	b.get("/new")
	b.post("/new", url.Values{"category": {"2"}, "title": {"Cached page question"}, "body": {"x"}})
	expect(t, b.get("/"), http.StatusOK, "Cached page question")
	refuse(t, f.browser().get("/"), "Cached page question")
	// Revalidation costs nothing.
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("If-None-Match", etag)
	if p := f.browser().do(req); p.Status != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", p.Status)
	}
	// Each language is its own page.
	ja := f.browser()
	ja.lang = "ja"
	expect(t, ja.get("/"), http.StatusOK, `<html lang="ja">`)
	// Pages that set a cookie (the sign-in form's CSRF token) are never kept.
	if c := f.browser().get("/login").Header.Get("Set-Cookie"); c == "" {
		t.Error("second visitor to /login got a cached page without its own CSRF cookie")
	}
}
