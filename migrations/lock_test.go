package migrations_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"hiroba/migrations"
	"hiroba/models/database"
	"hiroba/models/modeltest"
)

// Instances starting together on one PostgreSQL schema apply each step once
// between them, and every one of them starts.
func TestConcurrentApplyOnOneSchema(t *testing.T) {
	t.Parallel()
	url := modeltest.PostgresSchemaURL(t)
	const instances = 3
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		applied []int
	)
	for range instances {
		db, _, err := database.Open(url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = database.Close(db) })
		wg.Go(func() {
			versions, err := database.Migrate(context.Background(), db, migrations.Postgres)
			if err != nil {
				t.Errorf("an instance failed to start: %v", err)
			}
			mu.Lock()
			applied = append(applied, versions...)
			mu.Unlock()
		})
	}
	wg.Wait()
	list, err := migrations.List(migrations.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for _, m := range list {
		want = append(want, m.Version)
	}
	slices.Sort(applied)
	if !slices.Equal(applied, want) {
		t.Errorf("versions applied by the instances together = %v, want each of %v once", applied, want)
	}
}
