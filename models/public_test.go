package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"hiroba/models"
)

// publicThreads imports n threads, hides the ones hide picks, and returns
// the ids of those left public, in id order.
func publicThreads(t *testing.T, s *models.Store, n int, hide func(i int) bool) []int64 {
	t.Helper()
	ctx := context.Background()
	hana := signIn(t, s, "1", "hana")
	mod := signIn(t, s, "2", "mo")
	if err := s.GrantRole(ctx, mod.Username, models.RoleModerator); err != nil {
		t.Fatal(err)
	}
	mod.Role = models.RoleModerator
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	var batch []models.ImportedThread
	for i := range n {
		batch = append(batch, models.ImportedThread{CategoryID: 1, Title: fmt.Sprintf("Question %d", i), Posts: []models.ImportedPost{
			{UserID: hana.ID, Body: fmt.Sprintf("Body %d", i), CreatedAt: start.Add(time.Duration(i) * time.Hour)},
		}})
	}
	threads, err := s.ImportThreads(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	var public []int64
	for i, th := range threads {
		if hide(i) {
			if err := s.ModerateThread(ctx, mod, th.ID, models.ThreadHide, 0, "test"); err != nil {
				t.Fatal(err)
			}
			continue
		}
		public = append(public, th.ID)
	}
	slices.Sort(public)
	return public
}

// The sitemap reads public threads by key, a batch at a time, and pages
// through them without ever listing a hidden one.
func TestSitemapThreadsReadInBatches(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		public := publicThreads(t, s, 11, func(i int) bool { return i%4 == 1 })
		if n, err := s.PublicThreadCount(ctx); err != nil || n != int64(len(public)) {
			t.Fatalf("count = %d, %v; want %d", n, err, len(public))
		}
		queries := 0
		if err := s.AfterQuery("count_sitemap", func(sql, _ string) {
			if strings.Contains(sql, "last_posted_at") {
				queries++
			}
		}); err != nil {
			t.Fatal(err)
		}
		walk := func(from int64, limit, batch int) []int64 {
			t.Helper()
			var got []int64
			err := s.EachSitemapThreadInBatches(ctx, from, limit, batch, func(th models.SitemapThread) error {
				if th.Slug == "" || th.LastPostedAt.IsZero() {
					t.Errorf("thread %+v", th)
				}
				got = append(got, th.ID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if got := walk(0, 1000, 3); !slices.Equal(got, public) {
			t.Errorf("every public thread: %v, want %v", got, public)
		}
		// 8 threads, 3 at a time: 3, 3, 2 and done.
		if queries != 3 {
			t.Errorf("%d reads, want 3", queries)
		}
		const perPage = 3
		for page := 1; page <= 3; page++ {
			start, err := s.SitemapPageStart(ctx, page, perPage)
			if err != nil {
				t.Fatal(err)
			}
			want := public[(page-1)*perPage : min(len(public), page*perPage)]
			if got := walk(start, perPage, 2); !slices.Equal(got, want) {
				t.Errorf("page %d: %v, want %v", page, got, want)
			}
		}
		if _, err := s.SitemapPageStart(ctx, 4, perPage); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("page 4: %v", err)
		}
		stop := errors.New("reader gone")
		calls := 0
		err := s.EachSitemapThreadInBatches(ctx, 0, 1000, 2, func(models.SitemapThread) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("a failed write: %v after %d", err, calls)
		}
	})
}
