package app

// Sign-in through a real OpenID Connect provider on loopback. Each hop of
// the redirect dance is taken by hand, so the test sees what a browser
// would: the provider's address, the state it carries, and the cookies set
// on the way back.

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"hiroba/models"
	"hiroba/models/modeltest"
)

const expiredSignInText = "That sign-in attempt expired or did not start here."

func TestOAuthSignInCreatesThenReusesUser(t *testing.T) {
	t.Parallel()
	for _, dialect := range modeltest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			idp := startOIDC(t)
			srv, forum := startServer(t, oidcConfig(t, dialect, idp))
			ctx := context.Background()

			ayaka := &mockoidc.MockUser{Subject: "sub-ayaka", Email: "ayaka@example.com", EmailVerified: true, PreferredUsername: "ayaka"}
			if _, err := srv.Store.UserByUsername(ctx, "ayaka"); !errors.Is(err, models.ErrNotFound) {
				t.Fatalf("before any sign-in: UserByUsername(ayaka) error = %v, want ErrNotFound", err)
			}

			idp.QueueUser(ayaka)
			first := newOAuthClient(t)
			oauthSignIn(t, first, forum, idp, "/new")
			assertSignedInAs(t, first, forum, "ayaka")
			created, err := srv.Store.UserByUsername(ctx, "ayaka")
			if err != nil {
				t.Fatalf("after first sign-in: %v", err)
			}
			if created.Email != ayaka.Email {
				t.Errorf("email = %q, want %q", created.Email, ayaka.Email)
			}

			// The same subject from another browser is the same person.
			idp.QueueUser(ayaka)
			second := newOAuthClient(t)
			oauthSignIn(t, second, forum, idp, "/new")
			assertSignedInAs(t, second, forum, "ayaka")
			again, err := srv.Store.UserByUsername(ctx, "ayaka")
			if err != nil {
				t.Fatal(err)
			}
			if again.ID != created.ID {
				t.Errorf("second sign-in: user id %d, want %d", again.ID, created.ID)
			}
			if _, err := srv.Store.UserByUsername(ctx, "ayaka2"); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("second sign-in made another user: UserByUsername(ayaka2) error = %v", err)
			}

			// A different subject with the same nickname is someone else,
			// which is what makes the ayaka2 check above mean something.
			idp.QueueUser(&mockoidc.MockUser{Subject: "sub-other", Email: "other@example.com", PreferredUsername: "ayaka"})
			third := newOAuthClient(t)
			oauthSignIn(t, third, forum, idp, "/new")
			assertSignedInAs(t, third, forum, "ayaka2")
			other, err := srv.Store.UserByUsername(ctx, "ayaka2")
			if err != nil {
				t.Fatal(err)
			}
			if other.ID == created.ID {
				t.Errorf("a different subject signed in as user %d", created.ID)
			}
		})
	}
}

func TestOAuthStateMismatchIsRefused(t *testing.T) {
	t.Parallel()
	for _, dialect := range modeltest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			idp := startOIDC(t)
			srv, forum := startServer(t, oidcConfig(t, dialect, idp))
			ctx := context.Background()

			t.Run("tampered state", func(t *testing.T) {
				idp.QueueUser(&mockoidc.MockUser{Subject: "sub-kenji", PreferredUsername: "kenji"})
				b := newOAuthClient(t)
				callback := authorizeAtProvider(t, b, beginOAuth(t, b, forum, idp, "/"), forum)
				tampered := *callback
				q := tampered.Query()
				q.Set("state", q.Get("state")+"x")
				tampered.RawQuery = q.Encode()
				assertCallbackRefused(t, b, &tampered)

				// The refused callback spent the attempt: the genuine state
				// no longer works either, so a state cannot be guessed at.
				assertCallbackRefused(t, b, callback)
				if _, err := srv.Store.UserByUsername(ctx, "kenji"); !errors.Is(err, models.ErrNotFound) {
					t.Errorf("refused sign-in created a user: error = %v", err)
				}
			})

			t.Run("another browser's callback", func(t *testing.T) {
				idp.QueueUser(&mockoidc.MockUser{Subject: "sub-mika", PreferredUsername: "mika"})
				victim := newOAuthClient(t)
				callback := authorizeAtProvider(t, victim, beginOAuth(t, victim, forum, idp, "/"), forum)

				// Without a flow of its own, and with one of its own: either
				// way the code and state were not issued to this browser.
				attacker := newOAuthClient(t)
				assertCallbackRefused(t, attacker, callback)
				beginOAuth(t, attacker, forum, idp, "/")
				assertCallbackRefused(t, attacker, callback)

				// The refusals did not redeem the code (the provider takes
				// each code once), so the browser that started it finishes.
				finishOAuth(t, victim, callback, "/")
				assertSignedInAs(t, victim, forum, "mika")
			})
		})
	}
}

