package handlers_test

import (
	"context"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"hiroba/app"
	"hiroba/handlers/ratelimit"
	"hiroba/migrations"
	"hiroba/models"
	"hiroba/models/modeltest"
)

// forum is a whole application over a fresh database, driven in-process
// through Fiber's app.Test with real sessions and CSRF tokens.
type forum struct {
	t   *testing.T
	srv *app.Server
}

func newForum(t *testing.T, dialect string) *forum {
	t.Helper()
	return newForumWith(t, dialect, func(*app.Config) {})
}

// newLimitedForum is a forum on SQLite whose search budget is rule.
func newLimitedForum(t *testing.T, rule ratelimit.Rule) *forum {
	t.Helper()
	return newForumWith(t, migrations.SQLite, func(c *app.Config) { c.Limits.Search = rule })
}

func newForumWith(t *testing.T, dialect string, configure func(*app.Config)) *forum {
	t.Helper()
	return newForumFrom(t, dialect, func(string) string { return "" }, configure)
}

// newForumFrom is newForumWith over a configuration read from an
// environment (getenv), as the server reads its own.
func newForumFrom(t *testing.T, dialect string, getenv func(string) string, configure func(*app.Config)) *forum {
	t.Helper()
	cfg, err := app.LoadConfig(getenv, nil)
	if err != nil {
		t.Fatal(err)
	}
	if getenv("HIROBA_UPLOADS") == "" {
		cfg.Uploads = "file:" + t.TempDir()
	}
	cfg.OCR = "off" // reading images' text takes seconds; the tests of it turn it on
	cfg.SessionSecret = "handler-test-secret-handler-test"
	switch dialect {
	case migrations.SQLite:
		cfg.DatabaseURL = modeltest.SQLiteURL(t)
	case migrations.Postgres:
		cfg.DatabaseURL = modeltest.PostgresSchemaURL(t)
	}
	cfg.PageCacheTTL = 0 // tests read their own writes as visitors at once
	configure(&cfg)
	srv, err := app.New(context.Background(), cfg, app.NewLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	modeltest.Relax(t, srv.Store)
	return &forum{t: t, srv: srv}
}

// staff reads the store as a moderator does, for checks behind the pages.
var staff = &models.User{ID: -1, Role: models.RoleModerator}

// eachDialect runs a test on SQLite and on PostgreSQL, side by side and
// beside the package's other parallel tests: each has a forum of its own.
func eachDialect(t *testing.T, fn func(t *testing.T, f *forum)) {
	eachDialectWith(t, func(*app.Config) {}, fn)
}

// eachDialectWith is eachDialect over forums configured for the test.
func eachDialectWith(t *testing.T, configure func(*app.Config), fn func(t *testing.T, f *forum)) {
	t.Parallel()
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, newForumWith(t, d, configure))
		})
	}
}

// browser keeps cookies between requests, as a browser would.
type browser struct {
	f       *forum
	cookies map[string]string
	paths   map[string]string // the path each cookie was set for
	lang    string
	csrf    string
}

func (f *forum) browser() *browser {
	return &browser{f: f, cookies: map[string]string{}, paths: map[string]string{}}
}

type page struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (b *browser) do(req *http.Request) page {
	b.f.t.Helper()
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	res, err := b.f.srv.App.Test(req, -1)
	if err != nil {
		b.f.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	for _, c := range res.Cookies() {
		path := cookiePath(c, req.URL.Path)
		if c.MaxAge < 0 || c.Value == "" {
			// A browser removes a cookie only when the path matches the one
			// it was set with; a clearing cookie for another path is a
			// different cookie and leaves the first in place.
			if set, ok := b.paths[c.Name]; !ok || set == path {
				delete(b.cookies, c.Name)
				delete(b.paths, c.Name)
			}
		} else {
			b.cookies[c.Name] = c.Value
			b.paths[c.Name] = path
		}
	}
	if m := csrfInput.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return page{Status: res.StatusCode, Body: string(body), Location: res.Header.Get("Location"), Header: res.Header}
}

// cookiePath is the path a cookie applies to: its own, or the directory of
// the request that set it (RFC 6265, 5.1.4).
func cookiePath(c *http.Cookie, requestPath string) string {
	if strings.HasPrefix(c.Path, "/") {
		return c.Path
	}
	if i := strings.LastIndex(requestPath, "/"); i > 0 {
		return requestPath[:i]
	}
	return "/"
}

func (b *browser) get(path string) page {
	b.f.t.Helper()
	return b.do(httptest.NewRequest(http.MethodGet, path, nil))
}

// post submits a form with the CSRF token of the last page seen, as the
// page's own form would.
func (b *browser) post(path string, form url.Values) page {
	b.f.t.Helper()
	if form.Get("_csrf") == "" && b.csrf != "" {
		form.Set("_csrf", b.csrf)
	}
	return b.postRaw(path, form)
}

func (b *browser) postRaw(path string, form url.Values) page {
	b.f.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// signIn uses the development sign-in, which is on because the default
// address is loopback and no provider is configured.
func (b *browser) signIn(username string) {
	b.f.t.Helper()
	b.get("/login")
	p := b.post("/auth/dev", url.Values{"username": {username}, "next": {"/"}})
	if p.Status != http.StatusSeeOther || b.cookies["hiroba_session"] == "" {
		b.f.t.Fatalf("dev sign-in: status %d, cookies %v\n%s", p.Status, b.cookies, p.Body)
	}
}

func expect(t *testing.T, p page, status int, contains ...string) {
	t.Helper()
	if p.Status != status {
		t.Fatalf("status = %d, want %d\n%s", p.Status, status, p.Body)
	}
	for _, s := range contains {
		if !strings.Contains(p.Body, s) {
			t.Errorf("page does not contain %q\n%s", s, p.Body)
		}
	}
}

func refuse(t *testing.T, p page, notContains ...string) {
	t.Helper()
	for _, s := range notContains {
		if i := strings.Index(p.Body, s); i >= 0 {
			t.Errorf("page must not contain %q: …%s…", s, p.Body[max(0, i-120):min(len(p.Body), i+len(s)+40)])
		}
	}
}

// replied reports that a reply was posted: a refused one is sent back to
// its thread too, but not to a post's anchor.
func replied(p page) bool {
	return p.Status == http.StatusSeeOther && strings.Contains(p.Location, "#p")
}

// escaped escapes text the way the templates do, to find it in a page.
func escaped(s string) string { return template.HTMLEscapeString(s) }

func threadFilterAll() models.ThreadFilter { return models.ThreadFilter{Viewer: staff} }
