package migrations_test

import (
	"context"
	"testing"
	"time"

	"hiroba/migrations"
	"hiroba/models/modeltest"
)

// TestTimeZoneMigration checks 0010 on a forum that already has users: none
// has chosen a zone, so each reads times in their browser's, and a zone can
// be stored afterwards.
func TestTimeZoneMigration(t *testing.T) {
	t.Parallel()
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := openBare(t, d)
			applyUpTo(t, db, d, 10)
			now := time.Now().UTC()
			exec := func(sql string, args ...any) {
				t.Helper()
				if err := db.Exec(sql, args...).Error; err != nil {
					t.Fatalf("%s: %v", sql, err)
				}
			}
			exec(`INSERT INTO users (username, created_at, updated_at) VALUES ('hana', ?, ?), ('ken', ?, ?)`, now, now, now, now)

			sqlDB, _ := db.DB()
			if _, err := migrations.Apply(context.Background(), sqlDB, d); err != nil {
				t.Fatal(err)
			}
			var zones []string
			if err := db.Raw(`SELECT time_zone FROM users ORDER BY id`).Scan(&zones).Error; err != nil {
				t.Fatal(err)
			}
			if len(zones) != 2 || zones[0] != "" || zones[1] != "" {
				t.Errorf("time_zone after the migration = %q, want two empty", zones)
			}
			exec(`UPDATE users SET time_zone = ? WHERE username = 'ken'`, "America/New_York")
			exec(`INSERT INTO users (username, created_at, updated_at) VALUES ('mia', ?, ?)`, now, now)
			if err := db.Raw(`SELECT time_zone FROM users ORDER BY id`).Scan(&zones).Error; err != nil || len(zones) != 3 || zones[1] != "America/New_York" || zones[2] != "" {
				t.Errorf("time_zone = %q, %v", zones, err)
			}
		})
	}
}
