package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"hiroba/migrations"
	"hiroba/models"
	"hiroba/models/modeltest"
)

// replyResult is what one caller of CreateReply heard.
type replyResult struct {
	post models.Post
	err  error
}

// replyInOneBatch sends replies while the store holds its batches, one
// after another so that they queue in this order, then lets them go: the
// replies to one thread are written in one transaction (on PostgreSQL,
// replies to threads of other lanes in batches of their own, at once).
// ctxs, where given, are the callers'.
func replyInOneBatch(t *testing.T, s *models.Store, replies []models.NewReply, ctxs ...context.Context) []replyResult {
	t.Helper()
	s.HoldReplies()
	out := make([]replyResult, len(replies))
	var wg sync.WaitGroup
	for i, in := range replies {
		ctx := context.Background()
		if i < len(ctxs) && ctxs[i] != nil {
			ctx = ctxs[i]
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i].post, out[i].err = s.CreateReply(ctx, in)
		}()
		waitQueued(t, s, i+1)
	}
	s.ReleaseReplies()
	wg.Wait()
	return out
}

// waitQueued waits until n replies wait for a batch.
func waitQueued(t *testing.T, s *models.Store, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); s.QueuedReplies() < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d replies queued, want %d", s.QueuedReplies(), n)
		}
	}
}

// threadPositions checks a thread's counters against its posts, which must
// hold every position from 1 without a gap, and returns the replies' ids
// in order.
func threadPositions(t *testing.T, s *models.Store, threadID int64, replies int) []int64 {
	t.Helper()
	view, err := s.ThreadPage(context.Background(), staff, threadID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if view.Thread.PostCount != replies+1 || view.Thread.ReplyCount != replies || len(view.Posts) != replies+1 {
		t.Fatalf("thread %d: post count %d, reply count %d, %d posts; want %d replies",
			threadID, view.Thread.PostCount, view.Thread.ReplyCount, len(view.Posts), replies)
	}
	var ids []int64
	for i, p := range view.Posts {
		if p.Position != i+1 {
			t.Fatalf("thread %d: post %d has position %d", threadID, i, p.Position)
		}
		ids = append(ids, p.ID)
	}
	return ids[1:]
}

func TestRepliesInOneBatchLandInOrder(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		announced := map[models.Key]int{}
		s.OnChange(func(keys []models.Key) {
			mu.Lock()
			defer mu.Unlock()
			for _, k := range keys {
				announced[k]++
			}
		})
		asker := signIn(t, s, "asker", "asker")
		var threads []models.Thread
		for i := range 3 {
			th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: 1, Title: fmt.Sprint("Question ", i), Body: fmt.Sprint("body ", i)})
			if err != nil {
				t.Fatal(err)
			}
			threads = append(threads, th)
		}
		// 40 replies from 10 people, to three threads in turn.
		var users []models.User
		for i := range 10 {
			users = append(users, signIn(t, s, fmt.Sprint(i), fmt.Sprint("helper", i)))
		}
		var replies []models.NewReply
		for i := range 40 {
			replies = append(replies, models.NewReply{ThreadID: threads[i%3].ID, UserID: users[i%10].ID, Body: fmt.Sprint("reply ", i)})
		}
		mu.Lock()
		clear(announced)
		mu.Unlock()
		got := replyInOneBatch(t, s, replies)
		want := map[int64][]int64{}
		for i, r := range got {
			if r.err != nil {
				t.Fatalf("reply %d: %v", i, r.err)
			}
			in := replies[i]
			if r.post.ThreadID != in.ThreadID || r.post.Thread.ID != in.ThreadID || r.post.Source != in.Body || r.post.ID == 0 {
				t.Errorf("reply %d came back as %+v", i, r.post)
			}
			// Replies to one thread take their places in the order they came.
			want[in.ThreadID] = append(want[in.ThreadID], r.post.ID)
			if r.post.Position != len(want[in.ThreadID])+1 {
				t.Errorf("reply %d: position %d, want %d", i, r.post.Position, len(want[in.ThreadID])+1)
			}
		}
		for _, th := range threads {
			if ids := threadPositions(t, s, th.ID, len(want[th.ID])); !slices.Equal(ids, want[th.ID]) {
				t.Errorf("thread %d: replies %v, want %v", th.ID, ids, want[th.ID])
			}
		}
		// Every reply said what it changed, by the time its caller heard.
		mu.Lock()
		defer mu.Unlock()
		for _, th := range threads {
			if announced[models.ThreadKey(th.ID)] != len(want[th.ID]) {
				t.Errorf("thread %d announced %d times, want %d", th.ID, announced[models.ThreadKey(th.ID)], len(want[th.ID]))
			}
		}
		for _, u := range users {
			if announced[models.UserKey(u.ID)] != 4 {
				t.Errorf("user %d announced %d times, want 4", u.ID, announced[models.UserKey(u.ID)])
			}
		}
		// The asker watches each thread and heard of every reply in it.
		n, err := s.UnreadCount(ctx, asker)
		if err != nil || n != 40 {
			t.Errorf("asker's unread notifications: %d, %v; want 40", n, err)
		}
	})
}

