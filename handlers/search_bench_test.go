//go:build unix

package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"math"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

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

// benchDatabase is one seeded database under the benchmark and what was
// measured on it.
type benchDatabase struct {
	label   string
	handler fasthttp.RequestHandler
	ctxs    []*fasthttp.RequestCtx
	counts  []string          // the result count each query's page shows
	samples [][]time.Duration // per query
	server  *serverCPU        // PostgreSQL's own CPU; nil on SQLite
}

// benchDatabases reads HIROBA_BENCH_DATABASE_URL: one database URL, or
// several separated by spaces, each optionally named as label=URL.
func benchDatabases(env string) (labels, urls []string) {
	for i, field := range strings.Fields(env) {
		label, url := fmt.Sprintf("db%d", i+1), field
		if name, rest, ok := strings.Cut(field, "="); ok && !strings.ContainsAny(name, ":/?") {
			label, url = name, rest
		}
		labels, urls = append(labels, label), append(urls, url)
	}
	return labels, urls
}

// BenchmarkSearchQueries measures the search page over databases seeded
// beforehand (`hiroba seed`), whose URLs are in HIROBA_BENCH_DATABASE_URL
// (see benchDatabases): each iteration GETs /search?q=… once for every query
// on every database, through the whole Fiber handler chain in-process, and
// the metrics are the p50 and p95 of the latencies of all of them. The
// databases take turns query by query, so that a machine busy with other
// work slows them alike, and the growth from the first database to the last
// (given smallest first) is a ratio measured under one load. Seeding a size
// worth measuring takes minutes, which is why the databases are not made
// here; .ci/searchbench makes them and runs this.
func BenchmarkSearchQueries(b *testing.B) {
	labels, urls := benchDatabases(os.Getenv("HIROBA_BENCH_DATABASE_URL"))
	if len(urls) == 0 {
		b.Skip("HIROBA_BENCH_DATABASE_URL is not set: this benchmark needs a seeded database; run .ci/searchbench [--postgres] --posts N")
	}
	dbs := make([]*benchDatabase, len(urls))
	for i, url := range urls {
		dbs[i] = openSearchBench(b, labels[i], url)
	}

	for _, d := range dbs {
		d.server.start()
	}
	cpu := processCPU()
	for b.Loop() {
		for i := range searchBenchQueries {
			for _, d := range dbs {
				rc := d.ctxs[i]
				start := time.Now()
				d.handler(rc)
				d.samples[i] = append(d.samples[i], time.Since(start))
				rc.Response.Reset()
			}
		}
	}
	used := processCPU() - cpu
	for _, d := range dbs {
		d.server.stop()
	}

	var p50, p95 []float64
	for _, d := range dbs {
		all := d.report(b)
		p50, p95 = append(p50, ms(percentile(all, 50))), append(p95, ms(percentile(all, 95)))
	}
	last := len(dbs) - 1
	b.ReportMetric(p50[last], "p50-ms")
	b.ReportMetric(p95[last], "p95-ms")
	if last > 0 {
		b.Logf("growth %s → %s: p50 %.1f×, p95 %.1f×", dbs[0].label, dbs[last].label, p50[last]/p50[0], p95[last]/p95[0])
		b.ReportMetric(p95[last]/p95[0], "growth-p95")
	}
	// Latency includes waiting for a CPU on a busy machine; this process's
	// CPU per search does not, and with SQLite it is all of the work.
	if cpu > 0 {
		b.ReportMetric(ms(used)/float64(len(dbs)*len(searchBenchQueries)*b.N), "cpu-ms/search")
	}
}

// openSearchBench starts the forum over one seeded database and asks every
// query once, to check the page and warm the caches.
func openSearchBench(b *testing.B, label, dbURL string) *benchDatabase {
	b.Helper()
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

	d := &benchDatabase{
		server:  newServerCPU(b, dbURL),
		label:   label,
		handler: srv.App.Handler(),
		ctxs:    make([]*fasthttp.RequestCtx, len(searchBenchQueries)),
		counts:  make([]string, len(searchBenchQueries)),
		samples: make([][]time.Duration, len(searchBenchQueries)),
	}
	remote := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
	anyResults := false
	for i, sq := range searchBenchQueries {
		req := &fasthttp.Request{}
		req.Header.SetMethod(fasthttp.MethodGet)
		req.SetRequestURI("/search?q=" + url.QueryEscape(sq.q))
		req.Header.SetHost("127.0.0.1:8080")
		req.Header.Set("Accept-Language", "en")
		d.ctxs[i] = &fasthttp.RequestCtx{}
		d.ctxs[i].Init(req, remote, nil)

		// The first request of each query checks the page and warms the
		// database's caches and the templates; it is not measured.
		d.handler(d.ctxs[i])
		body := string(d.ctxs[i].Response.Body())
		if status := d.ctxs[i].Response.StatusCode(); status != fasthttp.StatusOK {
			b.Fatalf("%s: GET /search?q=%s: status %d, want 200\n%.2000s", label, sq.q, status, body)
		}
		m := resultCount.FindStringSubmatch(body)
		if m == nil {
			b.Fatalf("%s: GET /search?q=%s: no result count on the page\n%.2000s", label, sq.q, body)
		}
		d.counts[i] = html.UnescapeString(strings.TrimSpace(m[1]))
		anyResults = anyResults || strings.ContainsAny(d.counts[i], "123456789")
		d.ctxs[i].Response.Reset()
	}
	if !anyResults {
		b.Fatalf("%s: no query found anything: is the database seeded? (hiroba seed --threads N -database URL)", label)
	}
	return d
}

