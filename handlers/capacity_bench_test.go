//go:build unix

package handlers_test

import (
	"context"
	"fmt"
	"html"
	"math"
	"net"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"hiroba/app"
	"hiroba/handlers"
	"hiroba/handlers/ratelimit"
	"hiroba/models"
	"hiroba/models/modeltest"
	"hiroba/models/seed"
	"hiroba/views"
)

// BenchmarkRequestCost is what each kind of request costs the database and
// the network, for sizing a deployment (README, Capacity): statements sent
// to the database per request (queries/op, BEGIN and COMMIT not counted),
// and the page's size as sent without compression (html-bytes/op) and as a
// browser gets it (gzip-bytes/op, br-bytes/op), with this process's CPU per
// request beside them. Each request runs alone, so a reply is written in a
// batch of its own: under load, replies share their batch's reads and
// commit (models/reply_batches.go) and cost fewer statements each.
//
//	go test ./handlers -run '^$' -bench RequestCost -benchtime 200x
func BenchmarkRequestCost(b *testing.B) {
	for _, d := range modeltest.Dialects {
		b.Run(d, func(b *testing.B) {
			// The same forum twice: as deployed, and with the page cache off
			// for the pages a visitor gets rendered when the cache misses.
			cached, uncached := newCostForum(b, d, time.Minute), newCostForum(b, d, 0)
			th := cached.thread
			thread := views.ThreadPath(th.ID, th.Slug)
			title := html.EscapeString(th.Title)
			home := html.EscapeString(cached.seeded.threads[len(cached.seeded.threads)-1].Title)
			signedIn := fmt.Sprintf(`data-user="%d"`, uncached.member)

			b.Run("thread-cached", func(b *testing.B) { cached.get(b, thread, title, nil) })
			// What browsers and CDNs ask for: the kept page is compressed
			// again for every request.
			b.Run("thread-cached-gzip", func(b *testing.B) { cached.get(b, thread, title, nil, "gzip") })
			b.Run("thread-rendered", func(b *testing.B) { uncached.get(b, thread, title, nil) })
			b.Run("thread-signed-in", func(b *testing.B) { uncached.get(b, thread, signedIn, uncached.cookies) })
			b.Run("home-cached", func(b *testing.B) { cached.get(b, "/", home, nil) })
			b.Run("home-rendered", func(b *testing.B) { uncached.get(b, "/", home, nil) })
			b.Run("home-signed-in", func(b *testing.B) { uncached.get(b, "/", signedIn, uncached.cookies) })
			// A search is asked once far more often than again: rendered.
			b.Run("search", func(b *testing.B) {
				uncached.get(b, "/search?q="+url.QueryEscape("account"), `class="result-count"`, nil)
			})
			b.Run("reply", func(b *testing.B) { uncached.reply(b) })
		})
	}
}

// costForum is a forum of 40 threads of about 6 posts and one of 20, its
// statements counted, every budget out of reach, and a signed-in member
// who did not ask the thread of 20.
type costForum struct {
	srv        *app.Server
	statements atomic.Int64
	seeded     seededForum
	thread     models.Thread
	member     int64
	cookies    map[string]string
	replyBody  []string
}

func newCostForum(b *testing.B, dialect string, pageCache time.Duration) *costForum {
	b.Helper()
	unlimited := func(name string) ratelimit.Rule {
		return ratelimit.Rule{Name: name, Limit: math.MaxInt32, Window: time.Minute}
	}
	f := &costForum{}
	f.srv = benchServer(b, dialect, pageCache, func(cfg *app.Config) {
		cfg.Limits = handlers.Limits{
			Post: unlimited("post"), PostIP: unlimited("post-ip"), Flag: unlimited("flag"),
			Vote: unlimited("vote"), Search: unlimited("search"), SignIn: unlimited("signin"),
			Check: unlimited("check"), Preview: unlimited("preview"), Upload: unlimited("upload"),
		}
	})
	ctx := context.Background()
	// The rules that run on every reply, as .ci/loadtest --writes saves
	// them: no wait between posts, nobody a new account, duplicates refused.
	rules := modeltest.PermissiveRules
	rules.DuplicateWindow = models.Duration(5 * time.Minute)
	if err := f.srv.Store.SetRules(ctx, rules); err != nil {
		b.Fatal(err)
	}
	g := seed.New(1, seed.Options{Threads: 40, Replies: 5, Users: 60})
	f.seeded = seeded(b, f.srv, g)
	big := g.ThreadWithReplies(19)
	f.thread = importThreads(b, f.srv.Store, f.seeded, []seed.Thread{big})[0]
	for _, p := range g.ThreadWithReplies(60).Posts[1:] {
		f.replyBody = append(f.replyBody, p.Body)
	}
	for _, id := range f.seeded.userIDs {
		if id != f.thread.UserID {
			f.member = id
			break
		}
	}
	token, err := f.srv.Store.CreateSession(ctx, f.member, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	f.cookies = map[string]string{"hiroba_session": token, "hiroba_csrf": strings.Repeat("n", 43)}
	f.srv.Store.CountStatements(&f.statements)
	return f
}

func (f *costForum) request(method, path string, cookies map[string]string) *fasthttp.Request {
	req := &fasthttp.Request{}
	req.Header.SetMethod(method)
	req.SetRequestURI(path)
	req.Header.SetHost("127.0.0.1:8080")
	req.Header.Set("Accept-Language", "en")
	for name, value := range cookies {
		req.Header.SetCookie(name, value)
	}
	return req
}

var costRemote = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}

