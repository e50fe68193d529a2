package live_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"hiroba/handlers/live"
	"hiroba/migrations"
	"hiroba/models"
	"hiroba/models/modeltest"
)

// events runs a stream into a pipe and hands out what it writes, event by
// event ("name data"), heartbeats left out.
func events(t *testing.T, st *live.Stream) <-chan string {
	t.Helper()
	r, w := io.Pipe()
	out := make(chan string, 64)
	go func() {
		st.Run(bufio.NewWriter(w))
		w.Close()
	}()
	go func() {
		defer close(out)
		sc := bufio.NewScanner(r)
		var name string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				out <- name + " " + strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	t.Cleanup(func() { r.Close() })
	return out
}

func expect(t *testing.T, got <-chan string, want string) {
	t.Helper()
	select {
	case ev := <-got:
		if ev != want {
			t.Fatalf("event %q, want %q", ev, want)
		}
	case <-time.After(2 * time.Second):
		t.Fatalf("no event within 2s, want %q", want)
	}
}

func quiet(t *testing.T, got <-chan string, what string) {
	t.Helper()
	select {
	case ev := <-got:
		t.Fatalf("%s: event %q, want none", what, ev)
	case <-time.After(300 * time.Millisecond):
	}
}

// The banner as the hook says it reaches every stream when a change that
// reaches every page is announced, once per change; when it cannot be read
// the stream says nothing of it rather than that it went away. A burst of
// announcements of one thread is read once per pause, not once each.
func TestBannerAndBursts(t *testing.T) {
	ctx := context.Background()
	store := modeltest.Store(t, migrations.SQLite)
	u, _, err := store.SignInUser(ctx, models.SignIn{Provider: "test", ProviderUserID: "1", Nickname: "hana", Name: "hana"})
	if err != nil {
		t.Fatal(err)
	}
	th, err := store.CreateThread(ctx, models.NewThread{UserID: u.ID, CategoryID: 1, Title: "Payments fail at checkout", Body: "Error 502."})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	banner, bannerErr, reads := live.Banner{}, error(nil), 0
	hub := live.NewHub(store, live.Options{Coalesce: 200 * time.Millisecond, Banner: func(context.Context) (live.Banner, error) {
		mu.Lock()
		defer mu.Unlock()
		reads++
		return banner, bannerErr
	}})
	defer hub.Close()
	set := func(b live.Banner, err error) {
		mu.Lock()
		defer mu.Unlock()
		banner, bannerErr = b, err
	}
	st, err := hub.Open(ctx, nil, th.ID, th.FirstPostID, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	got := events(t, st)
	expect(t, got, `replies {"count":0}`)
	expect(t, got, `metoo {"count":0}`)
	expect(t, got, `banner {}`)

	set(live.Banner{Issue: 3, State: "open", Version: 1}, nil)
	hub.Changed([]string{string(models.KeyAll)})
	expect(t, got, `banner {"issue":3,"state":"open","version":1}`)
	hub.Changed([]string{string(models.KeyAll)})
	quiet(t, got, "the banner unchanged")

	set(live.Banner{}, errors.New("database away"))
	hub.Changed([]string{string(models.KeyAll)})
	quiet(t, got, "the banner unreadable")
	set(live.Banner{Issue: 3, State: "resolved", Version: 2}, nil)
	hub.Changed([]string{string(models.ThreadKey(th.ID))})
	expect(t, got, `banner {"issue":3,"state":"resolved","version":2}`)

	// Fifty announcements in a burst: a read for the first, and one for
	// the rest after the pause.
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	reads = 0
	mu.Unlock()
	for range 50 {
		hub.Changed([]string{string(models.ThreadKey(th.ID))})
	}
	time.Sleep(500 * time.Millisecond)
	mu.Lock()
	n := reads
	mu.Unlock()
	if n < 1 || n > 2 {
		t.Errorf("fifty announcements in a burst read the thread %d times, want 1 or 2", n)
	}
	hub.Changed([]string{string(models.CategoryKey(th.CategoryID)), string(models.KeyHome)})
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	if reads != n {
		t.Errorf("keys of other things read the thread again")
	}
	mu.Unlock()
}
