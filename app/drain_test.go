package app

import (
	"io"
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
	_, base, stop := startStoppable(t, cfg)

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
	stopping := make(chan error, 1)
	go func() { stopping <- stop(time.Minute) }()
	time.Sleep(200 * time.Millisecond)
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "draining") {
		t.Errorf("while draining: /readyz %d %s, want 503 draining", code, body)
	}
	if code, _ := get("/"); code != http.StatusOK {
		t.Errorf("while draining: the home page answered %d, want 200", code)
	}
	if err := <-stopping; err != nil {
		t.Fatal(err)
	}
	if took := time.Since(stopped); took < cfg.ShutdownDrain {
		t.Errorf("stopped %v after being asked, before the %v drain", took, cfg.ShutdownDrain)
	}
}
