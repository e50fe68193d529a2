// Package modeltest gives tests real, freshly migrated databases: a SQLite
// file in a temporary folder, and a PostgreSQL schema of its own per test.
package modeltest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"hiroba/migrations"
	"hiroba/models"
	"hiroba/models/database"
	"hiroba/models/servicetest"
)

// DefaultPostgresURL is used when HIROBA_TEST_POSTGRES_URL is not set.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Dialects lists the databases every store test runs on.
var Dialects = []string{migrations.SQLite, migrations.Postgres}

// Open returns a migrated database of the dialect, dropped when the test
// ends. Without a reachable PostgreSQL the test is skipped with the reason,
// unless CI=true, where a missing database is a failure.
func Open(t testing.TB, dialect string) (*gorm.DB, string) {
	t.Helper()
	var db *gorm.DB
	switch dialect {
	case migrations.SQLite:
		var err error
		db, _, err = database.Open(SQLiteURL(t))
		if err != nil {
			t.Fatal(err)
		}
	case migrations.Postgres:
		db = openPostgresSchema(t)
	default:
		t.Fatalf("unknown dialect %q", dialect)
	}
	t.Cleanup(func() { _ = database.Close(db) })
	if _, err := database.Migrate(context.Background(), db, dialect); err != nil {
		t.Fatal(err)
	}
	return db, dialect
}

// SQLiteURL makes a fresh SQLite database for one test, in its temporary
// folder, and returns its URL. The real migrations build one database per
// test process; each test gets a copy of its file, which is the same
// database as migrating anew, for a fraction of the work.
func SQLiteURL(t testing.TB) string {
	t.Helper()
	migrated, err := migratedSQLite()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "hiroba.db")
	if err := os.WriteFile(path, migrated, 0o600); err != nil {
		t.Fatal(err)
	}
	return "sqlite:" + path
}

var (
	sqliteOnce     sync.Once
	sqliteMigrated []byte
	sqliteErr      error
)

// migratedSQLite is the file of a SQLite database the migrations built,
// with everything in the file itself rather than in a write-ahead log.
func migratedSQLite() ([]byte, error) {
	sqliteOnce.Do(func() {
		sqliteMigrated, sqliteErr = buildSQLite()
	})
	return sqliteMigrated, sqliteErr
}

func buildSQLite() ([]byte, error) {
	dir, err := os.MkdirTemp("", "hiroba-modeltest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "migrated.db")
	db, _, err := database.Open("sqlite:" + path)
	if err != nil {
		return nil, err
	}
	_, err = database.Migrate(context.Background(), db, migrations.SQLite)
	if err == nil {
		err = db.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error
	}
	if closeErr := database.Close(db); err == nil {
		err = closeErr
	}
	if err != nil {
		return nil, fmt.Errorf("modeltest: migrate SQLite: %w", err)
	}
	return os.ReadFile(path)
}

// Store returns a Store over a fresh database with the default categories.
func Store(t testing.TB, dialect string) *models.Store {
	t.Helper()
	db, d := Open(t, dialect)
	s := models.NewStore(db, d)
	if err := s.EnsureDefaultCategories(context.Background()); err != nil {
		t.Fatal(err)
	}
	Relax(t, s)
	return s
}

// PermissiveRules let tests post as fast as they like; the tests of the
// spam rules set the rules they exercise.
var PermissiveRules = models.Rules{
	NewMaxLinks: 1 << 20, NewMaxImages: 1 << 20, NewMaxThreadsPerDay: 1 << 20, NewMaxRepliesPerDay: 1 << 20,
	FlagThreshold:  models.DefaultRules.FlagThreshold,
	FloodThreshold: models.DefaultRules.FloodThreshold, FloodWindow: models.DefaultRules.FloodWindow,
}

// Relax applies PermissiveRules to a store.
func Relax(t testing.TB, s *models.Store) {
	t.Helper()
	if err := s.SetRules(context.Background(), PermissiveRules); err != nil {
		t.Fatal(err)
	}
}

// PostgresURL is the server tests use.
func PostgresURL() string {
	if u := os.Getenv("HIROBA_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// Postgres records whether the package's tests ran on PostgreSQL; a
// package's TestMain reports it with servicetest.Main.
var Postgres = servicetest.New("postgres")

// adminPool is one pool per test process for making and dropping the
// tests' schemas, opened by the first test that needs PostgreSQL; adminErr
// says why it could not be.
var (
	adminOnce sync.Once
	adminPool *gorm.DB
	adminErr  error
)

func adminDB() (*gorm.DB, error) {
	adminOnce.Do(func() {
		db, _, err := database.Open(PostgresURL())
		if err == nil {
			err = ping(db)
			if err != nil {
				_ = database.Close(db)
			}
		}
		adminPool, adminErr = db, err
	})
	return adminPool, adminErr
}

// RequirePostgres skips (or, under CI, fails) when PostgreSQL is unreachable.
func RequirePostgres(t testing.TB) {
	t.Helper()
	if _, err := adminDB(); err != nil {
		Postgres.Missing(fmt.Sprintf("unreachable at %s: %v", redact(PostgresURL()), err))
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required under CI but unreachable at %s: %v", redact(PostgresURL()), err)
		}
		t.Skipf("PostgreSQL unreachable at %s (set HIROBA_TEST_POSTGRES_URL): %v", redact(PostgresURL()), err)
	}
	Postgres.Ran()
}

func ping(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Ping()
}

func openPostgresSchema(t testing.TB) *gorm.DB {
	t.Helper()
	db, _, err := database.Open(PostgresSchemaURL(t))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// PostgresSchemaURL makes an empty schema for one test, dropped when it ends,
// and returns a URL that puts it first on the search path, so the real
// migrations build it from nothing.
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	RequirePostgres(t)
	admin, _ := adminDB()
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	schema := "t_" + hex.EncodeToString(buf)
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE") })
	u, err := url.Parse(PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	return strings.Replace(u.Redacted(), u.RawQuery, "…", 1)
}
