package handlers

import (
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"hiroba/views"
)

const (
	// zoneCookie holds the time zone the browser reports; public/js/hiroba.js
	// sets it. It is a hint, never trusted: see zones.load.
	zoneCookie = "hiroba_tz"
	zoneKey    = "zone"
	// maxZones bounds the loaded zones kept; the tz database has some six
	// hundred names, so only odd spellings ever meet the bound.
	maxZones = 1024
)

// zones keeps the time zones loaded so far: loading one reads and parses
// a file, which would otherwise happen on every page.
type zones struct {
	mu     sync.RWMutex
	loaded map[string]*time.Location
}

// load checks a zone name (see views.ParseZone) and returns the zone.
func (z *zones) load(name string) (*time.Location, bool) {
	z.mu.RLock()
	loc, ok := z.loaded[name]
	z.mu.RUnlock()
	if ok {
		return loc, true
	}
	loc, err := views.ParseZone(name)
	if err != nil {
		return nil, false
	}
	z.mu.Lock()
	if z.loaded == nil || len(z.loaded) >= maxZones {
		z.loaded = map[string]*time.Location{}
	}
	// The name may point into Fiber's reused buffers.
	z.loaded[strings.Clone(name)] = loc
	z.mu.Unlock()
	return loc, true
}

// zone is the time zone the reader sees times in: their own setting when
// signed in, else the one their browser reported, else their language's
// (see views.DefaultZone). A cookie that names no zone is ignored.
func (h *Handler) zone(c *fiber.Ctx) *time.Location {
	if loc, ok := c.Locals(zoneKey).(*time.Location); ok {
		return loc
	}
	name := c.Cookies(zoneCookie)
	if u := currentUser(c); u != nil && u.TimeZone != "" {
		name = u.TimeZone
	}
	loc, ok := h.zones.load(name)
	if !ok {
		loc, ok = h.zones.load(views.DefaultZone(language(c)))
	}
	if !ok {
		loc = time.UTC
	}
	c.Locals(zoneKey, loc)
	return loc
}