func TestOAuthLoginPageOffersOnlyTheProvider(t *testing.T) {
	t.Parallel()
	for _, dialect := range modeltest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			idp := startOIDC(t)
			srv, forum := startServer(t, oidcConfig(t, dialect, idp))

			b := newOAuthClient(t)
			resp, body := getPage(t, b, forum+"/login?next=/new")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET /login: status %d", resp.StatusCode)
			}
			if !strings.Contains(body, "Continue with Example SSO") {
				t.Errorf("login page does not offer the provider by its label; page:\n%s", body)
			}
			if m := oidcLinkPattern.FindStringSubmatch(body); m == nil {
				t.Error("login page has no link to /auth/oidc")
			} else if link, err := url.Parse(html.UnescapeString(m[1])); err != nil || link.Query().Get("next") != "/new" {
				t.Errorf("provider link %q does not carry next=/new", m[1])
			}
			for _, unwanted := range []string{`action="/auth/dev"`, `class="dev-banner"`} {
				if strings.Contains(body, unwanted) {
					t.Errorf("login page offers the development sign-in: has %q", unwanted)
				}
			}

			// Closed on the server too, not only hidden: even with a valid
			// CSRF token the development sign-in does not exist.
			idp.QueueUser(&mockoidc.MockUser{Subject: "sub-yui", PreferredUsername: "yui"})
			oauthSignIn(t, b, forum, idp, "/")
			token := pageCSRFToken(t, b, forum)
			resp, err := b.PostForm(forum+"/auth/dev", url.Values{"_csrf": {token}, "username": {"mallory"}, "next": {"/"}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("POST /auth/dev with providers configured: status %d, want 404", resp.StatusCode)
			}
			if _, err := srv.Store.UserByUsername(context.Background(), "mallory"); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("development sign-in created a user: error = %v", err)
			}
		})
	}
}

// startOIDC runs an OpenID Connect provider on loopback until the test ends.
// Its authorize endpoint approves at once, as the user queued next (or its
// default user when none is queued).
func startOIDC(t *testing.T) *mockoidc.MockOIDC {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Shutdown(); err != nil {
			t.Errorf("stop OIDC provider: %v", err)
		}
	})
	return m
}

// oidcConfig is a forum whose only sign-in is the provider.
func oidcConfig(t *testing.T, dialect string, idp *mockoidc.MockOIDC) Config {
	t.Helper()
	cfg := testConfig(t, dialect)
	c := idp.Config()
	cfg.OIDCIssuer, cfg.OIDCClientID, cfg.OIDCClientSecret = c.Issuer, c.ClientID, c.ClientSecret
	cfg.OIDCName = "Example SSO"
	return cfg
}

// newOAuthClient keeps cookies like a browser but stops at every
// redirect, so each hop can be checked.
func newOAuthClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func getPage(t *testing.T, b *http.Client, rawURL string) (*http.Response, string) {
	t.Helper()
	resp, err := b.Get(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// redirectTo checks the status of a redirect and returns where it points,
// resolved against the request.
func redirectTo(t *testing.T, resp *http.Response, status int) *url.URL {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d", resp.Request.Method, resp.Request.URL, resp.StatusCode, status)
	}
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("%s: %v", resp.Request.URL, err)
	}
	return loc
}

