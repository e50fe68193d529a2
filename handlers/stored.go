package handlers

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"hiroba/models"
)

// storedTTL is how long an instance keeps what admins store (request
// budgets, site settings) before reading it again: a save applies at once
// on the instance that saved it and within about this long on every other,
// for one small read per instance per period instead of one per request.
const storedTTL = 2 * time.Second

// storedReadTimeout bounds a read in the background.
const storedReadTimeout = 5 * time.Second

// stored holds a value admins change from the browser, as last read.
type stored[T any] struct {
	what string // for the log
	read func(context.Context) (T, error)
	log  *slog.Logger
	// epoch, when set, moves when the value may have changed on another
	// instance; a move reads it again before storedTTL is up.
	epoch func() uint64

	mu         sync.Mutex
	current    T
	until      time.Time // when current is due to be read again
	seen       uint64
	stale      bool // forget was called: the next get reads first
	refreshing bool // a read in the background is under way
	// gen counts the saves heard and the reads made in the foreground; a
	// read in the background that began before one of them is stale.
	gen uint64
}

func newStored[T any](what string, initial T, read func(context.Context) (T, error), log *slog.Logger) *stored[T] {
	return &stored[T]{what: what, read: read, current: initial, log: log, stale: true}
}

// get returns the value in force. When it is merely old (storedTTL), get
// answers with it at once and one read in the background brings the next:
// no request ever waits for another's read, which under load would hold
// every request behind one slow query. When it is known to have changed (a
// save here, or an instance's save heard through epoch), get reads first,
// so no page shows the old value after the change. If it cannot be read,
// the last value read stays in force (the server's own at first) and the
// log says why: a database hiccup must not turn every limit off, nor refuse
// everyone, nor blank the site's name.
func (s *stored[T]) get(ctx context.Context) T {
	var epoch uint64
	if s.epoch != nil {
		epoch = s.epoch()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	switch {
	case s.stale || epoch != s.seen:
		// One reader at a time, under the lock: the others wait for its
		// answer rather than all asking the database at once.
		s.seen, s.stale = epoch, false
		s.until = now.Add(storedTTL)
		s.gen++
		if v, err := s.read(ctx); err != nil {
			s.log.Warn("read "+s.what, slog.Any("error", err))
		} else {
			s.current = v
		}
	case !now.Before(s.until) && !s.refreshing:
		s.refreshing = true
		s.until = now.Add(storedTTL)
		go s.refresh(s.gen)
	}
	return s.current
}

// refresh reads the value in the background, and keeps it unless a save
// or a read in the foreground came after it began (gen moved).
func (s *stored[T]) refresh(gen uint64) {
	ctx, cancel := context.WithTimeout(context.Background(), storedReadTimeout)
	defer cancel()
	v, err := s.read(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refreshing = false
	if err != nil {
		s.log.Warn("read "+s.what, slog.Any("error", err))
		return
	}
	if s.gen == gen && !s.stale {
		s.current = v
	}
}

// forget makes the next get read the stored value, after a save here.
func (s *stored[T]) forget() {
	s.mu.Lock()
	s.stale = true
	s.gen++
	s.mu.Unlock()
}

// newLimitsCache holds the budgets in force: the server's (environment and
// defaults) with the rules page's over them.
func newLimitsCache(store *models.Store, base Limits, log *slog.Logger) *stored[Limits] {
	return newStored("request budgets", base, func(ctx context.Context) (Limits, error) {
		r, err := store.Rules(ctx)
		return base.over(r.Budgets), err
	}, log)
}
