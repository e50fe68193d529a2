package migrations_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"hiroba/migrations"
	"hiroba/models/database"
	"hiroba/models/modeltest"
)

// openBare opens an empty database of the dialect without migrating it.
func openBare(t *testing.T, dialect string) *gorm.DB {
	t.Helper()
	url := "sqlite:" + t.TempDir() + "/test.db"
	if dialect == migrations.Postgres {
		url = modeltest.PostgresSchemaURL(t)
	}
	db, _, err := database.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = database.Close(db) })
	return db
}

// applyUpTo applies the migrations before version, recording them as Apply
// would, so Apply carries on from there.
func applyUpTo(t *testing.T, db *gorm.DB, dialect string, version int) {
	t.Helper()
	list, err := migrations.List(dialect)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`).Error; err != nil {
		t.Fatal(err)
	}
	for _, m := range list[:version-1] {
		if err := db.Exec(m.SQL).Error; err != nil {
			t.Fatalf("%04d_%s: %v", m.Version, m.Name, err)
		}
		if err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, "test").Error; err != nil {
			t.Fatal(err)
		}
	}
}

// TestNotificationsMigration checks 0004 on a forum that already has
// threads: everyone who posted watches their threads (deleted posts do not
// count), and a post deleted afterwards takes its notifications with it.
func TestNotificationsMigration(t *testing.T) {
	t.Parallel()
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := openBare(t, d)
			applyUpTo(t, db, d, 4)
			now := time.Now().UTC()
			exec := func(sql string, args ...any) {
				t.Helper()
				if err := db.Exec(sql, args...).Error; err != nil {
					t.Fatalf("%s: %v", sql, err)
				}
			}
			for _, name := range []string{"asker", "helper", "gone"} {
				exec(`INSERT INTO users (username, created_at, updated_at) VALUES (?, ?, ?)`, name, now, now)
			}
			exec(`INSERT INTO categories (slug, name_en, name_ja, created_at, updated_at) VALUES ('c', 'C', 'C', ?, ?)`, now, now)
			exec(`INSERT INTO threads (category_id, user_id, title, slug, post_count, last_posted_at, last_poster_id, created_at, updated_at)
				VALUES (1, 1, 'T', 't', 3, ?, 2, ?, ?)`, now, now, now)
			for i, author := range []int{1, 2, 2, 3} {
				exec(`INSERT INTO posts (thread_id, user_id, position, source, html, created_at, updated_at) VALUES (1, ?, ?, 'x', 'x', ?, ?)`,
					author, i+1, now, now)
			}
			exec(`UPDATE posts SET deleted_at = ? WHERE user_id = 3`, now)

			sqlDB, _ := db.DB()
			if _, err := migrations.Apply(context.Background(), sqlDB, d); err != nil {
				t.Fatal(err)
			}
			var watchers []int64
			if err := db.Raw(`SELECT user_id FROM thread_watches WHERE thread_id = 1 AND level = 'watching' ORDER BY user_id`).Scan(&watchers).Error; err != nil {
				t.Fatal(err)
			}
			if len(watchers) != 2 || watchers[0] != 1 || watchers[1] != 2 {
				t.Errorf("watchers after the migration = %v, want [1 2]", watchers)
			}

			exec(`INSERT INTO notifications (user_id, kind, thread_id, post_id, actor_id, created_at) VALUES (1, 'reply', 1, 3, 2, ?)`, now)
			exec(`INSERT INTO notifications (user_id, kind, thread_id, post_id, actor_id, created_at) VALUES (1, 'reply', 1, 2, 2, ?)`, now)
			if err := db.Exec(`INSERT INTO notifications (user_id, kind, thread_id, post_id, actor_id, created_at) VALUES (1, 'reply', 1, 2, 2, ?)`, now).Error; err == nil {
				t.Error("the same notification was stored twice")
			}
			if err := db.Exec(`INSERT INTO notifications (user_id, kind, thread_id, post_id, actor_id, created_at) VALUES (1, 'vote', 1, 2, 2, ?)`, now).Error; err == nil {
				t.Error("an unknown kind was stored")
			}
			exec(`UPDATE posts SET deleted_at = ? WHERE id = 3`, now)
			var left []int64
			if err := db.Raw(`SELECT post_id FROM notifications ORDER BY post_id`).Scan(&left).Error; err != nil {
				t.Fatal(err)
			}
			if len(left) != 1 || left[0] != 2 {
				t.Errorf("notifications after deleting post 3 = %v, want [2]", left)
			}
		})
	}
}
