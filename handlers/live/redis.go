package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is the bus between instances, over a Redis pub/sub channel of its
// own (the page cache has another: its instances pause their cache when
// they may have missed a message, where the hub reads every thread again).
// An instance's own writes wake its hub at once; the others hear them a
// round trip to Redis later.
//
// Pub/sub keeps nothing for whoever is not listening. So each time the
// subscription is confirmed — the first time and after any loss of the
// connection, noticed by its error or by a ping left unanswered — every
// stream of the instance is woken and read again (Hub.Resync): what was
// missed is in the database, and the next events say it. Keys that could
// not be published are kept and sent once Redis answers again.
type Redis struct {
	client  *redis.Client
	channel string
	id      string // marks this instance's messages, which it skips
	hub     *Hub
	log     *slog.Logger

	mu      sync.Mutex
	pending map[string]struct{}
	sub     *redis.PubSub // the subscription now, for Close to end
	wake    chan struct{}

	stop context.CancelFunc
	done sync.WaitGroup
}

const (
	// redisTimeout bounds a dial and one round trip when the URL sets
	// none.
	redisTimeout = 500 * time.Millisecond
	// quiet is how long the subscription may hear nothing before it is
	// pinged; a ping unanswered for as long again means the connection
	// is gone.
	quiet = time.Second
	// maxMessageKeys: past this many keys waiting, one "all" says it.
	maxMessageKeys = 512
)

// NewRedis connects the hub to the channel at url (HIROBA_REDIS_URL). It
// pings Redis once, so a wrong URL stops start-up.
func NewRedis(ctx context.Context, url, channel string, h *Hub, log *slog.Logger) (*Redis, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("live: parse redis url: %w", err)
	}
	for _, d := range []*time.Duration{&opt.DialTimeout, &opt.ReadTimeout, &opt.WriteTimeout} {
		if *d == 0 {
			*d = redisTimeout
		}
	}
	opt.MaxRetries = -1   // a publish that fails is kept and sent again here
	opt.DialerRetries = 1 // and a lost subscription is dialled again by its loop
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	r := &Redis{
		client: redis.NewClient(opt), channel: channel, id: hex.EncodeToString(id), hub: h, log: log,
		pending: map[string]struct{}{}, wake: make(chan struct{}, 1),
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := r.client.Ping(pingCtx).Err(); err != nil {
		_ = r.client.Close()
		return nil, fmt.Errorf("live: connect to redis at %s: %w", opt.Addr, err)
	}
	run, stop := context.WithCancel(context.Background())
	r.stop = stop
	r.done.Add(2)
	go r.subscribe(run)
	go r.publish(run)
	return r, nil
}

// Publish wakes this instance's streams and sends the keys that can wake a
// stream to the other instances, without waiting: a write must not wait
// on Redis, nor fail for it.
func (r *Redis) Publish(keys []string) {
	r.hub.Changed(keys)
	r.mu.Lock()
	n := len(r.pending)
	for _, k := range keys {
		if r.hub.Relevant(k) {
			r.pending[k] = struct{}{}
		}
	}
	added := len(r.pending) > n
	r.mu.Unlock()
	if added {
		r.poke()
	}
}

func (r *Redis) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Close sends what is waiting, briefly, and disconnects.
func (r *Redis) Close() error {
	r.stop()
	r.mu.Lock()
	if r.sub != nil {
		_ = r.sub.Close() // ends a wait for the next message at once
	}
	r.mu.Unlock()
	r.done.Wait()
	return r.client.Close()
}

func (r *Redis) publish(ctx context.Context) {
	defer r.done.Done()
	failing := false
	for {
		select {
		case <-r.wake:
		case <-ctx.Done():
			flush, cancel := context.WithTimeout(context.Background(), redisTimeout)
			_ = r.send(flush)
			cancel()
			return
		}
		for {
			err := r.send(ctx)
			if err == nil || ctx.Err() != nil {
				if failing && err == nil {
					r.log.Info("live events: publishing to other instances again")
				}
				failing = false
				break
			}
			if !failing {
				r.log.Warn("live events: cannot publish to other instances; retrying", slog.Any("error", err))
			}
			failing = true
			select {
			case <-ctx.Done():
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
}

// send publishes what is pending, and keeps it pending if that fails.
func (r *Redis) send(ctx context.Context) error {
	r.mu.Lock()
	keys := make([]string, 0, len(r.pending))
	for k := range r.pending {
		keys = append(keys, k)
	}
	clear(r.pending)
	r.mu.Unlock()
	if len(keys) == 0 {
		return nil
	}
	msg := keys
	if len(keys) > maxMessageKeys {
		msg = []string{"all"}
	}
	err := r.client.Publish(ctx, r.channel, r.id+" "+strings.Join(msg, " ")).Err()
	if err != nil {
		r.mu.Lock()
		for _, k := range keys {
			r.pending[k] = struct{}{}
		}
		r.mu.Unlock()
	}
	return err
}

// subscribe hears the other instances for as long as ctx lasts.
func (r *Redis) subscribe(ctx context.Context) {
	defer r.done.Done()
	pubsub := r.listen(ctx)
	defer func() { _ = pubsub.Close() }()
	pinged, lost := false, false
	backoff := 50 * time.Millisecond
	for {
		msg, err := pubsub.ReceiveTimeout(ctx, quiet)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			var nerr net.Error
			if errors.As(err, &nerr) && nerr.Timeout() && !pinged {
				// Quiet: make sure the connection is still there.
				if err = pubsub.Ping(ctx); err == nil {
					pinged = true
					continue
				}
			}
			if !lost {
				r.log.Warn("live events: lost the other instances; reading every followed thread again once they are back", slog.Any("error", err))
			}
			lost = true
			if pinged {
				// No answer to a ping for a whole quiet period: the
				// connection went without a word. Start over.
				_ = pubsub.Close()
				pubsub, pinged = r.listen(ctx), false
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, time.Second)
			continue
		}
		backoff, pinged = 50*time.Millisecond, false
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				// (Re)subscribed: whatever was published meanwhile is
				// lost, so every stream reads its thread again.
				if lost {
					r.log.Info("live events: hearing the other instances again")
				}
				lost = false
				r.hub.Resync()
			}
		case *redis.Message:
			from, keys, _ := strings.Cut(m.Payload, " ")
			if from != r.id && keys != "" {
				r.hub.Changed(strings.Fields(keys))
			}
		}
	}
}

// listen subscribes anew, where Close can reach it.
func (r *Redis) listen(ctx context.Context) *redis.PubSub {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sub = r.client.Subscribe(ctx, r.channel)
	return r.sub
}
