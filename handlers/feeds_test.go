package handlers_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"hiroba/app"
	"hiroba/migrations"
	"hiroba/models"
	"hiroba/views"
)

// The forum's address in these tests: the default, a loopback one.
const testBase = "http://127.0.0.1:8080"

// publicFixture is a forum with public threads, and beside them what no
// visitor may read: a thread a moderator hid, a thread held with its
// question, a reply held for review and a deleted reply. Every post says
// "zqfeed"; each says a word of its own too.
type publicFixture struct {
	public         []models.Thread // in the order they were asked, in turn in categories 0 and 1
	hidden, held   models.Thread
	reply          models.Post // public, in public[0]
	pending        models.Post // held for review, in public[0]
	deleted        models.Post // deleted by its author, in public[1]
	category       models.Category
	solved         models.Thread // public[1], with reply solved
	solvedBy       models.Post
	publicWords    []string
	forbiddenWords []string
}

func newPublicFixture(t *testing.T, f *forum, publicThreads int) publicFixture {
	t.Helper()
	if publicThreads < 2 {
		t.Fatal("the fixture solves its second public thread")
	}
	ctx := context.Background()
	s := f.srv.Store
	user := func(name string) models.User {
		t.Helper()
		u, _, err := s.SignInUser(ctx, models.SignIn{Provider: "dev", ProviderUserID: name, Nickname: name, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	hana, ken := user("hana"), user("ken")
	user("root")
	grant(t, f, "root", models.RoleAdmin)
	root := f.user("root")
	if err := s.AddWatchedWord(ctx, root, models.WatchedWord{Pattern: "zqholdme", Kind: "word", Action: models.WatchHold}); err != nil {
		t.Fatal(err)
	}
	cats, err := s.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fx := publicFixture{category: cats[1]}
	ask := func(title, body string, cat int64) models.Thread {
		t.Helper()
		th, err := s.CreateThread(ctx, models.NewThread{UserID: hana.ID, CategoryID: cat, Title: title, Body: body})
		if err != nil {
			t.Fatal(err)
		}
		return th
	}
	reply := func(th models.Thread, body string) models.Post {
		t.Helper()
		p, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: ken.ID, Body: body})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for i := range publicThreads {
		word := fmt.Sprintf("zqpublic%c", 'a'+i)
		fx.public = append(fx.public, ask(fmt.Sprintf("Public question %d", i), "zqfeed "+word+" **bold** <b>x</b>", cats[i%2].ID))
		fx.publicWords = append(fx.publicWords, word)
	}
	fx.hidden = ask("Hidden question", "zqfeed zqhiddenthread", cats[1].ID)
	if err := s.ModerateThread(ctx, root, fx.hidden.ID, models.ThreadHide, 0, "scam"); err != nil {
		t.Fatal(err)
	}
	fx.held = ask("Held question", "zqfeed zqheldthread zqholdme", cats[1].ID)
	if fx.held.FirstPostStatus != models.StatusHeld {
		t.Fatalf("held question is %s", fx.held.FirstPostStatus)
	}
	fx.reply = reply(fx.public[0], "zqfeed zqpublicreply")
	fx.pending = reply(fx.public[0], "zqfeed zqpendingreply zqholdme")
	if fx.pending.Status != models.StatusHeld {
		t.Fatalf("pending reply is %s", fx.pending.Status)
	}
	fx.solved = fx.public[1]
	fx.solvedBy = reply(fx.solved, "zqfeed zqsolution")
	if _, err := s.MarkSolution(ctx, hana, fx.solved.ID, fx.solvedBy.ID); err != nil {
		t.Fatal(err)
	}
	fx.deleted = reply(fx.solved, "zqfeed zqdeletedreply")
	if _, err := s.DeletePost(ctx, ken, fx.deleted.ID); err != nil {
		t.Fatal(err)
	}
	fx.publicWords = append(fx.publicWords, "zqpublicreply", "zqsolution")
	fx.forbiddenWords = []string{"zqhiddenthread", "zqheldthread", "zqpendingreply", "zqdeletedreply", "Hidden question", "Held question"}
	return fx
}

// fetch GETs a path as a visitor with no cookies, in a language.
func fetch(t *testing.T, f *forum, path, lang string, header ...string) page {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return f.browser().do(req)
}

func TestRobotsTxt(t *testing.T) {
	t.Parallel()
	f := newForumWith(t, migrations.SQLite, func(c *app.Config) { c.BaseURL = "https://forum.example/community" })
	p := fetch(t, f, "/robots.txt", "")
	if p.Status != http.StatusOK || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("robots.txt: %d %s", p.Status, p.Header.Get("Content-Type"))
	}
	var agents, disallowed, sitemaps []string
	sc := bufio.NewScanner(strings.NewReader(p.Body))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		field, value, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("not a robots.txt line: %q", line)
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(field) {
		case "user-agent":
			agents = append(agents, value)
		case "disallow":
			disallowed = append(disallowed, value)
		case "sitemap":
			sitemaps = append(sitemaps, value)
		default:
			t.Errorf("unexpected field %q", field)
		}
	}
	if !slices.Equal(agents, []string{"*"}) {
		t.Errorf("user agents %v", agents)
	}
	for _, want := range []string{"/search", "/login", "/auth/", "/new", "/p/*/edit", "/p/*/flag", "/p/*/history",
		"/review", "/mod/", "/admin/", "/notifications", "/settings/"} {
		if !slices.Contains(disallowed, want) {
			t.Errorf("%s is not disallowed: %v", want, disallowed)
		}
	}
	// What the sitemap lists stays open to crawlers.
	for _, open := range []string{"/", "/c/billing", "/t/1/a-question", "/u/hana", "/sitemap.xml", "/feeds/latest.atom"} {
		for _, d := range disallowed {
			prefix, _, _ := strings.Cut(d, "*")
			if strings.HasPrefix(open, prefix) && !strings.Contains(d, "*") {
				t.Errorf("%s is disallowed by %s", open, d)
			}
		}
	}
	if !slices.Equal(sitemaps, []string{"https://forum.example/community/sitemap.xml"}) {
		t.Errorf("sitemaps %v", sitemaps)
	}
}

