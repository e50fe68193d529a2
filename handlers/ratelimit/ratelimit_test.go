package ratelimit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"
)

// The Redis tests use database 15 and a random key prefix per test, and
// delete only their own keys, so they can share a Redis with anything else.
func testRedisURL() string {
	if u := os.Getenv("HIROBA_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/15"
}

func randomPrefix(tb testing.TB) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	return defaultPrefix + "test-" + hex.EncodeToString(b) + ":"
}

// openRedis connects under prefix, skipping when Redis is unreachable
// unless CI=true, where a missing Redis must fail rather than pass unseen.
// The limiter runs on Redis's clock.
func openRedis(tb testing.TB, prefix string) *redisLimiter {
	tb.Helper()
	url := testRedisURL()
	l, err := newRedis(url, prefix)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("Redis is required when CI=true: %v", err)
		}
		tb.Skipf("skipping the Redis backend: %s unreachable (%v); set HIROBA_TEST_REDIS_URL, or CI=true to fail instead", url, err)
	}
	tb.Cleanup(func() {
		ctx := context.Background()
		iter := l.client.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			if err := l.client.Del(ctx, iter.Val()).Err(); err != nil {
				tb.Errorf("delete test key %s: %v", iter.Val(), err)
			}
		}
		if err := iter.Err(); err != nil && !errors.Is(err, redis.ErrClosed) {
			tb.Errorf("scan test keys: %v", err)
		}
		_ = l.Close()
	})
	return l
}

type backend struct {
	name string
	// open returns a limiter on the backend's own clock when now is nil,
	// else on now.
	open func(tb testing.TB, now func() time.Time) Limiter
}

func backends() []backend {
	return []backend{
		{"memory", func(tb testing.TB, now func() time.Time) Limiter {
			if now == nil {
				now = time.Now
			}
			l := newMemory(defaultMaxKeys, defaultSweepEvery, now)
			tb.Cleanup(func() { _ = l.Close() })
			return l
		}},
		{"redis", func(tb testing.TB, now func() time.Time) Limiter {
			l := openRedis(tb, randomPrefix(tb))
			l.now = now
			return l
		}},
	}
}

// forEachBackend runs test on each backend, on its own clock.
func forEachBackend(t *testing.T, test func(t *testing.T, open func(testing.TB) Limiter)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			test(t, func(tb testing.TB) Limiter { return b.open(tb, nil) })
		})
	}
}

// forEachBackendOnClock runs test on each backend with a clock that moves
// only when the test advances it, so a timeline is checked exactly and
// without sleeping. The Redis backend is real Redis, given the time.
func forEachBackendOnClock(t *testing.T, test func(t *testing.T, l Limiter, clock *fakeClock)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			clock := newFakeClock()
			test(t, b.open(t, clock.now), clock)
		})
	}
}

func allow(t *testing.T, l Limiter, rule Rule, key string) Decision {
	t.Helper()
	d, err := l.Allow(context.Background(), rule, key)
	if err != nil {
		t.Fatalf("Allow(%s, %q): %v", rule.Name, key, err)
	}
	return d
}

func TestLimitReachedExactlyAtLimit(t *testing.T) {
	rules := []Rule{
		{"one", 1, time.Minute},
		{"three", 3, time.Minute},
		{"post", 10, time.Minute},
		{"hourly", 25, time.Hour},
	}
	forEachBackend(t, func(t *testing.T, open func(testing.TB) Limiter) {
		l := open(t)
		for _, rule := range rules {
			t.Run(rule.Name, func(t *testing.T) {
				for i := range rule.Limit {
					d := allow(t, l, rule, "alice")
					if !d.Allowed || d.Remaining != rule.Limit-1-i || d.RetryAfter != 0 {
						t.Fatalf("request %d: %+v, want allowed with %d remaining", i+1, d, rule.Limit-1-i)
					}
				}
				d := allow(t, l, rule, "alice")
				if d.Allowed || d.Remaining != 0 {
					t.Fatalf("request %d: %+v, want refused", rule.Limit+1, d)
				}
				if d.RetryAfter <= 0 || d.RetryAfter > rule.Window {
					t.Fatalf("RetryAfter = %v, want in (0, %v]", d.RetryAfter, rule.Window)
				}
				if s := d.RetryAfterSeconds(); s < 1 || time.Duration(s)*time.Second > rule.Window {
					t.Fatalf("RetryAfterSeconds = %d, want 1..%v", s, rule.Window)
				}
			})
		}
	})
}

