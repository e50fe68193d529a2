package handlers

import (
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/gofiber/fiber/v2"

	"hiroba/handlers/metrics"
	"hiroba/handlers/pagecache"
	"hiroba/models"
	"hiroba/views"
)

// The page cache keeps anonymous pages. Visitors who are not signed in all
// see the same page for an address, language, time zone and theme, and a
// thread that is being read by many at once is rendered once instead of
// once per visitor. It is never stale for the people who write: each page
// says here, as it is rendered, what it shows (dependsOn); each write says
// in models what it changed; a change drops the pages showing it before
// the writer's response, on every instance (see package pagecache). The
// TTL bounds only what no write announces — time passing — and relative
// times end a page's stay sooner (views.Horizon). Signed-in people are
// never served from it.

// Locals under which a page tells the cache about itself.
const (
	pageKeysLocal    = "hiroba.page_keys"
	pageHorizonLocal = "hiroba.page_horizon"
	pageUnkeptLocal  = "hiroba.page_unkept"
)

// keepOut says the response is not a page to keep: it carries headers of
// its own that a kept page would lose, and the same bytes for every
// language, zone and theme.
func keepOut(c *fiber.Ctx) { c.Locals(pageUnkeptLocal, true) }

// dependsOn records what the page being rendered shows, as the keys writes
// announce (models.ThreadKey and the like); it may be called more than
// once. A page that never calls it is dropped on every write.
func dependsOn(c *fiber.Ctx, keys ...models.Key) {
	got, _ := c.Locals(pageKeysLocal).([]string)
	if got == nil {
		got = make([]string, 0, len(keys))
	}
	for _, k := range keys {
		got = append(got, string(k))
	}
	c.Locals(pageKeysLocal, got)
}

// pageHorizon is where the page's clock notes when its relative times
// change.
func pageHorizon(c *fiber.Ctx) *views.Horizon {
	hz, _ := c.Locals(pageHorizonLocal).(*views.Horizon)
	if hz == nil {
		hz = &views.Horizon{}
		c.Locals(pageHorizonLocal, hz)
	}
	return hz
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
	// The banners a visitor dismissed are not on their pages either.
	key := language(c) + "\x00" + h.zone(c).String() + "\x00" + theme(c) + "\x00" + h.dismissedKey(c) + "\x00" + c.OriginalURL()
	now := time.Now()
	if p, ok := h.pages.Get(key, now); ok {
		if r, ok := p.Route.(*fiber.Route); ok {
			metrics.ServedAs(c, r)
		}
		return h.sendCached(c, p)
	}
	// Before the page reads anything: a write that lands while it renders
	// makes it stale at once.
	began := h.pages.Begin()
	// A page read from a replica may miss the writes of the last few
	// seconds: it is kept only if nothing it shows changed in them.
	var readAsOf time.Time
	if lag := h.store.Staleness(c.UserContext()); lag > 0 {
		readAsOf = now.Add(-lag)
	}
	if err := c.Next(); err != nil {
		return err
	}
	res := c.Response()
	// A page holding a form carries this visitor's CSRF token: never shared.
	if _, hasForm := c.Locals(csrfKey).(string); hasForm {
		return nil
	}
	if unkept, _ := c.Locals(pageUnkeptLocal).(bool); unkept {
		return nil
	}
	// A streamed body has no end to keep (live events): reading it here
	// would wait for the stream to finish.
	if res.IsBodyStream() {
		return nil
	}
	if res.StatusCode() != fiber.StatusOK || len(res.Header.Peek(fiber.HeaderSetCookie)) > 0 || len(res.Header.Peek(fiber.HeaderContentEncoding)) > 0 {
		return nil
	}
	body := append([]byte(nil), res.Body()...)
	sum := sha256.Sum256(body)
	p := pagecache.Page{
		Body: body, ContentType: string(res.Header.ContentType()),
		ETag:     `W/"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
		Expires:  now.Add(h.pages.TTL()),
		Route:    c.Route(),
		ReadAsOf: readAsOf,
	}
	if hz := pageHorizon(c).Until(); !hz.IsZero() && hz.Before(p.Expires) {
		p.Expires = hz
	}
	p.Keys, p.Declared = c.Locals(pageKeysLocal).([]string)
	h.pages.Put(key, began, p)
	c.Set(fiber.HeaderETag, p.ETag)
	c.Set(fiber.HeaderCacheControl, sharedPage)
	return nil
}

// sharedPage lets browsers and a CDN in front keep an anonymous page, but
// only to ask again with its ETag each time (a 304 from the page cache is
// cheap): a write must reach every visitor at once, not after a max-age.
const sharedPage = "public, no-cache"

func (h *Handler) sendCached(c *fiber.Ctx, p pagecache.Page) error {
	c.Set(fiber.HeaderETag, p.ETag)
	c.Set(fiber.HeaderCacheControl, sharedPage)
	if c.Get(fiber.HeaderIfNoneMatch) == p.ETag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, p.ContentType)
	return c.Send(p.Body)
}
