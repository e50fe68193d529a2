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
// on the instance that saved it and within this long on every other, for
// one small read per instance per period instead of one per request.
const storedTTL = 2 * time.Second

// stored holds a value admins change from the browser, as last read.
type stored[T any] struct {
	what string // for the log
	read func(context.Context) (T, error)
	log  *slog.Logger
	// epoch, when set, moves when the value may have changed on another
	// instance; a move reads it again before storedTTL is up.
	epoch func() uint64

	mu      sync.Mutex
	current T
	until   time.Time
	seen    uint64
}

func newStored[T any](what string, initial T, read func(context.Context) (T, error), log *slog.Logger) *stored[T] {
	return &stored[T]{what: what, read: read, current: initial, log: log}
}

// get returns the value in force, reading it again when the one held is
// older than storedTTL. If it cannot be read, the last one read stays in
// force (the server's own at first) and the log says why: a database
// hiccup must not turn every limit off, nor refuse everyone, nor blank the
// site's name.
func (s *stored[T]) get(ctx context.Context) T {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	var epoch uint64
	if s.epoch != nil {
		epoch = s.epoch()
	}
	if now.Before(s.until) && epoch == s.seen {
		return s.current
	}
	s.seen = epoch
	// One reader at a time, under the lock: the others wait for its answer
	// rather than all asking the database at once.
	v, err := s.read(ctx)
	s.until = now.Add(storedTTL)
	if err != nil {
		s.log.Warn("read "+s.what, slog.Any("error", err))
		return s.current
	}
	s.current = v
	return s.current
}

// forget makes the next get read the stored value, after a save here.
func (s *stored[T]) forget() {
	s.mu.Lock()
	s.until = time.Time{}
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
