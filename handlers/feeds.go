package handlers

// Atom feeds of what anyone may read: the newest threads, each category's,
// the solved ones, a thread's replies and a search. A feed is the same for
// every reader of a language — it is read as an anonymous visitor, whoever
// asks — so it is cacheable by anyone, and revalidated by its ETag.

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"hiroba/models"
	"hiroba/views"
)

const (
	feedEntries = 30
	feedCache   = "public, max-age=60"
	atomNS      = "http://www.w3.org/2005/Atom"
	xmlNS       = "http://www.w3.org/XML/1998/namespace"

	latestFeedPath = "/feeds/latest.atom"
	solvedFeedPath = "/feeds/solved.atom"
)

func categoryFeedPath(slug string) string { return views.CategoryPath(slug) + "/feed.atom" }
func threadFeedPath(id int64) string      { return "/t/" + strconv.FormatInt(id, 10) + "/feed.atom" }
func searchFeedPath(q string) string      { return "/search/feed.atom?q=" + url.QueryEscape(q) }

// The Atom 1.0 document (RFC 4287), as much of it as the feeds use.
type (
	atomFeed struct {
		XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
		Lang     string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
		ID       string      `xml:"id"`
		Title    string      `xml:"title"`
		Subtitle string      `xml:"subtitle,omitempty"`
		Updated  string      `xml:"updated"`
		Links    []atomLink  `xml:"link"`
		Entries  []atomEntry `xml:"entry"`
	}
	atomLink struct {
		Rel  string `xml:"rel,attr,omitempty"`
		Type string `xml:"type,attr,omitempty"`
		Href string `xml:"href,attr"`
	}
	atomEntry struct {
		Lang      string        `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
		ID        string        `xml:"id"`
		Title     string        `xml:"title"`
		Updated   string        `xml:"updated"`
		Published string        `xml:"published"`
		Author    atomPerson    `xml:"author"`
		Link      atomLink      `xml:"link"`
		Category  *atomCategory `xml:"category,omitempty"`
		Content   atomContent   `xml:"content"`
	}
	atomPerson struct {
		Name string `xml:"name"`
		URI  string `xml:"uri,omitempty"`
	}
	atomCategory struct {
		Term  string `xml:"term,attr"`
		Label string `xml:"label,attr,omitempty"`
	}
	atomContent struct {
		Type string `xml:"type,attr"`
		Body string `xml:",chardata"`
	}
)

// feed is one feed being written: where it lives, what it is called, and
// the page it is the feed of.
type feed struct {
	path  string // the feed's own address, its id
	page  string // the HTML page it follows
	title string
	// since is the feed's updated time when it has no entries.
	since time.Time
}

// latestFeed is the newest threads, each through its question.
func (h *Handler) latestFeed(c *fiber.Ctx) error {
	t := h.catalog.In(language(c))
	posts, err := h.store.FeedQuestions(c.UserContext(), models.QuestionFeed{Limit: feedEntries})
	if err != nil {
		return err
	}
	return h.sendFeed(c, feed{path: latestFeedPath, page: "/", title: h.latestTitle(c, t)}, h.questionEntries(t, posts, false))
}

// solvedFeed is the solved threads, most recently active first.
func (h *Handler) solvedFeed(c *fiber.Ctx) error {
	t := h.catalog.In(language(c))
	posts, err := h.store.FeedQuestions(c.UserContext(), models.QuestionFeed{Solved: true, Limit: feedEntries})
	if err != nil {
		return err
	}
	page := views.ListPath("/", string(models.ShowSolved), "")
	return h.sendFeed(c, feed{path: solvedFeedPath, page: page, title: h.solvedTitle(c, t)}, h.questionEntries(t, posts, true))
}

// categoryFeed is one category's newest threads.
func (h *Handler) categoryFeed(c *fiber.Ctx) error {
	slug, err := urlParam(c, "slug")
	if err != nil {
		return fiber.ErrNotFound
	}
	cat, err := h.store.CategoryBySlug(c.UserContext(), slug)
	if err != nil {
		return err
	}
	t := h.catalog.In(language(c))
	posts, err := h.store.FeedQuestions(c.UserContext(), models.QuestionFeed{CategoryID: cat.ID, Limit: feedEntries})
	if err != nil {
		return err
	}
	f := feed{path: categoryFeedPath(cat.Slug), page: views.CategoryPath(cat.Slug), title: h.categoryTitle(c, t, cat), since: cat.CreatedAt}
	return h.sendFeed(c, f, h.questionEntries(t, posts, false))
}

// threadFeed is a thread's newest public replies.
func (h *Handler) threadFeed(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	t := h.catalog.In(language(c))
	th, posts, err := h.store.FeedReplies(c.UserContext(), int64(id), feedEntries)
	if err != nil {
		return err
	}
	entries := make([]atomEntry, len(posts))
	for i, p := range posts {
		entries[i] = h.postEntry(t, p, t.T("feed.reply_title", "Title", th.Title), th.TitleLang)
	}
	f := feed{path: threadFeedPath(th.ID), page: views.ThreadPath(th.ID, th.Slug), title: h.threadTitle(c, t, th), since: th.CreatedAt}
	return h.sendFeed(c, f, entries)
}

// searchFeed is the newest posts matching a search, each thread once
// through its best post, as the search page finds them: only what an
// anonymous visitor may read.
func (h *Handler) searchFeed(c *fiber.Ctx) error {
	q := strings.TrimSpace(utils.CopyString(c.Query("q")))
	if q == "" {
		return fiber.ErrNotFound
	}
	t := h.catalog.In(language(c))
	found, err := h.store.Search(c.UserContext(), models.SearchInput{Query: q, Page: 1, PerPage: feedEntries, Sort: models.SortNewest})
	if err != nil {
		return err
	}
	entries := make([]atomEntry, len(found.Results))
	for i, r := range found.Results {
		r.Post.Thread = r.Thread
		entries[i] = h.postEntry(t, r.Post, r.Thread.Title, r.Thread.TitleLang)
	}
	f := feed{path: searchFeedPath(q), page: searchPath(searchForm{Q: q, Sort: string(models.SortNewest)}), title: h.searchTitle(c, t, q)}
	return h.sendFeed(c, f, entries)
}

// questionEntries makes a feed's entries of threads' questions; a solved
// thread's entry counts as updated when it was solved.
func (h *Handler) questionEntries(t views.Translator, posts []models.Post, solved bool) []atomEntry {
	out := make([]atomEntry, len(posts))
	for i, p := range posts {
		e := h.postEntry(t, p, p.Thread.Title, p.Thread.TitleLang)
		e.Link.Href = h.cfg.BaseURL + views.ThreadPath(p.ThreadID, p.Thread.Slug)
		e.Category = &atomCategory{Term: p.Thread.Category.Slug, Label: p.Thread.Category.Name(t.Lang())}
		if at := p.Thread.SolvedAt; solved && at != nil && at.UTC().Format(time.RFC3339) > e.Updated {
			e.Updated = at.UTC().Format(time.RFC3339)
		}
		out[i] = e
	}
	return out
}

// postEntry is a post as a feed entry: its id is a tag URI that names the
// post itself, so it stays the same whatever its thread is called later
// and in every feed the post appears in.
func (h *Handler) postEntry(t views.Translator, p models.Post, title, titleLang string) atomEntry {
	updated := p.CreatedAt
	if p.EditedAt != nil && p.EditedAt.After(updated) {
		updated = *p.EditedAt
	}
	e := atomEntry{
		Lang:      p.Lang,
		ID:        h.tagURI(p.CreatedAt, "post/"+strconv.FormatInt(p.ID, 10)),
		Title:     title,
		Updated:   updated.UTC().Format(time.RFC3339),
		Published: p.CreatedAt.UTC().Format(time.RFC3339),
		Author:    h.atomAuthor(t, p.User),
		Link:      atomLink{Rel: "alternate", Type: "text/html", Href: h.cfg.BaseURL + views.PostPath(p.ThreadID, p.Thread.Slug, p.Position, p.ID)},
		// Sanitized when it was written, like every page shows it; type
		// "html" has readers treat it as markup, escaped here as text.
		Content: atomContent{Type: "html", Body: p.HTML},
	}
	if e.Lang == "" {
		e.Lang = titleLang
	}
	return e
}

// tagURI is an RFC 4151 tag for something the site published on a day.
func (h *Handler) tagURI(day time.Time, specific string) string {
	host := h.cfg.BaseURL
	if u, err := url.Parse(h.cfg.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return "tag:" + host + "," + day.UTC().Format(dateLayout) + ":" + specific
}

// sendFeed writes a feed, or 304 when the reader has it already. The ETag
// is a digest of the document: the document's updated time is its newest
// change, but an entry that leaves (hidden, deleted, moved) changes the
// feed without being a newer change, and the digest sees that too.
func (h *Handler) sendFeed(c *fiber.Ctx, f feed, entries []atomEntry) error {
	doc := atomFeed{
		Lang: language(c), ID: h.cfg.BaseURL + f.path, Title: f.title,
		Subtitle: h.catalog.In(language(c)).T("site.tagline"),
		Links: []atomLink{
			{Rel: "self", Type: views.AtomType, Href: h.cfg.BaseURL + f.path},
			{Rel: "alternate", Type: "text/html", Href: h.cfg.BaseURL + f.page},
		},
		Entries: entries,
	}
	updated := f.since
	if updated.IsZero() {
		updated = time.Unix(0, 0)
	}
	doc.Updated = updated.UTC().Format(time.RFC3339)
	for _, e := range entries {
		if e.Updated > doc.Updated { // RFC 3339 in UTC sorts as time does
			doc.Updated = e.Updated
		}
	}
	body, err := xml.Marshal(doc)
	if err != nil {
		return err
	}
	body = append([]byte(xml.Header), body...)
	sum := sha256.Sum256(body)
	etag := `W/"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, feedCache)
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, views.AtomType+"; charset=utf-8")
	return c.Send(body)
}

