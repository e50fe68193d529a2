package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"hiroba/models"
	"hiroba/models/modeltest"
)

// eachDialect runs a store test on a fresh SQLite and a fresh PostgreSQL.
// staff reads as a moderator does: everything, whatever its state. Tests
// of what others may see use real viewers.
var staff = &models.User{ID: -1, Role: models.RoleModerator}

func eachDialect(t *testing.T, fn func(t *testing.T, s *models.Store)) {
	t.Parallel() // each test has databases of its own
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, modeltest.Store(t, d))
		})
	}
}

func signIn(t *testing.T, s *models.Store, id, nick string) models.User {
	t.Helper()
	u, _, err := s.SignInUser(context.Background(), models.SignIn{Provider: "test", ProviderUserID: id, Nickname: nick, Name: nick})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSignInCreatesThenReuses(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		in := models.SignIn{Provider: "github", ProviderUserID: "42", Nickname: "Hana Sato", Email: "hana@example.com"}
		u1, created, err := s.SignInUser(ctx, in)
		if err != nil || !created {
			t.Fatalf("first sign-in: created=%v err=%v", created, err)
		}
		if u1.Username != "Hana-Sato" {
			t.Errorf("username = %q, want Hana-Sato", u1.Username)
		}
		u2, created, err := s.SignInUser(ctx, in)
		if err != nil || created || u2.ID != u1.ID {
			t.Fatalf("second sign-in: id %d vs %d, created=%v err=%v", u2.ID, u1.ID, created, err)
		}
		// Another person with the same nickname gets a username of their own.
		u3, _, err := s.SignInUser(ctx, models.SignIn{Provider: "google", ProviderUserID: "x", Nickname: "Hana Sato"})
		if err != nil || u3.Username != "Hana-Sato2" {
			t.Fatalf("collision: username %q err %v", u3.Username, err)
		}
	})
}

func TestSessions(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		u := signIn(t, s, "1", "ken")
		tok, err := s.CreateSession(ctx, u.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.SessionUser(ctx, tok)
		if err != nil || got.ID != u.ID {
			t.Fatalf("SessionUser = %v, %v", got.ID, err)
		}
		if _, err := s.SessionUser(ctx, tok+"x"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown token: err = %v, want ErrNotFound", err)
		}
		expired, _ := s.CreateSession(ctx, u.ID, -time.Minute)
		if _, err := s.SessionUser(ctx, expired); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("expired token: err = %v, want ErrNotFound", err)
		}
		if err := s.DeleteSession(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, tok); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("after sign-out: err = %v, want ErrNotFound", err)
		}
	})
}

func TestThreadsRepliesAndCounters(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		asker, helper := signIn(t, s, "1", "asker"), signIn(t, s, "2", "helper")
		cats, err := s.Categories(ctx)
		if err != nil || len(cats) != 6 {
			t.Fatalf("categories: %d, %v", len(cats), err)
		}
		billing, err := s.CategoryBySlug(ctx, "billing")
		if err != nil || billing.Name("ja") != "請求とサブスクリプション" {
			t.Fatalf("billing: %+v %v", billing, err)
		}
		th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: billing.ID, Title: "請求書が届きません", Body: "**help**"})
		if err != nil {
			t.Fatal(err)
		}
		if th.Slug != "請求書が届きません" {
			t.Errorf("slug = %q", th.Slug)
		}
		reply, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: helper.ID, Body: "Check [billing](https://example.com)"})
		if err != nil || reply.Position != 2 {
			t.Fatalf("reply: position %d, %v", reply.Position, err)
		}
		view, err := s.ThreadPage(ctx, staff, th.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if view.Thread.ReplyCount != 1 || view.Thread.PostCount != 2 || view.Thread.LastPosterID != helper.ID {
			t.Errorf("counters: %+v", view.Thread)
		}
		if len(view.Posts) != 2 || view.Posts[0].HTML != "<p><strong>help</strong></p>\n" || view.Posts[1].User.Username != "helper" {
			t.Errorf("posts: %+v", view.Posts)
		}
		if !strings.Contains(view.Posts[1].HTML, `rel="nofollow ugc noopener"`) {
			t.Errorf("reply html lacks rel: %s", view.Posts[1].HTML)
		}
		if view.Thread.Category.Slug != "billing" || view.Thread.User.Username != "asker" {
			t.Errorf("joins: %+v", view.Thread)
		}
		list, err := s.Threads(ctx, models.ThreadFilter{CategoryID: billing.ID})
		if err != nil || len(list.Threads) != 1 || list.Threads[0].LastPoster.Username != "helper" {
			t.Fatalf("category list: %+v %v", list, err)
		}
		billing, _ = s.CategoryBySlug(ctx, "billing")
		if billing.ThreadCount != 1 {
			t.Errorf("category thread count = %d", billing.ThreadCount)
		}
		posts, p, err := s.UserPosts(ctx, nil, helper.ID, 1, 20)
		if err != nil || len(posts) != 1 || p.TotalItems != 1 || posts[0].Thread.ID != th.ID {
			t.Errorf("user posts: %+v %v", posts, err)
		}
		if _, err := s.ThreadPage(ctx, staff, th.ID+100, 1); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("missing thread: %v", err)
		}
		if _, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID + 100, UserID: helper.ID, Body: "x"}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("reply to missing thread: %v", err)
		}
	})
}

