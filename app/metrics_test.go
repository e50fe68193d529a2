package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"hiroba/handlers/forwarded"
	"hiroba/migrations"
	"hiroba/models"
	"hiroba/views"
)

// scrape reads /metrics as the given headers (name, value, …) make it, and
// returns the status and body.
func scrape(t *testing.T, base string, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// sample is the value of one series in a scrape, -1 when it is absent.
func sample(body, series string) float64 {
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err == nil {
				return f
			}
		}
	}
	return -1
}

// Without a token only a request made on this machine, straight to the
// forum, reads /metrics; through a proxy on this machine, trusted or not,
// it does not exist.
func TestMetricsOnlyForLocalRequestsWithoutToken(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, migrations.SQLite)
	_, base := startServer(t, cfg)
	if status, body := scrape(t, base); status != http.StatusOK || !strings.Contains(body, "hiroba_db_connections_open") {
		t.Fatalf("loopback scrape: %d\n%.500s", status, body)
	}
	for _, h := range [][]string{
		{"X-Forwarded-For", "203.0.113.9"},
		{"X-Forwarded-For", "127.0.0.1"}, // a proxy on this machine passing its own address on
		{"Forwarded", "for=203.0.113.9"},
		{"X-Real-Ip", "203.0.113.9"},
	} {
		if status, _ := scrape(t, base, h...); status != http.StatusNotFound {
			t.Errorf("scrape with %s: %d, want 404", h, status)
		}
	}

	// Behind a trusted proxy on this machine every request is someone's
	// passed on, with or without the header naming them.
	proxied := testConfig(t, migrations.SQLite)
	var err error
	if proxied.TrustedProxies, err = forwarded.Parse("127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	_, base = startServer(t, proxied)
	for _, h := range [][]string{{"X-Forwarded-For", "203.0.113.9"}, {}} {
		if status, _ := scrape(t, base, h...); status != http.StatusNotFound {
			t.Errorf("scrape through a trusted proxy %v: %d, want 404", h, status)
		}
	}

	// A peer elsewhere, without the help of any header.
	srv, err := New(context.Background(), testConfig(t, migrations.SQLite), NewLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, peer := range []net.IP{net.IPv4(203, 0, 113, 9), net.ParseIP("2001:db8::1"), net.IPv4(127, 0, 0, 1)} {
		var req fasthttp.Request
		req.SetRequestURI("/metrics")
		req.Header.SetHost("forum.example")
		var rc fasthttp.RequestCtx
		rc.Init(&req, &net.TCPAddr{IP: peer, Port: 40000}, nil)
		srv.App.Handler()(&rc)
		want := http.StatusNotFound
		if peer.IsLoopback() {
			want = http.StatusOK
		}
		if got := rc.Response.StatusCode(); got != want {
			t.Errorf("peer %s: %d, want %d", peer, got, want)
		}
	}
}

// With a token, /metrics answers only requests that carry it, wherever
// they come from.
func TestMetricsWithToken(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, migrations.SQLite)
	cfg.MetricsToken = "s3cret-scrape-token"
	var err error
	if cfg.TrustedProxies, err = forwarded.Parse("127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	_, base := startServer(t, cfg)
	for _, h := range [][]string{
		{},
		{"Authorization", "Bearer wrong"},
		{"Authorization", "Bearer s3cret-scrape-token-and-more"},
		{"Authorization", "s3cret-scrape-token"},
	} {
		if status, _ := scrape(t, base, h...); status != http.StatusNotFound {
			t.Errorf("scrape with %q: %d, want 404", h, status)
		}
	}
	status, body := scrape(t, base, "Authorization", "Bearer s3cret-scrape-token", "X-Forwarded-For", "203.0.113.9")
	if status != http.StatusOK || !strings.Contains(body, "hiroba_http_requests_total") {
		t.Fatalf("scrape with the token from afar: %d\n%.500s", status, body)
	}
}

// HIROBA_METRICS=off counts nothing and serves no /metrics.
func TestMetricsOff(t *testing.T) {
	t.Parallel()
	cfg, err := LoadConfig(func(k string) string {
		if k == "HIROBA_METRICS" {
			return "off"
		}
		return ""
	}, nil)
	if err != nil || cfg.Metrics {
		t.Fatalf("HIROBA_METRICS=off: metrics %v, err %v", cfg.Metrics, err)
	}
	c := testConfig(t, migrations.SQLite)
	c.Metrics = false
	_, base := startServer(t, c)
	if status, _ := scrape(t, base); status != http.StatusNotFound {
		t.Errorf("/metrics with metrics off: %d", status)
	}
}

// What the scrape says follows what the forum did: requests by route
// pattern and status class, pages served from the cache under the route
// that rendered them, refusals by rule, posts by outcome, the mail queue.
func TestMetricsCountWhatHappened(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, migrations.SQLite)
	cfg.PageCacheTTL = time.Minute
	searchBudget(&cfg)
	srv, base := startServer(t, cfg)
	ctx := context.Background()
	store := srv.Store

	asker, _, err := store.SignInUser(ctx, models.SignIn{Provider: "test", ProviderUserID: "1", Nickname: "asker"})
	if err != nil {
		t.Fatal(err)
	}
	admin, _, err := store.SignInUser(ctx, models.SignIn{Provider: "test", ProviderUserID: "2", Nickname: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.GrantRole(ctx, "admin", models.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	admin.Role = models.RoleAdmin
	if err := store.AddWatchedWord(ctx, admin, models.WatchedWord{Pattern: "holdme", Kind: "word", Action: models.WatchHold}); err != nil {
		t.Fatal(err)
	}
	if err := store.AddWatchedWord(ctx, admin, models.WatchedWord{Pattern: "blockme", Kind: "word", Action: models.WatchBlock}); err != nil {
		t.Fatal(err)
	}
	cats, err := store.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	th, err := store.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: cats[0].ID, Title: "How do I export my data?", Body: "Where is the export button?"})
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"It is under settings.", "Please holdme for review.", "This says blockme."} {
		_, _ = store.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: asker.ID, Body: body})
	}

	path := views.ThreadPath(th.ID, th.Slug)
	for range 3 {
		if resp := fetch(t, http.MethodGet, base+path); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
	}
	fetch(t, http.MethodGet, base+"/no/such/page")
	fetch(t, http.MethodGet, base+"/t/999999/gone")
	for _, q := range []string{"export", "button", "settings"} {
		fetch(t, http.MethodGet, base+"/search?q="+q)
	}
	if err := store.EnqueueMail(ctx, &models.Mail{To: "a@example.com", Subject: "s", Body: "b", Headers: map[string]string{},
		NextAttemptAt: time.Now().Add(time.Hour), CreatedAt: time.Now().Add(-90 * time.Second)}); err != nil {
		t.Fatal(err)
	}

	status, body := scrape(t, base)
	if status != http.StatusOK {
		t.Fatalf("scrape: %d", status)
	}
	thread := `route="/t/:id<int>/:slug"`
	for series, want := range map[string]float64{
		`hiroba_http_requests_total{method="GET",` + thread + `,status="2xx"}`:    3,
		`hiroba_http_requests_total{method="GET",` + thread + `,status="4xx"}`:    1,
		`hiroba_http_requests_total{method="GET",route="other",status="4xx"}`:     1,
		`hiroba_http_requests_total{method="GET",route="/search",status="2xx"}`:   2,
		`hiroba_http_requests_total{method="GET",route="/search",status="4xx"}`:   1,
		`hiroba_http_request_duration_seconds_count{method="GET",` + thread + `}`: 4,
		`hiroba_rate_limit_refusals_total{rule="search"}`:                         1,
		`hiroba_posts_total{kind="question",outcome="published"}`:                 1,
		`hiroba_posts_total{kind="reply",outcome="published"}`:                    1,
		`hiroba_posts_total{kind="reply",outcome="held"}`:                         1,
		`hiroba_posts_total{kind="reply",outcome="refused"}`:                      1,
		`hiroba_page_cache_lookups_total{result="hit"}`:                           2,
		`hiroba_mail_queue_waiting`:                                               1,
	} {
		if got := sample(body, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if age := sample(body, "hiroba_mail_queue_oldest_age_seconds"); age < 89 || age > 600 {
		t.Errorf("oldest mail age %v, want about 90", age)
	}
	// No raw paths: every route label is a pattern or "other".
	for _, m := range regexp.MustCompile(`route="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		if strings.Contains(m[1], "999999") || strings.Contains(m[1], "no/such") {
			t.Errorf("a raw path became a label: %s", m[0])
		}
	}
	if sample(body, "go_goroutines") <= 0 || sample(body, "hiroba_db_connections_max_open") <= 0 {
		t.Errorf("runtime or pool figures missing:\n%.3000s", body)
	}
}
