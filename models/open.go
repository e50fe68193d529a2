package models

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"hiroba/models/database"
)

// ErrUnavailable is in the chain of every error that means the database
// could not be reached (refused or dropped connections, the request's
// deadline passing while waiting, a closed pool, PostgreSQL shutting down or
// starting, SQLite locked past its busy timeout): an outage that ends by
// itself, not a wrong query. Handlers answer it with 503.
var ErrUnavailable = database.ErrUnavailable

// Open connects to the database named by rawURL: empty for the default
// SQLite file, "sqlite:PATH" for another file, "postgres://…" for
// PostgreSQL. The schema is left as it is (Migrate brings it up to date);
// Close releases the connections.
func Open(rawURL string) (*Store, error) {
	db, dialect, err := database.Open(rawURL)
	if err != nil {
		return nil, err
	}
	return NewStore(db, dialect), nil
}

// Migrate applies the migrations the database lacks and returns their
// versions, then fills in what the schema now keeps about older rows.
func (s *Store) Migrate(ctx context.Context) ([]int, error) {
	applied, err := database.Migrate(ctx, s.db, s.dialect)
	if err != nil {
		return applied, err
	}
	return applied, s.detectLanguages(ctx)
}

// Close releases the connections of a store Open returned.
func (s *Store) Close() error {
	return database.Close(s.db)
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("models: ping: %w", database.MarkUnavailable(err))
	}
	return nil
}

// AfterQuery calls fn with the SQL and the table of every read the store
// runs from now on, for tests that hold a request to the queries it may make.
// Reads that scan their own rows (columns.go) run as GORM row queries and
// are reported too, with no table.
func (s *Store) AfterQuery(name string, fn func(sql, table string)) error {
	report := func(db *gorm.DB) { fn(db.Statement.SQL.String(), db.Statement.Table) }
	if err := s.db.Callback().Query().After("gorm:query").Register(name, report); err != nil {
		return err
	}
	return s.db.Callback().Row().After("gorm:row").Register(name, report)
}

// CountStatements adds one to count for every statement the store sends
// from now on, reads and writes alike, the search engine's own included
// (it goes around GORM's callbacks but not its logger); BEGIN and COMMIT
// are not counted. It is for benchmarks that report statements per page,
// and must be called before the store serves anything: every session
// copies the logger it replaces when it starts.
func (s *Store) CountStatements(count *atomic.Int64) {
	s.db.Logger = countingLogger{Interface: s.db.Logger, count: count}
}

// countingLogger counts the statements GORM traces and passes them on.
type countingLogger struct {
	logger.Interface
	count *atomic.Int64
}

func (l countingLogger) LogMode(level logger.LogLevel) logger.Interface {
	return countingLogger{Interface: l.Interface.LogMode(level), count: l.count}
}

func (l countingLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	l.count.Add(1)
	l.Interface.Trace(ctx, begin, fc, err)
}
