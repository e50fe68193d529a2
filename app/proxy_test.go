// Tests of a forum behind reverse proxies: who the client is, which
// forwarding headers count, and what a proxied forum must not offer.
package app

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"hiroba/handlers/forwarded"
	"hiroba/handlers/ratelimit"
	"hiroba/migrations"
)

// logBuffer collects a server's log lines; the server writes from many
// goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// requestLine is the request log's line for a path, once it is written.
func (l *logBuffer) requestLine(t *testing.T, path string) string {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, line := range strings.Split(l.String(), "\n") {
			if strings.Contains(line, "msg=request") && strings.Contains(line, "path="+path+" ") {
				return line
			}
		}
	}
	t.Fatalf("no request log line for %s in:\n%s", path, l.String())
	return ""
}

// startLoggedServer runs a forum that logs every request into the buffer.
func startLoggedServer(t *testing.T, cfg Config) (string, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	_, base := startServerLogging(t, cfg, NewLogger(logs, "info"))
	return base, logs
}

// fetch sends one request as it arrives at the forum from whoever sits at
// 127.0.0.1, with the headers given (name, value, name, value, …).
func fetch(t *testing.T, method, rawURL string, headers ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func searchBudget(cfg *Config) {
	cfg.Limits.Search = ratelimit.Rule{Name: "search", Limit: 2, Window: time.Minute}
}

func secureCookie(resp *http.Response, name string) (found, secure bool) {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return true, c.Secure
		}
	}
	return false, false
}

// Behind a trusted proxy each client has its own budget: one client using
// up sign-in, search or posting does not lock out everyone else behind the
// proxy, and a client cannot forge its way to a fresh budget either.
func TestTrustedProxyGivesEachClientItsOwnBudget(t *testing.T) {
	cfg := testConfig(t, migrations.SQLite)
	searchBudget(&cfg)
	var err error
	if cfg.TrustedProxies, err = forwarded.Parse("127.0.0.1/32, 10.0.0.0/8"); err != nil {
		t.Fatal(err)
	}
	base, logs := startLoggedServer(t, cfg)
	search := func(q string, xff ...string) int {
		t.Helper()
		var h []string
		for _, v := range xff {
			h = append(h, "X-Forwarded-For", v)
		}
		return fetch(t, http.MethodGet, base+"/search?q="+q, h...).StatusCode
	}
	for i, want := range []int{200, 200, 429} {
		if got := search("a", "203.0.113.5"); got != want {
			t.Fatalf("client A, search %d: %d, want %d", i+1, got, want)
		}
	}
	if got := search("b", "203.0.113.6"); got != http.StatusOK {
		t.Fatalf("client B behind the same proxy was limited with client A: %d", got)
	}
	if line := logs.requestLine(t, "/search"); !strings.Contains(line, "ip=203.0.113.5") {
		t.Errorf("request log does not name the client: %s", line)
	}
	// Client A writes addresses of its own in front of what the proxy
	// appended; the proxy's word is the one that counts.
	for _, forged := range []string{"198.51.100.1, 203.0.113.5", "10.9.9.9, 203.0.113.5", "garbage, 203.0.113.5"} {
		if got := search("c", forged); got != http.StatusTooManyRequests {
			t.Errorf("client A forging X-Forwarded-For %q got a fresh budget: %d", forged, got)
		}
	}
	// Two proxies: the inner one is trusted too, so A is still A, and a
	// second header line counts as the list's continuation.
	if got := search("d", "203.0.113.5, 10.1.2.3"); got != http.StatusTooManyRequests {
		t.Errorf("client A through two proxies: %d", got)
	}
	if got := search("e", "198.51.100.9", "203.0.113.5"); got != http.StatusTooManyRequests {
		t.Errorf("client A in a second X-Forwarded-For line: %d", got)
	}
	if got := search("f", "203.0.113.7, 10.1.2.3"); got != http.StatusOK {
		t.Errorf("client C through two proxies: %d", got)
	}

	// The proxy says the client came over https: cookies are Secure.
	if found, secure := secureCookie(fetch(t, http.MethodGet, base+"/lang/ja", "X-Forwarded-Proto", "https"), "hiroba_lang"); !found || !secure {
		t.Errorf("cookie over https through the proxy: found %v, Secure %v", found, secure)
	}
}

