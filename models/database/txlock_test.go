package database_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/glebarez/go-sqlite"

	"hiroba/models/database"
)

// A write transaction on SQLite holds the write lock from its first
// statement, a read: another writer waits for it rather than slipping in
// between, which would leave the transaction unable to write (SQLITE_BUSY
// at once, whatever busy_timeout says).
func TestSQLiteTransactionsTakeTheWriteLockAtBegin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock.db")
	db, _, err := database.Open("sqlite:" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(db)
	if err := db.Exec("CREATE TABLE t (n INTEGER)").Error; err != nil {
		t.Fatal(err)
	}
	tx := db.Begin()
	var n int64
	if err := tx.Raw("SELECT count(*) FROM t").Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = other.ExecContext(ctx, "INSERT INTO t VALUES (1)")
	if err == nil || !strings.Contains(err.Error(), "SQLITE_BUSY") {
		t.Errorf("another writer during a transaction that has only read: %v, want SQLITE_BUSY", err)
	}
	if err := tx.Exec("INSERT INTO t VALUES (2)").Error; err != nil {
		t.Errorf("the transaction's own write: %v", err)
	}
	if err := tx.Commit().Error; err != nil {
		t.Fatal(err)
	}
	// Times still read back as they were written.
	var now time.Time
	want := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	if err := db.Exec("CREATE TABLE times (at DATETIME)").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("INSERT INTO times VALUES (?)", want).Error; err != nil {
		t.Fatal(err)
	}
	var text string
	if err := db.Raw("SELECT CAST(at AS TEXT) FROM times").Scan(&text).Error; err != nil || text != "2026-01-02 03:04:05.000006+00:00" {
		t.Errorf("stored time %q, %v; want SQLite's own format", text, err)
	}
	if err := db.Raw("SELECT at FROM times").Scan(&now).Error; err != nil || !now.Equal(want) {
		t.Errorf("time read back %v, %v; want %v", now, err, want)
	}
}
