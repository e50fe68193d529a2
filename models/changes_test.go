package models_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"hiroba/models"
)

// listener records what the store says each committed write changed.
type listener struct {
	mu    sync.Mutex
	heard [][]models.Key
}

func listen(s *models.Store) *listener {
	l := &listener{}
	s.OnChange(func(keys []models.Key) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.heard = append(l.heard, slices.Clone(keys))
	})
	return l
}

// take returns every key heard since the last take.
func (l *listener) take() []models.Key {
	l.mu.Lock()
	defer l.mu.Unlock()
	var all []models.Key
	for _, keys := range l.heard {
		all = append(all, keys...)
	}
	l.heard = nil
	return all
}

// Each kind of write says, once it has committed, what readers see that it
// changed: its thread, the lists the thread is on, profiles, search. A page
// cache drops exactly those pages; a key missing here is a stale page.
func TestWritesSayWhatTheyChanged(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		asker := signIn(t, s, "1", "asker")
		helper := signIn(t, s, "2", "helper")
		mod := moderator(t, s, "3", "mod")
		l := listen(s)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		heard := func(what string, want ...models.Key) {
			t.Helper()
			got := l.take()
			for _, k := range want {
				if !slices.Contains(got, k) {
					t.Errorf("%s: heard %v, missing %q", what, got, k)
				}
			}
		}

		th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: 1, Title: "Cache question", Body: "Body"})
		must(err)
		thread, cat1 := models.ThreadKey(th.ID), models.CategoryKey(1)
		heard("new thread", thread, cat1, models.KeyHome, models.KeySearch, models.KeyCategories, models.UserKey(asker.ID))

		reply, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: helper.ID, Body: "Try this"})
		must(err)
		heard("reply", thread, cat1, models.KeyHome, models.KeySearch, models.UserKey(helper.ID))

		_, _, err = s.EditPost(ctx, helper, reply.ID, models.PostEdit{Body: "Try this instead"})
		must(err)
		heard("edit", thread, models.KeySearch, models.UserKey(helper.ID))

		_, _, err = s.EditPost(ctx, asker, th.FirstPostID, models.PostEdit{Body: "Body", Title: "Cache question, retitled", CategoryID: 2})
		must(err)
		heard("retitle into another category", thread, cat1, models.CategoryKey(2), models.KeyCategories, models.KeyHome)

		_, _, err = s.ToggleHelpful(ctx, asker, reply.ID)
		must(err)
		heard("vote", thread, models.CategoryKey(2), models.KeyHome, models.UserKey(helper.ID))

		_, err = s.MarkSolution(ctx, asker, th.ID, reply.ID)
		must(err)
		heard("solution", thread, models.CategoryKey(2), models.KeyHome, models.KeySearch, models.UserKey(helper.ID))
		must(s.ClearSolution(ctx, asker, th.ID))
		heard("solution cleared", thread, models.CategoryKey(2), models.KeyHome, models.UserKey(helper.ID))

		must(s.ModerateThread(ctx, mod, th.ID, models.ThreadPinSite, 0, ""))
		heard("pin", thread, models.CategoryKey(2), models.KeyHome)
		must(s.ModerateThread(ctx, mod, th.ID, models.ThreadMove, 3, ""))
		heard("move", thread, models.CategoryKey(2), models.CategoryKey(3), models.KeyCategories, models.KeyHome)
		must(s.ModerateThread(ctx, mod, th.ID, models.ThreadHide, 0, ""))
		heard("thread hidden", thread, models.CategoryKey(3), models.KeyHome, models.UserKey(asker.ID), models.UserKey(helper.ID))
		must(s.ModerateThread(ctx, mod, th.ID, models.ThreadUnhide, 0, ""))
		heard("thread shown", thread, models.UserKey(helper.ID))

		_, err = s.SetPostHidden(ctx, mod, reply.ID, true, "")
		must(err)
		heard("post hidden", thread, models.CategoryKey(3), models.KeyHome, models.UserKey(helper.ID))
		_, err = s.SetPostHidden(ctx, mod, reply.ID, false, "")
		must(err)
		heard("post shown", thread, models.UserKey(helper.ID))

		_, err = s.DeletePost(ctx, helper, reply.ID)
		must(err)
		heard("delete", thread, models.CategoryKey(3), models.KeyHome, models.KeySearch, models.UserKey(helper.ID))

		must(s.ModerateUser(ctx, mod, asker.ID, models.UserPurge, time.Time{}, "spam"))
		heard("purge", models.KeyAll)

		// A refused write changed nothing and says nothing.
		if _, _, err := s.ToggleHelpful(ctx, helper, reply.ID); err == nil {
			t.Fatal("a vote on a deleted post went through")
		}
		if got := l.take(); len(got) != 0 {
			t.Errorf("a refused vote was heard as %v", got)
		}
	})
}
