package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"hiroba/models"
	"hiroba/models/modeltest"
)

// strict applies the forum's default rules, which the other tests relax.
func strict(t *testing.T, s *models.Store) {
	t.Helper()
	if err := s.SetRules(context.Background(), models.DefaultRules); err != nil {
		t.Fatal(err)
	}
}

func refusedFor(t *testing.T, err error, reason string) {
	t.Helper()
	var r *models.RefusedError
	if !errors.As(err, &r) || r.Reason != reason {
		t.Fatalf("err = %v, want refusal %q", err, reason)
	}
}

func moderator(t *testing.T, s *models.Store, id, name string) models.User {
	t.Helper()
	u := signIn(t, s, id, name)
	if err := s.GrantRole(context.Background(), u.Username, models.RoleModerator); err != nil {
		t.Fatal(err)
	}
	u.Role = models.RoleModerator
	return u
}

func TestNewAccountsPostUnderTheRules(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		strict(t, s)
		newbie := signIn(t, s, "1", "newbie")
		th, err := s.CreateThread(ctx, models.NewThread{UserID: newbie.ID, CategoryID: 3, Title: "API key rejected", Body: "401 on every call"})
		if err != nil || th.FirstPostStatus != models.StatusPublished {
			t.Fatalf("first question: %v %v", th.FirstPostStatus, err)
		}
		// Thirty seconds between posts for a new account.
		_, err = s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: newbie.ID, Body: "more detail"})
		refusedFor(t, err, models.RefuseCooldown)
		var r *models.RefusedError
		errors.As(err, &r)
		if r.RetryAfter <= 0 || r.RetryAfter > 30*time.Second {
			t.Errorf("retry after %v", r.RetryAfter)
		}
		// With the waits out of the way, the remaining signals apply.
		rules := models.DefaultRules
		rules.NewCooldown, rules.Cooldown = 0, 0
		s.SetRules(ctx, rules)
		_, err = s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: newbie.ID, Body: "401 on every call"})
		refusedFor(t, err, models.RefuseDuplicate)

		links := "see https://a.example/1 https://b.example/2 https://c.example/3"
		p, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: newbie.ID, Body: links})
		if err != nil || p.Status != models.StatusHeld || !strings.Contains(p.ReviewReasons, "links:3") {
			t.Fatalf("three links: %+v %v", p, err)
		}
		p, err = s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: newbie.ID, Body: "again https://a.example/1"})
		if err != nil || p.Status != models.StatusHeld || !strings.Contains(p.ReviewReasons, "repeated_link:https://a.example/1") {
			t.Fatalf("repeated link: %+v %v", p, err)
		}
		p, err = s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: newbie.ID, Body: "![x](https://img.example/x.png)"})
		if err != nil || p.Status != models.StatusHeld || !strings.Contains(p.ReviewReasons, "images:1") {
			t.Fatalf("image: %+v %v", p, err)
		}
		// Held replies are not news: the thread's counters ignore them.
		view, _ := s.ThreadPage(ctx, staff, th.ID, 1)
		if view.Thread.ReplyCount != 0 {
			t.Errorf("reply count %d with only held replies", view.Thread.ReplyCount)
		}
		// Three questions a day.
		for i := 0; i < 2; i++ {
			if _, err := s.CreateThread(ctx, models.NewThread{UserID: newbie.ID, CategoryID: 3, Title: "Question number " + string(rune('A'+i)), Body: "q " + string(rune('A'+i))}); err != nil {
				t.Fatal(err)
			}
		}
		_, err = s.CreateThread(ctx, models.NewThread{UserID: newbie.ID, CategoryID: 3, Title: "One question too many", Body: "q4"})
		refusedFor(t, err, models.RefuseThreadsPerDay)
	})
}