// send runs one request through the whole handler chain.
func (f *costForum) send(req *fasthttp.Request) *fasthttp.RequestCtx {
	var rc fasthttp.RequestCtx
	rc.Init(req, costRemote, nil)
	f.srv.App.Handler()(&rc)
	return &rc
}

// get measures a GET: it checks the page once, weighs it as sent with
// each encoding, then counts the statements of b.N more, asked with the
// Accept-Encoding given (none by default).
func (f *costForum) get(b *testing.B, path, mustContain string, cookies map[string]string, acceptEncoding ...string) {
	req := f.request(fasthttp.MethodGet, path, cookies)
	rc := f.send(req)
	body := string(rc.Response.Body())
	if status := rc.Response.StatusCode(); status != fasthttp.StatusOK || !strings.Contains(body, mustContain) {
		b.Fatalf("GET %s: status %d, want 200 with %q\n%.2000s", path, status, mustContain, body)
	}
	sizes := map[string]int{}
	for _, enc := range []string{"gzip", "br"} {
		req.Header.Set(fasthttp.HeaderAcceptEncoding, enc)
		rc := f.send(req)
		if got := string(rc.Response.Header.ContentEncoding()); got != enc {
			b.Fatalf("GET %s with Accept-Encoding %s: Content-Encoding %q", path, enc, got)
		}
		sizes[enc] = len(rc.Response.Body())
	}
	req.Header.Del(fasthttp.HeaderAcceptEncoding)
	if len(acceptEncoding) > 0 {
		req.Header.Set(fasthttp.HeaderAcceptEncoding, acceptEncoding[0])
	}

	var ctx fasthttp.RequestCtx
	ctx.Init(req, costRemote, nil)
	handler := f.srv.App.Handler()
	before, cpu := f.statements.Load(), processCPU()
	for b.Loop() {
		handler(&ctx)
		ctx.Response.Reset()
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(f.statements.Load()-before)/float64(b.N), "queries/op")
	b.ReportMetric(float64(len(body)), "html-bytes/op")
	b.ReportMetric(float64(sizes["gzip"]), "gzip-bytes/op")
	b.ReportMetric(float64(sizes["br"]), "br-bytes/op")
}

// reply measures the member posting replies to the threads in turn, each
// its own text, as the composer sends them; each must be published.
func (f *costForum) reply(b *testing.B) {
	page := f.send(f.request(fasthttp.MethodGet, views.ThreadPath(f.thread.ID, f.thread.Slug), f.cookies))
	m := csrfInput.FindSubmatch(page.Response.Body())
	if m == nil {
		b.Fatalf("no form token on the signed-in thread page\n%.2000s", page.Response.Body())
	}
	token := html.UnescapeString(string(m[1]))
	threads := f.seeded.threads
	handler := f.srv.App.Handler()
	var n int
	var statements int64
	cpu := processCPU()
	for b.Loop() {
		th := threads[n%len(threads)]
		body := fmt.Sprintf("%s\n\n(%d)", f.replyBody[n%len(f.replyBody)], n)
		n++
		req := f.request(fasthttp.MethodPost, fmt.Sprintf("/t/%d/replies", th.ID), f.cookies)
		req.Header.SetContentType("application/x-www-form-urlencoded")
		req.SetBodyString(url.Values{"_csrf": {token}, "body": {body}}.Encode())
		var rc fasthttp.RequestCtx
		rc.Init(req, costRemote, nil)
		before := f.statements.Load()
		handler(&rc)
		statements += f.statements.Load() - before
		if status := rc.Response.StatusCode(); status != fasthttp.StatusSeeOther || !strings.Contains(string(rc.Response.Header.Peek("Location")), "#p") {
			b.Fatalf("POST /t/%d/replies: status %d, Location %q, want 303 to the new post\n%.2000s",
				th.ID, status, rc.Response.Header.Peek("Location"), rc.Response.Body())
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(statements)/float64(b.N), "queries/op")
}
