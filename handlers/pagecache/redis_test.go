package pagecache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"hiroba/models/servicetest"
)

var redisStatus = servicetest.New("redis")

// TestMain reports whether the Redis tests ran.
func TestMain(m *testing.M) { servicetest.Main(m, redisStatus) }

func testRedisURL() string {
	if u := os.Getenv("HIROBA_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/15"
}

// bus connects a cache to a channel of the test's own; without Redis the
// test skips, or fails under CI=true.
func bus(t *testing.T, channel string) (*Cache, *Redis) {
	t.Helper()
	c := New(time.Hour, 1<<20)
	r, err := NewRedis(context.Background(), testRedisURL(), channel, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		redisStatus.Missing(err.Error())
		if os.Getenv("CI") == "true" {
			t.Fatalf("Redis is required under CI: %v", err)
		}
		t.Skipf("Redis unreachable: %v", err)
	}
	redisStatus.Ran()
	t.Cleanup(func() { _ = r.Close() })
	return c, r
}

func channel() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "hiroba:pages:test-" + hex.EncodeToString(b)
}

// What one instance publishes reaches the others' caches, and only theirs:
// its own cache learnt of its writes already.
func TestRedisCarriesInvalidationsToOtherInstances(t *testing.T) {
	t.Parallel()
	ch := channel()
	a, busA := bus(t, ch)
	b, _ := bus(t, ch)
	other, _ := bus(t, channel())
	for _, c := range []*Cache{a, b, other} {
		if c.Paused() {
			t.Fatal("a cache is still paused once subscribed")
		}
		c.Put("thread 1", c.Begin(), page("t1", "thread:1"))
		c.Put("thread 2", c.Begin(), page("t2", "thread:2"))
	}
	busA.Publish([]string{"thread:1"})
	deadline := time.Now().Add(10 * time.Second)
	for b.Stats().Invalidations == 1 { // the one of subscribing
		if time.Now().After(deadline) {
			t.Fatal("B heard nothing in 10s")
		}
		time.Sleep(time.Millisecond)
	}
	if _, ok := b.Get("thread 1", time.Now()); ok {
		t.Error("B kept thread 1 after A's write to it")
	}
	if _, ok := b.Get("thread 2", time.Now()); !ok {
		t.Error("B dropped thread 2, which A did not write")
	}
	// A round trip on the channel, so anything A would have heard is in.
	busA.Publish([]string{"flush"})
	for b.Stats().Invalidations < 3 {
		time.Sleep(time.Millisecond)
	}
	if _, ok := a.Get("thread 1", time.Now()); !ok {
		t.Error("A dropped a page on hearing its own message")
	}
	if _, ok := other.Get("thread 1", time.Now()); !ok {
		t.Error("a forum on another channel heard A")
	}
}

func TestRedisWrongURLStopsStartUp(t *testing.T) {
	t.Parallel()
	c := New(time.Hour, 1<<20)
	if _, err := NewRedis(context.Background(), "redis://127.0.0.1:1/0", channel(), c, slog.New(slog.NewTextHandler(io.Discard, nil))); err == nil {
		t.Fatal("connected to nothing")
	}
}
