package migrations_test

import (
	"context"
	"testing"
	"time"

	"hiroba/migrations"
	"hiroba/models/modeltest"
)

// TestPinScopeMigration checks 0008 on a forum that already pinned threads:
// they stay pinned, in their category only, and a pin can be made
// site-wide afterwards.
func TestPinScopeMigration(t *testing.T) {
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := openBare(t, d)
			applyUpTo(t, db, d, 8)
			now := time.Now().UTC()
			exec := func(sql string, args ...any) {
				t.Helper()
				if err := db.Exec(sql, args...).Error; err != nil {
					t.Fatalf("%s: %v", sql, err)
				}
			}
			exec(`INSERT INTO users (username, created_at, updated_at) VALUES ('asker', ?, ?)`, now, now)
			exec(`INSERT INTO categories (slug, name_en, name_ja, created_at, updated_at) VALUES ('c', 'C', 'C', ?, ?)`, now, now)
			for _, pinned := range []any{now, nil} {
				exec(`INSERT INTO threads (category_id, user_id, title, slug, post_count, last_posted_at, last_poster_id, created_at, updated_at, pinned_at)
					VALUES (1, 1, 'T', 't', 1, ?, 1, ?, ?, ?)`, now, now, now, pinned)
			}

			sqlDB, _ := db.DB()
			if _, err := migrations.Apply(context.Background(), sqlDB, d); err != nil {
				t.Fatal(err)
			}
			var global []bool
			if err := db.Raw(`SELECT pinned_globally FROM threads ORDER BY id`).Scan(&global).Error; err != nil {
				t.Fatal(err)
			}
			if len(global) != 2 || global[0] || global[1] {
				t.Errorf("pinned_globally after the migration = %v, want [false false]", global)
			}
			exec(`UPDATE threads SET pinned_globally = ? WHERE id = 1`, true)
			var n int64
			if err := db.Raw(`SELECT COUNT(*) FROM threads WHERE pinned_at IS NOT NULL AND pinned_globally = ?`, true).Scan(&n).Error; err != nil || n != 1 {
				t.Errorf("site-wide pins = %d, %v; want 1", n, err)
			}
		})
	}
}
