package scaleout

// What the harness does as people do it in a browser: sign in with the
// OpenID Connect provider, ask a question, reply, read a thread. Cookies
// ignore the port, so a browser's session and CSRF cookie reach HAProxy
// and every instance alike, as they would behind one host name.

import (
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"
)

// browser is one person's cookies, with a client that follows redirects
// as a browser does and one that stops at each, to see where a form sends
// it.
type browser struct {
	jar    *cookiejar.Jar
	follow *http.Client
	step   *http.Client
}

func newBrowser() *browser {
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{MaxIdleConnsPerHost: 4, IdleConnTimeout: 5 * time.Second}
	return &browser{
		jar:    jar,
		follow: &http.Client{Jar: jar, Transport: tr, Timeout: 15 * time.Second},
		step: &http.Client{Jar: jar, Transport: tr, Timeout: 15 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
}

// cookie is the value of one of the browser's cookies for the address.
func (b *browser) cookie(rawURL, name string) string {
	u, _ := url.Parse(rawURL)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// withOnly is another browser holding only the named cookies of this one:
// the same person signed in, without, say, the mark of having just written.
func (b *browser) withOnly(rawURL string, names ...string) *browser {
	other := newBrowser()
	u, _ := url.Parse(rawURL)
	var keep []*http.Cookie
	for _, name := range names {
		if v := b.cookie(rawURL, name); v != "" {
			keep = append(keep, &http.Cookie{Name: name, Value: v, Path: "/"})
		}
	}
	other.jar.SetCookies(u, keep)
	return other
}

// page is a response with its body read.
type page struct {
	status int
	header http.Header
	url    *url.URL // where the page came from, after redirects
	body   string
}

func fetch(c *http.Client, rawURL string) (page, error) {
	resp, err := c.Get(rawURL)
	if err != nil {
		return page{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return page{}, err
	}
	return page{status: resp.StatusCode, header: resp.Header, url: resp.Request.URL, body: string(body)}, nil
}

func mustFetch(t testing.TB, c *http.Client, rawURL string) page {
	t.Helper()
	p, err := fetch(c, rawURL)
	if err != nil {
		t.Fatalf("GET %s: %v", rawURL, err)
	}
	return p
}

var (
	csrfPattern     = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	categoryPattern = regexp.MustCompile(`<option value="(\d+)"`)
	threadPattern   = regexp.MustCompile(`^/t/(\d+)/[^#?]*`)
)

// token reads the CSRF token from a page's forms.
func (b *browser) token(t testing.TB, rawURL string) string {
	t.Helper()
	p := mustFetch(t, b.step, rawURL)
	m := csrfPattern.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || m == nil {
		t.Fatalf("GET %s: status %d, no CSRF token; page:\n%s", rawURL, p.status, p.body)
	}
	return m[1]
}

// signIn takes the whole OpenID Connect flow through the forum at base,
// following every redirect as a browser does: to the provider, which
// approves as the user queued, and back to the forum's callback, which
// may be answered by another instance than the one that began it.
func signIn(t testing.TB, idp *mockoidc.MockOIDC, base, username string) *browser {
	t.Helper()
	idp.QueueUser(&mockoidc.MockUser{Subject: "sub-" + username, Email: username + "@example.com", EmailVerified: true,
		PreferredUsername: username})
	b := newBrowser()
	p := mustFetch(t, b.follow, base+"/auth/oidc?next=/")
	if p.status != http.StatusOK || p.url.String() != base+"/" {
		t.Fatalf("sign-in as %s: ended on %s with status %d, want %s/ with 200; page:\n%s", username, p.url, p.status, base, p.body)
	}
	if !strings.Contains(p.body, `href="/u/`+username+`"`) {
		t.Fatalf("sign-in as %s: the home page does not name them; page:\n%s", username, p.body)
	}
	if b.cookie(base, "hiroba_session") == "" {
		t.Fatalf("sign-in as %s: no session cookie", username)
	}
	return b
}

// thread is a question as its asker's browser landed on it.
type thread struct {
	id    int64
	path  string // /t/ID/slug
	title string
	body  string
}

// ask posts a question in the first category.
func (b *browser) ask(t testing.TB, base, title, body string) thread {
	t.Helper()
	p := mustFetch(t, b.step, base+"/new")
	token, category := csrfPattern.FindStringSubmatch(p.body), categoryPattern.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || token == nil || category == nil {
		t.Fatalf("GET /new: status %d, want the composer with a token and a category; page:\n%s", p.status, p.body)
	}
	resp, err := b.step.PostForm(base+"/new", url.Values{
		"_csrf": {token[1]}, "category": {category[1]}, "title": {title}, "body": {body},
	})
	if err != nil {
		t.Fatalf("POST /new: %v", err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	loc, _ := resp.Location()
	if resp.StatusCode != http.StatusSeeOther || loc == nil || !strings.HasPrefix(loc.Fragment, "p") {
		t.Fatalf("POST /new %q: status %d to %v, want 303 to the question; page:\n%s", title, resp.StatusCode, loc, page)
	}
	m := threadPattern.FindStringSubmatch(loc.Path)
	if m == nil {
		t.Fatalf("POST /new: sent to %s, not a thread", loc)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return thread{id: id, path: m[0], title: title, body: body}
}

// errRefused is a reply the forum answered with the form again (a posting
// rule or a budget), not with the new post.
var errRefused = errors.New("reply refused: sent back to the form")

// reply posts a reply with a token already read and returns the new post's
// id and where the forum sent the browser. A post is acknowledged only by
// the 303 to it (#pID).
func (b *browser) reply(base string, threadID int64, token, body string) (int64, *url.URL, error) {
	resp, err := b.step.PostForm(fmt.Sprintf("%s/t/%d/replies", base, threadID), url.Values{"_csrf": {token}, "body": {body}})
	if err != nil {
		return 0, nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return 0, nil, fmt.Errorf("reply: status %d", resp.StatusCode)
	}
	loc, err := resp.Location()
	if err != nil {
		return 0, nil, err
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(loc.Fragment, "p"), 10, 64)
	if !strings.HasPrefix(loc.Fragment, "p") || err != nil {
		return 0, loc, fmt.Errorf("%w (%s)", errRefused, loc)
	}
	return id, loc, nil
}

func (b *browser) mustReply(t testing.TB, base string, th thread, body string) (int64, *url.URL) {
	t.Helper()
	id, loc, err := b.reply(base, th.id, b.token(t, base+th.path), body)
	if err != nil {
		t.Fatalf("reply to %s through %s: %v", th.path, base, err)
	}
	return id, loc
}

// showsPost reports whether a thread page shows the post with its text.
func showsPost(body string, postID int64, text string) bool {
	return strings.Contains(body, fmt.Sprintf(`id="p%d"`, postID)) && strings.Contains(body, html.EscapeString(text))
}