// The sitemap protocol's documents, as a crawler reads them.
type (
	sitemapIndexDoc struct {
		XMLName  xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
		Sitemaps []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"sitemap"`
	}
	urlsetDoc struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
)

func parseXML(t *testing.T, p page, v any) {
	t.Helper()
	if p.Status != http.StatusOK {
		t.Fatalf("status %d\n%s", p.Status, p.Body)
	}
	if err := xml.Unmarshal([]byte(p.Body), v); err != nil {
		t.Fatalf("%v\n%s", err, p.Body)
	}
}

func TestSitemapListsPublicThreadsInPages(t *testing.T) {
	const perPage = 3
	eachDialectWith(t, func(c *app.Config) { c.SitemapPageSize = perPage }, func(t *testing.T, f *forum) {
		fx := newPublicFixture(t, f, 7)
		var index sitemapIndexDoc
		parseXML(t, fetch(t, f, "/sitemap.xml", ""), &index)
		var locs []string
		for _, s := range index.Sitemaps {
			locs = append(locs, s.Loc)
		}
		want := []string{testBase + "/sitemap-pages.xml", testBase + "/sitemap-threads-1.xml", testBase + "/sitemap-threads-2.xml", testBase + "/sitemap-threads-3.xml"}
		if !slices.Equal(locs, want) {
			t.Fatalf("index lists %v, want %v", locs, want)
		}

		// Every public thread once, with its last activity; the pages in
		// id order, none longer than the page size.
		threads, err := f.srv.Store.Threads(context.Background(), models.ThreadFilter{Viewer: staff, PerPage: 100})
		if err != nil {
			t.Fatal(err)
		}
		wantURLs := map[string]time.Time{}
		for _, th := range threads.Threads {
			if th.HiddenAt == nil {
				wantURLs[testBase+views.ThreadPath(th.ID, th.Slug)] = th.LastPostedAt
			}
		}
		if len(wantURLs) != len(fx.public) {
			t.Fatalf("%d public threads, want %d", len(wantURLs), len(fx.public))
		}
		seen := map[string]bool{}
		for _, loc := range locs[1:] {
			u, _ := url.Parse(loc)
			var set urlsetDoc
			parseXML(t, fetch(t, f, u.Path, ""), &set)
			if len(set.URLs) == 0 || len(set.URLs) > perPage {
				t.Errorf("%s lists %d threads", u.Path, len(set.URLs))
			}
			for _, e := range set.URLs {
				at, ok := wantURLs[e.Loc]
				if !ok || seen[e.Loc] {
					t.Errorf("%s lists %s: public %v, seen before %v", u.Path, e.Loc, ok, seen[e.Loc])
					continue
				}
				seen[e.Loc] = true
				got, err := time.Parse(time.RFC3339, e.LastMod)
				if err != nil || !got.Equal(at.Truncate(time.Second)) {
					t.Errorf("%s lastmod %q, want %s", e.Loc, e.LastMod, at.UTC().Format(time.RFC3339))
				}
			}
		}
		if len(seen) != len(wantURLs) {
			t.Errorf("sitemap lists %d of %d public threads", len(seen), len(wantURLs))
		}
		for _, th := range []models.Thread{fx.hidden, fx.held} {
			for loc := range seen {
				if strings.Contains(loc, "/t/"+strconv.FormatInt(th.ID, 10)+"/") {
					t.Errorf("sitemap lists thread %d (%s)", th.ID, th.Title)
				}
			}
		}
		// A page is streamed as it is read, compressed on the way when the
		// crawler asks.
		req := httptest.NewRequest(http.MethodGet, "/sitemap-threads-1.xml", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := f.srv.App.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.ContentLength != -1 || res.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("page 1: length %d, encoding %q", res.ContentLength, res.Header.Get("Content-Encoding"))
		}
		if zr, err := gzip.NewReader(res.Body); err != nil {
			t.Error(err)
		} else if err := xml.NewDecoder(zr).Decode(&urlsetDoc{}); err != nil {
			t.Errorf("compressed page 1: %v", err)
		}
		expect(t, fetch(t, f, "/sitemap-threads-4.xml", ""), http.StatusNotFound)
		expect(t, fetch(t, f, "/sitemap-threads-0.xml", ""), http.StatusNotFound)

		// The lists: the home page and every category.
		var lists urlsetDoc
		parseXML(t, fetch(t, f, "/sitemap-pages.xml", ""), &lists)
		cats, _ := f.srv.Store.Categories(context.Background())
		if len(lists.URLs) != len(cats)+1 || lists.URLs[0].Loc != testBase+"/" || lists.URLs[0].LastMod == "" {
			t.Fatalf("lists: %+v", lists.URLs)
		}
		for i, cat := range cats {
			if got := lists.URLs[i+1].Loc; got != testBase+"/c/"+cat.Slug {
				t.Errorf("list %d is %s", i, got)
			}
		}
	})
}

// An empty forum has a sitemap index and one empty page, not an error.
func TestSitemapOfAnEmptyForum(t *testing.T) {
	t.Parallel()
	f := newForum(t, migrations.SQLite)
	var index sitemapIndexDoc
	parseXML(t, fetch(t, f, "/sitemap.xml", ""), &index)
	if len(index.Sitemaps) != 1 {
		t.Errorf("index: %+v", index.Sitemaps)
	}
	var set urlsetDoc
	parseXML(t, fetch(t, f, "/sitemap-threads-1.xml", ""), &set)
	if len(set.URLs) != 0 {
		t.Errorf("page 1: %+v", set.URLs)
	}
}

// An Atom feed, as a reader parses it.
type (
	atomDoc struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Lang    string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
		ID      string   `xml:"id"`
		Title   string   `xml:"title"`
		Updated string   `xml:"updated"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Entries []atomEntryDoc `xml:"entry"`
	}
	atomEntryDoc struct {
		ID        string `xml:"id"`
		Title     string `xml:"title"`
		Updated   string `xml:"updated"`
		Published string `xml:"published"`
		Author    struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Link struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Content struct {
			Type string `xml:"type,attr"`
			Body string `xml:",chardata"`
		} `xml:"content"`
	}
)

