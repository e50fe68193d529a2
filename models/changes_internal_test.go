package models

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"hiroba/migrations"
	"hiroba/models/database"
)

// The net under touch: a transaction that writes a table pages are
// rendered from without saying what it changed is heard as a change to
// everything, so a write path that forgets costs hit rate, not freshness.
func TestUndeclaredContentWritesChangeEverything(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, err := database.Open("sqlite:" + filepath.Join(t.TempDir(), "hiroba.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = database.Close(db) })
	if _, err := database.Migrate(ctx, db, migrations.SQLite); err != nil {
		t.Fatal(err)
	}
	s := NewStore(db, migrations.SQLite)
	if err := s.EnsureDefaultCategories(ctx); err != nil {
		t.Fatal(err)
	}
	var heard [][]Key
	s.OnChange(func(keys []Key) { heard = append(heard, keys) })
	run := func(name string, fn func(tx *Store) error, want ...[]Key) {
		t.Helper()
		heard = nil
		_ = s.Tx(ctx, fn)
		if !slices.EqualFunc(heard, want, slices.Equal) {
			t.Errorf("%s: heard %v, want %v", name, heard, want)
		}
	}
	run("hand-written SQL on a content table, nothing said", func(tx *Store) error {
		return tx.db.Exec(`UPDATE categories SET thread_count = thread_count + 0`).Error
	}, []Key{KeyAll})
	run("a model's table, nothing said", func(tx *Store) error {
		return tx.db.Model(&Category{}).Where("id = ?", 1).Update("position", 9).Error
	}, []Key{KeyAll})
	run("said what it changed", func(tx *Store) error {
		tx.touch(CategoryKey(1))
		return tx.db.Model(&Category{}).Where("id = ?", 1).Update("position", 1).Error
	}, []Key{CategoryKey(1)})
	run("said it changed nothing readers see", func(tx *Store) error {
		tx.touch()
		return tx.db.Exec(`UPDATE posts SET lang = lang`).Error
	})
	run("another table", func(tx *Store) error {
		return tx.db.Create(&Setting{Key: "probe", Value: "1"}).Error
	})
	run("a read", func(tx *Store) error {
		var n int64
		return tx.db.Raw(`SELECT COUNT(*) FROM threads`).Scan(&n).Error
	})
	run("rolled back", func(tx *Store) error {
		tx.touch(KeyHome)
		return errors.New("no")
	})
	run("nested: told once, by the outermost", func(tx *Store) error {
		tx.touch(KeyHome)
		return tx.Tx(ctx, func(inner *Store) error {
			inner.touch(KeySearch)
			return nil
		})
	}, []Key{KeyHome, KeySearch})
}
