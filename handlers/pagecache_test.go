package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"hiroba/app"
	"hiroba/handlers/pagecache"
	"hiroba/migrations"
	"hiroba/models"
)

// cachedForum is a forum whose anonymous pages are kept for an hour: only
// an invalidation can explain a fresh page.
func cachedForum(t *testing.T) *forum {
	t.Helper()
	return newForumWith(t, migrations.SQLite, func(c *app.Config) { c.PageCacheTTL = time.Hour })
}

// stats are the forum's page cache counts.
func (f *forum) stats() pagecache.Stats { return f.srv.Pages.Stats() }

// served reports whether an anonymous visit to path was served from the
// cache, and returns the page.
func (f *forum) served(path string) (page, bool) {
	f.t.Helper()
	hits := f.stats().Hits
	p := f.browser().get(path)
	return p, f.stats().Hits > hits
}

func TestAnonymousPageCache(t *testing.T) {
	t.Parallel()
	f := cachedForum(t)
	first := f.browser().get("/")
	etag := first.Header.Get("ETag")
	if first.Status != http.StatusOK || etag == "" {
		t.Fatalf("first visit: %d, ETag %q", first.Status, etag)
	}
	kept, hit := f.served("/")
	if !hit {
		t.Fatal("the second visit to / was rendered again")
	}
	// A CDN or browser may keep it, asking again with the ETag each time.
	for _, p := range []page{first, kept} {
		if cc := p.Header.Get("Cache-Control"); cc != "public, no-cache" {
			t.Errorf("an anonymous page says Cache-Control %q, want public, no-cache", cc)
		}
	}
	// Revalidation costs nothing.
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("If-None-Match", etag)
	if p := f.browser().do(req); p.Status != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", p.Status)
	}
	// A signed-in author's question is on the page visitors get at once,
	// for all the hour the page could have been kept.
	b := f.browser()
	b.signIn("hana")
	b.get("/new")
	b.post("/new", url.Values{"category": {"2"}, "title": {"Cached page question"}, "body": {"x"}})
	mine := b.get("/")
	expect(t, mine, http.StatusOK, "Cached page question")
	if cc := mine.Header.Get("Cache-Control"); strings.Contains(cc, "public") {
		t.Errorf("a signed-in page says Cache-Control %q: a shared cache could keep it", cc)
	}
	expect(t, f.browser().get("/"), http.StatusOK, "Cached page question")
	if p := f.browser().do(req); p.Status != http.StatusOK {
		t.Errorf("If-None-Match with the ETag of the page before the question: %d, want 200", p.Status)
	}
	// Each language is its own page.
	ja := f.browser()
	ja.lang = "ja"
	expect(t, ja.get("/"), http.StatusOK, `<html lang="ja">`)
	// Pages with a form carry the visitor's own CSRF token and are never
	// shared, even when the visitor already had the cookie.
	one, two := f.browser(), f.browser()
	one.get("/login")
	one.get("/login")
	two.get("/login")
	if one.csrf == "" || one.csrf == two.csrf {
		t.Fatalf("visitors share a CSRF token: %q", one.csrf)
	}
	if p := two.post("/auth/dev", url.Values{"username": {"ken"}}); p.Status != http.StatusSeeOther {
		t.Errorf("dev sign-in after a cached login page: %d", p.Status)
	}
}

// Bob replies; a visitor who loaded the thread a moment before, and whose
// page the cache kept, sees the reply on the next load.
func TestReplyReachesAnonymousReadersAtOnce(t *testing.T) {
	t.Parallel()
	f := cachedForum(t)
	asker := f.browser()
	asker.signIn("alice")
	asker.get("/new")
	thread := strings.Split(asker.post("/new", url.Values{"category": {"2"}, "title": {"Export stops at row 1000"}, "body": {"Every time."}}).Location, "#")[0]
	f.browser().get(thread)
	if _, hit := f.served(thread); !hit {
		t.Fatal("the thread was not kept: this test would prove nothing")
	}
	bob := f.browser()
	bob.signIn("bob")
	bob.get(thread)
	if p := bob.post(thread[:strings.LastIndex(thread, "/")]+"/replies", url.Values{"body": {"Raise the export limit in settings."}}); !replied(p) {
		t.Fatalf("reply: %d %s", p.Status, p.Location)
	}
	expect(t, f.browser().get(thread), http.StatusOK, "Raise the export limit in settings.")
	expect(t, f.browser().get("/"), http.StatusOK, "1 reply")
}