// readFeed fetches and checks a feed: valid Atom, with the required
// elements, absolute links and cache headers.
func readFeed(t *testing.T, f *forum, path, lang string) (atomDoc, page) {
	t.Helper()
	p := fetch(t, f, path, lang)
	if ct := p.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
		t.Errorf("%s: Content-Type %q", path, ct)
	}
	if cc := p.Header.Get("Cache-Control"); cc != "public, max-age=60" {
		t.Errorf("%s: Cache-Control %q", path, cc)
	}
	var doc atomDoc
	parseXML(t, p, &doc)
	if doc.ID == "" || doc.Title == "" {
		t.Errorf("%s: id %q, title %q", path, doc.ID, doc.Title)
	}
	if _, err := time.Parse(time.RFC3339, doc.Updated); err != nil {
		t.Errorf("%s: updated %q", path, doc.Updated)
	}
	for _, l := range doc.Links {
		if !strings.HasPrefix(l.Href, testBase+"/") {
			t.Errorf("%s: link %q is not absolute", path, l.Href)
		}
	}
	for _, e := range doc.Entries {
		_, errU := time.Parse(time.RFC3339, e.Updated)
		_, errP := time.Parse(time.RFC3339, e.Published)
		if !strings.HasPrefix(e.ID, "tag:127.0.0.1,") || e.Title == "" || e.Author.Name == "" || errU != nil || errP != nil {
			t.Errorf("%s: entry %+v", path, e)
		}
		if !strings.HasPrefix(e.Link.Href, testBase+"/t/") || e.Content.Type != "html" {
			t.Errorf("%s: entry link %q, content type %q", path, e.Link.Href, e.Content.Type)
		}
	}
	return doc, p
}