// RetryAfter is exact: waiting one microsecond less (the Redis script's
// grain) is not enough, waiting as told is.
func TestRetryAfterIsExact(t *testing.T) {
	rule := Rule{"quick", 3, 3 * time.Minute} // a slot back every minute
	forEachBackendOnClock(t, func(t *testing.T, l Limiter, clock *fakeClock) {
		for range rule.Limit {
			allow(t, l, rule, "k")
		}
		d := allow(t, l, rule, "k")
		if want := (Decision{RetryAfter: time.Minute}); d != want {
			t.Fatalf("over the limit: %+v, want %+v", d, want)
		}
		clock.advance(d.RetryAfter - time.Microsecond)
		if d := allow(t, l, rule, "k"); d.Allowed || d.RetryAfter != time.Microsecond {
			t.Fatalf("1µs before RetryAfter: %+v, want refused with 1µs to go", d)
		}
		clock.advance(time.Microsecond)
		if d := allow(t, l, rule, "k"); !d.Allowed || d.Remaining != 0 {
			t.Fatalf("after waiting RetryAfter: %+v, want allowed with 0 remaining", d)
		}
	})
}

func TestWindowSlides(t *testing.T) {
	rule := Rule{"slide", 4, 4 * time.Minute} // a slot back every minute
	iv := rule.interval()
	forEachBackendOnClock(t, func(t *testing.T, l Limiter, clock *fakeClock) {
		for i := range rule.Limit {
			if d := allow(t, l, rule, "k"); !d.Allowed {
				t.Fatalf("request %d refused: %+v", i+1, d)
			}
		}
		if d := allow(t, l, rule, "k"); d.Allowed {
			t.Fatalf("past the limit: %+v, want refused", d)
		}

		// One interval later, one slot is back, and only one.
		clock.advance(iv)
		if d := allow(t, l, rule, "k"); !d.Allowed {
			t.Fatalf("after one interval: %+v, want allowed", d)
		}
		if d := allow(t, l, rule, "k"); d.Allowed || d.RetryAfter != iv {
			t.Fatalf("second request after one interval: %+v, want refused for %v", d, iv)
		}

		// A full quiet window later, the whole limit is back.
		clock.advance(rule.Window)
		for i := range rule.Limit {
			d := allow(t, l, rule, "k")
			if !d.Allowed || d.Remaining != rule.Limit-1-i {
				t.Fatalf("after a full window, request %d: %+v, want allowed with %d remaining", i+1, d, rule.Limit-1-i)
			}
		}
	})
}

func TestKeysAndRulesAreIndependent(t *testing.T) {
	post := Rule{"post", 1, time.Minute}
	search := Rule{"search", 1, time.Minute}
	steps := []struct {
		rule    Rule
		key     string
		allowed bool
	}{
		{post, "alice", true},
		{post, "alice", false},
		{post, "bob", true},
		{search, "alice", true},
		{search, "alice", false},
		{post, "alice:2", true},
		{post, "bob", false},
		{search, "bob", true},
	}
	forEachBackend(t, func(t *testing.T, open func(testing.TB) Limiter) {
		l := open(t)
		for i, s := range steps {
			if d := allow(t, l, s.rule, s.key); d.Allowed != s.allowed {
				t.Fatalf("step %d (%s, %q): allowed = %v, want %v", i+1, s.rule.Name, s.key, d.Allowed, s.allowed)
			}
		}
	})
}

// allowConcurrently sends n requests at once, spread over the limiters, and
// counts those allowed.
func allowConcurrently(t *testing.T, limiters []Limiter, rule Rule, key string, n int) int {
	t.Helper()
	var allowed atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	ready := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-ready
			d, err := limiters[i%len(limiters)].Allow(context.Background(), rule, key)
			if err != nil {
				errs <- err
				return
			}
			if d.Allowed {
				allowed.Add(1)
			}
		})
	}
	close(ready)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return int(allowed.Load())
}

func TestConcurrentRequestsAllowExactlyLimit(t *testing.T) {
	rule := Rule{"burst", 10, time.Minute}
	forEachBackend(t, func(t *testing.T, open func(testing.TB) Limiter) {
		l := open(t)
		if got := allowConcurrently(t, []Limiter{l}, rule, "k", 100); got != rule.Limit {
			t.Fatalf("%d of 100 concurrent requests allowed, want exactly %d", got, rule.Limit)
		}
	})
}

