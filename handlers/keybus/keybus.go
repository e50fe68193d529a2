// Package keybus carries the keys writes announce (models.Key: what a write
// changed) between the instances of one forum, over a Redis pub/sub
// channel. The page cache drops what they name; live thread pages read
// their thread again. Each has a channel of its own and says, as a
// Listener, what to do when keys arrive and when messages may have been
// missed.
package keybus

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

// Listener is the part of an instance a bus reports to.
type Listener interface {
	// Heard is keys another instance announced.
	Heard(keys []string)
	// Lost says messages may be missed from now until Joined: pub/sub
	// keeps nothing for whoever is not listening. It is also called
	// before the first subscription and once the bus stops.
	Lost()
	// Joined says the subscription is confirmed, the first time and after
	// any loss of the connection; whatever was published meanwhile is
	// gone.
	Joined()
}

// Options name a bus in its log lines and say what it sends.
type Options struct {
	Name string // "page cache", "live events"
	// All is the key that says "everything", sent instead of a list longer
	// than maxMessageKeys.
	All string
}

// Redis is one instance's end of a channel.
type Redis struct {
	client  *redis.Client
	channel string
	id      string // marks this instance's messages, which it skips
	to      Listener
	opt     Options
	log     *slog.Logger

	mu      sync.Mutex
	pending map[string]struct{}
	sub     *redis.PubSub // the subscription now, for Close to end
	wake    chan struct{}
	joined  chan struct{} // closed at the first confirmed subscription

	stop context.CancelFunc
	done sync.WaitGroup
}

const (
	// IOTimeout bounds a dial and one round trip when the URL sets none.
	IOTimeout = 500 * time.Millisecond
	// quiet is how long the subscription may hear nothing before it is
	// pinged; a ping unanswered for as long again means the connection is
	// gone, however quietly it went.
	quiet = time.Second
	// maxMessageKeys: past this many keys waiting, one "all" says it.
	maxMessageKeys = 512
)

// NewRedis connects to the channel at url (HIROBA_REDIS_URL). It pings
// Redis once, so a wrong URL stops start-up; the subscription comes after
// (see Joined).
func NewRedis(ctx context.Context, url, channel string, to Listener, opt Options, log *slog.Logger) (*Redis, error) {
	redisOpt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("keybus: parse redis url: %w", err)
	}
	for _, d := range []*time.Duration{&redisOpt.DialTimeout, &redisOpt.ReadTimeout, &redisOpt.WriteTimeout} {
		if *d == 0 {
			*d = IOTimeout
		}
	}
	redisOpt.MaxRetries = -1   // a publish that fails is kept and sent again here
	redisOpt.DialerRetries = 1 // and a lost subscription is dialled again by its loop
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	r := &Redis{
		client: redis.NewClient(redisOpt), channel: channel, id: hex.EncodeToString(id), to: to, opt: opt, log: log,
		pending: map[string]struct{}{}, wake: make(chan struct{}, 1), joined: make(chan struct{}),
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := r.client.Ping(pingCtx).Err(); err != nil {
		_ = r.client.Close()
		return nil, fmt.Errorf("keybus: connect to redis at %s: %w", redisOpt.Addr, err)
	}
	to.Lost()
	run, stop := context.WithCancel(context.Background())
	r.stop = stop
	r.done.Add(2)
	go r.subscribe(run)
	go r.publish(run)
	return r, nil
}

// Joined is closed once the first subscription is confirmed.
func (r *Redis) Joined() <-chan struct{} { return r.joined }

// Publish sends the keys to the other instances, without waiting: a write
// must not wait on Redis, nor fail for it.
func (r *Redis) Publish(keys []string) {
	if len(keys) == 0 {
		return
	}
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
			flush, cancel := context.WithTimeout(context.Background(), IOTimeout)
			_ = r.send(flush)
			cancel()
			return
		}
		for {
			err := r.send(ctx)
			if err == nil || ctx.Err() != nil {
				if failing && err == nil {
					r.log.Info(r.opt.Name + ": publishing to other instances again")
				}
				failing = false
				break
			}
			if !failing {
				r.log.Warn(r.opt.Name+": cannot publish to other instances; retrying", slog.Any("error", err))
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
	if len(keys) > maxMessageKeys && r.opt.All != "" {
		msg = []string{r.opt.All}
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

// subscribe hears the other instances for as long as ctx lasts, telling
// the listener whenever it may be missing messages and when it is back.
func (r *Redis) subscribe(ctx context.Context) {
	defer r.done.Done()
	defer r.to.Lost()
	pubsub := r.listen(ctx)
	defer func() { _ = pubsub.Close() }()
	pinged, lost, first := false, true, true
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
				r.log.Warn(r.opt.Name+": lost the other instances until they are heard again", slog.Any("error", err))
			}
			lost = true
			r.to.Lost()
			if pinged {
				// No answer to a ping for a whole quiet period: the
				// connection went without a word. Start over on a new one.
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
			if m.Kind != "subscribe" {
				continue
			}
			if lost && !first {
				r.log.Info(r.opt.Name + ": hearing the other instances again")
			}
			lost = false
			r.to.Joined()
			if first {
				first = false
				close(r.joined)
			}
		case *redis.Message:
			from, keys, _ := strings.Cut(m.Payload, " ")
			if from != r.id && keys != "" {
				r.to.Heard(strings.Fields(keys))
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
