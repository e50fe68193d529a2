package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"hiroba/models"
	"hiroba/models/modeltest"
)

// meTooCount is the count the thread's page shows.
func meTooCount(t *testing.T, s *models.Store, threadID int64) int {
	t.Helper()
	v, err := s.ThreadPage(context.Background(), staff, threadID, 1)
	if err != nil {
		t.Fatal(err)
	}
	return v.Thread.MeTooCount
}

// saidMeToo is whether the thread page shows the user's button pressed.
func saidMeToo(t *testing.T, s *models.Store, u models.User, threadID int64) bool {
	t.Helper()
	st, err := s.ReaderState(context.Background(), u, threadID, nil)
	if err != nil {
		t.Fatal(err)
	}
	return st.MeToo
}

// One person counts once however often they press, taking it back counts
// down once, and the count is what the page and the reader's state say.
// A newcomer whom the rules keep from replying may still say it, and comes
// to watch the thread; a muted thread stays muted.
func TestMeTooCountsEachPersonOnce(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		rules := modeltest.PermissiveRules
		rules.NewAccountAge, rules.NewMaxRepliesPerDay = models.Duration(time.Hour), 1
		if err := s.SetRules(ctx, rules); err != nil {
			t.Fatal(err)
		}
		asker, newcomer, quiet := signIn(t, s, "1", "hana"), signIn(t, s, "2", "ken"), signIn(t, s, "3", "mio")
		th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: 1, Title: "Login loops back to the sign-in page", Body: "Since this morning."})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: newcomer.ID, Body: "Since 9:00 here."}); err != nil {
			t.Fatal(err)
		}
		var refused *models.RefusedError
		if _, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: newcomer.ID, Body: "Still failing at 10:00."}); !errors.As(err, &refused) {
			t.Fatalf("the newcomer's reply was not refused (%v): the test needs a newcomer the rules hold back", err)
		}
		l := listen(s)
		for i := range 3 {
			n, err := s.SetMeToo(ctx, newcomer, th.ID, true)
			if err != nil || n != 1 {
				t.Fatalf("press %d: count %d, %v; want 1", i+1, n, err)
			}
		}
		if got := l.take(); len(got) == 0 || got[0] != models.ThreadKey(th.ID) {
			t.Errorf("the count changed and the pages heard %v", got)
		}
		if n := meTooCount(t, s, th.ID); n != 1 {
			t.Errorf("page count = %d, want 1", n)
		}
		if !saidMeToo(t, s, newcomer, th.ID) || saidMeToo(t, s, quiet, th.ID) {
			t.Errorf("pressed: newcomer %v, quiet %v", saidMeToo(t, s, newcomer, th.ID), saidMeToo(t, s, quiet, th.ID))
		}
		// Someone who never posted there (and is as new) comes to watch it.
		fresh := signIn(t, s, "4", "yui")
		if lvl, _ := s.WatchLevel(ctx, fresh.ID, th.ID); lvl != models.NotWatching {
			t.Fatalf("watching before saying anything: %q", lvl)
		}
		if n, err := s.SetMeToo(ctx, fresh, th.ID, true); err != nil || n != 2 {
			t.Fatalf("fresh account: %d, %v", n, err)
		}
		if lvl, _ := s.WatchLevel(ctx, fresh.ID, th.ID); lvl != models.Watching {
			t.Errorf("fresh account's watch = %q, want watching", lvl)
		}
		if err := s.SetWatch(ctx, quiet, th.ID, models.Muted); err != nil {
			t.Fatal(err)
		}
		if n, err := s.SetMeToo(ctx, quiet, th.ID, true); err != nil || n != 3 {
			t.Fatalf("second person: %d, %v", n, err)
		}
		if lvl, _ := s.WatchLevel(ctx, quiet.ID, th.ID); lvl != models.Muted {
			t.Errorf("a me-too unmuted the thread: %q", lvl)
		}

		// Taking it back counts down once, and leaves the watch alone.
		for i := range 2 {
			if n, err := s.SetMeToo(ctx, newcomer, th.ID, false); err != nil || n != 2 {
				t.Fatalf("undo %d: count %d, %v; want 2", i+1, n, err)
			}
		}
		if saidMeToo(t, s, newcomer, th.ID) || meTooCount(t, s, th.ID) != 2 {
			t.Errorf("after undo: pressed %v, count %d", saidMeToo(t, s, newcomer, th.ID), meTooCount(t, s, th.ID))
		}
		if lvl, _ := s.WatchLevel(ctx, newcomer.ID, th.ID); lvl != models.Watching {
			t.Errorf("undo changed the watch: %q", lvl)
		}
		l.take()
		if _, err := s.SetMeToo(ctx, newcomer, th.ID, false); err != nil {
			t.Fatal(err)
		}
		if got := l.take(); len(got) != 0 {
			t.Errorf("nothing changed and the pages heard %v", got)
		}
	})
}