// report logs the latencies of one database, query by query and kind by
// kind, and returns all of them sorted.
func (d *benchDatabase) report(b *testing.B) []time.Duration {
	var all []time.Duration
	kinds := map[string][]time.Duration{}
	var order []string
	for i, s := range d.samples {
		all = append(all, s...)
		kind := searchBenchQueries[i].kind
		if _, seen := kinds[kind]; !seen {
			order = append(order, kind)
		}
		kinds[kind] = append(kinds[kind], s...)
		slices.Sort(s)
		b.Logf("%s %-15s p50 %7.2f ms  p95 %7.2f ms  %-36q %s",
			d.label, kind, ms(percentile(s, 50)), ms(percentile(s, 95)), searchBenchQueries[i].q, d.counts[i])
	}
	for _, kind := range order {
		s := kinds[kind]
		slices.Sort(s)
		b.Logf("%s kind %-15s p50 %7.2f ms  p95 %7.2f ms  (%d searches)", d.label, kind, ms(percentile(s, 50)), ms(percentile(s, 95)), len(s))
	}
	slices.Sort(all)
	server := ""
	if used, ok := d.server.used(); ok {
		server = fmt.Sprintf(", PostgreSQL CPU %.2f ms/search", ms(used)/float64(len(all)))
	}
	b.Logf("%s all %d searches: p50 %.2f ms, p95 %.2f ms, max %.2f ms%s", d.label, len(all), ms(percentile(all, 50)), ms(percentile(all, 95)), ms(all[len(all)-1]), server)
	return all
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

// serverCPU measures the CPU time PostgreSQL's backends spend serving one
// database, from /proc, when the server runs on this machine: unlike
// latency, it does not grow while the query waits for a CPU that other work
// holds, so it compares sizes and versions on a busy machine. Parallel
// workers exit before they can be read and are not counted.
type serverCPU struct {
	db      *gorm.DB
	before  map[int]time.Duration
	elapsed time.Duration
	ok      bool
}

func newServerCPU(b *testing.B, dbURL string) *serverCPU {
	if !strings.HasPrefix(dbURL, "postgres") {
		return nil
	}
	db, err := gorm.Open(postgres.Open(dbURL), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	return &serverCPU{db: db}
}

// backends reads the CPU time of every client backend of the database but
// this one; ok is false when they cannot be read (a server elsewhere).
func (s *serverCPU) backends() (map[int]time.Duration, bool) {
	var pids []int
	if err := s.db.Raw(`SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`).Scan(&pids).Error; err != nil {
		return nil, false
	}
	out := map[int]time.Duration{}
	for _, pid := range pids {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return nil, false
		}
		// The fields after the command's closing parenthesis start at the
		// third; utime and stime are the 14th and 15th, in clock ticks of
		// 1/100 s on Linux.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) < 13 {
			return nil, false
		}
		utime, err1 := strconv.ParseInt(fields[11], 10, 64)
		stime, err2 := strconv.ParseInt(fields[12], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, false
		}
		out[pid] = time.Duration(utime+stime) * 10 * time.Millisecond
	}
	return out, true
}

func (s *serverCPU) start() {
	if s != nil {
		s.before, s.ok = s.backends()
	}
}

func (s *serverCPU) stop() {
	if s == nil || !s.ok {
		return
	}
	after, ok := s.backends()
	s.ok = ok
	for pid, cpu := range after {
		s.elapsed += cpu - s.before[pid] // a backend opened since counts whole
	}
}

func (s *serverCPU) used() (time.Duration, bool) {
	if s == nil || !s.ok {
		return 0, false
	}
	return s.elapsed, true
}