func feedText(doc atomDoc) string {
	var b strings.Builder
	for _, e := range doc.Entries {
		b.WriteString(e.Title + "\n" + e.Content.Body + "\n")
	}
	return b.String()
}

func entryIDs(doc atomDoc) []string {
	var ids []string
	for _, e := range doc.Entries {
		ids = append(ids, e.ID)
	}
	return ids
}

func TestFeedsShowOnlyPublicContent(t *testing.T) {
	eachDialectWith(t, unlimited, func(t *testing.T, f *forum) {
		fx := newPublicFixture(t, f, 3)
		thread := func(th models.Thread) string { return "/t/" + strconv.FormatInt(th.ID, 10) + "/feed.atom" }
		feeds := map[string][]string{ // a feed, and the words it must hold
			"/feeds/latest.atom":                    fx.publicWords[:3],
			"/feeds/solved.atom":                    {fx.publicWords[1]},
			"/c/" + fx.category.Slug + "/feed.atom": {fx.publicWords[1]},
			thread(fx.public[0]):                    {"zqpublicreply"},
			thread(fx.solved):                       {"zqsolution"},
			"/search/feed.atom?q=zqfeed":            {"Public question 0", "Public question 1", "Public question 2"},
			"/search/feed.atom?q=zqpublicreply":     {"zqpublicreply"},
		}
		for path, words := range feeds {
			doc, _ := readFeed(t, f, path, "")
			text := feedText(doc)
			for _, w := range words {
				if !strings.Contains(text, w) {
					t.Errorf("%s does not hold %q:\n%s", path, w, text)
				}
			}
			for _, w := range fx.forbiddenWords {
				if strings.Contains(text, w) {
					t.Errorf("%s holds %q", path, w)
				}
			}
		}
		// What a visitor may not read has no feed and finds nothing.
		for _, th := range []models.Thread{fx.hidden, fx.held} {
			if p := fetch(t, f, thread(th), ""); p.Status != http.StatusNotFound || strings.Contains(p.Body, th.Title) {
				t.Errorf("%s: %d", thread(th), p.Status)
			}
		}
		for _, w := range []string{"zqhiddenthread", "zqheldthread", "zqpendingreply", "zqdeletedreply"} {
			if doc, _ := readFeed(t, f, "/search/feed.atom?q="+w, ""); len(doc.Entries) != 0 {
				t.Errorf("searching %s finds %v", w, entryIDs(doc))
			}
		}
		// Even for the people who may read it elsewhere: a feed is what
		// anyone may read.
		b := f.browser()
		b.signIn("hana")
		if p := b.get(thread(fx.held)); p.Status != http.StatusNotFound {
			t.Errorf("the asker's own held thread has a feed: %d", p.Status)
		}

		// The content is the post as pages show it: sanitized HTML.
		latest, _ := readFeed(t, f, "/feeds/latest.atom", "")
		if len(latest.Entries) != len(fx.public) {
			t.Fatalf("latest: %d entries", len(latest.Entries))
		}
		body := latest.Entries[0].Content.Body
		if !strings.Contains(body, "<strong>bold</strong>") || strings.Contains(body, "<b>") {
			t.Errorf("content is not the sanitized HTML: %q", body)
		}
		if e := latest.Entries[0]; e.Title != fx.public[2].Title || e.Author.Name != "hana" {
			t.Errorf("newest entry: %+v", e)
		}
	})
}