func TestConcurrentRepliesGetDistinctPositions(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		u := signIn(t, s, "1", "u")
		cat, _ := s.CategoryBySlug(ctx, "api")
		th, err := s.CreateThread(ctx, models.NewThread{UserID: u.ID, CategoryID: cat.ID, Title: "Rate limits", Body: "q"})
		if err != nil {
			t.Fatal(err)
		}
		const n = 20
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: u.ID, Body: fmt.Sprint("reply ", i)})
				errs <- err
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		view, err := s.ThreadPage(ctx, staff, th.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(view.Posts) != n+1 || view.Thread.ReplyCount != n {
			t.Fatalf("got %d posts, reply count %d", len(view.Posts), view.Thread.ReplyCount)
		}
		for i, p := range view.Posts {
			if p.Position != i+1 {
				t.Fatalf("post %d has position %d", i, p.Position)
			}
		}
	})
}

func TestThreadPagination(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		u := signIn(t, s, "1", "u")
		cat, _ := s.CategoryBySlug(ctx, "using")
		th, _ := s.CreateThread(ctx, models.NewThread{UserID: u.ID, CategoryID: cat.ID, Title: "Long thread", Body: "q"})
		var reply models.Post
		for i := 0; i < models.PostsPerPage+5; i++ {
			var err error
			if reply, err = s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: u.ID, Body: "r"}); err != nil {
				t.Fatal(err)
			}
		}
		// A reply says where it landed, thread address included.
		if reply.Position != models.PostsPerPage+6 || reply.Thread.ID != th.ID || reply.Thread.Slug != "long-thread" {
			t.Errorf("reply at %d in thread %d %q", reply.Position, reply.Thread.ID, reply.Thread.Slug)
		}
		last, err := s.ThreadPage(ctx, staff, th.ID, models.LastPage)
		if err != nil || last.Page != 2 || last.Posts[len(last.Posts)-1].ID != reply.ID {
			t.Errorf("last page: page %d, %v", last.Page, err)
		}
		p2, err := s.ThreadPage(ctx, staff, th.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(p2.Posts) != 6 || p2.Posts[0].Position != models.PostsPerPage+1 || p2.TotalPages() != 2 {
			t.Errorf("page 2: %d posts, first at %d, %d pages", len(p2.Posts), p2.Posts[0].Position, p2.TotalPages())
		}
		if _, err := s.ThreadPage(ctx, staff, th.ID, 3); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("page 3: %v", err)
		}
		if got := models.PageOfPosition(models.PostsPerPage + 1); got != 2 {
			t.Errorf("PageOfPosition = %d", got)
		}
	})
}