func TestRefusedReplyInABatchLeavesTheOthers(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		admin := moderator(t, s, "9", "root")
		admin.Role = models.RoleAdmin
		if err := s.AddWatchedWord(ctx, admin, models.WatchedWord{Pattern: "xyzzy", Kind: "word", Action: models.WatchBlock}); err != nil {
			t.Fatal(err)
		}
		a, b := signIn(t, s, "1", "hana"), signIn(t, s, "2", "ken")
		th, err := s.CreateThread(ctx, models.NewThread{UserID: a.ID, CategoryID: 1, Title: "Invoices", Body: "Where are they?"})
		if err != nil {
			t.Fatal(err)
		}
		closed, err := s.CreateThread(ctx, models.NewThread{UserID: a.ID, CategoryID: 1, Title: "Old question", Body: "Solved long ago"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ModerateThread(ctx, admin, closed.ID, models.ThreadClose, 0, ""); err != nil {
			t.Fatal(err)
		}
		got := replyInOneBatch(t, s, []models.NewReply{
			{ThreadID: th.ID, UserID: b.ID, Body: "Under Billing."},
			{ThreadID: th.ID, UserID: b.ID, Body: "Try xyzzy instead."},
			{ThreadID: closed.ID, UserID: b.ID, Body: "Me too."},
			{ThreadID: th.ID + 1000, UserID: b.ID, Body: "Nobody reads this."},
			{ThreadID: th.ID, UserID: a.ID, Body: "Found them, thanks."},
		})
		if got[0].err != nil || got[0].post.Position != 2 {
			t.Errorf("first reply: position %d, %v", got[0].post.Position, got[0].err)
		}
		refusedFor(t, got[1].err, models.RefuseBlockedWord)
		refusedFor(t, got[2].err, models.RefuseClosed)
		if !errors.Is(got[3].err, models.ErrNotFound) {
			t.Errorf("reply to a missing thread: %v, want ErrNotFound", got[3].err)
		}
		if got[4].err != nil || got[4].post.Position != 3 {
			t.Errorf("last reply: position %d, %v", got[4].post.Position, got[4].err)
		}
		if ids := threadPositions(t, s, th.ID, 2); !slices.Equal(ids, []int64{got[0].post.ID, got[4].post.ID}) {
			t.Errorf("replies %v", ids)
		}
		threadPositions(t, s, closed.ID, 0)
	})
}

func TestRulesSeeEarlierRepliesOfTheSameBatch(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a, b := signIn(t, s, "1", "hana"), signIn(t, s, "2", "ken")
		th, err := s.CreateThread(ctx, models.NewThread{UserID: a.ID, CategoryID: 1, Title: "Invoices", Body: "Where are they?"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.CreateThread(ctx, models.NewThread{UserID: a.ID, CategoryID: 1, Title: "Receipts", Body: "And these?"})
		if err != nil {
			t.Fatal(err)
		}
		rules := modeltest.PermissiveRules
		rules.DuplicateWindow = models.Duration(5 * time.Minute)
		if err := s.SetRules(ctx, rules); err != nil {
			t.Fatal(err)
		}
		// The same text twice from one person; the same text from
		// someone else is theirs to send.
		got := replyInOneBatch(t, s, []models.NewReply{
			{ThreadID: th.ID, UserID: b.ID, Body: "Look under Billing."},
			{ThreadID: th.ID, UserID: b.ID, Body: "  Look under Billing.\n"},
			{ThreadID: th.ID, UserID: a.ID, Body: "Look under Billing."},
		})
		if got[0].err != nil || got[2].err != nil {
			t.Fatalf("first replies: %v, %v", got[0].err, got[2].err)
		}
		refusedFor(t, got[1].err, models.RefuseDuplicate)
		threadPositions(t, s, th.ID, 2)
		// Once committed, it is a duplicate in any thread.
		if _, err := s.CreateReply(ctx, models.NewReply{ThreadID: other.ID, UserID: b.ID, Body: "Look under Billing."}); err == nil {
			t.Error("the same text in another thread was taken")
		} else {
			refusedFor(t, err, models.RefuseDuplicate)
		}
		threadPositions(t, s, other.ID, 0)

		// The wait between posts counts from a reply earlier in the batch.
		rules.Cooldown = models.Duration(time.Minute)
		if err := s.SetRules(ctx, rules); err != nil {
			t.Fatal(err)
		}
		c := signIn(t, s, "3", "mio")
		got = replyInOneBatch(t, s, []models.NewReply{
			{ThreadID: other.ID, UserID: c.ID, Body: "Under Billing, then Receipts."},
			{ThreadID: other.ID, UserID: c.ID, Body: "Or ask support."},
		})
		if got[0].err != nil {
			t.Fatal(got[0].err)
		}
		refusedFor(t, got[1].err, models.RefuseCooldown)
		threadPositions(t, s, other.ID, 1)
	})
}

