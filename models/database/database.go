// Package database opens the forum's database from a URL: PostgreSQL for
// production, an embedded SQLite file (pure Go, no cgo) by default.
package database

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"hiroba/migrations"
)

// DefaultSQLitePath is where the forum keeps its data when no database is
// configured, so that `go run .` works on a fresh machine.
const DefaultSQLitePath = "data/hiroba.db"

// Open connects to the database named by rawURL: empty for the default
// SQLite file, "sqlite:PATH" for another file, "postgres://…" for PostgreSQL.
// It returns the dialect name the migrations use.
func Open(rawURL string) (*gorm.DB, string, error) {
	cfg := &gorm.Config{
		Logger:  logger.Discard,
		NowFunc: func() time.Time { return time.Now().UTC() },
		// Writes that touch several rows run in explicit transactions; the
		// implicit one GORM wraps around each single insert is wasted work.
		SkipDefaultTransaction: true,
		PrepareStmt:            false,
		// Every error a statement, a transaction's begin or commit, or a
		// scan returns goes through the dialect's Translate, which marks
		// outages with ErrUnavailable.
		TranslateError: true,
	}
	switch {
	case rawURL == "" || strings.HasPrefix(rawURL, "sqlite:"):
		path := strings.TrimPrefix(rawURL, "sqlite:")
		if path == "" {
			path = DefaultSQLitePath
		}
		db, err := openSQLite(path, cfg)
		return db, migrations.SQLite, err
	case strings.HasPrefix(rawURL, "postgres://") || strings.HasPrefix(rawURL, "postgresql://"):
		dialector := postgresDialector{&postgres.Dialector{Config: &postgres.Config{DSN: withConnectTimeout(rawURL)}}}
		db, err := gorm.Open(dialector, cfg)
		if err != nil {
			return nil, "", fmt.Errorf("database: open postgres: %w", MarkUnavailable(err))
		}
		if err := markRowQueryOutages(db); err != nil {
			_ = Close(db)
			return nil, "", err
		}
		sqlDB, err := db.DB()
		if err != nil {
			return nil, "", err
		}
		sqlDB.SetMaxOpenConns(postgresPool)
		sqlDB.SetMaxIdleConns(postgresPool)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		return db, migrations.Postgres, nil
	default:
		return nil, "", fmt.Errorf("database: unsupported database URL (want empty, sqlite:PATH or postgres://…)")
	}
}

// PostgreSQL connections per process, and how many of them write
// transactions may hold at once (models.Store). Four per core of this
// process, between 8 and 32: more statements in flight than the cores can
// serve do not finish sooner, they queue inside PostgreSQL, where the
// unlucky wait longest — on 2 cores a pool of 32 made one page in fifty
// take over a second (p99 1.13 s against 124 ms with 8, at the same
// throughput). A commit waits for the WAL to reach the disk, and the
// server flushes the commits waiting together at once, so writers get
// three quarters of the pool; the rest is kept for reads, which never wait
// behind the writers. Several instances share the server's max_connections
// (100 by default).
var (
	postgresPool       = min(max(4*runtime.GOMAXPROCS(0), 8), 32)
	PostgresWriteSlots = postgresPool * 3 / 4
)

func openSQLite(path string, cfg *gorm.Config) (*gorm.DB, error) {
	if path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("database: create folder for %s: %w", path, err)
		}
	}
	// WAL lets readers run beside the writer; busy_timeout makes a second
	// writer wait instead of failing; immediate transactions take the write
	// lock up front, so two writers never deadlock upgrading a read lock. A
	// deferred transaction that read first and then writes after another
	// connection committed gets SQLITE_BUSY at once, busy_timeout or not.
	//
	// No _time_format: the driver stops reading the DSN at it, so with it
	// _txlock was never applied and every transaction was deferred. Its
	// default write format is the one "sqlite" names, so times are
	// written as before.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// Statement journals in memory, in small pieces: on a file they are
	// buffered in 64 KiB blocks, which the pure-Go allocator maps and
	// unmaps around each statement that needs one (most writes in a
	// transaction), a system call pair per statement.
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Set("_txlock", "immediate")
	db, err := gorm.Open(sqliteDialector{&sqlite.Dialector{DSN: "file:" + path + "?" + q.Encode()}}, cfg)
	if err != nil {
		return nil, fmt.Errorf("database: open sqlite %s: %w", path, MarkUnavailable(err))
	}
	if err := markRowQueryOutages(db); err != nil {
		_ = Close(db)
		return nil, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(8)
	sqlDB.SetMaxIdleConns(8)
	return db, nil
}

// The drivers' dialects with a Translate of our own. GORM's own
// translations (a unique violation becoming gorm.ErrDuplicatedKey, …) are
// left out, so the driver's error stays in the chain as it always was; only
// outages are marked. Each embeds the driver's concrete type so its other
// methods (savepoints and the like) stay visible to GORM.
type (
	postgresDialector struct{ *postgres.Dialector }
	sqliteDialector   struct{ *sqlite.Dialector }
)

func (postgresDialector) Translate(err error) error { return MarkUnavailable(err) }
func (sqliteDialector) Translate(err error) error   { return MarkUnavailable(err) }

// markRowQueryOutages covers the one path Translate does not see: GORM's
// row callback, behind Raw(…).Scan and Rows, sets the query's error without
// passing it to AddError.
func markRowQueryOutages(db *gorm.DB) error {
	err := db.Callback().Row().After("gorm:row").Register("hiroba:mark_unavailable", func(db *gorm.DB) {
		db.Error = MarkUnavailable(db.Error)
	})
	if err != nil {
		return fmt.Errorf("database: register the row callback: %w", err)
	}
	return nil
}

// Migrate applies the migrations the database lacks.
func Migrate(ctx context.Context, db *gorm.DB, dialect string) ([]int, error) {
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	return migrations.Apply(ctx, sqlDB, dialect)
}

// Close releases the connections, the replicas' too.
func Close(db *gorm.DB) error {
	if r, ok := db.ConnPool.(*Replicas); ok {
		return r.Close()
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// withConnectTimeout bounds how long opening a connection may take when the
// URL does not say: a database host that swallows packets must turn into a
// quick "unavailable" page, not a request hanging until its deadline.
func withConnectTimeout(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	q := u.Query()
	if q.Get("connect_timeout") != "" {
		return rawURL
	}
	q.Set("connect_timeout", "5")
	u.RawQuery = q.Encode()
	return u.String()
}

// IsUniqueViolation reports whether err, or an error it wraps, is the
// driver's refusal of a duplicate under a unique constraint. It asks the
// driver's own translation, which the dialects above leave out of every
// error GORM returns.
func IsUniqueViolation(db *gorm.DB, err error) bool {
	var t gorm.ErrorTranslator
	switch d := db.Dialector.(type) {
	case postgresDialector:
		t = d.Dialector
	case sqliteDialector:
		t = d.Dialector
	default:
		t, _ = db.Dialector.(gorm.ErrorTranslator)
	}
	for ; t != nil && err != nil; err = errors.Unwrap(err) {
		if errors.Is(t.Translate(err), gorm.ErrDuplicatedKey) {
			return true
		}
	}
	return false
}
