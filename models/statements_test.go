package models_test

import (
	"context"
	"sync/atomic"
	"testing"

	"hiroba/migrations"
	"hiroba/models"
)

// CountStatements counts what reaches the database, reads and writes, the
// statements the PostgreSQL search engine sends around GORM's callbacks
// included: AfterQuery, which hears the callbacks, hears fewer.
func TestCountStatementsCountsEveryStatement(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		asker := signIn(t, s, "1", "asker")
		cat, err := s.CategoryBySlug(ctx, "api")
		if err != nil {
			t.Fatal(err)
		}
		var counted atomic.Int64
		s.CountStatements(&counted)
		heard := 0
		if err := s.AfterQuery("test:heard", func(string, string) { heard++ }); err != nil {
			t.Fatal(err)
		}

		if _, err := s.Categories(ctx); err != nil {
			t.Fatal(err)
		}
		if got := counted.Load(); got != 1 {
			t.Fatalf("one list of categories: %d statements counted, want 1", got)
		}
		counted.Store(0)
		if _, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: cat.ID, Title: "Invoice missing", Body: "Where is my invoice?"}); err != nil {
			t.Fatal(err)
		}
		if got := counted.Load(); got < 2 {
			t.Fatalf("a new thread and its first post: %d statements counted, want at least 2", got)
		}

		counted.Store(0)
		heard = 0
		res, err := s.Search(ctx, models.SearchInput{Query: "invoice"})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Results) != 1 {
			t.Fatalf("search found %d threads, want 1", len(res.Results))
		}
		got := int(counted.Load())
		if got < heard || (s.Dialect() == migrations.Postgres && got == heard) {
			t.Fatalf("a search: %d statements counted, %d heard by AfterQuery; want every one counted", got, heard)
		}
	})
}
