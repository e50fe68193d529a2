package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/glebarez/go-sqlite"
	"github.com/jackc/pgx/v5/pgconn"
)

// ErrUnavailable marks an error that means the database could not be
// reached, rather than that a query was wrong: an outage the forum recovers
// from by itself once the database is back. Every error a query returns
// through GORM is checked, and wrapped with it when it is one.
var ErrUnavailable = errors.New("database unavailable")

// SQLite's primary result codes for "another connection holds the lock":
// returned only once busy_timeout has run out.
const (
	sqliteBusy   = 5
	sqliteLocked = 6
)

// errPoolClosed is what database/sql returns once the pool is closed, as it
// is while the server shuts down. database/sql does not export it, so it is
// taken from a pool closed on purpose, which never connects.
var errPoolClosed = func() error {
	db := sql.OpenDB(neverConnector{})
	_ = db.Close()
	return db.PingContext(context.Background())
}()

type neverConnector struct{}

func (neverConnector) Connect(context.Context) (driver.Conn, error) {
	return nil, errors.New("database: never connects")
}
func (neverConnector) Driver() driver.Driver { return nil }

// MarkUnavailable wraps err with ErrUnavailable when it means the database
// could not be reached, and returns any other error as it is.
func MarkUnavailable(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) || !unreachable(err) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// unreachable reports whether err is an outage: the connection was refused
// or dropped, the driver gave up on it, the pool is closed, the request's
// deadline passed while waiting, PostgreSQL said it cannot take queries now, or SQLite stayed
// locked by another writer past its busy timeout.
func unreachable(err error) bool {
	var (
		opErr      *net.OpError
		connectErr *pgconn.ConnectError
		sqliteErr  *sqlite.Error
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, driver.ErrBadConn),
		errors.Is(err, sql.ErrConnDone),
		errors.Is(err, errPoolClosed),
		errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE),
		errors.As(err, &opErr),
		errors.As(err, &connectErr),
		pgconn.Timeout(err):
		return true
	case errors.As(err, &sqliteErr):
		// Extended codes (SQLITE_BUSY_SNAPSHOT, …) keep the primary code in
		// the low byte.
		code := sqliteErr.Code() & 0xff
		return code == sqliteBusy || code == sqliteLocked
	}
	// PostgreSQL's own word that it cannot take the query now: class 08 is
	// a broken connection, 57P01–57P03 a server shutting down, crashed or
	// still starting.
	var coded interface{ SQLState() string }
	if errors.As(err, &coded) {
		code := coded.SQLState()
		return strings.HasPrefix(code, "08") || code == "57P01" || code == "57P02" || code == "57P03"
	}
	return false
}
