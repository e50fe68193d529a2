//go:build unix

package handlers_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"hiroba/app"
	"hiroba/migrations"
	"hiroba/models"
	"hiroba/models/modeltest"
	"hiroba/models/seed"
	"hiroba/views"
)

// The benchmarks drive the whole Fiber handler chain in-process, middleware
// and all, through the fasthttp handler with one reused request context per
// goroutine: what they measure is the forum's own work for a page, without
// app.Test's connection and http.Response per request, and without the
// network.

// BenchmarkThreadPage is an anonymous visitor reading a thread of 20 posts,
// rendered for every request (the page cache off): the cost of a page.
func BenchmarkThreadPage(b *testing.B) {
	eachBenchDialect(b, 0, func(b *testing.B, srv *app.Server) {
		g := seed.New(1, seed.Options{Users: 60})
		s := seeded(b, srv, g)
		th := importThreads(b, srv.Store, s, []seed.Thread{g.ThreadWithReplies(19)})[0]
		benchPage(b, srv, views.ThreadPath(th.ID, th.Slug), html.EscapeString(th.Title))
	})
}

// BenchmarkThreadPageSignedIn is a member reading the same thread: what
// everyone signed in always gets, since the page cache serves only
// anonymous visitors. The member is not the asker, so every post has its
// helpful and flag controls.
func BenchmarkThreadPageSignedIn(b *testing.B) {
	eachBenchDialect(b, time.Second, func(b *testing.B, srv *app.Server) {
		g := seed.New(1, seed.Options{Users: 60})
		s := seeded(b, srv, g)
		th := importThreads(b, srv.Store, s, []seed.Thread{g.ThreadWithReplies(19)})[0]
		var viewer int64
		for _, id := range s.userIDs {
			if id != th.UserID {
				viewer = id
				break
			}
		}
		token, err := srv.Store.CreateSession(context.Background(), viewer, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		// A browser that has seen a form before sends its CSRF cookie back.
		cookies := map[string]string{"hiroba_session": token, "hiroba_csrf": strings.Repeat("n", 43)}
		// The page must be the member's: the body names who is signed in.
		benchPageAs(b, srv, views.ThreadPath(th.ID, th.Slug), fmt.Sprintf(`data-user="%d"`, viewer), cookies)
	})
}

// BenchmarkThreadPageCached is the same page as deployed, with the
// anonymous page cache on: what a popular thread costs.
func BenchmarkThreadPageCached(b *testing.B) {
	eachBenchDialect(b, time.Second, func(b *testing.B, srv *app.Server) {
		g := seed.New(1, seed.Options{Users: 60})
		s := seeded(b, srv, g)
		th := importThreads(b, srv.Store, s, []seed.Thread{g.ThreadWithReplies(19)})[0]
		benchPage(b, srv, views.ThreadPath(th.ID, th.Slug), html.EscapeString(th.Title))
	})
}

// BenchmarkThreadPageCachedWithoutMetrics is BenchmarkThreadPageCached with
// HIROBA_METRICS=off: the two side by side are what counting costs on the
// cheapest page the forum serves.
func BenchmarkThreadPageCachedWithoutMetrics(b *testing.B) {
	eachBenchDialect(b, time.Second, func(b *testing.B, srv *app.Server) {
		g := seed.New(1, seed.Options{Users: 60})
		s := seeded(b, srv, g)
		th := importThreads(b, srv.Store, s, []seed.Thread{g.ThreadWithReplies(19)})[0]
		benchPage(b, srv, views.ThreadPath(th.ID, th.Slug), html.EscapeString(th.Title))
	}, func(cfg *app.Config) { cfg.Metrics = false })
}

// BenchmarkHomePage is an anonymous visitor on the home page, which lists
// the 30 most recently active of 40 threads.
func BenchmarkHomePage(b *testing.B) {
	eachBenchDialect(b, 0, func(b *testing.B, srv *app.Server) {
		s := seeded(b, srv, seed.New(1, seed.Options{Threads: 40, Replies: 5, Users: 60}))
		benchPage(b, srv, "/", html.EscapeString(s.threads[len(s.threads)-1].Title))
	})
}

func eachBenchDialect(b *testing.B, pageCache time.Duration, fn func(b *testing.B, srv *app.Server), opts ...func(*app.Config)) {
	for _, d := range modeltest.Dialects {
		b.Run(d, func(b *testing.B) { fn(b, benchServer(b, d, pageCache, opts...)) })
	}
}

// benchServer is newForum for a benchmark: the same configuration, over a
// fresh database of the dialect; PostgreSQL is skipped when unreachable.
func benchServer(b *testing.B, dialect string, pageCache time.Duration, opts ...func(*app.Config)) *app.Server {
	b.Helper()
	cfg, err := app.LoadConfig(func(string) string { return "" }, nil)
	if err != nil {
		b.Fatal(err)
	}
	cfg.SessionSecret = "handler-test-secret-handler-test"
	cfg.PageCacheTTL = pageCache
	switch dialect {
	case migrations.SQLite:
		cfg.DatabaseURL = "sqlite:" + b.TempDir() + "/hiroba.db"
	case migrations.Postgres:
		cfg.DatabaseURL = modeltest.PostgresSchemaURL(b)
	}
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := app.New(context.Background(), cfg, app.NewLogger(io.Discard, "error"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	return srv
}

// seededForum is what seeded wrote: the generated members' IDs and the
// threads as stored, in the order written.
type seededForum struct {
	userIDs     []int64
	categoryIDs map[string]int64
	threads     []models.Thread
}

// seeded writes a generated forum through the store's import.
func seeded(b *testing.B, srv *app.Server, g *seed.Generator) seededForum {
	b.Helper()
	ctx := context.Background()
	users, err := srv.Store.ImportUsers(ctx, g.Users())
	if err != nil {
		b.Fatal(err)
	}
	s := seededForum{categoryIDs: map[string]int64{}}
	for _, u := range users {
		s.userIDs = append(s.userIDs, u.ID)
	}
	cats, err := srv.Store.Categories(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range cats {
		s.categoryIDs[c.Slug] = c.ID
	}
	var threads []seed.Thread
	for {
		th, ok := g.Next()
		if !ok {
			break
		}
		threads = append(threads, th)
	}
	s.threads = importThreads(b, srv.Store, s, threads)
	return s
}

func importThreads(b *testing.B, store *models.Store, s seededForum, threads []seed.Thread) []models.Thread {
	b.Helper()
	if len(threads) == 0 {
		return nil
	}
	batch := make([]models.ImportedThread, len(threads))
	for i, th := range threads {
		batch[i] = th.Import(s.userIDs, s.categoryIDs)
	}
	stored, err := store.ImportThreads(context.Background(), batch)
	if err != nil {
		b.Fatal(err)
	}
	return stored
}

// benchPage GETs a page as an anonymous visitor, first checking once that
// it is the page expected, then on one goroutine and on all of them.
func benchPage(b *testing.B, srv *app.Server, path, mustContain string) {
	b.Helper()
	benchPageAs(b, srv, path, mustContain, nil)
}

// benchPageAs is benchPage with the cookies a browser sends.
func benchPageAs(b *testing.B, srv *app.Server, path, mustContain string, cookies map[string]string) {
	b.Helper()
	handler := srv.App.Handler()
	var req fasthttp.Request
	req.Header.SetMethod(fasthttp.MethodGet)
	req.SetRequestURI(path)
	req.Header.SetHost("127.0.0.1:8080")
	req.Header.Set("Accept-Language", "en")
	for name, value := range cookies {
		req.Header.SetCookie(name, value)
	}
	remote := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}

	var check fasthttp.RequestCtx
	check.Init(&req, remote, nil)
	handler(&check)
	body := string(check.Response.Body())
	if status := check.Response.StatusCode(); status != fasthttp.StatusOK || !strings.Contains(body, mustContain) {
		b.Fatalf("GET %s: status %d, want 200 with %q\n%.2000s", path, status, mustContain, body)
	}
	bytes := int64(len(body))

	b.Run("serial", func(b *testing.B) {
		var rc fasthttp.RequestCtx
		rc.Init(&req, remote, nil)
		b.ReportAllocs()
		b.SetBytes(bytes)
		cpu := processCPU()
		for b.Loop() {
			handler(&rc)
			rc.Response.Reset()
		}
		reportCPU(b, cpu)
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(bytes)
		cpu := processCPU()
		b.RunParallel(func(pb *testing.PB) {
			var rc fasthttp.RequestCtx
			rc.Init(&req, remote, nil)
			for pb.Next() {
				handler(&rc)
				rc.Response.Reset()
			}
		})
		reportCPU(b, cpu)
	})
}

// processCPU is the CPU time this process has used, garbage collection
// included. Per page it is what a page costs whatever else the machine is
// doing, where ns/op also counts waiting for a CPU; it leaves out the work
// of a PostgreSQL server, which is another process.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, since time.Duration) {
	if used := processCPU() - since; since > 0 && b.N > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}