func TestFailingReplyInABatchLeavesTheOthers(t *testing.T) {
	t.Parallel()
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db, dialect := modeltest.Open(t, d)
			// The database refuses one reply, after its thread's counters
			// were bumped: the bump must not stay, nor the refusal reach
			// the others.
			boom := []string{`CREATE TRIGGER boom BEFORE INSERT ON posts WHEN new.source = 'boom'
				BEGIN SELECT RAISE(ABORT, 'boom'); END`}
			if dialect == migrations.Postgres {
				boom = []string{`CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
					BEGIN IF new.source = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN new; END $$`,
					`CREATE TRIGGER boom BEFORE INSERT ON posts FOR EACH ROW EXECUTE FUNCTION boom()`}
			}
			for _, sql := range boom {
				if err := db.Exec(sql).Error; err != nil {
					t.Fatal(err)
				}
			}
			s := models.NewStore(db, dialect)
			if err := s.EnsureDefaultCategories(context.Background()); err != nil {
				t.Fatal(err)
			}
			modeltest.Relax(t, s)
			ctx := context.Background()
			a, b := signIn(t, s, "1", "hana"), signIn(t, s, "2", "ken")
			th, err := s.CreateThread(ctx, models.NewThread{UserID: a.ID, CategoryID: 1, Title: "Invoices", Body: "Where are they?"})
			if err != nil {
				t.Fatal(err)
			}
			got := replyInOneBatch(t, s, []models.NewReply{
				{ThreadID: th.ID, UserID: b.ID, Body: "Under Billing."},
				{ThreadID: th.ID, UserID: b.ID, Body: "boom"},
				{ThreadID: th.ID, UserID: a.ID, Body: "Thanks!"},
			})
			var refused *models.RefusedError
			if got[1].err == nil || errors.As(got[1].err, &refused) {
				t.Errorf("failing reply: %v, want the database's error", got[1].err)
			}
			if got[0].err != nil || got[2].err != nil || got[0].post.Position != 2 || got[2].post.Position != 3 {
				t.Fatalf("the others: %+v", got)
			}
			if ids := threadPositions(t, s, th.ID, 2); !slices.Equal(ids, []int64{got[0].post.ID, got[2].post.ID}) {
				t.Errorf("replies %v", ids)
			}
			// Alone, it fails as before, and the thread is as it was.
			if _, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: b.ID, Body: "boom"}); err == nil {
				t.Error("a lone failing reply was stored")
			}
			threadPositions(t, s, th.ID, 2)
		})
	}
}

func TestCallerLeavingDoesNotAbortTheBatch(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a, b := signIn(t, s, "1", "hana"), signIn(t, s, "2", "ken")
		th, err := s.CreateThread(ctx, models.NewThread{UserID: a.ID, CategoryID: 1, Title: "Invoices", Body: "Where are they?"})
		if err != nil {
			t.Fatal(err)
		}
		// The second caller gives up while its reply waits: it hears so at
		// once, its reply is never written, and the others are.
		s.HoldReplies()
		leaving, leave := context.WithCancel(ctx)
		results := make([]replyResult, 3)
		var wg sync.WaitGroup
		left := make(chan struct{})
		for i, in := range []models.NewReply{
			{ThreadID: th.ID, UserID: b.ID, Body: "Under Billing."},
			{ThreadID: th.ID, UserID: b.ID, Body: "Never mind."},
			{ThreadID: th.ID, UserID: a.ID, Body: "Thanks!"},
		} {
			ctx := ctx
			if i == 1 {
				ctx = leaving
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i].post, results[i].err = s.CreateReply(ctx, in)
				if i == 1 {
					close(left)
				}
			}()
			waitQueued(t, s, i+1)
		}
		leave()
		select {
		case <-left:
		case <-time.After(10 * time.Second):
			t.Fatal("the caller that left is still waiting")
		}
		s.ReleaseReplies()
		wg.Wait()
		if !errors.Is(results[1].err, context.Canceled) {
			t.Errorf("the caller that left: %v, want context.Canceled", results[1].err)
		}
		if results[0].err != nil || results[2].err != nil || results[2].post.Position != 3 {
			t.Fatalf("the others: %+v", results)
		}
		if ids := threadPositions(t, s, th.ID, 2); !slices.Equal(ids, []int64{results[0].post.ID, results[2].post.ID}) {
			t.Errorf("replies %v", ids)
		}
	})
}
