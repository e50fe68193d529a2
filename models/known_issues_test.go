package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"hiroba/models"
)

func knownIssueInput() models.KnownIssueInput {
	return models.KnownIssueInput{
		TitleEN: "Login loop after the update", TitleJA: "更新後にログインできない",
		BodyEN:   "Signing in sends you back to the sign-in page. We are on it.",
		BodyJA:   "ログインするとログイン画面に戻ります。対応中です。",
		Severity: models.KnownIssueMajor, StatusURL: "https://status.example.com/incidents/42",
		CategoryID: 1,
	}
}

// refusedFields is what a *KnownIssueError refused, field by field.
func refusedFields(t *testing.T, err error) map[string]string {
	t.Helper()
	var refused *models.KnownIssueError
	if !errors.As(err, &refused) {
		t.Fatalf("err = %v, want a *KnownIssueError", err)
	}
	return refused.Fields
}

// A moderator opens a known issue with a new incident thread: the thread is
// theirs, says the issue in both languages and is pinned site-wide, and
// the issue is active. Members may not; bad input is refused by field.
func TestOpenKnownIssueWithANewThread(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		mod := moderator(t, s, "1", "mod")
		member := signIn(t, s, "2", "hana")

		if _, err := s.OpenKnownIssue(ctx, member, knownIssueInput()); !errors.Is(err, models.ErrForbidden) {
			t.Fatalf("a member opened a known issue: %v", err)
		}
		bad := knownIssueInput()
		bad.TitleJA, bad.Severity, bad.StatusURL, bad.BodyEN = "  ", "apocalyptic", "javascript:alert(1)", string(make([]rune, 1001))
		fields := refusedFields(t, func() error { _, err := s.OpenKnownIssue(ctx, mod, bad); return err }())
		for _, f := range []string{"title_ja", "severity", "status_url", "body_en"} {
			if fields[f] == "" {
				t.Errorf("%s was not refused: %v", f, fields)
			}
		}
		archived := knownIssueInput()
		archived.CategoryID = 999
		if f := refusedFields(t, func() error { _, err := s.OpenKnownIssue(ctx, mod, archived); return err }()); f["category"] == "" {
			t.Errorf("a category that does not exist was taken: %v", f)
		}

		k, err := s.OpenKnownIssue(ctx, mod, knownIssueInput())
		if err != nil {
			t.Fatal(err)
		}
		if k.ThreadID == nil {
			t.Fatal("no incident thread")
		}
		view, err := s.ThreadPage(ctx, nil, *k.ThreadID, 1)
		if err != nil {
			t.Fatalf("a visitor cannot open the incident thread: %v", err)
		}
		th := view.Thread
		if th.UserID != mod.ID || th.Title != "Login loop after the update / 更新後にログインできない" || !th.PinnedGlobally || th.PinnedAt == nil {
			t.Errorf("incident thread: by %d, %q, pinned %v %v", th.UserID, th.Title, th.PinnedAt, th.PinnedGlobally)
		}
		question, err := s.PostByID(ctx, staff, view.Posts[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if q := question.Source; q != "Signing in sends you back to the sign-in page. We are on it.\n\nログインするとログイン画面に戻ります。対応中です。" {
			t.Errorf("incident question: %q", q)
		}
		active, err := s.ActiveKnownIssues(ctx, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(active) != 1 || active[0].ID != k.ID || active[0].PublicThread() == nil || active[0].PublicThread().Slug != th.Slug {
			t.Fatalf("active issues: %+v", active)
		}
		if got := active[0].Title("ja"); got != "更新後にログインできない" {
			t.Errorf("Japanese title: %q", got)
		}
		log, _, err := s.AuditLog(ctx, 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range log {
			actions = append(actions, e.Action)
		}
		if len(actions) < 2 || actions[0] != "known_issue.open" && actions[1] != "known_issue.open" {
			t.Errorf("audit log: %v", actions)
		}
	})
}

// An existing thread can be the incident thread if every reader may open
// it; a hidden one, or one that does not exist, is refused.
func TestOpenKnownIssueOnAnExistingThread(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		mod := moderator(t, s, "1", "mod")
		asker := signIn(t, s, "2", "hana")
		th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: 1, Title: "Cannot log in since this morning", Body: "Loop."})
		if err != nil {
			t.Fatal(err)
		}
		hidden, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: 1, Title: "Another report", Body: "Loop too."})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ModerateThread(ctx, mod, hidden.ID, models.ThreadHide, 0, ""); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{hidden.ID, 9999} {
			in := knownIssueInput()
			in.ThreadID = id
			if f := refusedFields(t, func() error { _, err := s.OpenKnownIssue(ctx, mod, in); return err }()); f["thread"] == "" {
				t.Errorf("thread %d was taken: %v", id, f)
			}
		}
		in := knownIssueInput()
		in.ThreadID, in.CategoryID = th.ID, 0
		k, err := s.OpenKnownIssue(ctx, mod, in)
		if err != nil {
			t.Fatal(err)
		}
		if *k.ThreadID != th.ID {
			t.Errorf("incident thread %d, want %d", *k.ThreadID, th.ID)
		}
		list, err := s.Threads(ctx, models.ThreadFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if list.TotalItems != 1 {
			t.Errorf("opening on an existing thread made another: %d threads", list.TotalItems)
		}
	})
}

