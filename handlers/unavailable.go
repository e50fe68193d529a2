package handlers

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// retryAfterUnavailable is how long, in seconds, a page asks the browser
// (and any crawler) to wait while the database is away: long enough not to
// pile reloads on a database coming back, short enough that nobody waits
// for a page that would already work.
const retryAfterUnavailable = "5"

// databaseUnavailable reports whether err means the database could not be
// reached, rather than that a query was wrong: the connection was refused
// or dropped, the driver gave up on it, or the request's deadline passed
// while waiting. These are outages the forum recovers from by itself once
// the database is back, so they are a 503 and a warning, not a 500 and an
// error.
func databaseUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var (
		opErr      *net.OpError
		connectErr *pgconn.ConnectError
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, driver.ErrBadConn),
		errors.Is(err, sql.ErrConnDone),
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
	}
	// PostgreSQL's own word that it cannot take the query now: class 08 is
	// a broken connection, 57P01–57P03 a server shutting down, crashed or
	// still starting. Matched by method so SQLite's errors pass untouched.
	var coded interface{ SQLState() string }
	if errors.As(err, &coded) {
		code := coded.SQLState()
		return strings.HasPrefix(code, "08") || code == "57P01" || code == "57P02" || code == "57P03"
	}
	return false
}
