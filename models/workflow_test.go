package models_test

import (
	"context"
	"errors"
	"testing"

	"hiroba/models"
)

type workflow struct {
	s                  *models.Store
	asker, helper, mod models.User
	thread             models.Thread
	reply, secondReply models.Post
}

func newWorkflow(t *testing.T, s *models.Store) workflow {
	t.Helper()
	ctx := context.Background()
	w := workflow{s: s, asker: signIn(t, s, "1", "asker"), helper: signIn(t, s, "2", "helper")}
	w.mod = signIn(t, s, "3", "mod")
	w.mod.Role = models.RoleModerator
	var err error
	w.thread, err = s.CreateThread(ctx, models.NewThread{UserID: w.asker.ID, CategoryID: 2, Title: "Refund for a double charge", Body: "I was charged twice."})
	if err != nil {
		t.Fatal(err)
	}
	if w.reply, err = s.CreateReply(ctx, models.NewReply{ThreadID: w.thread.ID, UserID: w.helper.ID, Body: "Ask billing for a refund."}); err != nil {
		t.Fatal(err)
	}
	if w.secondReply, err = s.CreateReply(ctx, models.NewReply{ThreadID: w.thread.ID, UserID: w.helper.ID, Body: "Or wait a day."}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w workflow) view(t *testing.T) models.Thread {
	t.Helper()
	v, err := w.s.ThreadPage(context.Background(), staff, w.thread.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	return v.Thread
}

func TestSolutions(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		w := newWorkflow(t, s)
		if _, err := s.MarkSolution(ctx, w.helper, w.thread.ID, w.reply.ID); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("helper marked a solution: %v", err)
		}
		first, _ := s.ThreadPage(ctx, staff, w.thread.ID, 1)
		if _, err := s.MarkSolution(ctx, w.asker, w.thread.ID, first.Posts[0].ID); !errors.Is(err, models.ErrConflict) {
			t.Errorf("question marked as its own solution: %v", err)
		}
		if _, err := s.MarkSolution(ctx, w.asker, w.thread.ID, w.reply.ID); err != nil {
			t.Fatal(err)
		}
		if th := w.view(t); !th.Solved() || *th.SolutionPostID != w.reply.ID {
			t.Fatalf("not solved: %+v", th.SolutionPostID)
		}
		sol, err := s.SolutionPost(ctx, w.view(t))
		if err != nil || sol == nil || sol.ID != w.reply.ID || sol.User.Username != "helper" {
			t.Fatalf("SolutionPost = %+v, %v", sol, err)
		}
		// The mark moves; a moderator may move it too; then it can be cleared.
		if _, err := s.MarkSolution(ctx, w.mod, w.thread.ID, w.secondReply.ID); err != nil {
			t.Fatal(err)
		}
		if th := w.view(t); *th.SolutionPostID != w.secondReply.ID {
			t.Errorf("mark did not move")
		}
		solved, _ := s.Threads(ctx, models.ThreadFilter{Show: models.ShowSolved})
		unsolved, _ := s.Threads(ctx, models.ThreadFilter{Show: models.ShowUnsolved})
		if len(solved.Threads) != 1 || len(unsolved.Threads) != 0 {
			t.Errorf("filters: solved %d unsolved %d", len(solved.Threads), len(unsolved.Threads))
		}
		if err := s.ClearSolution(ctx, w.helper, w.thread.ID); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("helper cleared: %v", err)
		}
		if err := s.ClearSolution(ctx, w.asker, w.thread.ID); err != nil || w.view(t).Solved() {
			t.Errorf("clear: %v", err)
		}
		// Deleting the accepted reply unmarks it.
		s.MarkSolution(ctx, w.asker, w.thread.ID, w.reply.ID)
		if _, err := s.DeletePost(ctx, w.helper, w.reply.ID); err != nil {
			t.Fatal(err)
		}
		if th := w.view(t); th.Solved() || th.ReplyCount != 1 {
			t.Errorf("after delete: solved %v, replies %d", th.Solved(), th.ReplyCount)
		}
		if _, err := s.MarkSolution(ctx, w.asker, w.thread.ID, w.reply.ID); !errors.Is(err, models.ErrConflict) {
			t.Errorf("deleted reply marked: %v", err)
		}
	})
}