// Resolving posts the resolution in the incident thread as the solution,
// tells each reporter (asker, repliers, me-toos) once and nobody else, and
// keeps the banner for KnownIssueResolvedFor; a second resolution is a
// conflict.
func TestResolveKnownIssue(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		mod := moderator(t, s, "1", "mod")
		asker, replier, metoo, both, bystander, muted := signIn(t, s, "2", "asker"), signIn(t, s, "3", "replier"),
			signIn(t, s, "4", "metoo"), signIn(t, s, "5", "both"), signIn(t, s, "6", "bystander"), signIn(t, s, "7", "muted")
		th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: 1, Title: "Login loop since the update", Body: "Loop."})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []models.User{replier, both, both, muted} {
			if _, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: u.ID, Body: "Same for me, from " + u.Username + time.Now().String()}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetWatch(ctx, muted, th.ID, models.Muted); err != nil {
			t.Fatal(err)
		}
		for _, u := range []models.User{metoo, both} {
			if err := s.SayMeTooForTest(ctx, th.ID, u.ID); err != nil {
				t.Fatal(err)
			}
		}
		in := knownIssueInput()
		in.ThreadID = th.ID
		k, err := s.OpenKnownIssue(ctx, mod, in)
		if err != nil {
			t.Fatal(err)
		}

		if _, err := s.ResolveKnownIssue(ctx, asker, k.ID, "Fixed.", "修正済み。"); !errors.Is(err, models.ErrForbidden) {
			t.Fatalf("a member resolved a known issue: %v", err)
		}
		if f := refusedFields(t, func() error { _, err := s.ResolveKnownIssue(ctx, mod, k.ID, "Fixed.", ""); return err }()); f["resolution_ja"] == "" {
			t.Errorf("a resolution without Japanese was taken: %v", f)
		}
		resolved, err := s.ResolveKnownIssue(ctx, mod, k.ID, "Fixed at 10:42; sign in again.", "10:42に修正しました。再度ログインしてください。")
		if err != nil {
			t.Fatal(err)
		}
		if !resolved.Resolved() || resolved.Resolution("ja") != "10:42に修正しました。再度ログインしてください。" {
			t.Errorf("resolved issue: %+v", resolved)
		}
		if _, err := s.ResolveKnownIssue(ctx, mod, k.ID, "Again.", "再び。"); !errors.Is(err, models.ErrConflict) {
			t.Errorf("resolving twice: %v", err)
		}

		view, err := s.ThreadPage(ctx, nil, th.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		last, err := s.PostByID(ctx, staff, view.Posts[len(view.Posts)-1].ID)
		if err != nil {
			t.Fatal(err)
		}
		if last.UserID != mod.ID || last.Source != "Fixed at 10:42; sign in again.\n\n10:42に修正しました。再度ログインしてください。" {
			t.Errorf("last post: by %d, %q", last.UserID, last.Source)
		}
		if view.Thread.SolutionPostID == nil || *view.Thread.SolutionPostID != last.ID {
			t.Errorf("solution %v, want the resolution %d", view.Thread.SolutionPostID, last.ID)
		}

		for _, tc := range []struct {
			u    models.User
			want int
		}{{asker, 1}, {replier, 1}, {metoo, 1}, {both, 1}, {bystander, 0}, {muted, 0}, {mod, 0}} {
			list, err := s.Notifications(ctx, tc.u, 1, 50)
			if err != nil {
				t.Fatal(err)
			}
			resolvedN, aboutResolution := 0, 0
			for _, n := range list.Items {
				if n.Kind == models.NotifyResolved {
					resolvedN++
				}
				if n.PostID == last.ID {
					aboutResolution++
				}
			}
			if resolvedN != tc.want || aboutResolution != tc.want {
				t.Errorf("%s: %d resolved notifications, %d about the resolution; want %d", tc.u.Username, resolvedN, aboutResolution, tc.want)
			}
		}

		now := time.Now()
		active, err := s.ActiveKnownIssues(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(active) != 1 || !active[0].Resolved() || !active[0].Shown(now) {
			t.Errorf("just resolved: %+v", active)
		}
		later := now.Add(models.KnownIssueResolvedFor + time.Minute)
		if active, err = s.ActiveKnownIssues(ctx, later); err != nil || len(active) != 0 {
			t.Errorf("after the window: %+v, %v", active, err)
		}
	})
}

