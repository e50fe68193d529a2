package models_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"hiroba/models"
)

// foundThreads are the threads a search finds, best first.
func foundThreads(t *testing.T, s *models.Store, q string) []int64 {
	t.Helper()
	res, err := s.Search(context.Background(), models.SearchInput{Query: q})
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, r := range res.Results {
		out = append(out, r.Thread.ID)
	}
	return out
}

// similarThreads are the threads offered beside a question being typed.
func similarThreads(t *testing.T, s *models.Store, title string) []int64 {
	t.Helper()
	res, err := s.SimilarThreads(context.Background(), title, 10)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, r := range res {
		out = append(out, r.Thread.ID)
	}
	return out
}

func auditActions(t *testing.T, s *models.Store) map[string]int {
	t.Helper()
	entries, _, err := s.AuditLog(context.Background(), 1, 200)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, e := range entries {
		out[e.Action]++
	}
	return out
}

func TestCloseAsDuplicate(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		hana, ken, mika := signIn(t, s, "1", "hana"), signIn(t, s, "2", "ken"), signIn(t, s, "3", "mika")
		mod := moderator(t, s, "4", "mori")
		newThread := func(u models.User, title, body string) models.Thread {
			t.Helper()
			th, err := s.CreateThread(ctx, models.NewThread{UserID: u.ID, CategoryID: 1, Title: title, Body: body})
			if err != nil {
				t.Fatal(err)
			}
			return th
		}
		orig := newThread(hana, "CSV export stuck at 99 percent", "The export stops at 99 percent every time.")
		dup := newThread(ken, "CSV export stuck at 99 percent again", "My zanzibar export hangs near the end.")
		hidden := newThread(hana, "Another export question", "Hidden by a moderator.")
		if err := s.ModerateThread(ctx, mod, hidden.ID, models.ThreadHide, 0, "spam"); err != nil {
			t.Fatal(err)
		}
		if got := foundThreads(t, s, "zanzibar"); !slices.Equal(got, []int64{dup.ID}) {
			t.Fatalf("before closing, zanzibar finds %v", got)
		}

		// Only its asker and moderators close a thread; an original must be
		// another thread, open to everyone.
		for _, c := range []struct {
			who      models.User
			original int64
			want     error
		}{
			{mika, orig.ID, models.ErrForbidden},
			{ken, dup.ID, models.ErrSameThread},
			{ken, hidden.ID, models.ErrOriginalUnavailable},
			{ken, 99999, models.ErrOriginalUnavailable},
		} {
			if err := s.CloseAsDuplicate(ctx, c.who, dup.ID, c.original); !errors.Is(err, c.want) {
				t.Errorf("%s closes as a duplicate of %d: %v, want %v", c.who.Username, c.original, err, c.want)
			}
		}

		if err := s.CloseAsDuplicate(ctx, ken, dup.ID, orig.ID); err != nil {
			t.Fatal(err)
		}
		view, err := s.ThreadPage(ctx, nil, dup.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if view.Thread.DuplicateOf == nil || *view.Thread.DuplicateOf != orig.ID || len(view.Posts) != 1 {
			t.Fatalf("closed thread reads duplicate of %v with %d posts", view.Thread.DuplicateOf, len(view.Posts))
		}
		if o, err := s.DuplicateOriginal(ctx, nil, view.Thread); err != nil || o == nil || o.ID != orig.ID {
			t.Errorf("original shown: %+v %v", o, err)
		}
		// Out of search and of the similar threads; the original stays in.
		if got := foundThreads(t, s, "zanzibar"); len(got) != 0 {
			t.Errorf("a duplicate is found: %v", got)
		}
		if got := foundThreads(t, s, "export"); !slices.Equal(got, []int64{orig.ID}) {
			t.Errorf("export finds %v, want only the original %d", got, orig.ID)
		}
		if got := similarThreads(t, s, "CSV export stuck"); !slices.Equal(got, []int64{orig.ID}) {
			t.Errorf("similar threads %v, want only the original %d", got, orig.ID)
		}
		// Closed to replies, a moderator's too.
		for _, u := range []models.User{mika, mod} {
			_, err := s.CreateReply(ctx, models.NewReply{ThreadID: dup.ID, UserID: u.ID, Body: "Me too, since Monday."})
			refusedFor(t, err, models.RefuseClosed)
		}
		// A duplicate of the duplicate is one of the original; the original
		// cannot become a duplicate of its own duplicate.
		third := newThread(mika, "Export at 99%", "Same here.")
		if err := s.CloseAsDuplicate(ctx, mika, third.ID, dup.ID); err != nil {
			t.Fatal(err)
		}
		if v, _ := s.ThreadPage(ctx, nil, third.ID, 1); v.Thread.DuplicateOf == nil || *v.Thread.DuplicateOf != orig.ID {
			t.Errorf("a duplicate of a duplicate points at %v, want %d", v.Thread.DuplicateOf, orig.ID)
		}
		if err := s.CloseAsDuplicate(ctx, hana, orig.ID, dup.ID); !errors.Is(err, models.ErrSameThread) {
			t.Errorf("original closed as a duplicate of its duplicate: %v", err)
		}

		// The asker reopens it, and search finds it again.
		if err := s.ReopenDuplicate(ctx, mika, dup.ID); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("another member reopens: %v", err)
		}
		if err := s.ReopenDuplicate(ctx, ken, dup.ID); err != nil {
			t.Fatal(err)
		}
		if got := foundThreads(t, s, "zanzibar"); !slices.Equal(got, []int64{dup.ID}) {
			t.Errorf("reopened, zanzibar finds %v", got)
		}
		if _, err := s.CreateReply(ctx, models.NewReply{ThreadID: dup.ID, UserID: mika.ID, Body: "Try a smaller date range."}); err != nil {
			t.Errorf("a reply to the reopened thread: %v", err)
		}
		// Closed by a moderator, it stays closed for its asker.
		if err := s.CloseAsDuplicate(ctx, mod, dup.ID, orig.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.ReopenDuplicate(ctx, ken, dup.ID); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("the asker undoes a moderator's close: %v", err)
		}
		elsewhere := newThread(hana, "Exports time out", "Large exports time out.")
		if err := s.CloseAsDuplicate(ctx, ken, dup.ID, elsewhere.ID); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("the asker points a moderator's close elsewhere: %v", err)
		}
		if err := s.ReopenDuplicate(ctx, mod, dup.ID); err != nil {
			t.Fatal(err)
		}
		got := auditActions(t, s)
		if got["thread.duplicate"] != 3 || got["thread.unduplicate"] != 2 {
			t.Errorf("audit log: %v, want 3 closes and 2 reopenings", got)
		}
	})
}