// etagMatches reports whether an If-None-Match header names the tag,
// compared weakly (RFC 9110, 13.1.2).
func etagMatches(header, etag string) bool {
	weak := func(s string) string { return strings.TrimPrefix(strings.TrimSpace(s), "W/") }
	for _, candidate := range strings.Split(header, ",") {
		if c := strings.TrimSpace(candidate); c == "*" || (c != "" && weak(c) == weak(etag)) {
			return true
		}
	}
	return false
}

// The feeds' titles, for the feeds and for the pages that link them.

func (h *Handler) latestTitle(c *fiber.Ctx, t views.Translator) string {
	return t.T("feed.latest", "Site", h.site(c.UserContext()).SiteName)
}

func (h *Handler) solvedTitle(c *fiber.Ctx, t views.Translator) string {
	return t.T("feed.solved", "Site", h.site(c.UserContext()).SiteName)
}

func (h *Handler) categoryTitle(c *fiber.Ctx, t views.Translator, cat models.Category) string {
	return t.T("feed.category", "Category", cat.Name(t.Lang()), "Site", h.site(c.UserContext()).SiteName)
}

func (h *Handler) threadTitle(c *fiber.Ctx, t views.Translator, th models.Thread) string {
	return t.T("feed.thread", "Title", th.Title, "Site", h.site(c.UserContext()).SiteName)
}

func (h *Handler) searchTitle(c *fiber.Ctx, t views.Translator, q string) string {
	return t.T("feed.search", "Query", q, "Site", h.site(c.UserContext()).SiteName)
}

// alternate is a feed as a page links it.
func (h *Handler) alternate(title, path string) views.Alternate {
	return views.Alternate{Title: title, Href: h.cfg.BaseURL + path, Type: views.AtomType}
}

// atomAuthor names a post's author in a feed, as pages do (views.Translator.Author).
func (h *Handler) atomAuthor(t views.Translator, u models.User) atomPerson {
	a := t.Author(u)
	if a.Path == "" {
		return atomPerson{Name: a.Name}
	}
	return atomPerson{Name: a.Name, URI: h.cfg.BaseURL + a.Path}
}