func TestRedisInstancesShareCounters(t *testing.T) {
	prefix := randomPrefix(t)
	a, b := openRedis(t, prefix), openRedis(t, prefix)
	rule := Rule{"shared", 5, time.Minute}

	for range 3 {
		allow(t, a, rule, "k")
	}
	for i := range 2 {
		if d := allow(t, b, rule, "k"); !d.Allowed || d.Remaining != 1-i {
			t.Fatalf("instance b, request %d: %+v, want allowed with %d remaining", i+1, d, 1-i)
		}
	}
	for name, l := range map[string]Limiter{"a": a, "b": b} {
		if d := allow(t, l, rule, "k"); d.Allowed {
			t.Fatalf("instance %s allowed past the shared limit: %+v", name, d)
		}
	}

	if got := allowConcurrently(t, []Limiter{a, b}, rule, "concurrent", 100); got != rule.Limit {
		t.Fatalf("%d of 100 requests over two instances allowed, want exactly %d", got, rule.Limit)
	}
}

func TestRedisKeysExpire(t *testing.T) {
	prefix := randomPrefix(t)
	l := openRedis(t, prefix)
	rule := Rule{"ttl", 2, time.Minute}
	ctx := context.Background()
	before, err := l.client.Time(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	allow(t, l, rule, "k")
	after, err := l.client.Time(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	ttl, err := l.client.PTTL(ctx, prefix+"ttl:k").Result()
	if err != nil {
		t.Fatal(err)
	}
	// One request keeps the key for one interval, 30s here.
	if ttl <= 0 || ttl > rule.interval() {
		t.Fatalf("TTL = %v, want in (0, %v]", ttl, rule.interval())
	}
	// On Redis's own clock, the stored TAT is its TIME plus one interval.
	stored, err := l.client.Get(ctx, prefix+"ttl:k").Int64()
	if err != nil {
		t.Fatal(err)
	}
	tat := time.UnixMicro(stored)
	if lo, hi := before.Add(rule.interval()), after.Add(rule.interval()); tat.Before(lo) || tat.After(hi) {
		t.Fatalf("stored TAT %v, want Redis's time plus %v, in [%v, %v]", tat, rule.interval(), lo, hi)
	}
}

// With the time passed in, the key's TTL follows that time, not Redis's:
// it lives exactly until the key is drained on the caller's timeline.
func TestRedisKeyTTLFollowsGivenClock(t *testing.T) {
	prefix := randomPrefix(t)
	l := openRedis(t, prefix)
	clock := newFakeClock()
	l.now = clock.now
	rule := Rule{"ttl", 2, time.Minute} // a slot back every 30s
	allow(t, l, rule, "k")              // drained at +30s
	clock.advance(20 * time.Second)
	allow(t, l, rule, "k") // drained at +60s, 40s from now
	ttl, err := l.client.PTTL(context.Background(), prefix+"ttl:k").Result()
	if err != nil {
		t.Fatal(err)
	}
	// Redis's clock would have made it 60s; the real time the test took
	// since the script ran only shortens it.
	if ttl <= 30*time.Second || ttl > 40*time.Second {
		t.Fatalf("TTL = %v, want 40s less the few milliseconds since", ttl)
	}
}

func TestInvalidRulesAreErrors(t *testing.T) {
	rules := []Rule{
		{"", 1, time.Minute},
		{"a:b", 1, time.Minute},
		{"zero", 0, time.Minute},
		{"negative", -1, time.Minute},
		{"nowindow", 1, 0},
	}
	forEachBackend(t, func(t *testing.T, open func(testing.TB) Limiter) {
		l := open(t)
		for _, rule := range rules {
			if _, err := l.Allow(context.Background(), rule, "k"); err == nil {
				t.Errorf("Allow with %+v: no error", rule)
			}
		}
	})
}

func TestAllowAfterCloseIsAnError(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) Limiter) {
		l := open(t)
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Allow(context.Background(), Rule{"x", 1, time.Minute}, "k"); err == nil {
			t.Fatal("Allow after Close: no error")
		}
	})
}

func TestNewRedisFailsFast(t *testing.T) {
	for _, url := range []string{"not a url", "redis://127.0.0.1:1/0"} {
		if l, err := NewRedis(url); err == nil {
			_ = l.Close()
			t.Errorf("NewRedis(%q): no error", url)
		}
	}
}