func TestWatchedWords(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		u := signIn(t, s, "1", "u")
		_, err := s.CreateThread(ctx, models.NewThread{UserID: u.ID, CategoryID: 6, Title: "Great offer here", Body: "Best ONLINE CASINO bonus today"})
		refusedFor(t, err, models.RefuseBlockedWord)
		th, err := s.CreateThread(ctx, models.NewThread{UserID: u.ID, CategoryID: 6, Title: "副業の話", Body: "無料で稼げる方法があります"})
		if err != nil || th.FirstPostStatus != models.StatusHeld {
			t.Fatalf("held Japanese phrase: %v %v", th.FirstPostStatus, err)
		}
		// A held question keeps its thread out of lists and search until approved.
		list, _ := s.Threads(ctx, models.ThreadFilter{})
		if len(list.Threads) != 0 {
			t.Errorf("held thread listed")
		}
		// Whole words only: "casinos" is not "casino" in Latin text, but a
		// Japanese word inside a sentence matches.
		ok, err := s.CreateThread(ctx, models.NewThread{UserID: u.ID, CategoryID: 6, Title: "Occasional errors", Body: "occasionally the request fails"})
		if err != nil || ok.FirstPostStatus != models.StatusPublished {
			t.Fatalf("look-alike held: %v %v", ok.FirstPostStatus, err)
		}
		admin := moderator(t, s, "9", "root")
		admin.Role = models.RoleAdmin
		if err := s.AddWatchedWord(ctx, admin, models.WatchedWord{Pattern: "spam.example", Kind: "domain", Action: models.WatchHold}); err != nil {
			t.Fatal(err)
		}
		if err := s.AddWatchedWord(ctx, admin, models.WatchedWord{Pattern: "", Kind: "word", Action: models.WatchHold}); !models.IsInvalid(err) {
			t.Errorf("empty pattern: %v", err)
		}
		p, err := s.CreateReply(ctx, models.NewReply{ThreadID: ok.ID, UserID: u.ID, Body: "[docs](https://www.spam.example/page)"})
		if err != nil || p.Status != models.StatusHeld || !strings.Contains(p.ReviewReasons, "domain:spam.example") {
			t.Fatalf("watched domain: %+v %v", p, err)
		}
		if err := s.AddWatchedWord(ctx, signIn(t, s, "2", "member"), models.WatchedWord{Pattern: "x", Kind: "word", Action: models.WatchHold}); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("member edited words: %v", err)
		}
	})
}

func TestFlagsHideAndReviewDecides(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		author := signIn(t, s, "1", "author")
		th, _ := s.CreateThread(ctx, models.NewThread{UserID: author.ID, CategoryID: 6, Title: "Buy followers cheap", Body: "cheap followers at example"})
		first, _ := s.ThreadPage(ctx, staff, th.ID, 1)
		postID := first.Posts[0].ID
		if _, _, err := s.FlagPost(ctx, author, models.FlagInput{PostID: postID, Reason: models.FlagSpam}); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("own post flagged: %v", err)
		}
		var flaggers []models.User
		for i, name := range []string{"f1", "f2", "f3"} {
			flaggers = append(flaggers, signIn(t, s, string(rune('a'+i)), name))
		}
		for i, f := range flaggers {
			post, hidden, err := s.FlagPost(ctx, f, models.FlagInput{PostID: postID, Reason: models.FlagSpam})
			if err != nil {
				t.Fatal(err)
			}
			if hidden != (i == 2) || (post.HiddenAt != nil) != hidden {
				t.Errorf("flag %d: hidden = %v, post hidden at %v", i+1, hidden, post.HiddenAt)
			}
			// The post comes back with its thread, for the page to return to.
			if post.ID != postID || post.Thread.ID != th.ID || post.Thread.Slug != th.Slug {
				t.Errorf("flag %d returned post %d of thread %d %q", i+1, post.ID, post.Thread.ID, post.Thread.Slug)
			}
			if _, _, err := s.FlagPost(ctx, f, models.FlagInput{PostID: postID, Reason: models.FlagSpam}); i < 2 && !errors.Is(err, models.ErrConflict) {
				t.Errorf("second flag by the same user: %v", err)
			}
		}
		// Hidden now: out of the flaggers' sight, so beyond their reach.
		if _, _, err := s.FlagPost(ctx, flaggers[0], models.FlagInput{PostID: postID, Reason: models.FlagOther}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("flag of a hidden post: %v", err)
		}
		if res, _ := s.Search(ctx, models.SearchInput{Query: "followers"}); len(res.Results) != 0 {
			t.Errorf("hidden post found by search")
		}
		queue, err := s.ReviewQueue(ctx, 10)
		if err != nil || len(queue) != 1 || len(queue[0].Flags) != 3 {
			t.Fatalf("queue: %+v %v", queue, err)
		}
		member := signIn(t, s, "m", "member")
		if err := s.Review(ctx, member, postID, models.ReviewApprove, ""); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("member reviewed: %v", err)
		}
		mod := moderator(t, s, "mod", "mod")
		if err := s.Review(ctx, mod, postID, models.ReviewApprove, "not spam"); err != nil {
			t.Fatal(err)
		}
		if res, _ := s.Search(ctx, models.SearchInput{Query: "followers"}); len(res.Results) != 1 {
			t.Errorf("approved post not found")
		}
		if q, _ := s.ReviewQueue(ctx, 10); len(q) != 0 {
			t.Errorf("queue after approval: %d", len(q))
		}
		// A moderator's flag alone hides; delete-and-suspend removes and suspends.
		if _, hidden, _ := s.FlagPost(ctx, mod, models.FlagInput{PostID: postID, Reason: models.FlagOther, Note: "look again"}); !hidden {
			t.Error("moderator flag did not hide")
		}
		if err := s.Review(ctx, mod, postID, models.ReviewDeleteAndSuspend, "spam"); err != nil {
			t.Fatal(err)
		}
		a, _ := s.UserByUsername(ctx, "author")
		if !a.Suspended(time.Now()) || a.ModerationReason != "spam" {
			t.Errorf("author not suspended: %+v", a)
		}
		_, err = s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: author.ID, Body: "I'm back"})
		refusedFor(t, err, models.RefuseSilenced)
		entries, _, _ := s.AuditLog(ctx, 1, 50)
		if len(entries) < 2 || entries[0].Action != "review.delete_suspend" || entries[0].Actor.Username != "mod" || entries[0].Reason != "spam" {
			t.Errorf("audit log: %+v", entries)
		}
	})
}

