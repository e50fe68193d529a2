package app

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"hiroba/models"
	"hiroba/models/modeltest"
)

// TestEmailInTheRecipientsZone follows a zone from the settings to the
// email: the notification's time is written where the recipient lives.
func TestEmailInTheRecipientsZone(t *testing.T) {
	t.Parallel()
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			mb := newMailbox(t)
			cfg := testConfig(t, d)
			cfg.BaseURL = "https://forum.example.com"
			cfg.SMTPURL = "smtp://" + mb.addr
			srv, err := New(ctx, cfg, NewLogger(io.Discard, "error"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Close() })
			modeltest.Relax(t, srv.Store)
			s := srv.Store
			user := func(name string) models.User {
				u, _, err := s.SignInUser(ctx, models.SignIn{Provider: "test", ProviderUserID: name, Nickname: name, Email: name + "@example.com"})
				if err != nil {
					t.Fatal(err)
				}
				return u
			}
			asker, helper := user("asker"), user("helper")
			if err := s.SaveSettings(ctx, models.DefaultNotificationPrefs(asker.ID), "America/New_York"); err != nil {
				t.Fatal(err)
			}
			th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: 2, Title: "Receipts", Body: "Where are they?"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: helper.ID, Body: "In billing."}); err != nil {
				t.Fatal(err)
			}
			list, err := s.Notifications(ctx, asker, 1, 10)
			if err != nil || len(list.Items) != 1 {
				t.Fatalf("notifications: %+v, %v", list.Items, err)
			}
			if err := srv.Mailer.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			got := mb.take()
			if len(got) != 1 {
				t.Fatalf("%d emails", len(got))
			}
			m := decode(t, got[0])
			ny, err := time.LoadLocation("America/New_York")
			if err != nil {
				t.Fatal(err)
			}
			at := list.Items[0].CreatedAt
			want := "helper replied to “Receipts” (" + at.In(ny).Format("Jan 2, 2006 15:04 MST") + ")"
			if !strings.Contains(m.body, want) || (!strings.Contains(want, " EST)") && !strings.Contains(want, " EDT)")) {
				t.Errorf("email lacks %q:\n%s", want, m.body)
			}
			if utc := at.UTC().Format("Jan 2, 2006 15:04 UTC"); strings.Contains(m.body, utc) {
				t.Errorf("email shows UTC %q:\n%s", utc, m.body)
			}
		})
	}
}