func TestFeedsAreStableAndRevalidate(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		fx := newPublicFixture(t, f, 2)
		for _, path := range []string{"/feeds/latest.atom", "/t/" + strconv.FormatInt(fx.public[0].ID, 10) + "/feed.atom", "/search/feed.atom?q=zqfeed"} {
			first, p := readFeed(t, f, path, "")
			second, again := readFeed(t, f, path, "")
			if !slices.Equal(entryIDs(first), entryIDs(second)) || len(first.Entries) == 0 || first.ID != second.ID {
				t.Errorf("%s: ids %v then %v", path, entryIDs(first), entryIDs(second))
			}
			etag := p.Header.Get("ETag")
			if etag == "" || again.Header.Get("ETag") != etag {
				t.Fatalf("%s: ETag %q then %q", path, etag, again.Header.Get("ETag"))
			}
			if r := fetch(t, f, path, "", "If-None-Match", etag); r.Status != http.StatusNotModified || r.Body != "" {
				t.Errorf("%s with If-None-Match: %d", path, r.Status)
			}
			if r := fetch(t, f, path, "", "If-None-Match", `W/"other", `+etag); r.Status != http.StatusNotModified {
				t.Errorf("%s with a list of tags: %d", path, r.Status)
			}
			if r := fetch(t, f, path, "", "If-None-Match", `W/"other"`); r.Status != http.StatusOK {
				t.Errorf("%s with another tag: %d", path, r.Status)
			}
		}
		// A change the feed shows gives it a new tag; the ids stay.
		_, before := readFeed(t, f, "/feeds/latest.atom", "")
		if _, err := f.srv.Store.CreateThread(context.Background(), models.NewThread{UserID: f.user("ken").ID, CategoryID: fx.category.ID, Title: "Another question", Body: "zqfeed zqlater"}); err != nil {
			t.Fatal(err)
		}
		after, p := readFeed(t, f, "/feeds/latest.atom", "")
		if p.Header.Get("ETag") == before.Header.Get("ETag") {
			t.Error("a new thread left the ETag as it was")
		}
		if r := fetch(t, f, "/feeds/latest.atom", "", "If-None-Match", before.Header.Get("ETag")); r.Status != http.StatusOK {
			t.Errorf("a stale tag: %d", r.Status)
		}
		if len(after.Entries) != 3 || after.Entries[0].Title != "Another question" {
			t.Errorf("after a new thread: %v", entryIDs(after))
		}
		// Hiding a thread takes it out, and changes the tag, though
		// nothing newer was written.
		if err := f.srv.Store.ModerateThread(context.Background(), f.user("root"), fx.public[0].ID, models.ThreadHide, 0, "spam"); err != nil {
			t.Fatal(err)
		}
		hidden, p2 := readFeed(t, f, "/feeds/latest.atom", "")
		if len(hidden.Entries) != 2 || p2.Header.Get("ETag") == p.Header.Get("ETag") {
			t.Errorf("after hiding: %d entries, ETag %q", len(hidden.Entries), p2.Header.Get("ETag"))
		}
	})
}

