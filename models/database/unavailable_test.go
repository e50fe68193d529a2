package database_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/glebarez/go-sqlite"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"hiroba/models/database"
	"hiroba/models/modeltest"
)

func TestMarkUnavailable(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"deadline while waiting", fmt.Errorf("models: load thread 1: %w", context.DeadlineExceeded), true},
		{"driver gave up on the connection", driver.ErrBadConn, true},
		{"connection already returned", sql.ErrConnDone, true},
		{"pgx connection closed", pgconn.ErrConnClosed, true},
		{"connection cut mid-reply", io.ErrUnexpectedEOF, true},
		{"connection cut", io.EOF, true},
		{"refused", syscall.ECONNREFUSED, true},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{"broken pipe", syscall.EPIPE, true},
		{"dial failed", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("no route to host")}, true},
		{"postgres shutting down", &pgconn.PgError{Code: "57P01"}, true},
		{"postgres crashed", &pgconn.PgError{Code: "57P02"}, true},
		{"postgres starting", &pgconn.PgError{Code: "57P03"}, true},
		{"postgres connection failure", &pgconn.PgError{Code: "08006"}, true},

		{"no error", nil, false},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"syntax error", &pgconn.PgError{Code: "42601"}, false},
		{"query cancelled: the visitor left", context.Canceled, false},
		{"no row", gorm.ErrRecordNotFound, false},
		{"anything else", errors.New("models: thread title too long"), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := database.MarkUnavailable(c.err)
			if is := errors.Is(got, database.ErrUnavailable); is != c.want {
				t.Fatalf("errors.Is(MarkUnavailable(%v), ErrUnavailable) = %v, want %v", c.err, is, c.want)
			}
			if !c.want && got != c.err {
				t.Fatalf("MarkUnavailable(%v) = %v, want the error itself", c.err, got)
			}
			if c.want {
				if !errors.Is(got, c.err) {
					t.Fatalf("MarkUnavailable(%v) = %v: the driver's error left the chain", c.err, got)
				}
				if again := database.MarkUnavailable(got); again != got {
					t.Fatalf("marking twice gives %q, want %q", again, got)
				}
			}
		})
	}
}

func TestUnreachablePostgresIsUnavailable(t *testing.T) {
	// Nothing listens on port 1: the connection is refused at once.
	_, _, err := database.Open("postgres://postgres@127.0.0.1:1/test?sslmode=disable")
	if !errors.Is(err, database.ErrUnavailable) {
		t.Fatalf("open PostgreSQL on a closed port: %v, want ErrUnavailable", err)
	}
}

// A query whose deadline has passed is an outage on both databases, and a
// query that is wrong is not, and keeps the driver's own error.
func TestQueryErrorsAreMarkedOnlyForOutages(t *testing.T) {
	for _, dialect := range modeltest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			db, _ := modeltest.Open(t, dialect)
			if err := db.Exec("CREATE TABLE marked (x INTEGER UNIQUE)").Error; err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
			defer cancel()
			var n int64
			var rows []struct{ X int }
			for what, run := range map[string]func(db *gorm.DB) error{
				"raw scan": func(db *gorm.DB) error { return db.Raw("SELECT count(*) FROM marked").Scan(&n).Error },
				"find":     func(db *gorm.DB) error { return db.Table("marked").Find(&rows).Error },
				"count":    func(db *gorm.DB) error { return db.Table("marked").Count(&n).Error },
				"exec":     func(db *gorm.DB) error { return db.Exec("INSERT INTO marked (x) VALUES (2)").Error },
				"transaction": func(db *gorm.DB) error {
					return db.Transaction(func(*gorm.DB) error { return nil })
				},
			} {
				err := run(db.WithContext(ctx))
				if !errors.Is(err, database.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("%s past its deadline: %v, want ErrUnavailable wrapping the deadline", what, err)
				}
			}

			if err := db.Exec("INSERT INTO marked (x) VALUES (1)").Error; err != nil {
				t.Fatal(err)
			}
			err := db.Exec("INSERT INTO marked (x) VALUES (1)").Error
			if err == nil || errors.Is(err, database.ErrUnavailable) {
				t.Fatalf("duplicate insert: %v, want an error that is not ErrUnavailable", err)
			}
			var pgErr *pgconn.PgError
			var sqliteErr *sqlite.Error
			if !errors.As(err, &pgErr) && !errors.As(err, &sqliteErr) {
				t.Errorf("duplicate insert: %v (%T), want the driver's error in the chain", err, err)
			}
		})
	}
}

// SQLite held by another writer past busy_timeout cannot take the write;
// it will once the other writer is done, so it is an outage, not a bug.
func TestSQLiteLockedPastBusyTimeoutIsUnavailable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locked.db")
	holder, _, err := database.Open("sqlite:" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(holder)
	waiter, _, err := database.Open("sqlite:" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(waiter)
	if err := holder.Exec("CREATE TABLE locked (x INTEGER)").Error; err != nil {
		t.Fatal(err)
	}

	// Transactions begin immediate: this one holds the write lock until
	// it ends.
	tx := holder.Begin()
	if tx.Error != nil {
		t.Fatal(tx.Error)
	}
	defer tx.Rollback()
	if err := tx.Exec("INSERT INTO locked (x) VALUES (1)").Error; err != nil {
		t.Fatal(err)
	}

	// One connection with a short busy timeout, so the test does not wait
	// the forum's ten seconds.
	sqlDB, err := waiter.DB()
	if err != nil {
		t.Fatal(err)
	}
	sqlDB.SetMaxOpenConns(1)
	if err := waiter.Exec("PRAGMA busy_timeout = 50").Error; err != nil {
		t.Fatal(err)
	}
	err = waiter.Exec("INSERT INTO locked (x) VALUES (2)").Error
	if !errors.Is(err, database.ErrUnavailable) {
		t.Fatalf("write while another connection holds the lock: %v, want ErrUnavailable", err)
	}
}

// Queries still running while the server shuts down find the pool closed.
func TestClosedPoolIsUnavailable(t *testing.T) {
	db, _, err := database.Open("sqlite:" + filepath.Join(t.TempDir(), "closed.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := database.Close(db); err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := db.Raw("SELECT 1").Scan(&n).Error; !errors.Is(err, database.ErrUnavailable) {
		t.Fatalf("query on a closed pool: %v, want ErrUnavailable", err)
	}
}
