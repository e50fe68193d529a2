package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"hiroba/migrations"
)

// A stopping instance with a drain period says "draining" on /readyz at
// once, while it still serves pages, and only then closes its port: a load
// balancer checking /readyz takes it out before any request is refused.
func TestStoppingInstanceDrainsBeforeItCloses(t *testing.T) {
	cfg := testConfig(t, migrations.SQLite)
	cfg.ShutdownDrain = 2 * time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg.BaseURL = base
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := New(ctx, cfg, NewLogger(io.Discard, "warn"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()

	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := get("/readyz"); code != http.StatusOK {
		t.Fatalf("before stopping: /readyz %d %s", code, body)
	}
	stopped := time.Now()
	cancel()
	time.Sleep(200 * time.Millisecond)
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "draining") {
		t.Errorf("while draining: /readyz %d %s, want 503 draining", code, body)
	}
	if code, _ := get("/"); code != http.StatusOK {
		t.Errorf("while draining: the home page answered %d, want 200", code)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if took := time.Since(stopped); took < cfg.ShutdownDrain {
		t.Errorf("stopped %v after being asked, before the %v drain", took, cfg.ShutdownDrain)
	}
}
