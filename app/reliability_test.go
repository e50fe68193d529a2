package app

// What the forum promises when things go wrong underneath it: a question it
// said was posted is there after the process dies without warning; while
// the database is away every page says so politely and comes back by
// itself; and instances side by side share who is signed in and how many
// requests each address has left.

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"hiroba/handlers/ratelimit"
	"hiroba/migrations"
	"hiroba/models/modeltest"
	"hiroba/models/servicetest"
)

// unavailableText is the start of the page shown while the database is away.
const unavailableText = "The forum is briefly unavailable"

func TestAcknowledgedWriteSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	t.Parallel()
	bin, err := servicetest.BuildForum(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, dialect := range modeltest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			var dbURL string
			switch dialect {
			case migrations.SQLite:
				dbURL = "sqlite:" + filepath.Join(t.TempDir(), "hiroba.db")
			case migrations.Postgres:
				dbURL = modeltest.PostgresSchemaURL(t)
			}
			b := newBrowserClient(t)
			first := startForumProcess(t, bin, dbURL)
			signInDev(t, b, first.base, "kaito")

			title := "Printer forgets its tray after every reboot " + dialect
			resp := submitQuestion(t, b, first.base, title)
			// Nothing between the acknowledgement and the kill: no graceful
			// shutdown, no chance to flush what the commit did not.
			first.kill(t)
			loc := redirectTo(t, resp, http.StatusSeeOther)

			second := startForumProcess(t, bin, dbURL)
			page, body := getPage(t, b, second.base+loc.Path)
			if page.StatusCode != http.StatusOK {
				t.Fatalf("after kill -9 and restart: GET %s: status %d, want 200", loc.Path, page.StatusCode)
			}
			if !strings.Contains(body, html.EscapeString(title)) {
				t.Errorf("after kill -9 and restart: %s does not show the question %q", loc.Path, title)
			}
		})
	}
}

func TestDatabaseOutageGives503AndRecovers(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, migrations.Postgres)
	dbURL, err := url.Parse(cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := startTCPProxy(t, dbURL.Host)
	dbURL.Host = proxy.addr
	cfg.DatabaseURL = dbURL.String()
	_, forum := startServer(t, cfg)

	asker := newBrowserClient(t)
	signInDev(t, asker, forum, "hana")
	resp := submitQuestion(t, asker, forum, "Backups stop when the disk is nearly full")
	thread := redirectTo(t, resp, http.StatusSeeOther).Path
	reader := newBrowserClient(t)
	type visit struct {
		who  *http.Client
		path string
	}
	pages := []visit{{reader, "/"}, {reader, thread}, {asker, "/"}}
	for _, p := range pages {
		if got := statusOf(t, p.who, forum+p.path); got != http.StatusOK {
			t.Fatalf("before the outage: GET %s: status %d, want 200", p.path, got)
		}
	}
	assertReady(t, forum, http.StatusOK)

	proxy.stop()
	for _, p := range pages {
		resp, body := eventually(t, "GET "+p.path+" answers 503 while the database is away", func() (*http.Response, string) {
			return getPage(t, p.who, forum+p.path)
		}, func(r *http.Response, _ string) bool { return r.StatusCode == http.StatusServiceUnavailable })
		if !strings.Contains(body, unavailableText) {
			t.Errorf("outage: GET %s: page does not say %q; page:\n%s", p.path, unavailableText, body)
		}
		if got := resp.Header.Get("Retry-After"); got != "5" {
			t.Errorf("outage: GET %s: Retry-After = %q, want 5", p.path, got)
		}
		for _, internal := range []string{"dial tcp", "refused", "EOF", "failed to connect", "SQLSTATE", "bad connection"} {
			if strings.Contains(body, internal) {
				t.Errorf("outage: GET %s: page shows internal error text %q", p.path, internal)
			}
		}
	}
	eventually(t, "/readyz answers 503 while the database is away", func() (*http.Response, string) {
		return getPage(t, reader, forum+"/readyz")
	}, func(r *http.Response, _ string) bool { return r.StatusCode == http.StatusServiceUnavailable })
	if got := statusOf(t, reader, forum+"/healthz"); got != http.StatusOK {
		t.Errorf("outage: /healthz status %d, want 200: the process itself is fine", got)
	}

	// The same process, not a restarted one, must notice the database is back.
	proxy.restart(t)
	for _, p := range append(pages, visit{reader, "/readyz"}) {
		eventually(t, "GET "+p.path+" answers 200 once the database is back", func() (*http.Response, string) {
			return getPage(t, p.who, forum+p.path)
		}, func(r *http.Response, _ string) bool { return r.StatusCode == http.StatusOK })
	}
	// Still signed in: the session outlived the outage, as it lives in the
	// database.
	if _, body := getPage(t, asker, forum+"/"); !strings.Contains(body, `href="/u/hana"`) {
		t.Error("after the outage the asker is no longer signed in")
	}
}

