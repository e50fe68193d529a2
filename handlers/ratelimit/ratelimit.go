// Package ratelimit decides whether a request may go ahead under a named
// limit ("10 posts a minute per user"), with one backend in process memory
// for a single instance and one in Redis shared by every instance.
//
// # Algorithm
//
// Both backends use GCRA (the generic cell rate algorithm, a leaky bucket
// kept as one timestamp) rather than a sliding-window counter:
//
//   - State per key is a single number, the "theoretical arrival time" (TAT):
//     when the key's bucket would be empty again. In Redis that is one
//     string with a TTL that ends exactly when it stops mattering, so nothing
//     lingers; in memory it is one time.Time.
//   - RetryAfter is exact, not estimated: a refused request learns the
//     instant the next slot frees, which is what "try again in N seconds"
//     needs. A two-window counter can only approximate it, because it
//     assumes the previous window's requests were spread evenly.
//   - There is no window boundary where a client can fit two bursts back to
//     back; capacity comes back smoothly, one slot every Window/Limit.
//   - Refused requests change nothing, so a client hammering the limit is
//     not locked out for longer than its own allowed requests warrant.
//
// A Rule{Limit: 10, Window: time.Minute} lets a fresh key make 10 requests
// at once; after that one slot comes back every 6 seconds, and after a full
// quiet minute all 10 are available again.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Rule is one named limit: at most Limit requests per Window for each key.
// The name namespaces the counters, so two rules with the same name share
// them: give each rule its own name, without ':'.
type Rule struct {
	Name   string
	Limit  int
	Window time.Duration
}

// Decision is the outcome of one Allow call.
type Decision struct {
	Allowed bool
	// Remaining is how many more requests would be allowed right now.
	Remaining int
	// RetryAfter is zero when allowed; when refused, how long until the next
	// request for the same key will be allowed (never more than the window).
	RetryAfter time.Duration
}

// RetryAfterSeconds rounds RetryAfter up to whole seconds, at least 1 when
// refused, for a Retry-After header or a "try again in N seconds" message:
// rounding down would send people back too early to be let in.
func (d Decision) RetryAfterSeconds() int {
	if d.Allowed {
		return 0
	}
	s := int((d.RetryAfter + time.Second - 1) / time.Second)
	return max(s, 1)
}

// Limiter counts requests per rule and key.
//
// Allow returns an error when the backend cannot answer (Redis unreachable,
// the context done, the limiter closed) and then no decision: the caller
// chooses whether to let the request through and logs the error. Middleware
// lets it through, since refusing everyone because a counter store is down
// would be a worse outage than briefly not limiting.
type Limiter interface {
	Allow(ctx context.Context, rule Rule, key string) (Decision, error)
	Close() error
}

// ErrClosed is returned by Allow after Close.
var ErrClosed = errors.New("ratelimit: limiter closed")

func (r Rule) validate() error {
	switch {
	case r.Name == "" || strings.Contains(r.Name, ":"):
		return fmt.Errorf("ratelimit: rule name %q must be non-empty and without ':'", r.Name)
	case r.Limit < 1:
		return fmt.Errorf("ratelimit: rule %q: limit %d must be at least 1", r.Name, r.Limit)
	case r.Window <= 0:
		return fmt.Errorf("ratelimit: rule %q: window %v must be positive", r.Name, r.Window)
	}
	return nil
}

// interval is the emission interval: how long one used slot takes to come
// back. It rounds up so the sustained rate never exceeds Limit per Window.
func (r Rule) interval() time.Duration {
	n := time.Duration(r.Limit)
	return (r.Window + n - 1) / n
}

// gcra is the whole algorithm, given the stored TAT (zero for a key never
// seen). The Lua script in redis.go is the same steps in microseconds; keep
// the two in step.
func gcra(now, tat time.Time, iv time.Duration, limit int) (time.Time, Decision) {
	if tat.Before(now) {
		tat = now
	}
	newTAT := tat.Add(iv)
	// The request fits if, once counted, the bucket holds no more than
	// limit intervals of work.
	allowAt := newTAT.Add(-time.Duration(limit) * iv)
	if now.Before(allowAt) {
		return tat, Decision{RetryAfter: allowAt.Sub(now)}
	}
	return newTAT, Decision{Allowed: true, Remaining: int(now.Sub(allowAt) / iv)}
}
