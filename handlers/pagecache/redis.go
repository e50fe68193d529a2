package pagecache

import (
	"context"
	"log/slog"
	"time"

	"hiroba/handlers/keybus"
)

// Redis carries invalidations between the instances that share a channel,
// over Redis pub/sub (package keybus). What an instance's own writes change
// is dropped from its own cache at once, before the writer's response;
// other instances hear it a round trip to Redis later.
//
// Pub/sub delivers to whoever listens at that moment and keeps nothing for
// later, so the cache is paused (nothing served, nothing stored: every page
// rendered fresh) whenever this instance may have missed a message: until
// it first subscribes, from the moment its connection fails or stops
// answering pings, until it has subscribed again. Resuming drops every
// page. Invalidations it could not publish are kept and sent once Redis
// answers again; meanwhile an instance that can reach Redis while this one
// cannot may serve what this one changed until the TTL ends, the one case
// where the TTL is the bound.
type Redis struct {
	bus *keybus.Redis
}

// NewRedis connects the cache to the channel at url (HIROBA_REDIS_URL). It
// pings Redis once, so a wrong URL stops start-up, and waits briefly for
// the subscription: until it is confirmed, the cache is paused.
func NewRedis(ctx context.Context, url, channel string, cache *Cache, log *slog.Logger) (*Redis, error) {
	bus, err := keybus.NewRedis(ctx, url, channel, listener{cache}, keybus.Options{Name: "page cache", All: KeyAll}, log)
	if err != nil {
		return nil, err
	}
	select {
	case <-bus.Joined():
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		log.Warn("page cache: not subscribed to invalidations yet; anonymous pages are rendered fresh until it is")
	}
	return &Redis{bus: bus}, nil
}

// Publish sends the keys to the other instances, without waiting: a write
// must not wait on Redis, nor fail for it.
func (r *Redis) Publish(keys []string) { r.bus.Publish(keys) }

// Close sends what is waiting, briefly, and disconnects.
func (r *Redis) Close() error { return r.bus.Close() }

// listener is the cache as the bus tells it what happened.
type listener struct{ cache *Cache }

func (l listener) Heard(keys []string) { l.cache.Invalidate(keys) }
func (l listener) Lost()               { l.cache.Pause() }

// Joined serves again: whatever was published while this instance was not
// listening is lost, and resuming drops every page.
func (l listener) Joined() {
	if l.cache.Paused() {
		l.cache.Resume()
	}
}