func responseCookie(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// oauthSignIn takes the whole flow from the forum to the provider and back.
func oauthSignIn(t *testing.T, b *http.Client, forum string, idp *mockoidc.MockOIDC, next string) {
	t.Helper()
	authURL := beginOAuth(t, b, forum, idp, next)
	finishOAuth(t, b, authorizeAtProvider(t, b, authURL, forum), next)
}

// beginOAuth asks the forum to sign in and returns the provider address it
// sends the browser to.
func beginOAuth(t *testing.T, b *http.Client, forum string, idp *mockoidc.MockOIDC, next string) *url.URL {
	t.Helper()
	resp, _ := getPage(t, b, forum+"/auth/oidc?next="+url.QueryEscape(next))
	authURL := redirectTo(t, resp, http.StatusSeeOther)
	if got, want := authURL.String(), idp.AuthorizationEndpoint()+"?"; !strings.HasPrefix(got, want) {
		t.Fatalf("sign-in sends the browser to %s, want the issuer's authorize endpoint %s", got, idp.AuthorizationEndpoint())
	}
	q := authURL.Query()
	if q.Get("state") == "" {
		t.Errorf("authorize URL carries no state: %s", authURL)
	}
	if got, want := q.Get("redirect_uri"), forum+"/auth/oidc/callback"; got != want {
		t.Errorf("redirect_uri = %q, want %q", got, want)
	}
	if got, want := q.Get("client_id"), idp.ClientID; got != want {
		t.Errorf("client_id = %q, want %q", got, want)
	}
	if scope := strings.Fields(q.Get("scope")); !slices.Contains(scope, "openid") {
		t.Errorf("scope = %q, want openid in it", q.Get("scope"))
	}
	st := responseCookie(resp, "hiroba_oauth")
	switch {
	case st == nil || st.Value == "":
		t.Fatal("sign-in set no hiroba_oauth cookie")
	case st.Path != "/auth/":
		t.Errorf("hiroba_oauth path = %q, want /auth/", st.Path)
	case !st.HttpOnly:
		t.Error("hiroba_oauth is readable by scripts")
	case st.SameSite != http.SameSiteLaxMode:
		// Strict would drop it on the provider's cross-site redirect back.
		t.Errorf("hiroba_oauth SameSite = %v, want Lax", st.SameSite)
	}
	return authURL
}

// authorizeAtProvider visits the provider, which approves and sends the
// browser back to the forum's callback with a code and the state it was
// given.
func authorizeAtProvider(t *testing.T, b *http.Client, authURL *url.URL, forum string) *url.URL {
	t.Helper()
	resp, _ := getPage(t, b, authURL.String())
	callback := redirectTo(t, resp, http.StatusFound)
	if got, want := callback.Scheme+"://"+callback.Host+callback.Path, forum+"/auth/oidc/callback"; got != want {
		t.Fatalf("provider sends the browser back to %s, want %s", got, want)
	}
	q := callback.Query()
	if q.Get("code") == "" {
		t.Errorf("callback carries no code: %s", callback)
	}
	if got, want := q.Get("state"), authURL.Query().Get("state"); got != want {
		t.Errorf("callback state = %q, want %q", got, want)
	}
	return callback
}

// finishOAuth follows the provider's redirect into the forum, which signs
// in and lands on next.
func finishOAuth(t *testing.T, b *http.Client, callback *url.URL, next string) {
	t.Helper()
	resp, body := getPage(t, b, callback.String())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("callback: status %d, want 303; page:\n%s", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Location"); got != next {
		t.Errorf("callback redirects to %q, want %q", got, next)
	}
	if s := responseCookie(resp, "hiroba_session"); s == nil || s.Value == "" {
		t.Fatal("callback set no hiroba_session cookie")
	}
}

// assertSignedInAs checks the header of the home page names the user.
func assertSignedInAs(t *testing.T, b *http.Client, forum, username string) {
	t.Helper()
	resp, body := getPage(t, b, forum+"/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /: status %d", resp.StatusCode)
	}
	if want := `href="/u/` + username + `"`; !strings.Contains(body, want) {
		t.Errorf("home page does not link the signed-in user: no %s", want)
	}
	if !strings.Contains(body, "Sign out") {
		t.Error("home page has no Sign out button")
	}
}

// assertCallbackRefused checks the callback is turned away without a session.
func assertCallbackRefused(t *testing.T, b *http.Client, callback *url.URL) {
	t.Helper()
	resp, body := getPage(t, b, callback.String())
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("callback: status %d, want 400", resp.StatusCode)
	}
	if s := responseCookie(resp, "hiroba_session"); s != nil && s.Value != "" {
		t.Error("refused callback set a session cookie")
	}
	for _, c := range b.Jar.Cookies(callback) {
		if c.Name == "hiroba_session" {
			t.Error("browser holds a session after a refused callback")
		}
	}
	if !strings.Contains(body, expiredSignInText) {
		t.Errorf("refusal page does not say the sign-in expired; page:\n%s", body)
	}
}

var oidcLinkPattern = regexp.MustCompile(`href="(/auth/oidc\?[^"]*)"`)

var csrfFieldPattern = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// pageCSRFToken reads the token a signed-in page gives its forms.
func pageCSRFToken(t *testing.T, b *http.Client, forum string) string {
	t.Helper()
	_, body := getPage(t, b, forum+"/")
	m := csrfFieldPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("home page has no CSRF token")
	}
	return m[1]
}
