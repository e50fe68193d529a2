package models_test

import (
	"context"
	"errors"
	"testing"

	"hiroba/models"
	"hiroba/models/modeltest"
)

// What a live reader of a thread is told comes from one read for all its
// readers; each then counts, by the one visibility rule, only the replies
// they may read: a visitor not a hidden reply, its author their own hidden
// reply but not their deleted one, a moderator everything, and nobody but
// the asker and moderators anything of a hidden thread. The newest post a
// page shows each of them (LastReadablePostID, in SQL) agrees.
func TestThreadSinceCountsWhatEachReaderMaySee(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		modeltest.Relax(t, s)
		asker, helper, mod := signIn(t, s, "1", "hana"), signIn(t, s, "2", "ken"), signIn(t, s, "3", "mio")
		if err := s.GrantRole(ctx, "mio", models.RoleModerator); err != nil {
			t.Fatal(err)
		}
		mod.Role = models.RoleModerator
		th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: 1, Title: "Camera app freezes on start", Body: "Since the update."})
		if err != nil {
			t.Fatal(err)
		}
		var replies []models.Post
		for _, body := range []string{"Clear its cache.", "Buy my fixer app.", "Wrong thread, sorry."} {
			p, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: helper.ID, Body: body})
			if err != nil {
				t.Fatal(err)
			}
			replies = append(replies, p)
		}
		if _, err := s.SetPostHidden(ctx, mod, replies[1].ID, true, "advertising"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeletePost(ctx, helper, replies[2].ID); err != nil {
			t.Fatal(err)
		}
		if err := s.SetMeTooCount(ctx, th.ID, 7); err != nil {
			t.Fatal(err)
		}
		since, err := s.ThreadSince(ctx, th.ID, th.FirstPostID)
		if err != nil {
			t.Fatal(err)
		}
		if since.MeToos != 7 || len(since.Posts) != 3 || since.Thread.ID != th.ID || since.Thread.Slug == "" {
			t.Fatalf("ThreadSince = %+v, want the thread with 7 me-toos and its 3 replies", since)
		}
		check := func(name string, v *models.User, want int, newest int64) {
			t.Helper()
			n, first, last := since.NewReplies(v, th.FirstPostID)
			if n != want || last.ID != newest || (n > 0 && first.ID != replies[0].ID) {
				t.Errorf("%s: %d new, first %d, newest %d; want %d, first %d, newest %d", name, n, first.ID, last.ID, want, replies[0].ID, newest)
			}
			if n == 0 {
				newest = th.FirstPostID
			}
			if got, err := s.LastReadablePostID(ctx, v, th.ID); err != nil || got != newest {
				t.Errorf("%s: LastReadablePostID = %d, %v; want %d", name, got, err, newest)
			}
		}
		check("a visitor", nil, 1, replies[0].ID)
		check("the asker", &asker, 1, replies[0].ID)
		check("the hidden reply's author", &helper, 2, replies[1].ID)
		check("a moderator", &mod, 3, replies[2].ID)
		// Counted after a later post, only what came after it.
		if n, _, _ := since.NewReplies(&mod, replies[1].ID); n != 1 {
			t.Errorf("a moderator after the second reply: %d new, want 1", n)
		}

		if err := s.ModerateThread(ctx, mod, th.ID, models.ThreadHide, 0, "spam"); err != nil {
			t.Fatal(err)
		}
		if since, err = s.ThreadSince(ctx, th.ID, th.FirstPostID); err != nil {
			t.Fatal(err)
		}
		if n, _, _ := since.NewReplies(nil, th.FirstPostID); n != 0 {
			t.Errorf("a visitor counts %d replies of a hidden thread", n)
		}
		if got, _ := s.LastReadablePostID(ctx, nil, th.ID); got != 0 {
			t.Errorf("a visitor's last post of a hidden thread: %d, want none", got)
		}
		check("the asker of a hidden thread", &asker, 1, replies[0].ID)
		if _, err := s.ThreadSince(ctx, th.ID+1000, 0); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("ThreadSince of no thread: %v, want not found", err)
		}
	})
}