func TestFeedsSpeakTheReadersLanguage(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		fx := newPublicFixture(t, f, 2)
		en, _ := readFeed(t, f, "/feeds/latest.atom", "en")
		ja, _ := readFeed(t, f, "/feeds/latest.atom", "ja")
		if en.Title != "Latest threads on Hiroba" || en.Lang != "en" {
			t.Errorf("English: %q %q", en.Title, en.Lang)
		}
		if ja.Title != "Hirobaの最新のスレッド" || ja.Lang != "ja" {
			t.Errorf("Japanese: %q %q", ja.Title, ja.Lang)
		}
		// The same entries in any language: an entry is the post.
		if !slices.Equal(entryIDs(en), entryIDs(ja)) {
			t.Errorf("ids differ by language: %v %v", entryIDs(en), entryIDs(ja))
		}
		cat, _ := readFeed(t, f, "/c/"+fx.category.Slug+"/feed.atom", "ja")
		if !strings.Contains(cat.Title, fx.category.NameJA) {
			t.Errorf("category feed title %q", cat.Title)
		}
		th, _ := readFeed(t, f, "/t/"+strconv.FormatInt(fx.public[0].ID, 10)+"/feed.atom", "ja")
		if th.Title != "Hirobaの「Public question 0」への返信" {
			t.Errorf("thread feed title %q", th.Title)
		}
		expect(t, fetch(t, f, "/c/no-such/feed.atom", ""), http.StatusNotFound)
		expect(t, fetch(t, f, "/t/99999/feed.atom", ""), http.StatusNotFound)
		expect(t, fetch(t, f, "/search/feed.atom?q=", ""), http.StatusNotFound)
	})
}

// Each page links the feed of what it lists, for readers to find.
func TestFeedAlternatesOnPages(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		fx := newPublicFixture(t, f, 2)
		threadPath := views.ThreadPath(fx.public[0].ID, fx.public[0].Slug)
		pages := map[string]alternateLink{
			"/":                        {"Latest threads on Hiroba", "/feeds/latest.atom"},
			"/?show=solved":            {"Solved threads on Hiroba", "/feeds/solved.atom"},
			"/c/" + fx.category.Slug:   {fx.category.NameEN + " on Hiroba", "/c/" + fx.category.Slug + "/feed.atom"},
			threadPath:                 {"Replies to “Public question 0” on Hiroba", "/t/" + strconv.FormatInt(fx.public[0].ID, 10) + "/feed.atom"},
			"/search?q=zqfeed+problem": {"Search results for “zqfeed problem” on Hiroba", "/search/feed.atom?q=zqfeed+problem"},
		}
		for path, want := range pages {
			p := fetch(t, f, path, "en")
			expect(t, p, http.StatusOK)
			got := feedLinks(t, p)
			if len(got) == 0 || got[0] != (alternateLink{want.title, testBase + want.href}) {
				t.Errorf("%s links %v, want first %v", path, got, want)
			}
		}
		// A page no visitor may read links no feed.
		mod := f.browser()
		mod.signIn("root")
		p := mod.get(views.ThreadPath(fx.hidden.ID, fx.hidden.Slug))
		expect(t, p, http.StatusOK, "Hidden question")
		if got := feedLinks(t, p); len(got) != 0 {
			t.Errorf("a hidden thread links %v", got)
		}
	})
}

type alternateLink struct{ title, href string }

// feedLinks finds the Atom feeds a page's <head> links, as a feed reader
// does.
func feedLinks(t *testing.T, p page) []alternateLink {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(p.Body))
	if err != nil {
		t.Fatal(err)
	}
	var out []alternateLink
	var walk func(n *html.Node, inHead bool)
	walk = func(n *html.Node, inHead bool) {
		if n.Type == html.ElementNode && n.Data == "head" {
			inHead = true
		}
		if inHead && n.Type == html.ElementNode && n.Data == "link" && attr(n, "rel") == "alternate" && attr(n, "type") == "application/atom+xml" {
			out = append(out, alternateLink{attr(n, "title"), attr(n, "href")})
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inHead)
		}
	}
	walk(doc, false)
	return out
}
