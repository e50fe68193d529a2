package live

import (
	"context"
	"log/slog"
	"sync"
	"time"

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
// missed is in the database, and the next events say it. While Redis is
// away the streams fall back to polling: every followed thread is read
// again every PollWhileAway, so readers still hear of the other instances'
// replies, a few seconds late. Keys that could not be published are kept
// and sent once Redis answers again.
type Redis struct {
	bus  *keybus.Redis
	hub  *Hub
	poll *poller
}

// PollWhileAway is how often streams are read again while the other
// instances cannot be heard: one read per followed thread each time.
var PollWhileAway = 3 * time.Second

// NewRedis connects the hub to the channel at url (HIROBA_REDIS_URL). It
// pings Redis once, so a wrong URL stops start-up.
func NewRedis(ctx context.Context, url, channel string, h *Hub, log *slog.Logger) (*Redis, error) {
	poll := &poller{hub: h}
	bus, err := keybus.NewRedis(ctx, url, channel, listener{h, poll}, keybus.Options{Name: "live events", All: string(models.KeyAll)}, log)
	if err != nil {
		poll.halt()
		return nil, err
	}
	return &Redis{bus: bus, hub: h, poll: poll}, nil
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
func (r *Redis) Close() error {
	err := r.bus.Close()
	r.poll.halt() // after the bus, whose last word is Lost
	return err
}

// listener is the hub as the bus tells it what happened.
type listener struct {
	hub  *Hub
	poll *poller
}

func (l listener) Heard(keys []string) { l.hub.Changed(keys) }

// Lost starts polling until the other instances are heard again.
func (l listener) Lost() { l.poll.start() }

// Joined reads every followed thread again: what was published while this
// instance was not listening is in the database.
func (l listener) Joined() {
	l.poll.halt()
	l.hub.Resync()
}

// poller reads every followed thread again, every PollWhileAway, between
// start and halt; either may be called any number of times.
type poller struct {
	hub  *Hub
	mu   sync.Mutex
	stop chan struct{} // nil while not polling
}

func (p *poller) start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stop != nil {
		return
	}
	stop := make(chan struct{})
	p.stop = stop
	go func() {
		t := time.NewTicker(PollWhileAway)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				p.hub.Resync()
			}
		}
	}()
}

func (p *poller) halt() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stop != nil {
		close(p.stop)
		p.stop = nil
	}
}
