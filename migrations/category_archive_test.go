package migrations_test

import (
	"context"
	"testing"
	"time"

	"hiroba/migrations"
	"hiroba/models/modeltest"
)

// TestCategoryArchiveMigration checks 0013 on a forum that already has
// categories: every one stays open, and one can be archived afterwards.
func TestCategoryArchiveMigration(t *testing.T) {
	t.Parallel()
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := openBare(t, d)
			applyUpTo(t, db, d, 12)
			now := time.Now().UTC()
			exec := func(sql string, args ...any) {
				t.Helper()
				if err := db.Exec(sql, args...).Error; err != nil {
					t.Fatalf("%s: %v", sql, err)
				}
			}
			exec(`INSERT INTO categories (slug, name_en, name_ja, created_at, updated_at) VALUES ('a', 'A', 'A', ?, ?), ('b', 'B', 'B', ?, ?)`, now, now, now, now)

			sqlDB, _ := db.DB()
			if _, err := migrations.Apply(context.Background(), sqlDB, d); err != nil {
				t.Fatal(err)
			}
			var open int64
			if err := db.Raw(`SELECT COUNT(*) FROM categories WHERE archived_at IS NULL`).Scan(&open).Error; err != nil || open != 2 {
				t.Fatalf("open categories after the migration = %d, %v; want 2", open, err)
			}
			exec(`UPDATE categories SET archived_at = ? WHERE slug = 'b'`, now)
			var archived []string
			if err := db.Raw(`SELECT slug FROM categories WHERE archived_at IS NOT NULL`).Scan(&archived).Error; err != nil || len(archived) != 1 || archived[0] != "b" {
				t.Errorf("archived = %q, %v; want [b]", archived, err)
			}
		})
	}
}
