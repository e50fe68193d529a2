package models

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"hiroba/migrations"
)

// ErrNotSQLite is BackupTo's answer on PostgreSQL, whose own tool
// (pg_dump) makes its backups.
var ErrNotSQLite = errors.New("models: not a SQLite database")

// ErrExists is BackupTo's answer when the file is already there: a
// backup never replaces another.
var ErrExists = errors.New("models: file exists")

// BackupTo writes a copy of a SQLite database to a new file at path while
// the forum goes on serving. VACUUM INTO reads one snapshot (a read
// transaction, which in WAL mode blocks no writer), so the copy holds
// exactly what had committed when it began, compacted, without a
// write-ahead log beside it. The file is created first, exclusively: two
// backups racing for one name cannot both write it.
func (s *Store) BackupTo(ctx context.Context, path string) error {
	if s.dialect != migrations.SQLite {
		return ErrNotSQLite
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("models: back up to %s: %w", path, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("models: back up: %w", err)
	}
	f.Close()
	// SQLite writes into a file that exists only while it is empty.
	if err := s.db.WithContext(ctx).Exec("VACUUM INTO ?", path).Error; err != nil {
		os.Remove(path)
		return fmt.Errorf("models: back up to %s: %w", path, err)
	}
	// VACUUM INTO does not sync what it wrote; a backup must survive the
	// power going out right after it says it is done.
	if f, err = os.OpenFile(path, os.O_RDWR, 0); err == nil {
		err = f.Sync()
		f.Close()
	}
	if err != nil {
		return fmt.Errorf("models: back up to %s: sync: %w", path, err)
	}
	return nil
}