func TestTwoInstancesShareSessionsAndLimits(t *testing.T) {
	const redisURL = "redis://127.0.0.1:6379/14"
	requireRedis(t, redisURL)
	cfg := testConfig(t, migrations.Postgres)
	cfg.RedisURL = redisURL
	// A rule of its own per run: counters left in Redis by an earlier run
	// (or a run beside this one) never count here.
	cfg.Limits.Search = ratelimit.Rule{Name: "search-" + randomHex(6), Limit: 3, Window: time.Minute}
	_, a := startServer(t, cfg)
	_, b := startServer(t, cfg)
	if a == b {
		t.Fatalf("both instances listen on %s", a)
	}

	// One browser, two addresses on the same host: cookies ignore the
	// port, so the session cookie A sets is sent to B, as a browser would
	// behind a load balancer.
	br := newBrowserClient(t)
	signInDev(t, br, a, "sora")
	assertPageSignedIn(t, br, b, "sora")
	resp := submitQuestion(t, br, b, "Sync stalls at ninety-nine percent")
	thread := redirectTo(t, resp, http.StatusSeeOther).Path
	page, body := getPage(t, br, a+thread)
	if page.StatusCode != http.StatusOK || !strings.Contains(body, "Sync stalls at ninety-nine percent") {
		t.Fatalf("question posted on B: GET %s on A: status %d, want 200 with the title", thread, page.StatusCode)
	}

	// Signing out on B ends the session for A too: it lives on the server.
	aURL, _ := url.Parse(a)
	var session *http.Cookie
	for _, c := range br.Jar.Cookies(aURL) {
		if c.Name == "hiroba_session" {
			session = c
		}
	}
	if session == nil {
		t.Fatal("no session cookie for A after signing in")
	}
	token := pageToken(t, br, b+"/")
	resp, err := br.PostForm(b+"/logout", url.Values{"_csrf": {token}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /logout on B: status %d, want 303", resp.StatusCode)
	}
	stale := newBrowserClient(t)
	stale.Jar.SetCookies(aURL, []*http.Cookie{{Name: session.Name, Value: session.Value, Path: "/"}})
	if _, body := getPage(t, stale, a+"/"); strings.Contains(body, `href="/u/sora"`) {
		t.Error("a session signed out on B still works on A")
	}

	// Both instances count against the one budget of this address.
	for i, base := range []string{a, b, a, b, a} {
		resp, _ := getPage(t, br, base+"/search?q=x")
		want := http.StatusOK
		if i >= 3 {
			want = http.StatusTooManyRequests
		}
		if resp.StatusCode != want {
			t.Fatalf("search %d of the rule's 3 (on %s): status %d, want %d", i+1, base, resp.StatusCode, want)
		}
		if want == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
			t.Errorf("search %d: 429 without Retry-After", i+1)
		}
	}
}

