package models_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"hiroba/models"
	"hiroba/models/modeltest"
)

// The thread page scans its rows by hand (columns.go); what it reads must
// be what GORM reads from the same rows, with every nullable column both
// set and unset: a column added to the lists but not the targets, or read
// into the wrong field, shows up here.
func TestThreadPageScansAsGORMDoes(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		modeltest.Relax(t, s)
		asker, helper := signIn(t, s, "1", "hana"), signIn(t, s, "2", "ken")
		if err := s.GrantRole(ctx, "ken", models.RoleModerator); err != nil {
			t.Fatal(err)
		}
		mod := helper
		mod.Role = models.RoleModerator
		th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: 1, Title: "Router blinks red all night", Body: "It **blinks**."})
		if err != nil {
			t.Fatal(err)
		}
		var replies []models.Post
		for _, body := range []string{"Hold the button.", "ボタンを長押ししてください。", "Try another cable.", "Me too."} {
			p, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: helper.ID, Body: body})
			if err != nil {
				t.Fatal(err)
			}
			replies = append(replies, p)
		}
		if _, err := s.MarkSolution(ctx, asker, th.ID, replies[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.EditPost(ctx, helper, replies[1].ID, models.PostEdit{Body: "ボタンを十秒押してください。"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeletePost(ctx, helper, replies[2].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetPostHidden(ctx, mod, replies[3].ID, true, "off topic"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.ToggleHelpful(ctx, asker, replies[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetMeToo(ctx, helper, th.ID, true); err != nil {
			t.Fatal(err)
		}
		for _, action := range []models.ThreadAction{models.ThreadClose, models.ThreadPinSite} {
			if err := s.ModerateThread(ctx, mod, th.ID, action, 0, "test"); err != nil {
				t.Fatal(err)
			}
		}
		view, err := s.ThreadPage(ctx, staff, th.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		wantThread, wantPosts, err := s.ThreadPageByGORM(ctx, th.ID, 1, models.PostsPerPage)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(view.Thread, wantThread) {
			t.Errorf("thread:\n got %+v\nwant %+v", view.Thread, wantThread)
		}
		if len(view.Posts) != 5 || !reflect.DeepEqual(view.Posts, wantPosts) {
			t.Errorf("posts:\n got %+v\nwant %+v", view.Posts, wantPosts)
		}

		// The session's user, scanned the same way, is the user GORM reads.
		token, err := s.CreateSession(ctx, asker.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ModerateUser(ctx, mod, asker.ID, models.UserSilence, time.Now().Add(24*time.Hour), "calm down"); err != nil {
			t.Fatal(err)
		}
		got, err := s.SessionUser(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if want, err := s.UserByIDByGORM(ctx, asker.ID); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("session user:\n got %+v\nwant %+v (%v)", got, want, err)
		}

		// The solution, on the page, is taken from it: the post SolutionPost
		// reads, but for the columns no page of posts reads.
		solution, err := s.SolutionOf(ctx, view)
		if err != nil {
			t.Fatal(err)
		}
		want, err := s.SolutionPost(ctx, view.Thread)
		if err != nil || want == nil {
			t.Fatalf("solution post: %v %v", want, err)
		}
		want.Source, want.SearchBody = "", ""
		if solution == nil || !reflect.DeepEqual(*solution, *want) {
			t.Errorf("solution from the page:\n got %+v\nwant %+v", solution, want)
		}
		// Hidden, it is shown under the question to nobody.
		if _, err := s.SetPostHidden(ctx, mod, replies[0].ID, true, "check"); err != nil {
			t.Fatal(err)
		}
		if view, err = s.ThreadPage(ctx, staff, th.ID, 1); err != nil {
			t.Fatal(err)
		}
		if got, err := s.SolutionOf(ctx, view); err != nil || got != nil {
			t.Errorf("hidden solution from the page = %v, %v; want none", got, err)
		}
	})
}
