package app

import (
	"context"
	"net/url"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"hiroba/migrations"
	"hiroba/models/modeltest"
)

// A server that fails to start must not hold on to what it had opened: a
// process that retries start-up (or a test that builds many) would run out
// of database or Redis connections.
func TestNewReleasesConnectionsWhenItFails(t *testing.T) {
	const redisURL = "redis://127.0.0.1:6379/14"
	requireRedis(t, redisURL)
	name := "hiroba-new-fails-" + randomHex(6)
	cfg := testConfig(t, migrations.Postgres)
	cfg.RedisURL = redisURL + "?client_name=" + name
	dbURL, err := url.Parse(cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	q := dbURL.Query()
	q.Set("application_name", name)
	dbURL.RawQuery = q.Encode()
	cfg.DatabaseURL = dbURL.String()
	// The last thing New builds is the mailer; an address it cannot parse
	// makes it fail after the database and the limiter are open.
	cfg.SMTPURL = "smtp://127.0.0.1:2525"
	cfg.MailFrom = "not an address"

	// go-redis closes a client the garbage collector finds unreachable; with
	// the collector off, only New itself can have closed the connection.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	srv, err := New(context.Background(), cfg, NewLogger(&strings.Builder{}, "error"))
	if err == nil {
		srv.Close()
		t.Fatal("New with an unusable sender address: no error")
	}

	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", DB: 14})
	defer rdb.Close()
	ctx := context.Background()
	pg, err := pgx.Connect(ctx, modeltest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close(ctx)
	// The servers notice a closed connection a moment later; the deadline
	// is a bound for a broken build, not a timing assertion.
	deadline := time.Now().Add(10 * time.Second)
	for {
		clients, err := rdb.ClientList(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		redisOpen := strings.Contains(clients, "name="+name+" ")
		var dbOpen int
		err = pg.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", name).Scan(&dbOpen)
		if err != nil {
			t.Fatal(err)
		}
		if !redisOpen && dbOpen == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after New failed: Redis connection still open: %v; %d database connection(s) still open", redisOpen, dbOpen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
