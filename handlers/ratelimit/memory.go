package ratelimit

import (
	"container/list"
	"context"
	"sync"
	"time"
)

const (
	// defaultMaxKeys bounds memory at roughly 10–20 MB whatever the traffic:
	// a flood of distinct keys (one per spoofed address, say) evicts the
	// least recently seen keys instead of growing without end.
	defaultMaxKeys = 100_000
	// defaultSweepEvery is how often expired keys are dropped. A key whose
	// TAT has passed behaves exactly like one never seen, so dropping it
	// changes no decision, only frees memory.
	defaultSweepEvery = time.Minute
)

// memory is the in-process backend. Its counters belong to one process, so
// it suits a single instance (the embedded SQLite setup); with several
// instances each would allow the full limit, and NewRedis is the one to use.
type memory struct {
	maxKeys    int
	sweepEvery time.Duration
	now        func() time.Time

	mu        sync.Mutex
	entries   map[string]*list.Element // of *memEntry
	recent    *list.List               // front: most recently used
	lastSweep time.Time
	closed    bool
}

type memEntry struct {
	key string
	tat time.Time
}

// NewMemory returns a Limiter that keeps its counters in this process. It
// holds at most 100,000 keys, evicting the least recently used first (an
// evicted key starts afresh), and drops expired keys once a minute.
func NewMemory() Limiter {
	return newMemory(defaultMaxKeys, defaultSweepEvery, time.Now)
}

func newMemory(maxKeys int, sweepEvery time.Duration, now func() time.Time) *memory {
	return &memory{
		maxKeys:    maxKeys,
		sweepEvery: sweepEvery,
		now:        now,
		entries:    make(map[string]*list.Element),
		recent:     list.New(),
		lastSweep:  now(),
	}
}

func (m *memory) Allow(_ context.Context, rule Rule, key string) (Decision, error) {
	if err := rule.validate(); err != nil {
		return Decision{}, err
	}
	// Concatenation copies, so the map never holds a string that aliases a
	// request buffer Fiber will reuse. NUL cannot appear in a rule name or,
	// in practice, a key, so names and keys cannot run into each other.
	k := rule.Name + "\x00" + key

	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return Decision{}, ErrClosed
	}
	now := m.now()
	if now.Sub(m.lastSweep) >= m.sweepEvery {
		m.sweep(now)
	}

	el, seen := m.entries[k]
	var tat time.Time
	if seen {
		tat = el.Value.(*memEntry).tat
	}
	newTAT, d := gcra(now, tat, rule.interval(), rule.Limit)
	if seen {
		el.Value.(*memEntry).tat = newTAT
		// Refused requests count as use too: a key still hammering at its
		// limit must be the last to be evicted and so forgiven.
		m.recent.MoveToFront(el)
		return d, nil
	}
	if !d.Allowed {
		return d, nil // unreachable: a key never seen has its whole limit
	}
	m.entries[k] = m.recent.PushFront(&memEntry{key: k, tat: newTAT})
	if len(m.entries) > m.maxKeys {
		m.remove(m.recent.Back())
	}
	return d, nil
}

// sweep drops every key whose bucket has drained. It runs under mu, inside
// an Allow, at most once per sweepEvery: a pass over 100,000 keys costs a
// few milliseconds once a minute, and needs no goroutine to stop.
func (m *memory) sweep(now time.Time) {
	for el := m.recent.Front(); el != nil; {
		next := el.Next()
		if !el.Value.(*memEntry).tat.After(now) {
			m.remove(el)
		}
		el = next
	}
	m.lastSweep = now
}

func (m *memory) remove(el *list.Element) {
	delete(m.entries, el.Value.(*memEntry).key)
	m.recent.Remove(el)
}

func (m *memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	m.entries = nil
	m.recent.Init()
	return nil
}
