//go:build unix

package handlers_test

import (
	"context"
	"html"
	"io"
	"math"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"hiroba/app"
	"hiroba/handlers"
	"hiroba/handlers/ratelimit"
)

// searchBenchQueries are what people type into a support forum's search box,
// chosen from the seeded vocabulary (models/seed) so that each one matches
// what it would on a real forum of that language mix: words in a large share
// of posts, words in a handful, phrases, an exclusion, an OR, Japanese words
// that become CJK bigrams, a single kanji that becomes a prefix match, and a
// query mixing both scripts. Their order is the order of the -v log.
var searchBenchQueries = []struct{ kind, q string }{
	{"common", "account"},
	{"common", "password"},
	{"common", "not working"},
	{"common", "how do I cancel my subscription"},
	{"common", "API key"},
	{"medium", "error"},
	{"medium", "refund"},
	{"rare", "stolen"},
	{"rare", "mastercard"},
	{"rare", "Chromebook"},
	{"phrase", `"recovery codes"`},
	{"phrase", `"429 Too Many Requests"`},
	{"exclusion", "rate limit -429"},
	{"or", "refund OR invoice"},
	{"japanese", "請求"},
	{"japanese", "返金"},
	{"japanese", "2段階認証"},
	{"japanese-1char", "請"},
	{"mixed", "API キー"},
	{"japanese", "サブスクリプション 解約"},
}

var resultCount = regexp.MustCompile(`<p class="result-count"[^>]*>([^<]*)</p>`)

// BenchmarkSearchQueries measures the search page over a database seeded
// beforehand (`hiroba seed`), whose URL is in HIROBA_BENCH_DATABASE_URL:
// each iteration GETs /search?q=… once for every query, through the whole
// Fiber handler chain in-process, and the metrics are the p50 and p95 of
// the latencies of all of them. Seeding a size worth measuring takes
// minutes, which is why the database is not made here; .ci/searchbench makes
// one and runs this.
func BenchmarkSearchQueries(b *testing.B) {
	dbURL := os.Getenv("HIROBA_BENCH_DATABASE_URL")
	if dbURL == "" {
		b.Skip("HIROBA_BENCH_DATABASE_URL is not set: this benchmark needs a seeded database; run .ci/searchbench [--postgres] --posts N")
	}
	// Only the database comes from the environment, so a developer's own
	// HIROBA_* settings (Redis, providers) cannot change what is measured.
	cfg, err := app.LoadConfig(func(key string) string {
		if key == "HIROBA_DATABASE_URL" {
			return dbURL
		}
		return ""
	}, nil)
	if err != nil {
		b.Fatal(err)
	}
	cfg.SessionSecret = "search-bench-secret-search-bench"
	// The anonymous page cache would answer every repeat of a query from
	// memory; what is measured is the search, as for the many queries that
	// are asked once.
	cfg.PageCacheTTL = 0
	// Thousands of searches a minute from one address is the point here, not
	// abuse: every budget is out of reach.
	unlimited := func(name string) ratelimit.Rule {
		return ratelimit.Rule{Name: name, Limit: math.MaxInt32, Window: time.Minute}
	}
	cfg.Limits = handlers.Limits{
		Post: unlimited("post"), PostIP: unlimited("post-ip"), Flag: unlimited("flag"),
		Vote: unlimited("vote"), Search: unlimited("search"), SignIn: unlimited("signin"),
	}
	srv, err := app.New(context.Background(), cfg, app.NewLogger(io.Discard, "error"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })

	handler := srv.App.Handler()
	remote := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
	reqs := make([]*fasthttp.Request, len(searchBenchQueries))
	ctxs := make([]*fasthttp.RequestCtx, len(searchBenchQueries))
	counts := make([]string, len(searchBenchQueries))
	anyResults := false
	for i, sq := range searchBenchQueries {
		req := &fasthttp.Request{}
		req.Header.SetMethod(fasthttp.MethodGet)
		req.SetRequestURI("/search?q=" + url.QueryEscape(sq.q))
		req.Header.SetHost("127.0.0.1:8080")
		req.Header.Set("Accept-Language", "en")
		reqs[i] = req
		ctxs[i] = &fasthttp.RequestCtx{}
		ctxs[i].Init(req, remote, nil)

		// The first request of each query checks the page and warms the
		// database's caches and the templates; it is not measured.
		handler(ctxs[i])
		body := string(ctxs[i].Response.Body())
		if status := ctxs[i].Response.StatusCode(); status != fasthttp.StatusOK {
			b.Fatalf("GET /search?q=%s: status %d, want 200\n%.2000s", sq.q, status, body)
		}
		m := resultCount.FindStringSubmatch(body)
		if m == nil {
			b.Fatalf("GET /search?q=%s: no result count on the page\n%.2000s", sq.q, body)
		}
		counts[i] = html.UnescapeString(strings.TrimSpace(m[1]))
		anyResults = anyResults || strings.ContainsAny(counts[i], "123456789")
		ctxs[i].Response.Reset()
	}
	if !anyResults {
		b.Fatal("no query found anything: is the database seeded? (hiroba seed --threads N -database URL)")
	}

	samples := make([][]time.Duration, len(searchBenchQueries))
	cpu := processCPU()
	for b.Loop() {
		for i, rc := range ctxs {
			start := time.Now()
			handler(rc)
			samples[i] = append(samples[i], time.Since(start))
			rc.Response.Reset()
		}
	}

	var all []time.Duration
	for i, s := range samples {
		all = append(all, s...)
		slices.Sort(s)
		b.Logf("%-15s p50 %7.2f ms  p95 %7.2f ms  %-36q %s",
			searchBenchQueries[i].kind, ms(percentile(s, 50)), ms(percentile(s, 95)), searchBenchQueries[i].q, counts[i])
	}
	slices.Sort(all)
	b.Logf("all %d searches: p50 %.2f ms, p95 %.2f ms, max %.2f ms", len(all), ms(percentile(all, 50)), ms(percentile(all, 95)), ms(all[len(all)-1]))
	b.ReportMetric(ms(percentile(all, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(all, 95)), "p95-ms")
	// Latency includes waiting for a CPU on a busy machine; this process's
	// CPU per search does not, and with SQLite it is all of the work.
	if used := processCPU() - cpu; cpu > 0 {
		b.ReportMetric(ms(used)/float64(len(all)), "cpu-ms/search")
	}
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[max(rank, 1)-1]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