// While Redis is down every limited request pays for the failed attempt,
// so an attempt must be one dial, not go-redis's default retries and redials
// that took seconds.
func TestRedisDownCostsOneDialPerRequest(t *testing.T) {
	opt, err := redisOptions("redis://127.0.0.1:6379/15")
	if err != nil {
		t.Fatal(err)
	}
	var dials atomic.Int64
	refused := errors.New("connection refused")
	opt.Dialer = func(context.Context, string, string) (net.Conn, error) {
		dials.Add(1)
		return nil, refused
	}
	l := newRedisClient(opt, randomPrefix(t))
	defer l.Close()
	for i := range 3 {
		if _, err := l.Allow(context.Background(), Rule{"down", 1, time.Minute}, "k"); !errors.Is(err, refused) {
			t.Fatalf("Allow with Redis down: %v, want the dial error", err)
		}
		if n := dials.Load(); n != int64(i+1) {
			t.Fatalf("%d dials after %d requests, want one each", n, i+1)
		}
	}
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Unix(1_700_000_000, 0)}
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Both backends follow the same timeline exactly: gcra in Go and the
// script in Redis do the same arithmetic.
func TestTimeline(t *testing.T) {
	rule := Rule{"timeline", 2, 10 * time.Minute} // a slot back every 5 minutes
	steps := []struct {
		after      time.Duration
		allowed    bool
		remaining  int
		retryAfter time.Duration
	}{
		{0, true, 1, 0},
		{0, true, 0, 0},
		{0, false, 0, 5 * time.Minute},
		{2 * time.Minute, false, 0, 3 * time.Minute},
		{3 * time.Minute, true, 0, 0},
		{0, false, 0, 5 * time.Minute},
		{7 * time.Minute, true, 0, 0}, // 2 minutes late: they make no second slot
		{20 * time.Minute, true, 1, 0},
		{0, true, 0, 0},
	}
	forEachBackendOnClock(t, func(t *testing.T, l Limiter, clock *fakeClock) {
		for i, s := range steps {
			clock.advance(s.after)
			d := allow(t, l, rule, "k")
			want := Decision{Allowed: s.allowed, Remaining: s.remaining, RetryAfter: s.retryAfter}
			if d != want {
				t.Fatalf("step %d: %+v, want %+v", i+1, d, want)
			}
		}
	})
}

func TestMemoryEvictsLeastRecentlyUsed(t *testing.T) {
	rule := Rule{"lru", 1, time.Minute}
	clock := newFakeClock()
	l := newMemory(3, time.Hour, clock.now)
	steps := []struct {
		key     string
		allowed bool
	}{
		{"a", true},
		{"b", true},
		{"c", true},
		{"a", false}, // a refused request still counts as use
		{"d", true},  // evicts b, the least recently used
		{"a", false}, // a was kept
		{"b", true},  // b was forgotten, so starts afresh; evicts c
		{"d", false},
	}
	for i, s := range steps {
		if d := allow(t, l, rule, s.key); d.Allowed != s.allowed {
			t.Fatalf("step %d (%q): allowed = %v, want %v", i+1, s.key, d.Allowed, s.allowed)
		}
		if n := len(l.entries); n > 3 || n != l.recent.Len() {
			t.Fatalf("step %d: %d keys in the map, %d in the list, cap 3", i+1, n, l.recent.Len())
		}
	}
}

func TestMemorySweepsExpiredKeys(t *testing.T) {
	short := Rule{"short", 1, 10 * time.Second}
	long := Rule{"long", 1, time.Hour}
	clock := newFakeClock()
	l := newMemory(defaultMaxKeys, time.Minute, clock.now)
	for i := range 10 {
		allow(t, l, short, strconv.Itoa(i))
	}
	allow(t, l, long, "kept")

	clock.advance(61 * time.Second)
	allow(t, l, short, "new") // the first call after sweepEvery sweeps
	if n := len(l.entries); n != 2 {
		t.Fatalf("%d keys after the sweep, want 2 (the unexpired one and the new one)", n)
	}
	if d := allow(t, l, long, "kept"); d.Allowed {
		t.Fatalf("the unexpired key lost its count in the sweep: %+v", d)
	}
}

type failingLimiter struct{ err error }

func (f failingLimiter) Allow(context.Context, Rule, string) (Decision, error) {
	return Decision{}, f.err
}
func (f failingLimiter) Close() error { return nil }

func newTestApp(l Limiter, rule Rule, onLimited fiber.Handler, cfg ...Config) *fiber.App {
	app := fiber.New()
	userKey := func(c *fiber.Ctx) string { return c.Get("X-User") }
	app.Get("/", Middleware(l, rule, userKey, onLimited, cfg...), func(c *fiber.Ctx) error {
		return c.SendString("ok")
	})
	return app
}

func get(t *testing.T, app *fiber.App, user string) (status int, header func(string) string, body string) {
	t.Helper()
	req := httptest.NewRequest("GET", "/", nil)
	if user != "" {
		req.Header.Set("X-User", user)
	}
	resp, err := app.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get, string(b)
}

