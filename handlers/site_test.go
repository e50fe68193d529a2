package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestNotFoundPagesUseTheLayout(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		for _, path := range []string{"/t/999", "/t/999/x", "/t/abc", "/c/nope", "/u/nobody", "/no/such/page", "/static/css/missing.css", "/lang/xx"} {
			p := f.browser().get(path)
			expect(t, p, http.StatusNotFound, "We could not find that page.", "not official support", `<html lang="en">`)
		}
		p := f.browser().do(newRequest(http.MethodGet, "/t/999", "ja"))
		expect(t, p, http.StatusNotFound, "ページが見つかりませんでした。", `<html lang="ja">`)
	})
}

func TestLanguage(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		b := f.browser()
		b.lang = "ja,en;q=0.8"
		expect(t, b.get("/"), http.StatusOK, `<html lang="ja">`, "最新のスレッド", "公式サポートではありません", "請求とサブスクリプション")
		r := b.get("/lang/en?next=/c/billing")
		if r.Status != http.StatusSeeOther || r.Location != "/c/billing" {
			t.Fatalf("switch: %d %q", r.Status, r.Location)
		}
		// The choice outlasts the browser's Accept-Language.
		expect(t, b.get("/c/billing"), http.StatusOK, `<html lang="en">`, "Billing &amp; subscriptions", "not official support")
		b.get("/lang/ja")
		expect(t, b.get("/"), http.StatusOK, `<html lang="ja">`)

		fr := f.browser()
		fr.lang = "fr-CH, fr;q=0.9"
		expect(t, fr.get("/"), http.StatusOK, `<html lang="en">`)

		// The return address never leaves the site.
		for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
			r := f.browser().get("/lang/ja?next=" + url.QueryEscape(next))
			if r.Location != "/" {
				t.Errorf("next=%q redirected to %q", next, r.Location)
			}
		}
	})
}

func TestEveryPageSaysItIsNotOfficialSupport(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		b := f.browser()
		b.signIn("hana")
		for _, path := range []string{"/", "/c/api", "/new", "/u/hana", "/login"} {
			expect(t, b.get(path), http.StatusOK, "This is a community forum, not official support.",
				"Community members cannot see your account", "Development sign-in is on")
		}
	})
}

func TestSignOutEndsTheSession(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		b := f.browser()
		b.signIn("hana")
		stolen := b.cookies["hiroba_session"]
		expect(t, b.get("/"), http.StatusOK, `href="/u/hana"`, "Sign out")
		r := b.post("/logout", url.Values{})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.Status)
		}
		expect(t, b.get("/"), http.StatusOK, "You are signed out.", "Sign in")
		// The old cookie no longer signs anyone in.
		replay := f.browser()
		replay.cookies["hiroba_session"] = stolen
		refuse(t, replay.get("/"), `href="/u/hana"`)
	})
}

func TestSignInRotatesTheSession(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		b := f.browser()
		b.signIn("hana")
		first := b.cookies["hiroba_session"]
		b.signIn("hana")
		if b.cookies["hiroba_session"] == first {
			t.Fatal("session token was not replaced at sign-in")
		}
		old := f.browser()
		old.cookies["hiroba_session"] = first
		refuse(t, old.get("/"), `href="/u/hana"`)
	})
}

func TestHostileTextIsEscaped(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		b := f.browser()
		b.signIn(`<img src=x onerror=alert(1)>`)
		b.get("/new")
		title := `<script>alert("t")</script> title`
		p := b.post("/new", url.Values{"category": {"1"}, "title": {title}, "body": {"<script>alert(1)</script>\n\n[x](javascript:alert(2))"}})
		page := f.browser().get(strings.Split(p.Location, "#")[0])
		expect(t, page, http.StatusOK, "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; title")
		expect(t, page, http.StatusOK, "&lt;img src=x onerror=alert(1)&gt;")
		refuse(t, page, "<script>alert", "javascript:alert", "<img src=x")
	})
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	f := newForum(t, "sqlite")
	p := f.browser().get("/")
	csp := p.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP = %q", csp)
	}
	for _, h := range []string{"X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
		if p.Header.Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
	login := f.browser().get("/login")
	if cookie := login.Header.Get("Set-Cookie"); !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") {
		t.Errorf("csrf cookie = %q", cookie)
	}
	// Anonymous reading pages set no cookie, so they stay cacheable.
	if c := f.browser().get("/").Header.Get("Set-Cookie"); c != "" {
		t.Errorf("anonymous home page sets a cookie: %q", c)
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	f := newForum(t, "sqlite")
	expect(t, f.browser().get("/healthz"), http.StatusOK, `"ok"`)
	expect(t, f.browser().get("/readyz"), http.StatusOK, `"ok"`)
}

func newRequest(method, path, lang string) *http.Request {
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("Accept-Language", lang)
	return req
}
