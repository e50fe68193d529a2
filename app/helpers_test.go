package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"hiroba/migrations"
	"hiroba/models/modeltest"
)

// testConfig is a loopback configuration over a fresh database of the
// dialect; tests adjust it before starting a server.
func testConfig(t testing.TB, dialect string) Config {
	t.Helper()
	cfg, err := LoadConfig(func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = "127.0.0.1:0"
	cfg.BaseURL = ""     // startServer fills in the real port
	cfg.PageCacheTTL = 0 // tests read their own writes as visitors at once
	cfg.SessionSecret = "test-secret-test-secret-test-secret"
	// Not the working directory's data/uploads, which PostgreSQL's default is.
	cfg.Uploads = "file:" + filepath.Join(t.TempDir(), "uploads")
	cfg.OCR = "off" // reading images' text takes seconds; its own tests turn it on
	switch dialect {
	case migrations.SQLite:
		cfg.DatabaseURL = modeltest.SQLiteURL(t)
	case migrations.Postgres:
		cfg.DatabaseURL = modeltest.PostgresSchemaURL(t)
	}
	return cfg
}

// startServer runs a whole forum on a loopback port until the test ends and
// returns its base URL.
func startServer(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	var logOut io.Writer = io.Discard
	if testing.Verbose() {
		logOut = os.Stderr
	}
	return startServerLogging(t, cfg, NewLogger(logOut, "warn"))
}

// startServerLogging is startServer with the server's logger.
func startServerLogging(t *testing.T, cfg Config, log *slog.Logger) (*Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	if cfg.BaseURL == "" {
		cfg.BaseURL = base
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := New(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	modeltest.Relax(t, srv.Store)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server stopped with error: %v", err)
		}
		srv.Close()
	})
	return srv, base
}

// startStoppable runs a forum that the test stops itself: stop asks it to
// and returns what Serve returned, or an error when it is still serving
// after within.
func startStoppable(t *testing.T, cfg Config) (srv *Server, base string, stop func(within time.Duration) error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base = "http://" + ln.Addr().String()
	cfg.BaseURL = base
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err = New(ctx, cfg, NewLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	return srv, base, func(within time.Duration) error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(within):
			return fmt.Errorf("still serving %v after being told to stop", within)
		}
	}
}
