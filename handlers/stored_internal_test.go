package handlers

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// A value merely old is answered at once and read again in the
// background; a save here is read before the next answer, and a read in the
// background that began before the save never brings the old value back.
func TestStoredValueIsReadAgainWithoutMakingRequestsWait(t *testing.T) {
	var mu sync.Mutex
	value := "one"
	release := make(chan struct{})
	blocking := false
	read := func(ctx context.Context) (string, error) {
		mu.Lock()
		v, block := value, blocking
		mu.Unlock()
		if block {
			<-release
		}
		return v, nil
	}
	s := newStored("test value", "default", read, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := context.Background()
	if got := s.get(ctx); got != "one" {
		t.Fatalf("first get = %q, want the stored value read at once", got)
	}

	// Old: the next get answers at once with what it has, and starts a
	// read that blocks until released.
	mu.Lock()
	value, blocking = "two", true
	mu.Unlock()
	s.mu.Lock()
	s.until = time.Time{}
	s.mu.Unlock()
	done := make(chan string)
	go func() { done <- s.get(ctx) }()
	select {
	case got := <-done:
		if got != "one" {
			t.Fatalf("get while the value is read again = %q, want %q", got, "one")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a get waited for the read in the background")
	}

	// A save here: the next get reads first and answers with it.
	mu.Lock()
	value, blocking = "three", false
	mu.Unlock()
	s.forget()
	if got := s.get(ctx); got != "three" {
		t.Fatalf("get after a save = %q, want %q", got, "three")
	}
	// The read begun before the save ends now with "three" read... or, had
	// it read earlier, an older value: either way it must not replace what
	// the save's read brought.
	mu.Lock()
	value = "stale"
	mu.Unlock()
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.mu.Lock()
		busy := s.refreshing
		s.mu.Unlock()
		if !busy || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if got := s.get(ctx); got != "three" {
		t.Fatalf("after the older read ended, get = %q, want %q", got, "three")
	}
}
