package pagecache

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

// Redis carries invalidations between the instances that share a channel,
// over Redis pub/sub. What an instance's own writes change is dropped from
// its own cache at once, before the writer's response; other instances
// hear it a round trip to Redis later.
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
	client  *redis.Client
	channel string
	id      string // marks this instance's messages, which it skips
	cache   *Cache
	log     *slog.Logger

	mu      sync.Mutex
	pending map[string]struct{}
	sub     *redis.PubSub // the subscription now, for Close to end
	wake    chan struct{}

	stop context.CancelFunc
	done sync.WaitGroup
}

const (
	// ioTimeout bounds a dial and one round trip when the URL sets none.
	ioTimeout = 500 * time.Millisecond
	// heartbeat is how long the subscription may be quiet before it is
	// pinged; a ping unanswered for another heartbeat means the
	// connection is gone, however quietly it went.
	heartbeat = time.Second
	// maxMessageKeys: past this many keys waiting, one "all" says it.
	maxMessageKeys = 512
)

// NewRedis connects the cache to the channel at url (HIROBA_REDIS_URL). It
// pings Redis once, so a wrong URL stops start-up, and waits briefly for
// the subscription: until it is confirmed, the cache is paused.
func NewRedis(ctx context.Context, url, channel string, cache *Cache, log *slog.Logger) (*Redis, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("pagecache: parse redis url: %w", err)
	}
	for _, d := range []*time.Duration{&opt.DialTimeout, &opt.ReadTimeout, &opt.WriteTimeout} {
		if *d == 0 {
			*d = ioTimeout
		}
	}
	opt.MaxRetries = -1   // a publish that fails is kept and sent again here
	opt.DialerRetries = 1 // and a lost subscription is dialled again by its loop
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	r := &Redis{
		client: redis.NewClient(opt), channel: channel, id: hex.EncodeToString(id), cache: cache, log: log,
		pending: map[string]struct{}{}, wake: make(chan struct{}, 1),
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := r.client.Ping(pingCtx).Err(); err != nil {
		_ = r.client.Close()
		return nil, fmt.Errorf("pagecache: connect to redis at %s: %w", opt.Addr, err)
	}
	cache.Pause()
	subscribed := make(chan struct{})
	run, stop := context.WithCancel(context.Background())
	r.stop = stop
	r.done.Add(2)
	go r.subscribe(run, subscribed)
	go r.publish(run)
	select {
	case <-subscribed:
	case <-pingCtx.Done():
		log.Warn("page cache: not subscribed to invalidations yet; anonymous pages are rendered fresh until it is")
	}
	return r, nil
}

// Publish sends the keys to the other instances, without waiting: a write
// must not wait on Redis, nor fail for it.
func (r *Redis) Publish(keys []string) {
	r.mu.Lock()
	for _, k := range keys {
		r.pending[k] = struct{}{}
	}
	r.mu.Unlock()
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
			// Last words: what this instance changed just before stopping.
			flush, cancel := context.WithTimeout(context.Background(), ioTimeout)
			_ = r.send(flush)
			cancel()
			return
		}
		for {
			err := r.send(ctx)
			if err == nil || ctx.Err() != nil {
				if failing && err == nil {
					r.log.Info("page cache: publishing invalidations again")
				}
				failing = false
				break
			}
			if !failing {
				r.log.Warn("page cache: cannot publish invalidations; retrying", slog.Any("error", err))
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
		msg = []string{KeyAll}
	}
	err := r.client.Publish(ctx, r.channel, r.id+" "+strings.Join(msg, " ")).Err()
	if err != nil {
		r.Publish(keys)
		// Drain the wake-up this put back: the caller retries itself.
		select {
		case <-r.wake:
		default:
		}
	}
	return err
}

// subscribe listens for other instances' invalidations for as long as ctx
// lasts, pausing the cache whenever it may be missing some.
func (r *Redis) subscribe(ctx context.Context, subscribed chan struct{}) {
	defer r.done.Done()
	defer r.cache.Pause()
	pubsub := r.listen(ctx)
	defer func() { _ = pubsub.Close() }()
	pinged := false
	backoff := 50 * time.Millisecond
	for {
		msg, err := pubsub.ReceiveTimeout(ctx, heartbeat)
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
			if !r.cache.Paused() {
				r.log.Warn("page cache: lost invalidations from other instances; rendering anonymous pages fresh until they are back", slog.Any("error", err))
			}
			r.cache.Pause()
			if pinged {
				// No answer to a ping for a whole heartbeat: the
				// connection went quietly. Start over on a new one.
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
			// (Re)subscribed. Whatever was published while this instance
			// was not listening is lost: drop everything, serve again.
			if m.Kind == "subscribe" && r.cache.Paused() {
				r.cache.Resume()
				if subscribed != nil {
					close(subscribed)
					subscribed = nil
				} else {
					r.log.Info("page cache: hearing invalidations from other instances again")
				}
			}
		case *redis.Message:
			from, keys, _ := strings.Cut(m.Payload, " ")
			if from != r.id && keys != "" {
				r.cache.Invalidate(strings.Fields(keys))
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
