package app

import (
	"context"
	"log/slog"

	"hiroba/handlers/live"
	"hiroba/handlers/pagecache"
	"hiroba/models"
)

// pageCacheBytes bounds the memory anonymous pages take on one instance.
const pageCacheBytes = 16 << 20

// newPages builds the anonymous page cache, nil when HIROBA_PAGE_CACHE_TTL
// is 0, and the bus that keeps it fresh (announceChanges): each write the
// store commits drops the pages showing what it changed, here at once, and
// on the other instances over Redis when HIROBA_REDIS_URL is set. The bus
// is nil on a single instance.
func newPages(ctx context.Context, cfg Config, store *models.Store, log *slog.Logger) (*pagecache.Cache, *pagecache.Redis, error) {
	if cfg.PageCacheTTL <= 0 {
		return nil, nil, nil
	}
	pages := pagecache.New(cfg.PageCacheTTL, pageCacheBytes)
	var bus *pagecache.Redis
	if cfg.RedisURL != "" {
		site, err := store.SiteID(ctx)
		if err != nil {
			return nil, nil, err
		}
		if bus, err = pagecache.NewRedis(ctx, cfg.RedisURL, "hiroba:pages:"+site, pages, log); err != nil {
			return nil, nil, err
		}
	}
	return pages, bus, nil
}

// announceChanges tells, after each write the store commits, what it
// changed: to the page cache (here at once, elsewhere over its bus) and to
// the live events' bus. pages and pageBus are nil when there are none.
func announceChanges(store *models.Store, pages *pagecache.Cache, pageBus *pagecache.Redis, liveBus live.Bus) {
	store.OnChange(func(changed []models.Key) {
		keys := make([]string, len(changed))
		for i, k := range changed {
			keys[i] = string(k)
		}
		if pages != nil {
			pages.Invalidate(keys)
		}
		if pageBus != nil {
			pageBus.Publish(keys)
		}
		liveBus.Publish(keys)
	})
}
