package handlers

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"hiroba/models"
)

// limitsTTL is how long an instance keeps the budgets it read: a budget an
// admin saves applies at once on the instance that saved it and within this
// long on every other, for one small read per instance per period instead of
// one per limited request.
const limitsTTL = 2 * time.Second

// limitsCache holds the budgets in force: the server's (environment and
// defaults) with the rules page's over them.
type limitsCache struct {
	store *models.Store
	base  Limits
	log   *slog.Logger

	mu      sync.Mutex
	current Limits
	until   time.Time
}

func newLimitsCache(store *models.Store, base Limits, log *slog.Logger) *limitsCache {
	return &limitsCache{store: store, base: base, current: base, log: log}
}

// get returns the budgets in force, reading the stored ones again when
// those it holds are older than limitsTTL. If they cannot be read, the last
// ones read stay in force (the server's own at first) and the log says why:
// a database hiccup must not turn every limit off, nor refuse everyone.
func (l *limitsCache) get(ctx context.Context) Limits {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if now.Before(l.until) {
		return l.current
	}
	// One reader at a time, under the lock: the others wait for its answer
	// rather than all asking the database at once.
	r, err := l.store.Rules(ctx)
	if err != nil {
		l.log.Warn("read request budgets", slog.Any("error", err))
		l.until = now.Add(limitsTTL)
		return l.current
	}
	l.current, l.until = l.base.over(r.Budgets), now.Add(limitsTTL)
	return l.current
}

// forget makes the next get read the stored budgets, after a save here.
func (l *limitsCache) forget() {
	l.mu.Lock()
	l.until = time.Time{}
	l.mu.Unlock()
}