func TestHeldPostsAwaitApproval(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		u := signIn(t, s, "1", "u")
		th, _ := s.CreateThread(ctx, models.NewThread{UserID: u.ID, CategoryID: 6, Title: "カジノの話をしよう", Body: "カジノ"})
		if th.FirstPostStatus != models.StatusHeld {
			t.Fatalf("status %v", th.FirstPostStatus)
		}
		mod := moderator(t, s, "m", "mod")
		if err := s.Review(ctx, mod, th.FirstPostID, models.ReviewApprove, ""); err != nil {
			t.Fatal(err)
		}
		list, _ := s.Threads(ctx, models.ThreadFilter{})
		cat, _ := s.CategoryByID(ctx, 6)
		if len(list.Threads) != 1 || cat.ThreadCount != 1 {
			t.Errorf("approved question: listed %d, category count %d", len(list.Threads), cat.ThreadCount)
		}
		r, _ := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: u.ID, Body: "カジノ again"})
		if err := s.Review(ctx, mod, r.ID, models.ReviewReject, "ad"); err != nil {
			t.Fatal(err)
		}
		view, _ := s.ThreadPage(ctx, staff, th.ID, 1)
		if view.Thread.ReplyCount != 0 {
			t.Errorf("rejected reply counted: %d", view.Thread.ReplyCount)
		}
	})
}

func TestModeratorActions(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		spammer, helper := signIn(t, s, "1", "spammer"), signIn(t, s, "2", "helper")
		mod := moderator(t, s, "3", "mod")
		th, _ := s.CreateThread(ctx, models.NewThread{UserID: helper.ID, CategoryID: 1, Title: "Cannot sign in", Body: "help"})
		s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: spammer.ID, Body: "visit my site"})
		spam, _ := s.CreateThread(ctx, models.NewThread{UserID: spammer.ID, CategoryID: 1, Title: "Cheap watches", Body: "buy now"})

		if err := s.ModerateThread(ctx, helper, th.ID, models.ThreadClose, 0, ""); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("member closed a thread: %v", err)
		}
		for _, a := range []models.ThreadAction{models.ThreadPin, models.ThreadClose} {
			if err := s.ModerateThread(ctx, mod, th.ID, a, 0, "tidy"); err != nil {
				t.Fatal(err)
			}
		}
		_, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: helper.ID, Body: "still broken"})
		refusedFor(t, err, models.RefuseClosed)
		if list, _ := s.Threads(ctx, models.ThreadFilter{CategoryID: 1, Pins: true}); len(list.Pinned) != 1 || list.Pinned[0].ID != th.ID {
			t.Errorf("pinned: %+v", list.Pinned)
		}
		if err := s.ModerateThread(ctx, mod, th.ID, models.ThreadMove, 3, "belongs in API"); err != nil {
			t.Fatal(err)
		}
		// Delete a spammer: every post at once, reversibly.
		if err := s.ModerateUser(ctx, mod, spammer.ID, models.UserPurge, time.Time{}, "spam"); err != nil {
			t.Fatal(err)
		}
		view, _ := s.ThreadPage(ctx, staff, th.ID, 1)
		if view.Thread.ReplyCount != 0 || !view.Posts[1].Deleted() {
			t.Errorf("purge: replies %d", view.Thread.ReplyCount)
		}
		if list, _ := s.Threads(ctx, models.ThreadFilter{}); len(list.Threads) != 1 {
			t.Errorf("spammer's thread still listed: %d", len(list.Threads))
		}
		if err := s.ModerateUser(ctx, mod, spammer.ID, models.UserUnpurge, time.Time{}, "mistake"); err != nil {
			t.Fatal(err)
		}
		view, _ = s.ThreadPage(ctx, staff, th.ID, 1)
		if view.Thread.ReplyCount != 1 || view.Posts[1].Deleted() {
			t.Errorf("unpurge: replies %d", view.Thread.ReplyCount)
		}
		if v, _ := s.ThreadPage(ctx, staff, spam.ID, 1); v.Thread.Hidden() {
			t.Errorf("spammer's thread still hidden after unpurge")
		}
		// Moderators do not act on each other; only admins grant roles.
		other := moderator(t, s, "4", "mod2")
		if err := s.ModerateUser(ctx, mod, other.ID, models.UserSuspend, time.Now().Add(time.Hour), ""); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("moderator suspended a moderator: %v", err)
		}
		if err := s.ModerateUser(ctx, mod, helper.ID, models.UserGrantMod, time.Time{}, ""); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("moderator granted a role: %v", err)
		}
		if err := s.ModerateUser(ctx, mod, helper.ID, models.UserSilence, time.Now().Add(time.Hour), "cool down"); err != nil {
			t.Fatal(err)
		}
		_, err = s.CreateThread(ctx, models.NewThread{UserID: helper.ID, CategoryID: 1, Title: "Another question", Body: "x"})
		refusedFor(t, err, models.RefuseSilenced)
		_, pages, _ := s.AuditLog(ctx, 1, 100)
		if pages.TotalItems < 7 {
			t.Errorf("audit entries: %d", pages.TotalItems)
		}
	})
}

