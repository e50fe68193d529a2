package migrations_test

import (
	"context"
	"testing"

	"hiroba/migrations"
	"hiroba/models/database"
	"hiroba/models/modeltest"
)

func TestListsMatchAcrossDialects(t *testing.T) {
	pg, err := migrations.List(migrations.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	lite, err := migrations.List(migrations.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if len(pg) != len(lite) {
		t.Fatalf("postgres has %d migrations, sqlite %d", len(pg), len(lite))
	}
	for i := range pg {
		if pg[i].Version != lite[i].Version || pg[i].Name != lite[i].Name {
			t.Errorf("step %d: %d_%s vs %d_%s", i, pg[i].Version, pg[i].Name, lite[i].Version, lite[i].Name)
		}
	}
}

func TestApplyIsIdempotent(t *testing.T) {
	t.Parallel()
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db, _ := modeltest.Open(t, d) // applies every migration once
			sqlDB, _ := db.DB()
			ctx := context.Background()
			list, _ := migrations.List(d)
			v, err := migrations.Version(ctx, sqlDB)
			if err != nil || v != len(list) {
				t.Fatalf("version = %d, %v; want %d", v, err, len(list))
			}
			again, err := database.Migrate(ctx, db, d)
			if err != nil || len(again) != 0 {
				t.Fatalf("second apply: %v, %v", again, err)
			}
			for _, table := range []string{"users", "identities", "sessions", "categories", "threads", "posts", "post_revisions"} {
				if err := db.Exec("SELECT COUNT(*) FROM " + table).Error; err != nil {
					t.Errorf("table %s: %v", table, err)
				}
			}
		})
	}
}
