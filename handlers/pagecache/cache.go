// Package pagecache keeps rendered pages for anonymous readers and drops
// each one as soon as a write changes what it shows, on this instance and,
// through Redis, on every other.
//
// # Freshness
//
// Each page is stored with the keys of what it shows (a thread, a category's
// list, a profile; see models.Key), declared where it is rendered. Each
// write announces the keys of what it changed, declared where it writes.
// The cache does not search for pages to drop: it counts invalidations, and
// remembers for each key the count at its last one. A page is stored with
// the count from before it read anything; it is served only while none of
// its keys has been invalidated since. So a render that raced a write — it
// read the old rows, the write committed, and only then was the page
// stored — is never served either.
//
// A page that declared no keys depends on every write. "all" invalidates
// every page.
package pagecache

import (
	"sync"
	"time"
)

// KeyAll invalidates every page.
const KeyAll = "all"

// maxKeys bounds the remembered invalidations; past it they are forgotten
// all at once, which drops every page (safe, and rare: a minute of writes
// touches far fewer keys).
const maxKeys = 1 << 16

// Cache is the pages of one instance. It is safe for concurrent use.
type Cache struct {
	ttl      time.Duration
	maxBytes int

	mu    sync.Mutex
	pages map[string]Page
	bytes int
	// seq counts invalidations; gens holds, per key, seq at its last one
	// and when it was heard.
	seq        uint64
	gens       map[string]gen
	everything gen // the last invalidation of everything
	anyWrite   gen // the last invalidation of anything
	// paused is set while invalidations from other instances may be lost
	// (their channel is down): nothing is served or stored then.
	paused bool
	stats  Stats
}

// Page is one stored response.
type Page struct {
	Body        []byte
	ContentType string
	ETag        string
	// Expires is when the page is dropped even if nothing it shows
	// changed: the TTL, or sooner when its relative times would read
	// differently.
	Expires time.Time
	// Keys are what the page shows; Declared is false when the page said
	// nothing, and then depends on every write.
	Keys     []string
	Declared bool
	// Route is what rendered the page (a *fiber.Route), opaque here: a
	// page served again is counted under the route that made it.
	Route any
	// ReadAsOf, when set, is the instant the page's reads are sure to
	// include every write before: it read from a database replica, which
	// may be behind. A page showing anything changed after it is not kept.
	ReadAsOf time.Time

	seq uint64 // from Begin, before the page read anything
}

// gen is one invalidation: its place in the count, and when it was heard.
type gen struct {
	seq uint64
	at  time.Time
}

// Stats counts what the cache did, for tests and for operators.
type Stats struct {
	Hits    int64 // served from the cache
	Misses  int64 // not there (or expired), rendered
	Dropped int64 // there, but something it shows changed since
	Paused  int64 // not looked up: invalidations may have been lost
	// Invalidations counts the changes heard, from this instance's
	// writes and the others'.
	Invalidations int64
}

// New returns a cache keeping pages for up to ttl, in up to maxBytes.
func New(ttl time.Duration, maxBytes int) *Cache {
	return &Cache{ttl: ttl, maxBytes: maxBytes, pages: map[string]Page{}, gens: map[string]gen{}}
}

// TTL is the longest a page is kept.
func (c *Cache) TTL() time.Duration { return c.ttl }

// Begin is called before a page reads anything; its result goes with the
// page to Put.
func (c *Cache) Begin() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seq
}

// Get returns the page stored under key if nothing it shows changed since
// it was rendered and it has not expired.
func (c *Cache) Get(key string, now time.Time) (Page, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paused {
		c.stats.Paused++
		return Page{}, false
	}
	p, ok := c.pages[key]
	switch {
	case !ok:
		c.stats.Misses++
		return Page{}, false
	case !c.fresh(p):
		c.stats.Dropped++
	case now.After(p.Expires):
		c.stats.Misses++
	default:
		c.stats.Hits++
		return p, true
	}
	c.drop(key, p)
	return Page{}, false
}

// fresh reports whether nothing the page shows was invalidated after it
// began. The caller holds mu.
func (c *Cache) fresh(p Page) bool {
	return !c.changed(p, func(g gen) bool { return g.seq > p.seq })
}

// changed reports whether an invalidation of something the page shows
// satisfies after. The caller holds mu.
func (c *Cache) changed(p Page, after func(gen) bool) bool {
	if after(c.everything) {
		return true
	}
	if !p.Declared {
		return after(c.anyWrite)
	}
	for _, k := range p.Keys {
		if after(c.gens[k]) {
			return true
		}
	}
	return false
}

func (c *Cache) drop(key string, p Page) {
	delete(c.pages, key)
	c.bytes -= len(p.Body)
}

// Put stores a page rendered since began (Begin's result), unless
// something it shows changed meanwhile or the cache is paused.
func (c *Cache) Put(key string, began uint64, p Page) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p.seq = began
	if c.paused || !c.fresh(p) {
		return
	}
	// Read from a replica that may not have had a change this instance
	// has already heard of: right to serve once, wrong to keep.
	if !p.ReadAsOf.IsZero() && c.changed(p, func(g gen) bool { return g.at.After(p.ReadAsOf) }) {
		return
	}
	if old, ok := c.pages[key]; ok {
		c.drop(key, old)
	}
	if c.bytes+len(p.Body) > c.maxBytes {
		// Full: start over rather than track recency; pages live a
		// minute at most, so little is lost.
		c.pages, c.bytes = map[string]Page{}, 0
	}
	c.pages[key] = p
	c.bytes += len(p.Body)
}

// Invalidate drops every page showing any of the keys (KeyAll: every
// page), and every page that declared nothing.
func (c *Cache) Invalidate(keys []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.invalidate(keys)
}

func (c *Cache) invalidate(keys []string) {
	c.seq++
	c.stats.Invalidations++
	g := gen{seq: c.seq, at: time.Now()}
	c.anyWrite = g
	for _, k := range keys {
		if k == KeyAll {
			c.everything = g
		}
		c.gens[k] = g
	}
	if len(c.gens) > maxKeys {
		c.everything, c.gens = g, map[string]gen{}
	}
}

// Everything counts the invalidations of every page (KeyAll), here or
// heard from another instance: what every page shows read again when it
// moves — the site's settings.
func (c *Cache) Everything() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.everything.seq
}

// Pause stops serving and storing pages: invalidations from elsewhere may
// be lost until Resume.
func (c *Cache) Pause() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.paused = true
}

// Resume serves pages again, none of those from before: whatever changed
// while paused is unknown.
func (c *Cache) Resume() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.invalidate([]string{KeyAll})
	c.paused = false
}

// Paused reports whether the cache is paused.
func (c *Cache) Paused() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.paused
}

// Stats returns the counts so far.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}