// Many people pressing at once, each several times (double clicks, two
// tabs), and then all taking it back at once: the count is exact.
func TestMeTooCountsExactlyUnderConcurrency(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		asker := signIn(t, s, "asker", "asker")
		th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: 1, Title: "Everything returns 503", Body: "Down?"})
		if err != nil {
			t.Fatal(err)
		}
		var people []models.User
		for i := range 8 {
			people = append(people, signIn(t, s, "p"+string(rune('a'+i)), "person"+string(rune('a'+i))))
		}
		press := func(on bool) {
			t.Helper()
			var wg sync.WaitGroup
			errs := make(chan error, len(people)*3)
			for _, u := range people {
				for range 3 {
					wg.Go(func() {
						if _, err := s.SetMeToo(ctx, u, th.ID, on); err != nil {
							errs <- err
						}
					})
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
		}
		press(true)
		if n := meTooCount(t, s, th.ID); n != len(people) {
			t.Errorf("after %d people pressed three times each: count %d", len(people), n)
		}
		for _, u := range people {
			if !saidMeToo(t, s, u, th.ID) {
				t.Errorf("%s's me-too is missing", u.Username)
			}
		}
		press(false)
		if n := meTooCount(t, s, th.ID); n != 0 {
			t.Errorf("after everyone took it back: count %d", n)
		}
	})
}

// Who may not say it, and where it cannot be said.
func TestMeTooRefusals(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		asker, helper, other := signIn(t, s, "1", "hana"), signIn(t, s, "2", "ken"), signIn(t, s, "3", "mio")
		mod := moderator(t, s, "4", "mod")
		admin := signIn(t, s, "5", "admin")
		if err := s.GrantRole(ctx, "admin", models.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		admin.Role = models.RoleAdmin
		ask := func(category int64, title string) models.Thread {
			t.Helper()
			th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: category, Title: title, Body: "It fails."})
			if err != nil {
				t.Fatal(err)
			}
			return th
		}
		open, hidden, closed, archived := ask(1, "Open question"), ask(1, "Hidden question"), ask(1, "Closed question"), ask(2, "Archived question")
		for _, a := range []struct {
			th     models.Thread
			action models.ThreadAction
		}{{hidden, models.ThreadHide}, {closed, models.ThreadClose}} {
			if err := s.ModerateThread(ctx, mod, a.th.ID, a.action, 0, "test"); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetCategoryArchived(ctx, admin, 2, true); err != nil {
			t.Fatal(err)
		}
		if err := s.ModerateUser(ctx, mod, helper.ID, models.UserSilence, time.Now().Add(time.Hour), "cool down"); err != nil {
			t.Fatal(err)
		}
		helper.SilencedUntil = ptr(time.Now().Add(time.Hour))
		if err := s.ModerateUser(ctx, mod, other.ID, models.UserSuspend, time.Now().Add(time.Hour), "spam"); err != nil {
			t.Fatal(err)
		}
		other.SuspendedUntil = ptr(time.Now().Add(time.Hour))
		var restricted *models.RestrictedError
		if _, err := s.SetMeToo(ctx, helper, open.ID, true); !errors.As(err, &restricted) || restricted.Suspended {
			t.Errorf("silenced: %v, want silenced", err)
		}
		if _, err := s.SetMeToo(ctx, other, open.ID, true); !errors.As(err, &restricted) || !restricted.Suspended {
			t.Errorf("suspended: %v, want suspended", err)
		}
		for _, tc := range []struct {
			name string
			who  models.User
			th   models.Thread
			want error
		}{
			{"the asker", asker, open, models.ErrForbidden},
			{"a hidden thread", mod, hidden, nil}, // a moderator sees it
			{"a closed thread", mod, closed, models.ErrConflict},
			{"an archived category", mod, archived, models.ErrConflict},
			{"no such thread", mod, models.Thread{ID: 9999}, models.ErrNotFound},
		} {
			if _, err := s.SetMeToo(ctx, tc.who, tc.th.ID, true); !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			}
		}
		// Not visible to a member: not found, and nothing counted.
		member := signIn(t, s, "6", "yui")
		if _, err := s.SetMeToo(ctx, member, hidden.ID, true); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("hidden thread to a member: %v, want not found", err)
		}
		if n := meTooCount(t, s, hidden.ID); n != 1 {
			t.Errorf("hidden thread count = %d, want the moderator's 1", n)
		}
		for _, th := range []models.Thread{open, closed, archived} {
			if n := meTooCount(t, s, th.ID); n != 0 {
				t.Errorf("%q counted %d", th.Title, n)
			}
		}
	})
}