func TestMergeAndUnmerge(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		hana, ken, mika := signIn(t, s, "1", "hana"), signIn(t, s, "2", "ken"), signIn(t, s, "3", "mika")
		tom, lee := signIn(t, s, "4", "tom"), signIn(t, s, "5", "lee")
		mod := moderator(t, s, "9", "mori")
		base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		at := func(minutes int) time.Time { return base.Add(time.Duration(minutes) * time.Minute) }
		imported, err := s.ImportThreads(ctx, []models.ImportedThread{
			{CategoryID: 1, Title: "Login loop after the update", Posts: []models.ImportedPost{
				{UserID: hana.ID, Body: "Signing in sends me back to the sign-in page.", CreatedAt: at(0)},
				{UserID: ken.ID, Body: "Clear the cookies of the site.", CreatedAt: at(20), HelpfulBy: []int64{hana.ID}},
				{UserID: hana.ID, Body: "That did not help.", CreatedAt: at(40)},
			}},
			{CategoryID: 2, Title: "Cannot stay signed in quokka", Posts: []models.ImportedPost{
				{UserID: tom.ID, Body: "Every sign-in ends on the sign-in page again.", CreatedAt: at(10)},
				{UserID: mika.ID, Body: "Same here, a wombat error in the console.", CreatedAt: at(30), HelpfulBy: []int64{tom.ID, ken.ID}},
				{UserID: lee.ID, Body: "A private window works for me.", CreatedAt: at(50)},
			}},
			{CategoryID: 1, Title: "Hidden elsewhere", Posts: []models.ImportedPost{{UserID: lee.ID, Body: "spam", CreatedAt: at(5)}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		into, from, hidden := imported[0], imported[1], imported[2]
		// The question's history travels with it.
		if _, _, err := s.EditPost(ctx, tom, from.FirstPostID, models.PostEdit{Body: "Every sign-in ends on the sign-in page again, since Tuesday."}); err != nil {
			t.Fatal(err)
		}
		// Watchers of both, and a mute that stays where it was chosen.
		for _, w := range []struct {
			u     models.User
			th    models.Thread
			level models.WatchLevel
		}{{tom, from, models.Watching}, {ken, from, models.Watching}, {ken, into, models.Watching}, {lee, from, models.Muted}} {
			if err := s.SetWatch(ctx, w.u, w.th.ID, w.level); err != nil {
				t.Fatal(err)
			}
		}
		// "Me too"s, mika's on from only, lee's on both.
		for _, m := range []struct{ thread, user int64 }{{from.ID, mika.ID}, {from.ID, lee.ID}, {into.ID, lee.ID}} {
			if err := s.ExecForTest(ctx, `INSERT INTO thread_me_toos (thread_id, user_id, created_at) VALUES (?, ?, ?)`, m.thread, m.user, at(60)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.ExecForTest(ctx, `UPDATE threads SET me_too_count = (SELECT COUNT(*) FROM thread_me_toos m WHERE m.thread_id = threads.id)`); err != nil {
			t.Fatal(err)
		}
		if err := s.ModerateThread(ctx, mod, hidden.ID, models.ThreadHide, 0, "spam"); err != nil {
			t.Fatal(err)
		}
		tables := []string{"posts", "post_votes", "post_revisions", "thread_me_toos", "thread_watches", "notifications"}
		snapshot := func() map[string][]string {
			t.Helper()
			out := map[string][]string{}
			for _, name := range tables {
				rows, err := s.TableRows(ctx, name)
				if err != nil {
					t.Fatal(err)
				}
				out[name] = rows
			}
			for _, th := range []models.Thread{from, into} {
				row, err := s.ThreadCountersForTest(ctx, th.ID)
				if err != nil {
					t.Fatal(err)
				}
				out["thread "+th.Title] = []string{row}
			}
			return out
		}
		before := snapshot()
		if got := foundThreads(t, s, "quokka"); !slices.Equal(got, []int64{from.ID}) {
			t.Fatalf("before the merge quokka finds %v", got)
		}

		// Moderators only, and never into a thread out of public view.
		if _, err := s.MergeThreads(ctx, hana, from.ID, into.ID); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("a member merges: %v", err)
		}
		if _, err := s.MergeThreads(ctx, mod, from.ID, hidden.ID); !errors.Is(err, models.ErrOriginalUnavailable) {
			t.Errorf("merged into a hidden thread: %v", err)
		}
		if _, err := s.MergeThreads(ctx, mod, from.ID, from.ID); !errors.Is(err, models.ErrSameThread) {
			t.Errorf("merged into itself: %v", err)
		}
		preview, err := s.PreviewMerge(ctx, mod, from.ID, into.ID)
		if err != nil || preview.Posts != 3 || preview.MeToos != 1 || preview.Watches != 1 || preview.Into.ID != into.ID {
			t.Errorf("preview: %+v %v", preview, err)
		}
		if after := snapshot(); !sameSnapshot(t, before, after) {
			t.Fatal("refused merges and a preview changed the forum")
		}

		m, err := s.MergeThreads(ctx, mod, from.ID, into.ID)
		if err != nil {
			t.Fatal(err)
		}
		view, err := s.ThreadPage(ctx, staff, into.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		// In the order written, the original's question first; each post
		// keeps its author and votes.
		var authors []string
		var helpful []int
		for i, p := range view.Posts {
			if p.Position != i+1 || p.ThreadID != into.ID {
				t.Errorf("post %d at %d of thread %d", p.ID, p.Position, p.ThreadID)
			}
			authors = append(authors, p.User.Username)
			helpful = append(helpful, p.HelpfulCount)
		}
		if want := []string{"hana", "tom", "ken", "mika", "hana", "lee"}; !slices.Equal(authors, want) {
			t.Errorf("authors in order %v, want %v", authors, want)
		}
		if want := []int{0, 0, 1, 2, 0, 0}; !slices.Equal(helpful, want) {
			t.Errorf("helpful counts %v, want %v", helpful, want)
		}
		th := view.Thread
		if th.PostCount != 6 || th.ReplyCount != 5 || th.HelpfulCount != 3 || !th.LastPostedAt.Equal(at(50)) || th.LastPosterID != lee.ID {
			t.Errorf("into's counters: posts %d replies %d helpful %d last %v by %d", th.PostCount, th.ReplyCount, th.HelpfulCount, th.LastPostedAt, th.LastPosterID)
		}
		if n, _ := s.CountRows(ctx, "threads", "id = ? AND me_too_count = 2", into.ID); n != 1 {
			t.Error("into's me-too count is not 2")
		}
		question, err := s.PostByID(ctx, staff, from.FirstPostID)
		if err != nil || question.ThreadID != into.ID || question.Position != 2 {
			t.Fatalf("from's question: %+v %v", question, err)
		}
		if history, err := s.History(ctx, staff, question, nil); err != nil || len(history) != 1 {
			t.Errorf("the question's history: %d versions, %v", len(history), err)
		}
		if voted, _ := s.VotedPosts(ctx, tom.ID, []int64{view.Posts[3].ID}); !voted[view.Posts[3].ID] {
			t.Error("tom's vote did not follow the reply")
		}
		// Me-toos and watchers carried over once each; lee's mute stayed.
		if !slices.Equal(m.Moved.MeToos, []int64{mika.ID}) || len(m.Moved.Watches) != 1 || m.Moved.Watches[0].UserID != tom.ID {
			t.Errorf("recorded me-toos %v and watches %+v", m.Moved.MeToos, m.Moved.Watches)
		}
		if n, _ := s.CountRows(ctx, "thread_me_toos", "thread_id = ?", into.ID); n != 2 {
			t.Errorf("into has %d me-toos, want 2", n)
		}
		for u, want := range map[models.User]models.WatchLevel{tom: models.Watching, ken: models.Watching, lee: models.NotWatching} {
			if got, _ := s.WatchLevel(ctx, u.ID, into.ID); got != want {
				t.Errorf("%s watches into at %q, want %q", u.Username, got, want)
			}
		}
		// From sends its readers to its question's new place, and is out of
		// lists and search; its words are the original's now.
		_, err = s.ThreadPage(ctx, nil, from.ID, 1)
		var merged *models.MergedError
		if !errors.As(err, &merged) || merged.ThreadID != into.ID || merged.PostID != from.FirstPostID || merged.Position != 2 {
			t.Errorf("from's page: %v", err)
		}
		if !errors.Is(err, models.ErrNotFound) {
			t.Error("a merged thread is not 'not found' to callers that do not redirect")
		}
		list, err := s.Threads(ctx, models.ThreadFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(list.Threads); slices.Contains(got, from.ID) || !slices.Contains(got, into.ID) {
			t.Errorf("listed threads %v", got)
		}
		if got := foundThreads(t, s, "wombat"); !slices.Equal(got, []int64{into.ID}) {
			t.Errorf("wombat finds %v, want the original %d", got, into.ID)
		}
		if got := foundThreads(t, s, "quokka"); len(got) != 0 {
			t.Errorf("from's title still finds %v", got)
		}
		_, err = s.CreateReply(ctx, models.NewReply{ThreadID: from.ID, UserID: ken.ID, Body: "Still there?"})
		refusedFor(t, err, models.RefuseClosed)
		// Its asker hears of it once, as the moderator's doing.
		notes, err := s.Notifications(ctx, tom, 1, 20)
		if err != nil {
			t.Fatal(err)
		}
		var mergedNotes []models.Notification
		for _, n := range notes.Items {
			if n.Kind == models.NotifyMerged {
				mergedNotes = append(mergedNotes, n)
			}
		}
		if len(mergedNotes) != 1 || mergedNotes[0].ThreadID != into.ID || mergedNotes[0].PostID != from.FirstPostID || mergedNotes[0].ActorID != mod.ID {
			t.Errorf("tom's merge notifications: %+v", mergedNotes)
		}
		if got := auditActions(t, s); got["thread.merge"] != 1 {
			t.Errorf("audit log: %v", got)
		}
		if _, err := s.MergeThreads(ctx, mod, from.ID, into.ID); !errors.Is(err, models.ErrMerged) {
			t.Errorf("merged twice: %v", err)
		}

		// Undone, everything is as it was.
		if err := s.Unmerge(ctx, hana, m.ID); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("a member unmerges: %v", err)
		}
		if err := s.Unmerge(ctx, mod, m.ID); err != nil {
			t.Fatal(err)
		}
		if !sameSnapshot(t, before, snapshot()) {
			t.Error("unmerge did not restore the forum")
		}
		if got := foundThreads(t, s, "quokka"); !slices.Equal(got, []int64{from.ID}) {
			t.Errorf("after the unmerge quokka finds %v", got)
		}
		if got := foundThreads(t, s, "wombat"); !slices.Equal(got, []int64{from.ID}) {
			t.Errorf("after the unmerge wombat finds %v", got)
		}
		if err := s.Unmerge(ctx, mod, m.ID); err != nil {
			t.Errorf("undone twice: %v", err)
		}
		merges, _, err := s.ThreadMerges(ctx, mod, 1, 20)
		if err != nil || len(merges) != 1 || !merges[0].Undone() || merges[0].From.ID != from.ID || merges[0].Into.ID != into.ID || merges[0].Mover.ID != mod.ID {
			t.Errorf("merges listed: %+v %v", merges, err)
		}
		if got := auditActions(t, s); got["thread.unmerge"] != 1 {
			t.Errorf("audit log: %v", got)
		}

		// Merged again, the original takes a reply; undoing the merge
		// leaves it, after the original's own posts.
		m, err = s.MergeThreads(ctx, mod, from.ID, into.ID)
		if err != nil {
			t.Fatal(err)
		}
		late := reply(t, s, into, ken, "The new build fixes it.")
		if late.Position != 7 {
			t.Errorf("a reply after the merge takes position %d, want 7", late.Position)
		}
		if err := s.Unmerge(ctx, mod, m.ID); err != nil {
			t.Fatal(err)
		}
		view, err = s.ThreadPage(ctx, staff, into.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(view.Posts) != 4 || view.Posts[3].ID != late.ID || view.Posts[3].Position != 4 ||
			view.Thread.PostCount != 4 || view.Thread.ReplyCount != 3 || view.Thread.LastPosterID != ken.ID {
			t.Errorf("into after the second unmerge: %d posts, counts %d/%d, last poster %d", len(view.Posts), view.Thread.PostCount, view.Thread.ReplyCount, view.Thread.LastPosterID)
		}
		after := snapshot()
		if !slices.Equal(before["thread "+from.Title], after["thread "+from.Title]) {
			t.Errorf("from after the second unmerge: %v, want %v", after["thread "+from.Title], before["thread "+from.Title])
		}
	})
}

// sameSnapshot reports whether two snapshots agree, naming what differs.
func sameSnapshot(t *testing.T, want, got map[string][]string) bool {
	t.Helper()
	same := true
	for name, rows := range want {
		if !slices.Equal(rows, got[name]) {
			t.Errorf("%s differs:\n before: %q\n after:  %q", name, rows, got[name])
			same = false
		}
	}
	return same
}

// Merging into a duplicate merges into its original. A merge into a thread
// merged since waits until that thread is unmerged.
func TestMergeFollowsOriginals(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		hana, ken := signIn(t, s, "1", "hana"), signIn(t, s, "2", "ken")
		mod := moderator(t, s, "9", "mori")
		var threads []models.Thread
		for i, title := range []string{"Webhook retries", "Webhooks retried twice", "Webhook fired three times", "Webhook delivery FAQ"} {
			th, err := s.CreateThread(ctx, models.NewThread{UserID: []models.User{hana, ken}[i%2].ID, CategoryID: 1, Title: title, Body: "Retries."})
			if err != nil {
				t.Fatal(err)
			}
			threads = append(threads, th)
		}
		a, b, c, d := threads[0], threads[1], threads[2], threads[3]
		if err := s.CloseAsDuplicate(ctx, ken, b.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		first, err := s.MergeThreads(ctx, mod, c.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if first.IntoThreadID != a.ID {
			t.Errorf("merged into %d, want the original %d", first.IntoThreadID, a.ID)
		}
		second, err := s.MergeThreads(ctx, mod, a.ID, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if view, err := s.ThreadPage(ctx, staff, d.ID, 1); err != nil || len(view.Posts) != 3 {
			t.Fatalf("d holds %d posts: %v", len(view.Posts), err)
		}
		// c's old address follows its question to d.
		var merged *models.MergedError
		if _, err := s.ThreadPage(ctx, nil, c.ID, 1); !errors.As(err, &merged) || merged.ThreadID != d.ID || merged.PostID != c.FirstPostID {
			t.Errorf("c's page: %v", err)
		}
		if err := s.Unmerge(ctx, mod, first.ID); !errors.Is(err, models.ErrMerged) {
			t.Errorf("undoing a merge into a merged thread: %v", err)
		}
		if err := s.Unmerge(ctx, mod, second.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Unmerge(ctx, mod, first.ID); err != nil {
			t.Fatal(err)
		}
		for _, th := range threads {
			v, err := s.ThreadPage(ctx, staff, th.ID, 1)
			if err != nil || len(v.Posts) != 1 || v.Posts[0].ID != th.FirstPostID || v.Thread.PostCount != 1 || v.Thread.MergedInto != nil {
				t.Errorf("thread %d after both unmerges: %v", th.ID, err)
			}
		}
		// b is still a duplicate of a; c is nobody's.
		if v, _ := s.ThreadPage(ctx, staff, b.ID, 1); v.Thread.DuplicateOf == nil || *v.Thread.DuplicateOf != a.ID {
			t.Errorf("b after the unmerges: duplicate of %v", v.Thread.DuplicateOf)
		}
		if v, _ := s.ThreadPage(ctx, staff, c.ID, 1); v.Thread.DuplicateOf != nil {
			t.Errorf("c after the unmerges: duplicate of %v", *v.Thread.DuplicateOf)
		}
	})
}
