package handlers

// What search engines are told: robots.txt keeps them out of the pages that
// are for people signed in or acting, and the sitemap lists every page an
// anonymous visitor may read — the home page, the categories and each
// public thread with its last activity.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hiroba/models"
	"hiroba/views"
)

// SitemapMaxURLs is the sitemap protocol's limit of addresses in one
// sitemap, and the size of each page of threads unless Config says fewer.
const SitemapMaxURLs = 50000

const (
	sitemapNS       = "http://www.sitemaps.org/schemas/sitemap/0.9"
	sitemapPages    = "/sitemap-pages.xml"
	sitemapCache    = "public, max-age=600"
	robotsCache     = "public, max-age=86400"
	w3cDatetime     = time.RFC3339
	sitemapFlush    = 1000 // addresses between pushes to the reader
	sitemapDeadline = 60 * time.Second
)

// robotsDisallowed are the paths crawlers have no business in: searches
// (endless and thin), signing in, the composer, a post's edit, flag and
// history pages, moderation and administration, and a reader's own
// notifications and settings. The links that only set a preference and go
// back are out too, so each page is crawled once, not once per language.
var robotsDisallowed = []string{
	"/search", "/similar",
	"/login", "/logout", "/auth/",
	"/new", "/preview", "/privacy/",
	"/p/*/edit", "/p/*/flag", "/p/*/history",
	"/review", "/mod/", "/admin/",
	"/notifications", "/settings/", "/unsubscribe",
	"/lang/", "/theme/",
}

// robots tells crawlers where not to go, and where the sitemap is.
func (h *Handler) robots(c *fiber.Ctx) error {
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	for _, p := range robotsDisallowed {
		b.WriteString("Disallow: " + p + "\n")
	}
	b.WriteString("\nSitemap: " + h.cfg.BaseURL + "/sitemap.xml\n")
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, robotsCache)
	return c.SendString(b.String())
}

// sitemapPageSize is how many threads one page of the sitemap lists.
func (h *Handler) sitemapPageSize() int {
	if n := h.cfg.SitemapPageSize; n > 0 && n < SitemapMaxURLs {
		return n
	}
	return SitemapMaxURLs
}

// sitemapIndex lists the sitemaps: the lists of threads, then one for each
// page of public threads.
func (h *Handler) sitemapIndex(c *fiber.Ctx) error {
	n, err := h.store.PublicThreadCount(c.UserContext())
	if err != nil {
		return err
	}
	size := int64(h.sitemapPageSize())
	var b bytes.Buffer
	b.WriteString(xml.Header + `<sitemapindex xmlns="` + sitemapNS + `">` + "\n")
	writeSitemapEntry(&b, "sitemap", h.cfg.BaseURL+sitemapPages, time.Time{})
	for page := int64(1); page <= (n+size-1)/size; page++ {
		writeSitemapEntry(&b, "sitemap", h.cfg.BaseURL+sitemapThreadsPath(page), time.Time{})
	}
	b.WriteString("</sitemapindex>\n")
	return sendSitemap(c, b.Bytes())
}

func sitemapThreadsPath(page int64) string {
	return "/sitemap-threads-" + strconv.FormatInt(page, 10) + ".xml"
}

// sitemapLists lists the home page and each category, each as recent as
// its most recently active public thread.
func (h *Handler) sitemapLists(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cats, err := h.store.Categories(ctx)
	if err != nil {
		return err
	}
	active, err := h.store.CategoryActivity(ctx)
	if err != nil {
		return err
	}
	var newest time.Time
	for _, at := range active {
		if at.After(newest) {
			newest = at
		}
	}
	var b bytes.Buffer
	b.WriteString(xml.Header + `<urlset xmlns="` + sitemapNS + `">` + "\n")
	writeSitemapEntry(&b, "url", h.cfg.BaseURL+"/", newest)
	for _, cat := range cats {
		writeSitemapEntry(&b, "url", h.cfg.BaseURL+views.CategoryPath(cat.Slug), active[cat.ID])
	}
	b.WriteString("</urlset>\n")
	return sendSitemap(c, b.Bytes())
}

// sitemapThreads lists one page of public threads. The page is written as
// it is read, so a page of fifty thousand threads costs the memory of one
// batch of them (models.Store.EachSitemapThread).
func (h *Handler) sitemapThreads(c *fiber.Ctx) error {
	page, err := c.ParamsInt("n")
	if err != nil || page < 1 {
		return fiber.ErrNotFound
	}
	size := h.sitemapPageSize()
	start, err := h.store.SitemapPageStart(c.UserContext(), page, size)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationXMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, sitemapCache)
	if c.Method() == fiber.MethodHead {
		return nil
	}
	store, base, log, id := h.store, h.cfg.BaseURL, h.log, requestID(c)
	// The writer runs once the handler has returned, when the request's
	// context is over: it reads under a deadline of its own. Once the
	// first bytes are out a failure can only cut the document short,
	// which a crawler takes as a sitemap to fetch again later.
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), sitemapDeadline)
		defer cancel()
		_, _ = w.WriteString(xml.Header + `<urlset xmlns="` + sitemapNS + `">` + "\n")
		n := 0
		err := store.EachSitemapThread(ctx, start, size, func(th models.SitemapThread) error {
			writeSitemapEntry(w, "url", base+views.ThreadPath(th.ID, th.Slug), th.LastPostedAt)
			if n++; n%sitemapFlush == 0 {
				return w.Flush() // a reader gone stops the reads
			}
			return nil
		})
		if err != nil {
			log.Warn("sitemap cut short", slog.String("request_id", id), slog.Int("page", page), slog.Any("error", err))
			return
		}
		_, _ = w.WriteString("</urlset>\n")
	})
	return nil
}

func sendSitemap(c *fiber.Ctx, body []byte) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationXMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, sitemapCache)
	return c.Send(body)
}

// sitemapWriter is where sitemap entries are written: a buffer, or the
// response as it streams.
type sitemapWriter interface {
	WriteString(string) (int, error)
	Write([]byte) (int, error)
}

// writeSitemapEntry writes a <url> or <sitemap> with its address and, when
// known, its last change as a W3C datetime.
func writeSitemapEntry(w sitemapWriter, element, loc string, lastmod time.Time) {
	_, _ = w.WriteString("<" + element + "><loc>")
	_ = xml.EscapeText(w, []byte(loc))
	_, _ = w.WriteString("</loc>")
	if !lastmod.IsZero() {
		_, _ = w.WriteString("<lastmod>" + lastmod.UTC().Format(w3cDatetime) + "</lastmod>")
	}
	_, _ = w.WriteString("</" + element + ">\n")
}
