// Package live tells readers who keep a thread open what changed in it
// while they read: new replies, the me-too count, the known-issue banner.
// A browser follows a thread as Server-Sent Events.
//
// # State, not changes
//
// Writes already say what they changed, as the keys of models/changes.go
// (a thread's key for a reply, a me-too, a moderator's action on it), once
// they have committed; a Bus carries those keys to every instance. Nothing
// else travels: a thread's followers on an instance are woken by its key,
// and then the thread is read again from the database — once for all of
// them — and each is sent what it now is for them: how many replies they
// may read (by the one visibility rule) came after the last one their page
// showed, the me-too count, the banner. A lost or doubled message, or a
// reader who was away, costs at most one read: the next event is right
// whatever came before, and a reconnecting browser says with
// Last-Event-ID where its page ended, so resuming is the same read again.
//
// A thread whose key is announced many times a second (an incident thread
// under a flood of me-toos) is read at most once per Options.Coalesce,
// however many follow it.
package live

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"hiroba/models"
)

// Defaults for Options left zero.
const (
	DefaultMaxStreams = 10000
	DefaultMaxPerAddr = 20
	DefaultHeartbeat  = 25 * time.Second
	DefaultIdle       = 30 * time.Minute
	DefaultCoalesce   = 100 * time.Millisecond
)

// readTimeout bounds one read of a thread's state.
const readTimeout = 5 * time.Second

// Refusals of Open, which the handler answers with a status and Retry-After.
var (
	// ErrBusy: this instance follows as many streams as it may.
	ErrBusy = errors.New("live: too many streams on this instance")
	// ErrTooMany: the client's address has as many streams as it may.
	ErrTooMany = errors.New("live: too many streams from this address")
	// ErrClosed: the hub is shutting down.
	ErrClosed = errors.New("live: shutting down")
)

// Banner is the site-wide notice of a known issue, as far as a live page
// needs it: which issue, whether open or resolved, and a version that
// moves whenever what it says changes. The zero Banner is no notice.
type Banner struct {
	Issue   int64  `json:"issue,omitempty"`
	State   string `json:"state,omitempty"`   // "open" or "resolved"
	Version int64  `json:"version,omitempty"` // e.g. the issue's updated_at in Unix milliseconds
}

// JSON is the banner as its event's data says it, which a page also
// carries, so that its script can tell whether the banner changed since.
func (b Banner) JSON() string {
	buf, _ := json.Marshal(b) // numbers and a string
	return string(buf)
}

// Options bound and shape a Hub. Zero fields take the defaults above.
type Options struct {
	MaxStreams int           // streams on this instance (HIROBA_SSE_MAX)
	MaxPerAddr int           // streams from one client address (HIROBA_SSE_PER_ADDR)
	Heartbeat  time.Duration // a comment this often keeps proxies from closing a quiet stream
	Idle       time.Duration // a stream that has had no event this long is closed (HIROBA_SSE_IDLE)
	Coalesce   time.Duration // a thread is read again at most this often
	// Banner says what the known-issue banner is now; nil: there is none.
	// It is asked once per wake of a thread, for all its followers, and
	// when a thread page is rendered.
	Banner func(context.Context) (Banner, error)
	// EveryStream are the keys that wake every stream, besides
	// models.KeyAll: whatever a change of the banner announces.
	EveryStream []models.Key
	Log         *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.MaxStreams <= 0 {
		o.MaxStreams = DefaultMaxStreams
	}
	if o.MaxPerAddr <= 0 {
		o.MaxPerAddr = DefaultMaxPerAddr
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = DefaultHeartbeat
	}
	if o.Idle <= 0 {
		o.Idle = DefaultIdle
	}
	if o.Coalesce <= 0 {
		o.Coalesce = DefaultCoalesce
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

// Hub holds one instance's streams, by thread. It is safe for concurrent
// use.
type Hub struct {
	store *models.Store
	opt   Options
	every map[string]bool // keys that wake every stream
	// reads numbers the reads of state in the order they begin; a stream
	// keeps only a state read later than the one it has (see offer).
	reads atomic.Uint64

	mu      sync.Mutex
	groups  map[int64]*group
	open    int
	perAddr map[string]int
	closed  bool
	done    chan struct{} // closed by Close
}

// NewHub returns a hub reading threads from store.
func NewHub(store *models.Store, opt Options) *Hub {
	opt = opt.withDefaults()
	h := &Hub{store: store, opt: opt, every: map[string]bool{string(models.KeyAll): true},
		groups: map[int64]*group{}, perAddr: map[string]int{}, done: make(chan struct{})}
	for _, k := range opt.EveryStream {
		h.every[string(k)] = true
	}
	return h
}

// Changed wakes the streams following what the keys name: a thread's
// followers for its key, every stream for models.KeyAll. Keys of anything
// else are ignored. It does not block.
func (h *Hub) Changed(keys []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, k := range keys {
		if h.every[k] {
			for _, g := range h.groups {
				g.poke()
			}
			return
		}
		if id, ok := threadOfKey(k); ok {
			if g := h.groups[id]; g != nil {
				g.poke()
			}
		}
	}
}

// Resync wakes every stream: what changed while the bus was not heard is
// unknown, and reading everything again makes up for it.
func (h *Hub) Resync() { h.Changed([]string{string(models.KeyAll)}) }

// Relevant reports whether a key can wake a stream: the keys a bus needs to
// carry between instances.
func (h *Hub) Relevant(key string) bool {
	if h.every[key] {
		return true
	}
	_, ok := threadOfKey(key)
	return ok
}

// threadOfKey reads the thread id out of models.ThreadKey.
func threadOfKey(k string) (int64, bool) {
	rest, ok := strings.CutPrefix(k, "thread:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && string(models.ThreadKey(id)) == k
}

// Close ends every stream and refuses new ones: a server shutting down
// must not wait on readers who would stay for half an hour. Their browsers
// connect again, to an instance still running.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

// Streams is how many streams are open on this instance.
func (h *Hub) Streams() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.open
}

// Banner is the banner now, from Options.Banner; ok is false when it could
// not be read (it is logged), and then nothing should be said of it.
func (h *Hub) Banner(ctx context.Context) (b Banner, ok bool) {
	if h.opt.Banner == nil {
		return Banner{}, true
	}
	b, err := h.opt.Banner(ctx)
	if err != nil {
		h.opt.Log.Warn("live: read the banner", slog.Any("error", err))
		return Banner{}, false
	}
	return b, true
}

// Open starts a stream of a thread for viewer (nil: a visitor) at the
// client address addr, whose page showed the posts up to the post id after
// (negative: unknown, so up to the newest the viewer may read now). A
// thread the viewer may not see is models.ErrNotFound; a stream over the
// bounds is ErrBusy or ErrTooMany. The stream has its first state when it
// is returned; the caller must Run it, which ends it.
func (h *Hub) Open(ctx context.Context, viewer *models.User, threadID, after int64, addr string) (*Stream, error) {
	if after < 0 {
		var err error
		if after, err = h.store.LastReadablePostID(ctx, viewer, threadID); err != nil {
			return nil, err
		}
	}
	st := &Stream{hub: h, viewer: viewer, thread: threadID, after: after, addr: addr,
		wake: make(chan struct{}, 1), ended: make(chan struct{})}
	if err := h.join(st); err != nil {
		return nil, err
	}
	// Read only now that the stream is in its group: a write committed
	// from here on wakes the group, so none falls between this read and
	// the next.
	seq := h.reads.Add(1)
	since, err := h.store.ThreadSince(ctx, threadID, after)
	if err == nil && !viewer.CanView(since.Thread) {
		err = models.ErrNotFound
	}
	if err != nil {
		st.leave()
		return nil, err
	}
	banner, known := h.Banner(ctx)
	st.offer(seq, stateOf(since, st, banner, known))
	return st, nil
}

// join counts the stream against the bounds and adds it to its thread's
// group, starting the group if it is the first.
func (h *Hub) join(st *Stream) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.closed:
		return ErrClosed
	case h.open >= h.opt.MaxStreams:
		return ErrBusy
	case h.perAddr[st.addr] >= h.opt.MaxPerAddr:
		return ErrTooMany
	}
	h.open++
	h.perAddr[st.addr]++
	g := h.groups[st.thread]
	if g == nil {
		g = &group{hub: h, thread: st.thread, streams: map[*Stream]struct{}{},
			wake: make(chan struct{}, 1), stop: make(chan struct{})}
		h.groups[st.thread] = g
		go g.run()
	}
	g.streams[st] = struct{}{}
	st.group = g
	return nil
}

