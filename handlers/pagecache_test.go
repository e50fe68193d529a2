package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"hiroba/app"
	"hiroba/migrations"
)

func TestAnonymousPageCache(t *testing.T) {
	t.Parallel()
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
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("If-None-Match", etag)
	if p := f.browser().do(req); p.Status != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", p.Status)
	}
	// Each language is its own page.
	ja := f.browser()
	ja.lang = "ja"
	expect(t, ja.get("/"), http.StatusOK, `<html lang="ja">`)
	// Pages with a form carry the visitor's own CSRF token and are never
	// shared, even when the visitor already had the cookie.
	one, two := f.browser(), f.browser()
	one.get("/login")
	one.get("/login")
	two.get("/login")
	if one.csrf == "" || one.csrf == two.csrf {
		t.Fatalf("visitors share a CSRF token: %q", one.csrf)
	}
	if p := two.post("/auth/dev", url.Values{"username": {"ken"}}); p.Status != http.StatusSeeOther {
		t.Errorf("dev sign-in after a cached login page: %d", p.Status)
	}
}
