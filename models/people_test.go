package models_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"hiroba/models"
)

// TestExportCoversEveryUserColumn holds the download to the schema: every
// column that references a user must say where the download holds it, and
// that part must be in the file. A new table about people fails here until
// the download (and DeleteAccount) know of it.
func TestExportCoversEveryUserColumn(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		refs, err := s.UserReferences(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(refs) < 10 {
			t.Fatalf("catalog names only %v as referencing users", refs)
		}
		sections := models.ExportSections()
		for _, ref := range refs {
			part, ok := models.PersonalData[ref]
			if !ok {
				t.Errorf("%s references users, but models.PersonalData does not say where the download holds it", ref)
			} else if !slices.Contains(sections, part) {
				t.Errorf("%s is said to be in the download's %q, which it does not write", ref, part)
			}
		}
		for ref := range models.PersonalData {
			if !slices.Contains(refs, ref) {
				t.Errorf("models.PersonalData names %s, which does not reference users", ref)
			}
		}
	})
}

// peopleFixture is two users whose writing interleaves in the same threads.
type peopleFixture struct {
	aya, ken models.User
	th       models.Thread // aya's question, ken's reply, aya's reply
	kenTh    models.Thread // ken's question, aya's reply
	ayaReply models.Post
}

func people(t *testing.T, s *models.Store) peopleFixture {
	t.Helper()
	ctx := context.Background()
	f := peopleFixture{aya: signIn(t, s, "aya-sub", "aya"), ken: signIn(t, s, "ken-sub", "ken")}
	var err error
	if f.th, err = s.CreateThread(ctx, models.NewThread{UserID: f.aya.ID, CategoryID: 1, Title: "Aya asks about invoices", Body: "aya-question-text"}); err != nil {
		t.Fatal(err)
	}
	kenReply, err := s.CreateReply(ctx, models.NewReply{ThreadID: f.th.ID, UserID: f.ken.ID, Body: "ken-reply-text"})
	if err != nil {
		t.Fatal(err)
	}
	if f.ayaReply, err = s.CreateReply(ctx, models.NewReply{ThreadID: f.th.ID, UserID: f.aya.ID, Body: "aya-reply-draft"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.EditPost(ctx, f.aya, f.ayaReply.ID, models.PostEdit{Body: "aya-reply-edited"}); err != nil {
		t.Fatal(err)
	}
	if f.kenTh, err = s.CreateThread(ctx, models.NewThread{UserID: f.ken.ID, CategoryID: 1, Title: "Ken asks about exports", Body: "ken-question-text"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateReply(ctx, models.NewReply{ThreadID: f.kenTh.ID, UserID: f.aya.ID, Body: "aya-answers-ken"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ToggleHelpful(ctx, f.aya, kenReply.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ToggleHelpful(ctx, f.ken, f.ayaReply.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.FlagPost(ctx, f.aya, models.FlagInput{PostID: kenReply.ID, Reason: models.FlagOther, Note: "aya-flag-note"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWatch(ctx, f.aya, f.kenTh.ID, models.Muted); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSettings(ctx, models.NotificationPrefs{UserID: f.aya.ID, EmailEnabled: true, Lang: "ja"}, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	for _, u := range []models.User{f.aya, f.ken} {
		if _, err := s.CreateSession(ctx, u.ID, time.Hour); err != nil {
			t.Fatal(err)
		}
		if err := s.KeepReply(ctx, u.ID, f.th.ID, u.Username+"-kept-text", "test"); err != nil {
			t.Fatal(err)
		}
		if err := s.EnqueueMail(ctx, &models.Mail{UserID: &u.ID, To: u.Username + "@example.com", Subject: u.Username + "-mail-subject", Body: "b", Headers: map[string]string{}}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func TestExportHoldsTheUsersDataAndNoOneElses(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := people(t, s)
		var buf bytes.Buffer
		if err := s.ExportUser(ctx, f.aya.ID, time.Now(), &buf); err != nil {
			t.Fatal(err)
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatalf("download is not JSON: %v\n%s", err, buf.String())
		}
		for _, part := range models.ExportSections() {
			if _, ok := doc[part]; !ok {
				t.Errorf("download has no %q", part)
			}
		}
		text := buf.String()
		for _, want := range []string{
			`"username":"aya"`, `"subject":"aya-sub"`, "aya-question-text", "aya-reply-draft", "aya-reply-edited",
			"aya-answers-ken", "Aya asks about invoices", "aya-flag-note", `"level":"muted"`, `"lang":"ja"`,
			`"time_zone":"Asia/Tokyo"`, "aya-kept-text", "aya-mail-subject", `"expires_at"`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("download lacks %s", want)
			}
		}
		for _, never := range []string{"ken-sub", "ken-question-text", "ken-reply-text", "ken-kept-text", "ken-mail-subject", "Ken asks", "token", "hash"} {
			if strings.Contains(text, never) {
				t.Errorf("aya's download holds %q", never)
			}
		}
		var votes []struct {
			PostID int64 `json:"post_id"`
		}
		if err := json.Unmarshal(doc["votes"], &votes); err != nil || len(votes) != 1 || votes[0].PostID == f.ayaReply.ID {
			t.Errorf("votes = %s (%v), want only aya's vote on ken's reply", doc["votes"], err)
		}
	})
}

func TestDeleteAccountRemovesThePersonAndKeepsThePosts(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := people(t, s)
		if err := s.DeleteAccount(ctx, f.aya, f.aya.ID, ""); err != nil {
			t.Fatal(err)
		}
		gone, err := s.UserByIDByGORM(ctx, f.aya.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !gone.Deleted() || gone.Name != "" || gone.Email != "" || gone.AvatarURL != "" || gone.TimeZone != "" || gone.Username != "aya" {
			t.Errorf("after deletion the row is %+v", gone)
		}
		for _, table := range []string{"identities", "sessions", "notifications", "notification_prefs", "thread_watches", "kept_replies", "pending_edits", "mail_queue"} {
			for _, who := range []models.User{f.aya, f.ken} {
				n, err := s.CountRows(ctx, table, "user_id = ?", who.ID)
				if err != nil {
					t.Fatal(err)
				}
				if who.ID == f.aya.ID && n != 0 {
					t.Errorf("%s keeps %d rows of the deleted account", table, n)
				}
				if who.ID == f.ken.ID && n == 0 && table != "pending_edits" && table != "thread_watches" && table != "notification_prefs" {
					t.Errorf("%s lost ken's rows", table)
				}
			}
		}
		// The posts stay, and so do the votes and the counters they make.
		if n, _ := s.CountRows(ctx, "posts", "user_id = ? AND deleted_at IS NULL", f.aya.ID); n != 3 {
			t.Errorf("aya's posts after deletion: %d, want 3", n)
		}
		if n, _ := s.CountRows(ctx, "post_votes", "user_id = ?", f.aya.ID); n != 1 {
			t.Errorf("aya's votes after deletion: %d, want 1", n)
		}
		if _, err := s.SessionUser(ctx, "anything"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("session: %v", err)
		}
		// Deleting twice finds nothing to delete.
		if err := s.DeleteAccount(ctx, f.aya, f.aya.ID, ""); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("second deletion: %v, want ErrNotFound", err)
		}
		// The same identity signs in as someone new; the name stays reserved.
		again := signIn(t, s, "aya-sub", "aya")
		if again.ID == f.aya.ID || again.Username == "aya" || again.Deleted() {
			t.Errorf("sign-in after deletion gave %+v", again)
		}
		// Moderators act on a deleted account no more.
		mod := moderator(t, s, "mod-sub", "mod")
		if err := s.ModerateUser(ctx, mod, f.aya.ID, models.UserSuspend, time.Now().Add(time.Hour), "x"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("suspending a deleted account: %v", err)
		}
		if err := s.GrantRole(ctx, "aya", models.RoleAdmin); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("granting a role to a deleted account: %v", err)
		}
		entries, _, err := s.AuditLog(ctx, 1, 50)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(entries, func(e models.AuditEntry) bool {
			return e.Action == "user.delete" && e.TargetID == f.aya.ID && e.ActorID != nil && *e.ActorID == f.aya.ID
		}) {
			t.Errorf("no audit entry for the deletion, actor aya: %+v", entries)
		}
	})
}

func TestModeratorDeletesAnAccountWithAReason(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := people(t, s)
		mod := moderator(t, s, "mod-sub", "mod")
		other := moderator(t, s, "mod2-sub", "mod2")
		if err := s.ModerateUser(ctx, f.ken, f.aya.ID, models.UserDelete, time.Time{}, "asked"); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("a member deleting another: %v, want ErrForbidden", err)
		}
		if err := s.ModerateUser(ctx, mod, other.ID, models.UserDelete, time.Time{}, "asked"); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("a moderator deleting another: %v, want ErrForbidden", err)
		}
		if err := s.ModerateUser(ctx, mod, f.aya.ID, models.UserDelete, time.Time{}, "asked by email #123"); err != nil {
			t.Fatal(err)
		}
		entries, _, _ := s.AuditLog(ctx, 1, 50)
		if len(entries) == 0 || entries[0].Action != "user.delete" || entries[0].Reason != "asked by email #123" || *entries[0].ActorID != mod.ID {
			t.Errorf("audit log = %+v", entries)
		}
	})
}