// Each kind of write drops, on the spot, the anonymous pages that show what
// it changed, and keeps those that do not show it.
func TestEachWriteDropsThePagesShowingIt(t *testing.T) {
	t.Parallel()
	const (
		title   = "Invoice shows the wrong currency"
		answer  = "Change it under Billing, Currency."
		other   = "Unrelated lounge chatter"
		ken     = "/u/ken"
		hana    = "/u/hana"
		billing = "/c/billing"
		api     = "/c/api"
		unrel   = "/t/2/unrelated-lounge-chatter"
	)
	// Each case starts from: hana asked in billing (thread 1, post 1), ken
	// answered (post 2), hana chatted in the lounge (thread 2), mo is a
	// moderator.
	type world struct {
		f               *forum
		hana, ken, mo   *browser
		thread, thread1 string // the thread's address, and /t/1
	}
	type look struct {
		path         string
		shows, lacks []string
		status       int // 0: 200
	}
	tests := []struct {
		name  string
		setup func(w world) // before pages are warmed
		write func(w world) page
		looks []look
		wide  bool // drops every page by design
	}{
		{name: "reply", write: func(w world) page {
			w.ken.get(w.thread)
			return w.ken.post("/t/1/replies", url.Values{"body": {"Also check the region setting."}})
		}, looks: []look{
			{path: "thread", shows: []string{"Also check the region setting."}},
			{path: "/", shows: []string{"2 replies"}},
			{path: billing, shows: []string{"2 replies"}},
			{path: hana, shows: []string{"2 replies"}},
		}},
		{name: "new thread", write: func(w world) page {
			w.hana.get("/new")
			return w.hana.post("/new", url.Values{"category": {"2"}, "title": {"Receipts arrive twice"}, "body": {"Twice."}})
		}, looks: []look{
			{path: "/", shows: []string{"Receipts arrive twice"}},
			{path: billing, shows: []string{"Receipts arrive twice"}},
			{path: hana, shows: []string{"Receipts arrive twice"}},
			{path: api, shows: []string{"2 threads"}}, // billing's count, beside every list
		}},
		{name: "edit", write: func(w world) page {
			w.ken.get("/p/2/edit")
			return w.ken.post("/p/2/edit", url.Values{"body": {"Change it under Settings, Region."}})
		}, looks: []look{
			{path: "thread", shows: []string{"Change it under Settings, Region."}, lacks: []string{answer}},
		}},
		{name: "retitle", write: func(w world) page {
			w.hana.get("/p/1/edit")
			return w.hana.post("/p/1/edit", url.Values{"title": {"Invoice currency is wrong"}, "body": {"It says USD."}, "category": {"2"}})
		}, looks: []look{
			{path: "thread", status: http.StatusMovedPermanently}, // its old address
			{path: "/", shows: []string{"Invoice currency is wrong"}, lacks: []string{title}},
			{path: billing, shows: []string{"Invoice currency is wrong"}},
			{path: ken, shows: []string{"Invoice currency is wrong"}},
		}},
		{name: "delete", write: func(w world) page {
			w.ken.get(w.thread)
			return w.ken.post("/p/2/delete", url.Values{})
		}, looks: []look{
			{path: "thread", lacks: []string{answer}},
			{path: "/", shows: []string{"0 replies"}},
			{path: ken, lacks: []string{title}},
		}},
		{name: "hide post", write: func(w world) page {
			w.mo.get(w.thread)
			return w.mo.post("/mod/p/2/hide", url.Values{})
		}, looks: []look{
			{path: "thread", lacks: []string{answer}},
			{path: ken, lacks: []string{title}},
		}},
		{name: "show post", setup: func(w world) {
			w.mo.get(w.thread)
			w.mo.post("/mod/p/2/hide", url.Values{})
		}, write: func(w world) page {
			w.mo.get(w.thread)
			return w.mo.post("/mod/p/2/unhide", url.Values{})
		}, looks: []look{
			{path: "thread", shows: []string{answer}},
			{path: ken, shows: []string{title}},
		}},
		{name: "flag hides", write: func(w world) page {
			w.mo.get("/p/2/flag")
			return w.mo.post("/p/2/flag", url.Values{"reason": {"spam"}})
		}, looks: []look{
			{path: "thread", lacks: []string{answer}},
		}},
		{name: "solution", write: func(w world) page {
			w.hana.get(w.thread)
			return w.hana.post("/t/1/solution", url.Values{"post_id": {"2"}})
		}, looks: []look{
			{path: "thread", shows: []string{`class="solution-box"`}},
			{path: "/", shows: []string{"✓ Solved"}},
			{path: billing, shows: []string{"✓ Solved"}},
			{path: ken, shows: []string{"✓ Solved"}},
			{path: hana, shows: []string{"✓ Solved"}},
		}},
		{name: "solution cleared", setup: func(w world) {
			w.hana.get(w.thread)
			w.hana.post("/t/1/solution", url.Values{"post_id": {"2"}})
		}, write: func(w world) page {
			w.hana.get(w.thread)
			return w.hana.post("/t/1/solution/clear", url.Values{})
		}, looks: []look{
			{path: "thread", lacks: []string{`class="solution-box"`}},
			{path: "/", lacks: []string{"✓ Solved"}},
			{path: ken, lacks: []string{"✓ Solved"}},
		}},
		{name: "vote", write: func(w world) page {
			w.mo.get(w.thread)
			return w.mo.post("/p/2/helpful", url.Values{})
		}, looks: []look{
			{path: "thread", shows: []string{`<span class="count">1</span>`}},
		}},
		{name: "pin", write: func(w world) page {
			w.mo.get(w.thread)
			return w.mo.post("/mod/t/1", url.Values{"action": {"pin_site"}})
		}, looks: []look{
			{path: "/", shows: []string{`<span class="pin-badge">`}},
			{path: billing, shows: []string{`<span class="pin-badge">`}},
		}},
		{name: "move", write: func(w world) page {
			w.mo.get(w.thread)
			return w.mo.post("/mod/t/1", url.Values{"action": {"move"}, "category": {"3"}})
		}, looks: []look{
			{path: "thread", shows: []string{`href="/c/api"`}},
			{path: api, shows: []string{title}},
			{path: billing, lacks: []string{title}},
			{path: hana, shows: []string{`href="/c/api"`}},
		}},
		{name: "hide thread", write: func(w world) page {
			w.mo.get(w.thread)
			return w.mo.post("/mod/t/1", url.Values{"action": {"hide"}})
		}, looks: []look{
			{path: "thread", status: http.StatusNotFound},
			{path: "/", lacks: []string{title}},
			{path: hana, lacks: []string{title}},
			{path: ken, lacks: []string{title}},
		}},
		{name: "show thread", setup: func(w world) {
			w.mo.get(w.thread)
			w.mo.post("/mod/t/1", url.Values{"action": {"hide"}})
		}, write: func(w world) page {
			w.mo.get("/")
			return w.mo.post("/mod/t/1", url.Values{"action": {"unhide"}})
		}, looks: []look{
			{path: "/", shows: []string{title}},
			{path: ken, shows: []string{title}},
		}},
		{name: "purge the helper", wide: true, write: func(w world) page {
			w.mo.get(ken)
			w.mo.get("/mod/u/ken")
			return w.mo.post("/mod/u/ken", url.Values{"action": {"purge"}, "reason": {"spam"}})
		}, looks: []look{
			{path: "thread", lacks: []string{answer}},
			{path: "/", shows: []string{"0 replies"}},
			{path: ken, lacks: []string{title}},
		}},
		{name: "purge the asker", wide: true, write: func(w world) page {
			w.mo.get("/mod/u/hana")
			return w.mo.post("/mod/u/hana", url.Values{"action": {"purge"}, "reason": {"spam"}})
		}, looks: []look{
			{path: "thread", status: http.StatusNotFound},
			{path: "/", lacks: []string{title, other}},
			{path: ken, lacks: []string{title}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := cachedForum(t)
			w := world{f: f, hana: f.browser(), ken: f.browser(), mo: f.browser()}
			w.hana.signIn("hana")
			w.hana.get("/new")
			w.thread = strings.Split(w.hana.post("/new", url.Values{"category": {"2"}, "title": {title}, "body": {"It says USD."}}).Location, "#")[0]
			w.ken.signIn("ken")
			w.ken.get(w.thread)
			if p := w.ken.post("/t/1/replies", url.Values{"body": {answer}}); !replied(p) {
				t.Fatalf("answer: %d %s", p.Status, p.Location)
			}
			w.hana.get("/new")
			w.hana.post("/new", url.Values{"category": {"6"}, "title": {other}, "body": {"Hello."}})
			w.mo.signIn("mo")
			grant(t, f, "mo", models.RoleModerator)
			if tt.setup != nil {
				tt.setup(w)
			}
			path := func(p string) string {
				if p == "thread" {
					return w.thread
				}
				return p
			}
			// Warm every page looked at, and one no write here touches;
			// each must then be served from the cache.
			warm := []string{unrel}
			for _, l := range tt.looks {
				warm = append(warm, path(l.path))
			}
			for _, p := range warm {
				f.browser().get(p)
			}
			for _, p := range warm {
				if got, hit := f.served(p); !hit && got.Status == http.StatusOK {
					t.Fatalf("%s was not kept: this case would prove nothing", p)
				}
			}

			if p := tt.write(w); p.Status != http.StatusSeeOther {
				t.Fatalf("write: status %d, want 303\n%s", p.Status, p.Body)
			}
			for _, l := range tt.looks {
				want := l.status
				if want == 0 {
					want = http.StatusOK
				}
				got := f.browser().get(path(l.path))
				if got.Status != want {
					t.Errorf("%s after the write: status %d, want %d", l.path, got.Status, want)
					continue
				}
				for _, s := range l.shows {
					if !strings.Contains(got.Body, escaped(s)) && !strings.Contains(got.Body, s) {
						t.Errorf("%s after the write does not show %q: a stale page", l.path, s)
					}
				}
				for _, s := range l.lacks {
					if strings.Contains(got.Body, escaped(s)) {
						t.Errorf("%s after the write still shows %q: a stale page", l.path, s)
					}
				}
			}
			// The cache still works: a page this write does not show
			// stays kept.
			if !tt.wide {
				if _, hit := f.served(unrel); !hit {
					t.Errorf("%s, which the write does not touch, was dropped", unrel)
				}
			}
		})
	}
}

// Over a run of visits to many pages and writes to one thread, the pages
// the writes do not touch keep being served from the cache.
func TestUntouchedPagesStayCached(t *testing.T) {
	t.Parallel()
	f := cachedForum(t)
	asker := f.browser()
	asker.signIn("hana")
	var threads []string
	for i := range 10 {
		asker.get("/new")
		p := asker.post("/new", url.Values{"category": {"4"}, "title": {"Question number " + string(rune('A'+i))}, "body": {"Body."}})
		threads = append(threads, strings.Split(p.Location, "#")[0])
	}
	busy, quiet := threads[0], threads[1:]
	for _, p := range threads {
		f.browser().get(p)
	}
	// Four helpers, each well within the reply budget.
	var helpers []*browser
	for _, name := range []string{"ken", "sora", "ren", "yui"} {
		b := f.browser()
		b.signIn(name)
		helpers = append(helpers, b)
	}
	before := f.stats()
	for round := range 20 {
		helper := helpers[round%len(helpers)]
		helper.get(busy)
		if p := helper.post(busy[:strings.LastIndex(busy, "/")]+"/replies", url.Values{"body": {"Reply " + string(rune('a'+round))}}); !replied(p) {
			t.Fatalf("reply %d: %d", round, p.Status)
		}
		expect(t, f.browser().get(busy), http.StatusOK, "Reply "+string(rune('a'+round)))
		for _, p := range quiet {
			f.browser().get(p)
		}
	}
	after := f.stats()
	hits, misses := after.Hits-before.Hits, after.Misses+after.Dropped-before.Misses-before.Dropped
	t.Logf("20 writes to one thread among 10: %d hits, %d renders (%.0f%% hit rate)", hits, misses, 100*float64(hits)/float64(hits+misses))
	// Every visit to a quiet thread is a hit; every visit to the busy one
	// follows a write to it, and is rendered.
	if hits != int64(20*len(quiet)) || misses != 20 {
		t.Errorf("hits %d, renders %d; want %d and 20", hits, misses, 20*len(quiet))
	}
}