// leave takes a stream out of the counts and its group, stopping the group
// if it was the last.
func (h *Hub) leave(st *Stream) {
	h.mu.Lock()
	defer h.mu.Unlock()
	g := st.group
	if g == nil {
		return
	}
	st.group = nil
	delete(g.streams, st)
	if len(g.streams) == 0 {
		delete(h.groups, g.thread)
		close(g.stop)
	}
	h.open--
	if h.perAddr[st.addr]--; h.perAddr[st.addr] <= 0 {
		delete(h.perAddr, st.addr)
	}
}

// group is the streams of one thread on this instance, read for together.
type group struct {
	hub    *Hub
	thread int64
	// streams is guarded by hub.mu.
	streams map[*Stream]struct{}
	wake    chan struct{}
	stop    chan struct{} // closed once the last stream has left
}

func (g *group) poke() {
	select {
	case g.wake <- struct{}{}:
	default:
	}
}

// run reads the thread each time it is woken, at most once per
// Options.Coalesce: wakes during the pause become one read after it.
func (g *group) run() {
	pause := time.NewTimer(0)
	<-pause.C
	for {
		select {
		case <-g.wake:
		case <-g.stop:
			return
		case <-g.hub.done:
			return
		}
		if !g.refresh() {
			g.poke() // the database did not answer: try again after the pause
		}
		pause.Reset(g.hub.opt.Coalesce)
		select {
		case <-pause.C:
		case <-g.stop:
			return
		case <-g.hub.done:
			return
		}
	}
}

// refresh reads the thread once for every stream of the group and offers
// each its state. It reports false when the read failed.
func (g *group) refresh() bool {
	h := g.hub
	h.mu.Lock()
	streams := make([]*Stream, 0, len(g.streams))
	after := int64(-1)
	for st := range g.streams {
		streams = append(streams, st)
		if after < 0 || st.after < after {
			after = st.after
		}
	}
	h.mu.Unlock()
	if len(streams) == 0 {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	seq := h.reads.Add(1)
	since, err := h.store.ThreadSince(ctx, g.thread, after)
	switch {
	case errors.Is(err, models.ErrNotFound):
		for _, st := range streams {
			st.end() // the thread is gone
		}
		return true
	case err != nil:
		h.opt.Log.Warn("live: read a thread for its followers", slog.Int64("thread", g.thread), slog.Any("error", err))
		return false
	}
	banner, known := h.Banner(ctx)
	for _, st := range streams {
		if !st.viewer.CanView(since.Thread) {
			st.end() // hidden from this reader since: nothing more is said
			continue
		}
		st.offer(seq, stateOf(since, st, banner, known))
	}
	return true
}
