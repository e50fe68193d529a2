package models_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"hiroba/migrations"
	"hiroba/models"
	"hiroba/models/modeltest"
	"hiroba/models/seed"
)

// seedForMove writes a small forum that leaves rows in every table: the
// seeded threads with their votes and solutions, and a session, a held
// reply, an edit, a flag, a kept reply, a watch, preferences, mail, a
// watched word, a role change in the audit log, a duplicate, a merge with
// a "me too" it carried, and a known issue.
func seedForMove(t *testing.T, s *models.Store) {
	t.Helper()
	ctx := context.Background()
	g := seed.New(7, seed.Options{Threads: 12, Replies: 3, Users: 20})
	users, err := s.ImportUsers(ctx, g.Users())
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	cats, err := s.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	catIDs := map[string]int64{}
	for _, c := range cats {
		catIDs[c.Slug] = c.ID
	}
	var batch []models.ImportedThread
	for {
		th, ok := g.Next()
		if !ok {
			break
		}
		batch = append(batch, th.Import(ids, catIDs))
	}
	threads, err := s.ImportThreads(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}

	admin := signIn(t, s, "move-admin", "moveadmin")
	if err := s.GrantRole(ctx, "moveadmin", models.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	admin.Role = models.RoleAdmin
	member := signIn(t, s, "move-member", "movemember")
	if _, err := s.CreateSession(ctx, member.ID, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.AddWatchedWord(ctx, admin, models.WatchedWord{Pattern: "holdthis", Kind: "word", Action: models.WatchHold}); err != nil {
		t.Fatal(err)
	}
	th := threads[0]
	reply, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: member.ID, Body: "Try signing out and in again."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: member.ID, Body: "Please holdthis one, 日本語も。"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.EditPost(ctx, member, reply.ID, models.PostEdit{Body: "Try signing out and in again, then clear the cache."}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.FlagPost(ctx, admin, models.FlagInput{PostID: reply.ID, Reason: models.FlagOffTopic, Note: "moved?"}); err != nil {
		t.Fatal(err)
	}
	if err := s.KeepReply(ctx, member.ID, threads[1].ID, "a reply that waited", "cooldown"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWatch(ctx, member, threads[1].ID, models.Watching); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateReply(ctx, models.NewReply{ThreadID: threads[1].ID, UserID: admin.ID, Body: "An answer @movemember will hear of."}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveNotificationPrefs(ctx, models.NotificationPrefs{UserID: member.ID, EmailEnabled: true, EmailReply: true, Lang: "ja", UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := s.EnqueueMail(ctx, &models.Mail{UserID: &member.ID, To: "m@example.com", Subject: "s", Body: "b",
		Headers: map[string]string{"List-Unsubscribe": "<https://forum.example/u>"}, NextAttemptAt: time.Now(), CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SiteID(ctx); err != nil {
		t.Fatal(err)
	}
	shot := upload(t, s, member.ID, 7)
	if _, err := s.CreateReply(ctx, models.NewReply{ThreadID: threads[0].ID, UserID: member.ID, Body: "Mine looks like this: ![login](" + shot.Path() + ")"}); err != nil {
		t.Fatal(err)
	}

	// A duplicate, a merge (its record and the rows it carried), a "me
	// too" and a known issue: tables whose own features write them
	// elsewhere, here written as plainly as they are stored.
	if err := s.CloseAsDuplicate(ctx, admin, threads[3].ID, threads[2].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.ExecForTest(ctx, `INSERT INTO thread_me_toos (thread_id, user_id, created_at) VALUES (?, ?, ?)`, threads[5].ID, member.ID, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MergeThreads(ctx, admin, threads[5].ID, threads[4].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.ExecForTest(ctx, `INSERT INTO known_issues (title_en, title_ja, body_en, body_ja, severity, thread_id, opened_by, opened_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, "Sign-in loop", "ログインできない", "We are on it.", "対応中です。", "major", threads[4].ID, admin.ID, time.Now().UTC(), time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
}

// A forum moved from SQLite to PostgreSQL and back holds, in every table,
// the same rows as the one it came from, ids included; ids continue after
// the copied ones, and search finds the same threads.
func TestMoveBothWays(t *testing.T) {
	modeltest.RequirePostgres(t)
	t.Parallel()
	ctx := context.Background()
	src := modeltest.Store(t, migrations.SQLite)
	seedForMove(t, src)

	pg, err := models.Open(modeltest.PostgresSchemaURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	back, err := models.Open("sqlite:" + filepath.Join(t.TempDir(), "back.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()

	var progress []models.MoveProgress
	opt := models.MoveOptions{BatchRows: 7, Progress: func(p models.MoveProgress) { progress = append(progress, p) }}
	for _, step := range []struct {
		name     string
		from, to *models.Store
	}{{"sqlite to postgres", src, pg}, {"postgres to sqlite", pg, back}} {
		rep, err := models.Move(ctx, step.from, step.to, opt)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if len(rep.Searches) == 0 || rep.Indexed == 0 {
			t.Errorf("%s: checked %d searches over %d indexed posts", step.name, len(rep.Searches), rep.Indexed)
		}
		for _, s := range rep.Searches {
			t.Logf("%s: search %q: threads %v", step.name, s.Query, s.Target)
			if len(s.Source) == 0 {
				t.Errorf("%s: search %q found nothing to compare", step.name, s.Query)
			}
		}
		tables, err := step.from.MovedTables(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range tables {
			want, err := step.from.TableRows(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			got, err := step.to.TableRows(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 && name != "pending_edits" && name != "purged_items" {
				t.Errorf("%s: the seeded forum has no rows in %s: the test does not cover it", step.name, name)
			}
			if name == "threads" && len(got) > 0 {
				t.Logf("%s: a thread as compared: %.300s", step.name, got[0])
			}
			if !slices.Equal(want, got) {
				t.Errorf("%s: %s differs:\n source: %.600q\n target: %.600q", step.name, name, want, got)
			}
		}
	}
	if len(progress) == 0 || progress[len(progress)-1].Done != progress[len(progress)-1].Total {
		t.Errorf("progress ended at %+v", progress[len(progress)-1:])
	}

	// New rows on each copy take ids after the copied ones.
	for name, s := range map[string]*models.Store{"postgres": pg, "sqlite": back} {
		u, _, err := s.SignInUser(ctx, models.SignIn{Provider: "test", ProviderUserID: "after-move", Nickname: "aftermove"})
		if err != nil {
			t.Fatalf("%s: sign in after the move: %v", name, err)
		}
		cats, _ := s.Categories(ctx)
		th, err := s.CreateThread(ctx, models.NewThread{UserID: u.ID, CategoryID: cats[0].ID, Title: "Written after the move", Body: "Does posting still work?"})
		if err != nil {
			t.Fatalf("%s: post after the move: %v", name, err)
		}
		res, err := s.Search(ctx, models.SearchInput{Query: "posting"})
		if err != nil || len(res.Results) == 0 || res.Results[0].Thread.ID != th.ID {
			t.Errorf("%s: the new thread is not found: %v %+v", name, err, res.Results)
		}
	}

	// A target that holds a forum is refused, and left as it was.
	before, err := pg.TableRows(ctx, "users")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := models.Move(ctx, back, pg, opt); !errors.Is(err, models.ErrTargetNotEmpty) {
		t.Errorf("move into a forum: %v, want ErrTargetNotEmpty", err)
	}
	if after, _ := pg.TableRows(ctx, "users"); !slices.Equal(before, after) {
		t.Error("a refused move changed the target")
	}
}