func TestRulesAreStored(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		admin := signIn(t, s, "1", "admin")
		admin.Role = models.RoleAdmin
		r := models.DefaultRules
		r.NewMaxLinks = 5
		if err := s.SaveRules(ctx, signIn(t, s, "2", "member"), r); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("member saved rules: %v", err)
		}
		if err := s.SaveRules(ctx, admin, r); err != nil {
			t.Fatal(err)
		}
		got, err := s.Rules(ctx)
		if err != nil || got != r {
			t.Errorf("Rules = %+v, %v", got, err)
		}
	})
}

// An action, decision or word the forum does not know is the input's fault,
// not the system's: it is refused as invalid and changes nothing.
func TestUnknownModerationInputIsInvalid(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		helper := signIn(t, s, "1", "helper")
		admin := moderator(t, s, "2", "root")
		admin.Role = models.RoleAdmin
		th, _ := s.CreateThread(ctx, models.NewThread{UserID: helper.ID, CategoryID: 1, Title: "Cannot sign in", Body: "help"})
		_, before, _ := s.AuditLog(ctx, 1, 10)
		if err := s.ModerateThread(ctx, admin, th.ID, "frobnicate", 0, "x"); !models.IsInvalid(err) {
			t.Errorf("unknown thread action: %v", err)
		}
		if err := s.ModerateUser(ctx, admin, helper.ID, "zap", time.Now().Add(time.Hour), "x"); !models.IsInvalid(err) {
			t.Errorf("unknown user action: %v", err)
		}
		if err := s.Review(ctx, admin, th.FirstPostID, "", "x"); !models.IsInvalid(err) {
			t.Errorf("review without a decision: %v", err)
		}
		if _, after, _ := s.AuditLog(ctx, 1, 10); after.TotalItems != before.TotalItems {
			t.Errorf("refused input was logged: %d entries, %d before", after.TotalItems, before.TotalItems)
		}
		for _, a := range []models.ThreadAction{models.ThreadHide, models.ThreadPinSite, models.ThreadMove} {
			if !a.Valid() {
				t.Errorf("%s is not valid", a)
			}
		}
	})
}

// A word on the list already is a conflict; an insert that fails for any
// other reason is a failure, never "invalid input".
func TestWatchedWordFailuresMeanWhatTheySay(t *testing.T) {
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db, dialect := modeltest.Open(t, d)
			s := models.NewStore(db, dialect)
			ctx := context.Background()
			admin := moderator(t, s, "1", "root")
			admin.Role = models.RoleAdmin
			w := models.WatchedWord{Pattern: "cheap watches", Kind: "word", Action: models.WatchBlock}
			if err := s.AddWatchedWord(ctx, admin, w); err != nil {
				t.Fatal(err)
			}
			err := s.AddWatchedWord(ctx, admin, w)
			if !errors.Is(err, models.ErrConflict) || models.IsInvalid(err) {
				t.Errorf("word on the list already: %v", err)
			}
			// The table is gone: the database refuses the insert.
			if err := db.Exec("ALTER TABLE watched_words RENAME TO watched_words_gone").Error; err != nil {
				t.Fatal(err)
			}
			err = s.AddWatchedWord(ctx, admin, models.WatchedWord{Pattern: "fake pills", Kind: "word", Action: models.WatchBlock})
			if err == nil || models.IsInvalid(err) || errors.Is(err, models.ErrConflict) {
				t.Errorf("failed insert: %v", err)
			}
		})
	}
}