// eventually repeats a request until ok accepts its answer, with short
// pauses, and fails with the last answer if it never does. The deadline is a
// safety bound for a broken build, not a timing assertion.
func eventually(t *testing.T, what string, do func() (*http.Response, string), ok func(*http.Response, string) bool) (*http.Response, string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for tries := 1; ; tries++ {
		resp, body := do()
		if ok(resp, body) {
			if tries > 1 {
				t.Logf("%s: after %d tries", what, tries)
			}
			return resp, body
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still status %d after %d tries; page:\n%s", what, resp.StatusCode, tries, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func statusOf(t *testing.T, b *http.Client, rawURL string) int {
	t.Helper()
	resp, _ := getPage(t, b, rawURL)
	return resp.StatusCode
}

func assertReady(t *testing.T, forum string, want int) {
	t.Helper()
	if got := statusOf(t, http.DefaultClient, forum+"/readyz"); got != want {
		t.Fatalf("/readyz: status %d, want %d", got, want)
	}
}

func assertPageSignedIn(t *testing.T, b *http.Client, forum, username string) {
	t.Helper()
	resp, body := getPage(t, b, forum+"/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="/u/`+username+`"`) {
		t.Fatalf("GET %s/: status %d, want 200 signed in as %s", forum, resp.StatusCode, username)
	}
}

// newBrowserClient keeps cookies and stops at redirects, so a test sees
// each 303 and where it points.
func newBrowserClient(t *testing.T) *http.Client {
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

var (
	formTokenPattern = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	categoryPattern  = regexp.MustCompile(`<option value="(\d+)"`)
)

// pageToken reads the CSRF token from a page's forms.
func pageToken(t *testing.T, b *http.Client, rawURL string) string {
	t.Helper()
	resp, body := getPage(t, b, rawURL)
	m := formTokenPattern.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("GET %s: status %d, no CSRF token; page:\n%s", rawURL, resp.StatusCode, body)
	}
	return m[1]
}

// signInDev signs in with the loopback-only development form.
func signInDev(t *testing.T, b *http.Client, forum, username string) {
	t.Helper()
	token := pageToken(t, b, forum+"/login?next=/")
	resp, err := b.PostForm(forum+"/auth/dev", url.Values{"_csrf": {token}, "username": {username}, "next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || responseCookie(resp, "hiroba_session") == nil {
		t.Fatalf("POST /auth/dev as %s: status %d, want 303 with a session", username, resp.StatusCode)
	}
}

// submitQuestion posts a question in the first category and returns the
// forum's answer with its body already read.
func submitQuestion(t *testing.T, b *http.Client, forum, title string) *http.Response {
	t.Helper()
	resp, body := getPage(t, b, forum+"/new")
	token, category := formTokenPattern.FindStringSubmatch(body), categoryPattern.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || token == nil || category == nil {
		t.Fatalf("GET /new: status %d, want the composer with a token and a category; page:\n%s", resp.StatusCode, body)
	}
	resp, err := b.PostForm(forum+"/new", url.Values{
		"_csrf": {token[1]}, "category": {category[1]}, "title": {title},
		"body": {"It happens every time, on two machines. What should I check first?"},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func randomHex(n int) string {
	buf := make([]byte, n)
	_, _ = rand.Read(buf)
	return hex.EncodeToString(buf)
}

// requireRedis skips without a Redis to share (failing under CI instead).
func requireRedis(t *testing.T, rawURL string) {
	t.Helper()
	l, err := ratelimit.NewRedis(rawURL)
	if err != nil {
		redisStatus.Missing(fmt.Sprintf("unreachable at %s: %v", rawURL, err))
		if os.Getenv("CI") == "true" {
			t.Fatalf("Redis is required under CI but unreachable: %v", err)
		}
		t.Skipf("Redis unreachable at %s: %v", rawURL, err)
	}
	redisStatus.Ran()
	l.Close()
}

// forumProcess is the real binary serving on a loopback port.
type forumProcess struct {
	cmd    *exec.Cmd
	base   string
	exited chan struct{}
	output bytes.Buffer // read only after exited is closed
}

// startForumProcess runs `hiroba serve` over the database and waits until
// it answers /healthz. It is killed when the test ends.
func startForumProcess(t *testing.T, bin, dbURL string) *forumProcess {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", servicetest.FreePort(t))
	p := &forumProcess{base: "http://" + addr, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve")
	// Nothing from the environment that could turn on a provider or point
	// elsewhere: only what this test sets.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HIROBA_") {
			p.cmd.Env = append(p.cmd.Env, kv)
		}
	}
	p.cmd.Env = append(p.cmd.Env,
		"HIROBA_ADDR="+addr,
		"HIROBA_DATABASE_URL="+dbURL,
		"HIROBA_SESSION_SECRET=test-secret-test-secret-test-secret",
		"HIROBA_LOG_LEVEL=warn",
	)
	p.cmd.Stdout, p.cmd.Stderr = &p.output, &p.output
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
		if t.Failed() && p.output.Len() > 0 {
			t.Logf("output of the forum on %s:\n%s", addr, p.output.String())
		}
	})

	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(p.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-p.exited:
			t.Fatalf("the forum exited before answering /healthz: %v\n%s", p.cmd.ProcessState, p.output.String())
		case <-time.After(25 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the forum on %s did not answer /healthz: %v", addr, err)
		}
	}
}

// kill ends the process the way a crash or the OOM killer would.
func (p *forumProcess) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatal(err)
	}
	<-p.exited
}

// tcpProxy forwards a loopback port to the database. Stopping it is the
// database going away as the forum sees it: nothing listens, and every
// connection it had is cut. The machine's real database, which other tests
// use, is left alone.
type tcpProxy struct {
	addr     string // the same port across restarts
	upstream string

	mu      sync.Mutex
	ln      net.Listener
	conns   map[net.Conn]struct{}
	stopped bool
	wg      sync.WaitGroup
}

func startTCPProxy(t *testing.T, upstream string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{addr: ln.Addr().String(), upstream: upstream, conns: map[net.Conn]struct{}{}}
	p.serve(ln)
	t.Cleanup(p.stop)
	return p
}

func (p *tcpProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln, p.stopped = ln, false
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Add(1)
			go p.pipe(c)
		}
	}()
}

func (p *tcpProxy) pipe(down net.Conn) {
	defer p.wg.Done()
	if !p.track(down) {
		return
	}
	defer p.untrack(down)
	up, err := net.DialTimeout("tcp", p.upstream, 5*time.Second)
	if err != nil || !p.track(up) {
		if up != nil {
			up.Close()
		}
		return
	}
	defer p.untrack(up)
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(up, down)
		up.Close()
		down.Close()
		close(done)
	}()
	_, _ = io.Copy(down, up)
	up.Close()
	down.Close()
	<-done
}

// track records a connection so stop can cut it; after stop it refuses
// and closes it instead.
func (p *tcpProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *tcpProxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

// stop closes the listener and every connection, and waits for the
// forwarding to end.
func (p *tcpProxy) stop() {
	p.mu.Lock()
	p.stopped = true
	if p.ln != nil {
		p.ln.Close()
	}
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// restart listens again on the same port, as a database coming back would.
func (p *tcpProxy) restart(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatalf("proxy: listen again on %s: %v", p.addr, err)
	}
	p.serve(ln)
}
