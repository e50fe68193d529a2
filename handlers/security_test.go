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
)

// signInDirectly gives the browser a session for a new user the way a
// provider's sign-in would, for forums where the development form is off.
func (b *browser) signInDirectly(username string) {
	b.f.t.Helper()
	ctx := context.Background()
	u, _, err := b.f.srv.Store.SignInUser(ctx, models.SignIn{Provider: "test", ProviderUserID: username, Nickname: username})
	if err != nil {
		b.f.t.Fatal(err)
	}
	token, err := b.f.srv.Store.CreateSession(ctx, u.ID, time.Hour)
	if err != nil {
		b.f.t.Fatal(err)
	}
	b.cookies["hiroba_session"] = token
}

// setCookie is the Set-Cookie header a response gave for one cookie.
func setCookie(p page, name string) string {
	for _, c := range p.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, name+"=") {
			return c
		}
	}
	return ""
}

// An https public address, however its scheme is spelled, tells browsers
// to stay on https and makes every cookie Secure; an http one does neither.
func TestHTTPSSiteSendsHSTSAndSecureCookies(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"https://forum.example.com", "HTTPS://Forum.Example.com", "Https://forum.example.com/"} {
		f := newForumWith(t, migrations.SQLite, func(c *app.Config) { c.BaseURL = base })
		b := f.browser()
		home := b.get("/")
		if hsts := home.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
			t.Errorf("%s: Strict-Transport-Security = %q", base, hsts)
		}
		if hsts := b.get("/no/such/page").Header.Get("Strict-Transport-Security"); hsts == "" {
			t.Errorf("%s: error page without Strict-Transport-Security", base)
		}
		lang := b.get("/lang/ja")
		b.signInDirectly("hana")
		signedIn := b.get("/")
		out := b.post("/logout", url.Values{})
		for _, c := range []string{setCookie(lang, "hiroba_lang"), setCookie(signedIn, "hiroba_csrf"), setCookie(out, "hiroba_session"), setCookie(out, "hiroba_flash")} {
			if c == "" || !strings.Contains(strings.ToLower(c), "; secure") {
				t.Errorf("%s: cookie without Secure: %q", base, c)
			}
		}
	}

	f := newForum(t, migrations.SQLite)
	b := f.browser()
	if hsts := b.get("/").Header.Get("Strict-Transport-Security"); hsts != "" {
		t.Errorf("http site sends Strict-Transport-Security %q", hsts)
	}
	if c := setCookie(b.get("/lang/ja"), "hiroba_lang"); c == "" || strings.Contains(strings.ToLower(c), "; secure") {
		t.Errorf("http site: language cookie %q", c)
	}
}

// A forum on a loopback address behind a proxy (its public address is not
// this machine) is open to everyone: nobody may sign in as anybody there.
func TestDevSignInIsOffBehindAProxy(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"https://forum.example.com", "http://forum.example.com", "https://127.0.0.1:8080", "http://192.0.2.10:8080"} {
		f := newForumWith(t, migrations.SQLite, func(c *app.Config) { c.BaseURL = base })
		attacker := f.browser()
		login := attacker.get("/login")
		refuse(t, login, `name="username"`, "Development sign-in is on")
		// Whatever token the attacker can find, the form itself is gone.
		for _, p := range []string{"/", "/login", "/auth/dev", "/search?q=x"} {
			attacker.get(p)
		}
		r := attacker.post("/auth/dev", url.Values{"username": {"admin"}, "next": {"/"}})
		if r.Status == http.StatusSeeOther || attacker.cookies["hiroba_session"] != "" {
			t.Errorf("%s: development sign-in answered %d with cookies %v", base, r.Status, attacker.cookies)
		}
		refuse(t, attacker.get("/"), `href="/u/admin"`)
	}
}

// An error page for a signed-in user is rendered while the request's
// context is still live: the bell still counts what is unread.
func TestErrorPagesForSignedInUsersShowTheirUnreadCount(t *testing.T) {
	t.Parallel()
	f := newForum(t, migrations.SQLite)
	hana := f.browser()
	hana.signIn("hana")
	hana.ask("Invoices stopped arriving", "Since March, no invoice email.")
	f.browser().signIn("ken")
	f.reply(1, "ken", "Check the spam folder.")
	const bell = `<span class="bell-count">1</span>`
	expect(t, hana.get("/"), http.StatusOK, bell)
	expect(t, hana.get("/t/999/nothing-here"), http.StatusNotFound, "We could not find that page.", bell)
	expect(t, hana.get("/no/such/page"), http.StatusNotFound, bell)
	// A forged form (no CSRF token) is refused with a page that still knows her.
	expect(t, hana.postRaw("/t/1/replies", url.Values{"body": {"forged"}}), http.StatusForbidden, bell)
}
