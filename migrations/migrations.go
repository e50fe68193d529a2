// Package migrations holds the versioned schema of the forum, one ordered list
// per database dialect, and applies it. A migration that has landed is never
// edited: a change to the schema is always a new file with the next number.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// Dialects the forum runs on. The names match the folders above.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// Migration is one step of the schema.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// List returns the migrations of a dialect in the order they apply.
func List(dialect string) ([]Migration, error) {
	entries, err := fs.ReadDir(files, dialect)
	if err != nil {
		return nil, fmt.Errorf("migrations: unknown dialect %q: %w", dialect, err)
	}
	var list []Migration
	for _, e := range entries {
		version, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		n, err := strconv.Atoi(version)
		if !ok || err != nil {
			return nil, fmt.Errorf("migrations: %s/%s: name must be NNNN_what.sql", dialect, e.Name())
		}
		body, err := fs.ReadFile(files, path.Join(dialect, e.Name()))
		if err != nil {
			return nil, err
		}
		list = append(list, Migration{Version: n, Name: name, SQL: string(body)})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Version < list[j].Version })
	for i, m := range list {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migrations: %s: expected version %d, found %d", dialect, i+1, m.Version)
		}
	}
	return list, nil
}

// Apply brings the database up to the newest version, each migration in its
// own transaction together with its row in schema_migrations, so a failed
// step leaves the schema exactly as the previous one did. It returns the
// versions it applied.
func Apply(ctx context.Context, db *sql.DB, dialect string) ([]int, error) {
	list, err := List(dialect)
	if err != nil {
		return nil, err
	}
	if dialect == Postgres {
		// Two instances starting together must not both apply the same step.
		// The lock is the schema's: forums in other schemas of the database
		// (the tests make one each) migrate side by side.
		conn, err := db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(727274, hashtext(coalesce(current_schema(), '')))`); err != nil {
			return nil, fmt.Errorf("migrations: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(727274, hashtext(coalesce(current_schema(), '')))`)
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("migrations: create schema_migrations: %w", err)
	}
	current, err := Version(ctx, db)
	if err != nil {
		return nil, err
	}
	if current > len(list) {
		return nil, fmt.Errorf("migrations: database is at version %d, newer than this build knows (%d)", current, len(list))
	}
	var applied []int
	for _, m := range list[current:] {
		if err := apply(ctx, db, dialect, m); err != nil {
			return applied, err
		}
		applied = append(applied, m.Version)
	}
	return applied, nil
}

func apply(ctx context.Context, db *sql.DB, dialect string, m Migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrations: begin %04d_%s: %w", m.Version, m.Name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return fmt.Errorf("migrations: apply %s %04d_%s: %w", dialect, m.Version, m.Name, err)
	}
	insert := `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`
	if dialect == Postgres {
		insert = `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`
	}
	if _, err := tx.ExecContext(ctx, insert, m.Version, m.Name, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return fmt.Errorf("migrations: record %04d_%s: %w", m.Version, m.Name, err)
	}
	return tx.Commit()
}

// Version reports the newest applied migration, 0 for an empty database.
func Version(ctx context.Context, db *sql.DB) (int, error) {
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("migrations: read version: %w", err)
	}
	return int(v.Int64), nil
}
