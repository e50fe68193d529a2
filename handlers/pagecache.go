package handlers

import (
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// pageCache keeps anonymous pages for a moment. Visitors who are not signed
// in all see the same page for an address, language, time zone and theme, and a thread
// that is being read by many at once is rendered once per TTL instead of
// once per visitor. The staleness is bounded by the TTL (a second by
// default), the same for every instance; signed-in people, who write and
// expect to see their writing, are never served from it.
type pageCache struct {
	ttl      time.Duration
	maxBytes int

	mu    sync.Mutex
	pages map[string]cachedPage
	bytes int
}

type cachedPage struct {
	body    []byte
	ctype   string
	etag    string
	expires time.Time
}

func newPageCache(ttl time.Duration, maxBytes int) *pageCache {
	return &pageCache{ttl: ttl, maxBytes: maxBytes, pages: map[string]cachedPage{}}
}

func (pc *pageCache) get(key string, now time.Time) (cachedPage, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	p, ok := pc.pages[key]
	if !ok || now.After(p.expires) {
		return cachedPage{}, false
	}
	return p, true
}

func (pc *pageCache) put(key string, p cachedPage) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if old, ok := pc.pages[key]; ok {
		pc.bytes -= len(old.body)
	}
	if pc.bytes+len(p.body) > pc.maxBytes {
		// Full: start over rather than track recency; entries live a
		// second anyway, so little is lost.
		pc.pages, pc.bytes = map[string]cachedPage{}, 0
	}
	pc.pages[key] = p
	pc.bytes += len(p.body)
}

// cacheAnonymous serves and fills the page cache for anonymous GETs. Only
// complete 200 pages that set no cookie and hold no form token are kept. Every page it handles
// carries an ETag, so browsers and CDNs can revalidate cheaply.
func (h *Handler) cacheAnonymous(c *fiber.Ctx) error {
	if h.pages == nil || c.Method() != fiber.MethodGet || currentUser(c) != nil || c.Cookies(flashCookie) != "" {
		return c.Next()
	}
	// The page differs by language, time zone (times are written in the
	// reader's zone) and theme (<html> is marked with the visitor's
	// choice), so all are in the key: no visitor is ever served a page in
	// another's language, zone or colours.
	key := language(c) + "\x00" + h.zone(c).String() + "\x00" + theme(c) + "\x00" + c.OriginalURL()
	now := time.Now()
	if p, ok := h.pages.get(key, now); ok {
		return h.sendCached(c, p)
	}
	if err := c.Next(); err != nil {
		return err
	}
	res := c.Response()
	// A page holding a form carries this visitor's CSRF token: never shared.
	if _, hasForm := c.Locals(csrfKey).(string); hasForm {
		return nil
	}
	if res.StatusCode() != fiber.StatusOK || len(res.Header.Peek(fiber.HeaderSetCookie)) > 0 || len(res.Header.Peek(fiber.HeaderContentEncoding)) > 0 {
		return nil
	}
	body := append([]byte(nil), res.Body()...)
	sum := sha256.Sum256(body)
	p := cachedPage{body: body, ctype: string(res.Header.ContentType()), etag: `W/"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`, expires: now.Add(h.pages.ttl)}
	h.pages.put(key, p)
	c.Set(fiber.HeaderETag, p.etag)
	return nil
}

func (h *Handler) sendCached(c *fiber.Ctx, p cachedPage) error {
	c.Set(fiber.HeaderETag, p.etag)
	if c.Get(fiber.HeaderIfNoneMatch) == p.etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, p.ctype)
	return c.Send(p.body)
}