func ptr[T any](v T) *T { return &v }

// The lists show the count and sort by it: most affected first, ties by
// last activity.
func TestThreadsSortByMostAffected(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		modeltest.Relax(t, s)
		asker := signIn(t, s, "asker", "asker")
		var people []models.User
		for i := range 3 {
			people = append(people, signIn(t, s, "p"+string(rune('a'+i)), "person"+string(rune('a'+i))))
		}
		titles := []string{"Quiet question", "Outage question", "Smaller question", "Latest quiet question"}
		affected := []int{0, 3, 1, 0}
		ids := map[int64]string{}
		for i, title := range titles {
			th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: 1, Title: title, Body: "It fails."})
			if err != nil {
				t.Fatal(err)
			}
			ids[th.ID] = title
			for _, u := range people[:affected[i]] {
				if _, err := s.SetMeToo(ctx, u, th.ID, true); err != nil {
					t.Fatal(err)
				}
			}
		}
		list, err := s.Threads(ctx, models.ThreadFilter{Sort: models.SortAffected, CategoryID: 1})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"Outage question", "Smaller question", "Latest quiet question", "Quiet question"}
		wantCount := []int{3, 1, 0, 0}
		if len(list.Threads) != len(want) {
			t.Fatalf("listed %d threads, want %d", len(list.Threads), len(want))
		}
		for i, th := range list.Threads {
			if th.Title != want[i] || th.MeTooCount != wantCount[i] {
				t.Errorf("row %d: %q with %d, want %q with %d", i+1, th.Title, th.MeTooCount, want[i], wantCount[i])
			}
		}
	})
}

// A reply is a me-too only when its whole text says nothing more.
func TestIsMeTooText(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"+1", true},
		{"  +1  ", true},
		{"＋１", true},
		{"+ 1!", true},
		{"👍", true},
		{"👍🏽👍", true},
		{"Me too!!!", true},
		{"ME TOO 😭", true},
		{"ｍｅ　ｔｏｏ", true},
		{"**Same here.**", true},
		{"Same problem", true},
		{"+1 same here", true},
		{"I have the same issue.", true},
		{"同じく", true},
		{"私もです！", true},
		{"私も", true},
		{"私も同じです。", true},
		{"自分も…", true},
		{"同じ症状です", true},
		{"私も同じ症状です 🙏", true},

		{"", false},
		{"🙏", false},
		{"1", false},
		{"+1 but also I found that clearing cache fixes it", false},
		{"Me too. Clearing the cache fixed it for me.", false},
		{"Same here on Android 14, error 429", false},
		{"same here: https://status.example.com", false},
		{"> +1\n\nDid you try signing out?", false},
		{"私も同じ症状ですが、再起動で直りました。", false},
		{"同じです。エラーコードは invalid_api_key でした", false},
		{"Is this the same problem as last week?", false},
	} {
		if got := models.IsMeTooText(tc.text); got != tc.want {
			t.Errorf("IsMeTooText(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