func TestMiddleware(t *testing.T) {
	rule := Rule{"page", 2, time.Minute} // a slot back every 30s
	friendly := func(c *fiber.Ctx) error {
		d, ok := DecisionFrom(c)
		if !ok {
			return errors.New("no decision in the request")
		}
		return c.SendString(fmt.Sprintf("try again in %d seconds", d.RetryAfterSeconds()))
	}
	forEachBackend(t, func(t *testing.T, open func(testing.TB) Limiter) {
		app := newTestApp(open(t), rule, friendly)
		for i, wantRemaining := range []string{"1", "0"} {
			status, header, body := get(t, app, "alice")
			if status != fiber.StatusOK || body != "ok" || header("X-RateLimit-Remaining") != wantRemaining {
				t.Fatalf("request %d: %d %q, remaining %q; want 200 with %s remaining",
					i+1, status, body, header("X-RateLimit-Remaining"), wantRemaining)
			}
		}

		status, header, body := get(t, app, "alice")
		if status != fiber.StatusTooManyRequests {
			t.Fatalf("over the limit: status %d, want 429", status)
		}
		retry, err := strconv.Atoi(header(fiber.HeaderRetryAfter))
		if err != nil || retry < 1 || retry > 30 {
			t.Fatalf("Retry-After = %q, want whole seconds in 1..30", header(fiber.HeaderRetryAfter))
		}
		if want := fmt.Sprintf("try again in %d seconds", retry); body != want {
			t.Fatalf("body %q, want %q", body, want)
		}
		if header("X-RateLimit-Remaining") != "0" {
			t.Fatalf("X-RateLimit-Remaining = %q on a refusal, want 0", header("X-RateLimit-Remaining"))
		}

		if status, _, _ := get(t, app, "bob"); status != fiber.StatusOK {
			t.Fatalf("another key: status %d, want 200", status)
		}
	})

	t.Run("empty key is exempt", func(t *testing.T) {
		app := newTestApp(NewMemory(), rule, friendly)
		for range rule.Limit + 3 {
			if status, header, _ := get(t, app, ""); status != fiber.StatusOK || header("X-RateLimit-Remaining") != "" {
				t.Fatalf("status %d, remaining %q; want 200 and no header", status, header("X-RateLimit-Remaining"))
			}
		}
	})

	t.Run("nil onLimited answers 429 through the error handler", func(t *testing.T) {
		app := newTestApp(NewMemory(), Rule{"strict", 1, time.Minute}, nil)
		get(t, app, "alice")
		if status, header, _ := get(t, app, "alice"); status != fiber.StatusTooManyRequests || header(fiber.HeaderRetryAfter) == "" {
			t.Fatalf("status %d, Retry-After %q; want 429 with Retry-After", status, header(fiber.HeaderRetryAfter))
		}
	})

	t.Run("fails open when the limiter errors", func(t *testing.T) {
		down := errors.New("redis down")
		var seen []error
		app := newTestApp(failingLimiter{down}, rule, friendly, Config{
			OnError: func(_ *fiber.Ctx, err error) { seen = append(seen, err) },
		})
		for range rule.Limit + 3 {
			if status, _, body := get(t, app, "alice"); status != fiber.StatusOK || body != "ok" {
				t.Fatalf("status %d %q, want 200 ok", status, body)
			}
		}
		if len(seen) != rule.Limit+3 || !errors.Is(seen[0], down) {
			t.Fatalf("OnError saw %v, want the limiter's error once per request", seen)
		}
	})
}

func BenchmarkAllow(b *testing.B) {
	// A limit that is never reached, so every call does the full write.
	rule := Rule{"bench", 1 << 30, time.Hour}
	keys := make([]string, 10_000)
	for i := range keys {
		keys[i] = "user-" + strconv.Itoa(i)
	}
	for _, be := range backends() {
		b.Run(be.name+"/serial", func(b *testing.B) {
			l := be.open(b, nil)
			ctx := context.Background()
			i := 0
			for b.Loop() {
				if _, err := l.Allow(ctx, rule, keys[i%len(keys)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(be.name+"/parallel", func(b *testing.B) {
			l := be.open(b, nil)
			ctx := context.Background()
			var worker atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				i := int(worker.Add(1)) * 7919
				for pb.Next() {
					if _, err := l.Allow(ctx, rule, keys[i%len(keys)]); err != nil {
						b.Error(err)
						return
					}
					i++
				}
			})
		})
	}
}
