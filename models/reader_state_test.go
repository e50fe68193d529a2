package models_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"hiroba/models"
	"hiroba/models/modeltest"
)

// ReaderState is VotedPosts, WatchLevel, UnreadCount and MayFlag in one
// query: for a newcomer and a trusted member, watching or not, with and
// without votes and notifications, it says what they say.
func TestReaderStateSaysWhatEachReadSays(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		modeltest.Relax(t, s)
		asker, helper, newcomer := signIn(t, s, "1", "hana"), signIn(t, s, "2", "ken"), signIn(t, s, "3", "mio")
		th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: 1, Title: "Router blinks red all night", Body: "It blinks."})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for i := range 3 {
			p, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: helper.ID, Body: "Hold the button " + string(rune('a'+i))})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		}
		if _, _, err := s.ToggleHelpful(ctx, asker, ids[0]); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.ToggleHelpful(ctx, asker, ids[2]); err != nil {
			t.Fatal(err)
		}
		if err := s.SetWatch(ctx, helper, th.ID, models.Muted); err != nil {
			t.Fatal(err)
		}
		// The rules as stored, so the newcomer is one by age.
		rules := modeltest.PermissiveRules
		rules.NewAccountAge = models.Duration(time.Hour)
		if err := s.SetRules(ctx, rules); err != nil {
			t.Fatal(err)
		}
		for _, u := range []models.User{asker, helper, newcomer} {
			got, err := s.ReaderState(ctx, u, th.ID, append([]int64{th.FirstPostID}, ids...))
			if err != nil {
				t.Fatal(err)
			}
			voted, err := s.VotedPosts(ctx, u.ID, append([]int64{th.FirstPostID}, ids...))
			if err != nil {
				t.Fatal(err)
			}
			watch, err := s.WatchLevel(ctx, u.ID, th.ID)
			if err != nil {
				t.Fatal(err)
			}
			unread, err := s.UnreadCount(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			mayFlag := s.MayFlag(ctx, u)
			want := models.ReaderState{Voted: voted, Watch: watch, Unread: unread, MayFlag: mayFlag}
			if !reflect.DeepEqual(got.Voted, want.Voted) || got.Watch != want.Watch || got.Unread != want.Unread ||
				!errors.Is(got.MayFlag, want.MayFlag) && got.MayFlag != want.MayFlag {
				t.Errorf("%s: ReaderState = %+v, the reads say %+v", u.Username, got, want)
			}
		}
		// What each reader was expected to have, so the comparison is not
		// between two empty answers.
		st, _ := s.ReaderState(ctx, asker, th.ID, ids)
		if len(st.Voted) != 2 || st.Unread == 0 || st.Watch != models.Watching {
			t.Errorf("asker: %+v, want two votes, unread replies, watching", st)
		}
		if st, _ := s.ReaderState(ctx, newcomer, th.ID, nil); !errors.Is(st.MayFlag, models.ErrNewAccount) {
			t.Errorf("newcomer may flag: %v", st.MayFlag)
		}
		if st, _ := s.ReaderState(ctx, helper, th.ID, ids); st.Watch != models.Muted {
			t.Errorf("helper: %+v, want muted", st)
		}
	})
}