// Updating changes the texts and is logged; changing nothing is not.
func TestUpdateKnownIssue(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		mod := moderator(t, s, "1", "mod")
		k, err := s.OpenKnownIssue(ctx, mod, knownIssueInput())
		if err != nil {
			t.Fatal(err)
		}
		in := knownIssueInput()
		in.Severity, in.BodyEN, in.StatusURL = models.KnownIssueCritical, "Everyone is signed out.", ""
		got, err := s.UpdateKnownIssue(ctx, mod, k.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Severity != models.KnownIssueCritical || got.Body("en") != "Everyone is signed out." || got.StatusURL != "" || *got.ThreadID != *k.ThreadID {
			t.Errorf("updated: %+v", got)
		}
		if _, err := s.UpdateKnownIssue(ctx, mod, k.ID, in); err != nil {
			t.Fatal(err)
		}
		log, _, err := s.AuditLog(ctx, 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		updates := 0
		for _, e := range log {
			if e.Action == "known_issue.update" {
				updates++
			}
		}
		if updates != 1 {
			t.Errorf("%d updates logged, want 1", updates)
		}
		if _, err := s.UpdateKnownIssue(ctx, mod, 999, in); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("updating an issue that does not exist: %v", err)
		}
	})
}

// Similar threads put the open incident thread first when the title being
// typed is about it, in either language, even when other threads rank
// higher; an unrelated title, or a resolved issue, changes nothing.
func TestSimilarThreadsRankTheIncidentFirst(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		mod := moderator(t, s, "1", "mod")
		asker := signIn(t, s, "2", "hana")
		ask := func(title string) models.Thread {
			t.Helper()
			th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: 1, Title: title, Body: "details " + title})
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * time.Millisecond)
			return th
		}
		ask("Login loop in the mobile app after the update")
		ask("Login loop with SSO after the update")
		incident := ask("Sign-in trouble today")
		in := knownIssueInput()
		in.ThreadID = incident.ID
		k, err := s.OpenKnownIssue(ctx, mod, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, title := range []string{"Login loop after update", "更新してからログインできない"} {
			got, err := s.SimilarThreads(ctx, title, 3)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 || got[0].Thread.ID != incident.ID || got[0].KnownIssue == nil || got[0].KnownIssue.ID != k.ID {
				t.Errorf("%q: first is %+v", title, got)
			}
			if len(got) > 3 {
				t.Errorf("%q: %d threads, want at most 3", title, len(got))
			}
		}
		got, err := s.SimilarThreads(ctx, "How do I login with SSO", 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range got {
			if r.Thread.ID == incident.ID || r.KnownIssue != nil {
				t.Errorf("an unrelated title listed the incident: %+v", got)
			}
		}
		if _, err := s.ResolveKnownIssue(ctx, mod, k.ID, "Fixed.", "修正済み。"); err != nil {
			t.Fatal(err)
		}
		if got, err = s.SimilarThreads(ctx, "Login loop after update", 3); err != nil {
			t.Fatal(err)
		}
		for _, r := range got {
			if r.KnownIssue != nil || r.Thread.ID == incident.ID {
				t.Errorf("a resolved issue still ranks first: %+v", got)
			}
		}
	})
}
