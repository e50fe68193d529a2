package live

import (
	"context"
	"log/slog"

	"hiroba/handlers/keybus"
	"hiroba/models"
)

// Redis is the bus between instances, over a Redis pub/sub channel of its
// own (package keybus; the page cache has another: its instances pause
// their cache when they may have missed a message, where the hub reads
// every thread again). An instance's own writes wake its hub at once; the
// others hear them a round trip to Redis later.
//
// Pub/sub keeps nothing for whoever is not listening. So each time the
// subscription is confirmed — the first time and after any loss of the
// connection, noticed by its error or by a ping left unanswered — every
// stream of the instance is woken and read again (Hub.Resync): what was
// missed is in the database, and the next events say it. Keys that could
// not be published are kept and sent once Redis answers again.
type Redis struct {
	bus *keybus.Redis
	hub *Hub
}

// NewRedis connects the hub to the channel at url (HIROBA_REDIS_URL). It
// pings Redis once, so a wrong URL stops start-up.
func NewRedis(ctx context.Context, url, channel string, h *Hub, log *slog.Logger) (*Redis, error) {
	bus, err := keybus.NewRedis(ctx, url, channel, listener{h}, keybus.Options{Name: "live events", All: string(models.KeyAll)}, log)
	if err != nil {
		return nil, err
	}
	return &Redis{bus: bus, hub: h}, nil
}

// Publish wakes this instance's streams and sends the keys that can wake a
// stream to the other instances, without waiting: a write must not wait
// on Redis, nor fail for it.
func (r *Redis) Publish(keys []string) {
	r.hub.Changed(keys)
	var relevant []string
	for _, k := range keys {
		if r.hub.Relevant(k) {
			relevant = append(relevant, k)
		}
	}
	r.bus.Publish(relevant)
}

// Close sends what is waiting, briefly, and disconnects.
func (r *Redis) Close() error { return r.bus.Close() }

// listener is the hub as the bus tells it what happened.
type listener struct{ hub *Hub }

func (l listener) Heard(keys []string) { l.hub.Changed(keys) }
func (l listener) Lost()               {}

// Joined reads every followed thread again: what was published while this
// instance was not listening is in the database.
func (l listener) Joined() { l.hub.Resync() }