// Without HIROBA_TRUSTED_PROXIES nobody's forwarding headers count: a
// client cannot pick its address, its scheme or its request id.
func TestForwardingHeadersFromUntrustedClientsAreIgnored(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, migrations.SQLite)
	searchBudget(&cfg)
	base, logs := startLoggedServer(t, cfg)
	for i, want := range []int{200, 200, 429, 429} {
		resp := fetch(t, http.MethodGet, base+"/search?q=x", "X-Forwarded-For", "203.0.113."+strconv.Itoa(i+1))
		if resp.StatusCode != want {
			t.Fatalf("search %d with a new X-Forwarded-For each time: %d, want %d", i+1, resp.StatusCode, want)
		}
	}
	if line := logs.requestLine(t, "/search"); !strings.Contains(line, "ip=127.0.0.1") {
		t.Errorf("request log believed a forged address: %s", line)
	}
	if found, secure := secureCookie(fetch(t, http.MethodGet, base+"/lang/ja", "X-Forwarded-Proto", "https"), "hiroba_lang"); !found || secure {
		t.Errorf("forged X-Forwarded-Proto: cookie found %v, Secure %v", found, secure)
	}
}

// A request id is the log's key to one request: only a trusted proxy may
// choose it, and only as a plain token.
func TestRequestIDOnlyFromTrustedProxies(t *testing.T) {
	t.Parallel()
	untrusted := testConfig(t, migrations.SQLite)
	base, logs := startLoggedServer(t, untrusted)
	resp := fetch(t, http.MethodGet, base+"/healthz", "X-Request-Id", "forged-request-id")
	if got := resp.Header.Get("X-Request-Id"); got == "" || got == "forged-request-id" {
		t.Errorf("untrusted client chose its request id: %q", got)
	}
	if line := logs.requestLine(t, "/healthz"); strings.Contains(line, "forged-request-id") {
		t.Errorf("request log carries the client's id: %s", line)
	}

	trusted := testConfig(t, migrations.SQLite)
	var err error
	if trusted.TrustedProxies, err = forwarded.Parse("127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	base, logs = startLoggedServer(t, trusted)
	resp = fetch(t, http.MethodGet, base+"/healthz", "X-Request-Id", "edge-7f3a9c")
	if got := resp.Header.Get("X-Request-Id"); got != "edge-7f3a9c" {
		t.Errorf("trusted proxy's request id was replaced: %q", got)
	}
	if line := logs.requestLine(t, "/healthz"); !strings.Contains(line, "id=edge-7f3a9c") {
		t.Errorf("request log lost the proxy's id: %s", line)
	}
	for _, odd := range []string{`"><script>alert(1)</script>`, strings.Repeat("x", 500)} {
		if got := fetch(t, http.MethodGet, base+"/healthz", "X-Request-Id", odd).Header.Get("X-Request-Id"); got == odd || got == "" {
			t.Errorf("request id %.40q kept as %.40q", odd, got)
		}
	}
}

// A forum listening on loopback behind a proxy, with no provider, must not
// offer the development sign-in to the internet, and says why in the log.
func TestDevSignInOffBehindProxySaysWhy(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, migrations.SQLite)
	cfg.BaseURL = "https://forum.example.com"
	base, logs := startLoggedServer(t, cfg)
	resp := fetch(t, http.MethodPost, base+"/auth/dev?"+url.Values{"username": {"admin"}}.Encode())
	if resp.StatusCode == http.StatusSeeOther {
		t.Errorf("development sign-in answered %d", resp.StatusCode)
	}
	out := logs.String()
	if !strings.Contains(out, "development sign-in is off") || !strings.Contains(out, "HIROBA_BASE_URL is not a loopback http address") {
		t.Errorf("log does not say why sign-in is off:\n%s", out)
	}
}
