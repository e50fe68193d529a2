package pagecache

import (
	"strconv"
	"testing"
	"time"
)

func page(body string, keys ...string) Page {
	return Page{Body: []byte(body), Expires: time.Now().Add(time.Hour), Keys: keys, Declared: true}
}

func TestInvalidationDropsThePagesShowingIt(t *testing.T) {
	c := New(time.Hour, 1<<20)
	now := time.Now()
	put := func(key string, p Page) { c.Put(key, c.Begin(), p) }
	put("thread 1", page("t1", "thread:1"))
	put("thread 2", page("t2", "thread:2"))
	put("home", page("home", "home", "categories"))
	put("undeclared", Page{Body: []byte("?"), Expires: now.Add(time.Hour)})
	put("static", page("opensearch"))
	has := func(key string) bool { _, ok := c.Get(key, now); return ok }
	c.Invalidate([]string{"thread:1", "home"})
	for key, want := range map[string]bool{"thread 1": false, "thread 2": true, "home": false, "undeclared": false, "static": true} {
		if has(key) != want {
			t.Errorf("after a write to thread 1 and home: %s kept = %v, want %v", key, !want, want)
		}
	}
	c.Invalidate([]string{KeyAll})
	if has("thread 2") || has("static") {
		t.Error("pages kept after an invalidation of everything")
	}
	if s := c.Stats(); s.Hits != 2 || s.Dropped != 5 || s.Invalidations != 2 {
		t.Errorf("stats %+v", s)
	}
}

// A page that read the database before a write committed, and is stored
// after it was heard, is stale: it is never served.
func TestAPageRenderedAcrossAWriteIsNotKept(t *testing.T) {
	c := New(time.Hour, 1<<20)
	began := c.Begin()
	c.Invalidate([]string{"thread:1"}) // the write commits mid-render
	c.Put("thread 1", began, page("old", "thread:1"))
	if _, ok := c.Get("thread 1", time.Now()); ok {
		t.Error("served a page rendered from before the write")
	}
	began = c.Begin()
	c.Invalidate([]string{"thread:2"}) // another thread's write
	c.Put("thread 1", began, page("new", "thread:1"))
	if p, ok := c.Get("thread 1", time.Now()); !ok || string(p.Body) != "new" {
		t.Error("a write to another thread kept this one from being kept")
	}
}

func TestExpiredPagesAreRenderedAgain(t *testing.T) {
	c := New(time.Hour, 1<<20)
	p := page("soon")
	p.Expires = time.Now().Add(time.Minute)
	c.Put("k", c.Begin(), p)
	if _, ok := c.Get("k", time.Now().Add(2*time.Minute)); ok {
		t.Error("served past its expiry")
	}
}

// Paused, the cache neither serves nor stores; resumed, nothing from before
// comes back, since what changed meanwhile is unknown.
func TestPausedServesNothingAndResumesEmpty(t *testing.T) {
	c := New(time.Hour, 1<<20)
	c.Put("k", c.Begin(), page("before", "thread:1"))
	began := c.Begin()
	c.Pause()
	if _, ok := c.Get("k", time.Now()); ok {
		t.Error("served while paused")
	}
	c.Put("j", c.Begin(), page("during", "thread:2"))
	c.Resume()
	c.Put("late", began, page("rendered before the resume", "thread:3"))
	for _, key := range []string{"k", "j", "late"} {
		if _, ok := c.Get(key, time.Now()); ok {
			t.Errorf("%s served after resuming", key)
		}
	}
	c.Put("k", c.Begin(), page("after", "thread:1"))
	if _, ok := c.Get("k", time.Now()); !ok {
		t.Error("nothing kept after resuming")
	}
}

func TestRememberedKeysStayBounded(t *testing.T) {
	c := New(time.Hour, 1<<20)
	began := c.Begin()
	c.Put("old", began, page("old", "thread:0"))
	for i := range maxKeys + 1 {
		c.Invalidate([]string{"thread:x" + strconv.Itoa(i)})
	}
	if len(c.gens) > maxKeys {
		t.Errorf("%d keys remembered", len(c.gens))
	}
	// Forgetting is dropping everything: a page from before is not kept.
	if _, ok := c.Get("old", time.Now()); ok {
		t.Error("a page from before the keys were forgotten was served")
	}
}

// A page read from a replica may lack a write this instance has already
// heard of: it is not kept when something it shows changed after ReadAsOf,
// and is kept when nothing did.
func TestAPageReadFromABehindReplicaIsNotKept(t *testing.T) {
	c := New(time.Hour, 1<<20)
	c.Invalidate([]string{"thread:1"})
	began := c.Begin() // after the invalidation: by the count alone, fresh
	behind := page("stale thread 1", "thread:1")
	behind.ReadAsOf = time.Now().Add(-5 * time.Second)
	c.Put("thread 1", began, behind)
	if _, ok := c.Get("thread 1", time.Now()); ok {
		t.Error("a page read from a replica behind a write heard since was kept")
	}
	other := page("thread 2", "thread:2")
	other.ReadAsOf = time.Now().Add(-5 * time.Second)
	c.Put("thread 2", began, other)
	if _, ok := c.Get("thread 2", time.Now()); !ok {
		t.Error("a page read from a replica was not kept although nothing it shows changed")
	}
}
