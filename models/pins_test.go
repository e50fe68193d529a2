package models_test

import (
	"context"
	"testing"
	"time"

	"hiroba/models"
)

func ids(threads []models.Thread) []int64 {
	out := make([]int64, len(threads))
	for i, th := range threads {
		out[i] = th.ID
	}
	return out
}

func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Pinned threads come first on their lists, above newer threads, whatever
// the order; a category pin on its category's list, a site-wide pin on the
// home page too. A hidden thread is never listed, pinned or not.
func TestPinnedThreadsComeFirst(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		asker := signIn(t, s, "1", "asker")
		mod := moderator(t, s, "2", "mod")
		ask := func(cat int64, title string) models.Thread {
			t.Helper()
			th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: cat, Title: title, Body: "details"})
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * time.Millisecond) // distinct last activity, newest last
			return th
		}
		act := func(th models.Thread, a models.ThreadAction) {
			t.Helper()
			if err := s.ModerateThread(ctx, mod, th.ID, a, 0, ""); err != nil {
				t.Fatal(err)
			}
		}
		list := func(f models.ThreadFilter) models.ThreadList {
			t.Helper()
			f.Pins = true
			l, err := s.Threads(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		guide := ask(1, "Read this before asking")    // pinned in category 1
		announce := ask(2, "Maintenance on Saturday") // pinned site-wide, in category 2
		secret := ask(1, "Pinned then hidden")        // pinned, then hidden
		newer := ask(1, "Newest question in using")   // not pinned
		other := ask(2, "Newest question in billing") // not pinned
		act(guide, models.ThreadPin)
		act(announce, models.ThreadPinSite)
		act(secret, models.ThreadPin)
		act(secret, models.ThreadHide)

		// The hidden pin is nowhere: lists obey the visibility rule.
		cat1 := list(models.ThreadFilter{CategoryID: 1})
		if !sameIDs(ids(cat1.Pinned), []int64{guide.ID}) || !sameIDs(ids(cat1.Threads), []int64{newer.ID}) || cat1.TotalItems != 1 {
			t.Errorf("category 1: pinned %v, then %v (%d)", ids(cat1.Pinned), ids(cat1.Threads), cat1.TotalItems)
		}
		cat2 := list(models.ThreadFilter{CategoryID: 2, Sort: models.SortCreated})
		if !sameIDs(ids(cat2.Pinned), []int64{announce.ID}) || !sameIDs(ids(cat2.Threads), []int64{other.ID}) {
			t.Errorf("category 2: pinned %v, then %v", ids(cat2.Pinned), ids(cat2.Threads))
		}
		// The home page puts the site-wide pin first; the category pin takes
		// its place by activity there, like any thread.
		home := list(models.ThreadFilter{})
		if !sameIDs(ids(home.Pinned), []int64{announce.ID}) || !sameIDs(ids(home.Threads), []int64{other.ID, newer.ID, guide.ID}) {
			t.Errorf("home: pinned %v, then %v", ids(home.Pinned), ids(home.Threads))
		}
		// The filter applies to pins too.
		if l := list(models.ThreadFilter{CategoryID: 1, Show: models.ShowSolved}); len(l.Pinned) != 0 {
			t.Errorf("unsolved pin under solved: %v", ids(l.Pinned))
		}
		// Past the first page, pins do not come back.
		page2 := list(models.ThreadFilter{CategoryID: 1, Page: 2, PerPage: 1})
		if len(page2.Pinned) != 0 || len(page2.Threads) != 0 {
			t.Errorf("page 2: pinned %v, then %v", ids(page2.Pinned), ids(page2.Threads))
		}
		// A category pin made site-wide reaches the home page; unpinned, a
		// thread goes back to its place.
		act(guide, models.ThreadPinSite)
		if home := list(models.ThreadFilter{}); !sameIDs(ids(home.Pinned), []int64{guide.ID, announce.ID}) {
			t.Errorf("home after pinning site-wide: %v", ids(home.Pinned))
		}
		act(guide, models.ThreadUnpin)
		act(announce, models.ThreadPin)
		home = list(models.ThreadFilter{})
		if len(home.Pinned) != 0 || !sameIDs(ids(home.Threads), []int64{other.ID, newer.ID, announce.ID, guide.ID}) {
			t.Errorf("home after unpinning: pinned %v, then %v", ids(home.Pinned), ids(home.Threads))
		}
		// A list of one author's threads has no pins.
		mine, _ := s.Threads(ctx, models.ThreadFilter{UserID: asker.ID})
		if len(mine.Pinned) != 0 || mine.TotalItems != 4 {
			t.Errorf("profile list: pinned %v, %d threads", ids(mine.Pinned), mine.TotalItems)
		}
	})
}
