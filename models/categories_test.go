package models_test

import (
	"context"
	"errors"
	"testing"

	"hiroba/models"
	"hiroba/models/modeltest"
)

// TestCategoryAdministration covers what the pages cannot see: only admins
// act, an archived category is read-only in every write path (moderators'
// replies and moves too, members' edits), and a merge carries the earlier
// versions that named the old category.
func TestCategoryAdministration(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		asker, helper := signIn(t, s, "1", "asker"), signIn(t, s, "2", "helper")
		admin := signIn(t, s, "3", "admin")
		if err := s.GrantRole(ctx, "admin", models.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		admin.Role = models.RoleAdmin

		in := models.CategoryInput{NameEN: "Billing", NameJA: "請求"}
		if _, err := s.CreateCategory(ctx, helper, in); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("a member created a category: %v", err)
		}
		c, err := s.CreateCategory(ctx, admin, in)
		if err != nil || c.Slug != "billing-2" || c.Position != 7 {
			t.Fatalf("created %+v, %v; want slug billing-2 (billing is taken), position 7", c, err)
		}
		var refused *models.SettingsError
		if _, err := s.CreateCategory(ctx, admin, models.CategoryInput{NameEN: " ", NameJA: "請求"}); !errors.As(err, &refused) || refused.Fields["name_en"] != "categories.required" {
			t.Errorf("an empty name: %v", err)
		}
		if err := s.UpdateCategory(ctx, admin, c.ID, models.CategoryInput{NameEN: "Invoices", NameJA: "請求書"}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.CategoryByID(ctx, c.ID); err != nil || got.Slug != "billing-2" || got.NameEN != "Invoices" {
			t.Errorf("renamed: %+v, %v", got, err)
		}

		th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: c.ID, Title: "Invoice", Body: "Where is it?"})
		if err != nil {
			t.Fatal(err)
		}
		// An earlier version naming the category, as an edit leaves it.
		if _, _, err := s.EditPost(ctx, asker, th.FirstPostID, models.PostEdit{Body: "Where is my invoice?", Title: "Invoice"}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetCategoryArchived(ctx, admin, c.ID, true); err != nil {
			t.Fatal(err)
		}
		archived := func(what string, err error) {
			t.Helper()
			var r *models.RefusedError
			if !errors.As(err, &r) || r.Reason != models.RefuseArchived {
				t.Errorf("%s in an archived category: %v", what, err)
			}
		}
		_, err = s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: admin.ID, Body: "An admin's reply"})
		archived("an admin's reply", err)
		_, _, err = s.EditPost(ctx, asker, th.FirstPostID, models.PostEdit{Body: "Edited again"})
		archived("the asker's edit", err)
		other, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: 1, Title: "Login", Body: "Loops"})
		if err != nil {
			t.Fatal(err)
		}
		archived("a move", s.ModerateThread(ctx, admin, other.ID, models.ThreadMove, c.ID, ""))

		if err := s.MergeCategories(ctx, helper, c.ID, 1); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("a member merged: %v", err)
		}
		if err := s.MergeCategories(ctx, admin, c.ID, c.ID); !models.IsInvalid(err) {
			t.Errorf("a merge into itself: %v", err)
		}
		if err := s.MergeCategories(ctx, admin, c.ID, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CategoryByID(ctx, c.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("the merged category is still there: %v", err)
		}
		revs, err := s.Revisions(ctx, th.FirstPostID)
		if err != nil || len(revs) != 1 || revs[0].CategoryID == nil || *revs[0].CategoryID != 1 {
			t.Errorf("revisions after the merge: %+v, %v", revs, err)
		}
		// In an open category again, the thread takes replies.
		if _, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: helper.ID, Body: "Here it is"}); err != nil {
			t.Errorf("reply after the merge: %v", err)
		}
		stats, err := s.CategoryStats(ctx)
		if err != nil || stats[0].ID != 1 || stats[0].AllThreads != 2 || stats[0].PublicThreads != 2 || stats[0].ThreadCount != 2 {
			t.Errorf("account after the merge: %+v, %v", stats[0], err)
		}
	})
}

// TestMoveCategory moves a category past its neighbours, numbering the
// positions afresh, and leaves the first where it is when asked to go up.
func TestMoveCategory(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		admin := signIn(t, s, "1", "admin")
		admin.Role = models.RoleAdmin
		order := func() []string {
			cats, err := s.Categories(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var slugs []string
			for _, c := range cats {
				slugs = append(slugs, c.Slug)
			}
			return slugs
		}
		lounge, _ := s.CategoryBySlug(ctx, "lounge")
		for range 2 {
			if err := s.MoveCategory(ctx, admin, lounge.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		if got := order(); got[3] != "lounge" || got[4] != "using" || got[5] != "safety" {
			t.Errorf("after moving lounge up twice: %v", got)
		}
		if err := s.MoveCategory(ctx, admin, 1, true); err != nil {
			t.Fatal(err)
		}
		if err := s.MoveCategory(ctx, admin, 1, false); err != nil {
			t.Fatal(err)
		}
		if got := order(); got[0] != "billing" || got[1] != "account" {
			t.Errorf("after moving account down: %v", got)
		}
		if err := s.MoveCategory(ctx, admin, 999, true); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("moving a category that is not there: %v", err)
		}
	})
}

// Instances starting at once over a new database each make sure the default
// categories exist: none fails, and there is one of each.
func TestDefaultCategoriesSurviveInstancesStartingTogether(t *testing.T) {
	url := modeltest.PostgresSchemaURL(t)
	ctx := context.Background()
	var stores []*models.Store
	for range 4 {
		s, err := models.Open(url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	if _, err := stores[0].Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, len(stores))
	for _, s := range stores {
		go func() { errs <- s.EnsureDefaultCategories(ctx) }()
	}
	for range stores {
		if err := <-errs; err != nil {
			t.Errorf("an instance starting beside others: %v", err)
		}
	}
	cats, err := stores[0].Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cats) != len(models.DefaultCategories) {
		t.Errorf("%d categories after four instances started, want %d", len(cats), len(models.DefaultCategories))
	}
}