func TestHelpfulVotes(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		w := newWorkflow(t, s)
		if _, _, err := s.ToggleHelpful(ctx, w.helper, w.reply.ID); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("own post vote: %v", err)
		}
		post, voted, err := s.ToggleHelpful(ctx, w.asker, w.reply.ID)
		if err != nil || !voted || post.HelpfulCount != 1 {
			t.Fatalf("vote: %v %d %v", voted, post.HelpfulCount, err)
		}
		// The post comes back with its place, for the page to return to.
		if post.Position != w.reply.Position || post.Thread.Slug != w.thread.Slug {
			t.Errorf("vote returned position %d of %q", post.Position, post.Thread.Slug)
		}
		if p, _, _ := s.ToggleHelpful(ctx, w.mod, w.reply.ID); p.HelpfulCount != 2 {
			t.Errorf("second voter: count %d", p.HelpfulCount)
		}
		votes, _ := s.VotedPosts(ctx, w.asker.ID, []int64{w.reply.ID, w.secondReply.ID})
		if !votes[w.reply.ID] || votes[w.secondReply.ID] {
			t.Errorf("VotedPosts = %v", votes)
		}
		post, voted, err = s.ToggleHelpful(ctx, w.asker, w.reply.ID)
		if err != nil || voted || post.HelpfulCount != 1 {
			t.Fatalf("undo: %v %d %v", voted, post.HelpfulCount, err)
		}
		if th := w.view(t); th.HelpfulCount != 1 {
			t.Errorf("thread helpful count %d", th.HelpfulCount)
		}
		other, _ := s.CreateThread(ctx, models.NewThread{UserID: w.asker.ID, CategoryID: 2, Title: "Another question", Body: "x"})
		list, _ := s.Threads(ctx, models.ThreadFilter{Sort: models.SortHelpful})
		if list.Threads[0].ID != w.thread.ID {
			t.Errorf("most helpful first: got %d", list.Threads[0].ID)
		}
		list, _ = s.Threads(ctx, models.ThreadFilter{Show: models.ShowUnanswered})
		if len(list.Threads) != 1 || list.Threads[0].ID != other.ID {
			t.Errorf("unanswered: %+v", list.Threads)
		}
	})
}

func TestEditKeepsRevisions(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		w := newWorkflow(t, s)
		first, _ := s.ThreadPage(ctx, staff, w.thread.ID, 1)
		question := first.Posts[0]
		if _, _, err := s.EditPost(ctx, w.helper, question.ID, models.PostEdit{Body: "hijack"}); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("other user edited: %v", err)
		}
		edited, _, err := s.EditPost(ctx, w.asker, question.ID, models.PostEdit{Body: "I was charged **three** times.", Title: "Refund for a triple charge", CategoryID: 3})
		if err != nil {
			t.Fatal(err)
		}
		if !edited.Edited() || edited.HTML != "<p>I was charged <strong>three</strong> times.</p>\n" {
			t.Errorf("edited post: %+v", edited)
		}
		th := w.view(t)
		if th.Title != "Refund for a triple charge" || th.Slug != "refund-for-a-triple-charge" || th.CategoryID != 3 {
			t.Errorf("thread after edit: %+v", th)
		}
		billing, _ := s.CategoryBySlug(ctx, "billing")
		api, _ := s.CategoryBySlug(ctx, "api")
		if billing.ThreadCount != 0 || api.ThreadCount != 1 {
			t.Errorf("category counts: billing %d api %d", billing.ThreadCount, api.ThreadCount)
		}
		revs, err := s.Revisions(ctx, question.ID)
		if err != nil || len(revs) != 1 || revs[0].Source != "I was charged twice." || revs[0].Title != "Refund for a double charge" || *revs[0].CategoryID != 2 {
			t.Fatalf("revisions: %+v %v", revs, err)
		}
		// Search follows the edit.
		res, _ := s.Search(ctx, models.SearchInput{Query: "triple"})
		if len(res.Results) != 1 {
			t.Errorf("search after retitle: %d results", len(res.Results))
		}
		res, _ = s.Search(ctx, models.SearchInput{Query: "twice"})
		if len(res.Results) != 0 {
			t.Errorf("old text still found: %d", len(res.Results))
		}
	})
}

func TestDeleteIsSoft(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		w := newWorkflow(t, s)
		if _, err := s.DeletePost(ctx, w.asker, w.reply.ID); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("asker deleted another's reply: %v", err)
		}
		if _, err := s.DeletePost(ctx, w.helper, w.reply.ID); err != nil {
			t.Fatal(err)
		}
		p, err := s.PostByID(ctx, staff, w.reply.ID)
		if err != nil || !p.Deleted() || p.Source != "Ask billing for a refund." {
			t.Fatalf("deleted post: %+v %v", p, err)
		}
		if res, _ := s.Search(ctx, models.SearchInput{Query: "\"ask billing\""}); len(res.Results) != 0 {
			t.Errorf("deleted post found by search")
		}
		if _, _, err := s.EditPost(ctx, w.helper, w.reply.ID, models.PostEdit{Body: "back"}); !errors.Is(err, models.ErrNotFound) { // gone, for its author too
			t.Errorf("edit of a deleted post: %v", err)
		}
		// A moderator may delete anyone's post; deleting twice changes nothing.
		if _, err := s.DeletePost(ctx, w.mod, w.secondReply.ID); err != nil {
			t.Fatal(err)
		}
		s.DeletePost(ctx, w.mod, w.secondReply.ID)
		if th := w.view(t); th.ReplyCount != 0 {
			t.Errorf("reply count %d", th.ReplyCount)
		}
	})
}
