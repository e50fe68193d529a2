package models_test

import (
	"context"
	"testing"
	"time"

	"hiroba/models"
)

// TestSupportDashboard counts a fixture whose answers are known: three
// public questions in billing one week (first replies from others after
// 2 h, 6 h and 30 h; one solved), one in api, and what must not count: a
// hidden question, a hidden reply, the asker's own reply.
func TestSupportDashboard(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		asker, helper := signIn(t, s, "1", "asker"), signIn(t, s, "2", "helper")
		mod := signIn(t, s, "3", "mod")
		if err := s.GrantRole(ctx, "mod", models.RoleModerator); err != nil {
			t.Fatal(err)
		}
		mod.Role = models.RoleModerator
		billing, _ := s.CategoryBySlug(ctx, "billing")
		api, _ := s.CategoryBySlug(ctx, "api")
		at := func(s string) time.Time {
			tm, err := time.Parse(time.RFC3339, s)
			if err != nil {
				t.Fatal(err)
			}
			return tm
		}
		ask := func(cat int64, title string, when time.Time) models.Thread {
			t.Helper()
			th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: cat, Title: title, Body: title + " body"})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Backdate(ctx, "threads", th.ID, when); err != nil {
				t.Fatal(err)
			}
			return th
		}
		reply := func(th models.Thread, who models.User, after time.Duration, when time.Time) models.Post {
			t.Helper()
			p, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: who.ID, Body: "reply " + after.String() + " " + who.Username})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Backdate(ctx, "posts", p.ID, when.Add(after)); err != nil {
				t.Fatal(err)
			}
			return p
		}
		q1at, q2at, q3at := at("2026-11-16T10:00:00Z"), at("2026-11-17T09:00:00Z"), at("2026-11-18T08:00:00Z")
		q1 := ask(billing.ID, "First question", q1at)
		reply(q1, asker, time.Hour, q1at) // the asker's own: not a reply to count
		r1 := reply(q1, helper, 2*time.Hour, q1at)
		if _, err := s.MarkSolution(ctx, asker, q1.ID, r1.ID); err != nil {
			t.Fatal(err)
		}
		q2 := ask(billing.ID, "Second question", q2at)
		reply(q2, helper, 6*time.Hour, q2at)
		q3 := ask(billing.ID, "Third question", q3at)
		hidden := reply(q3, helper, time.Hour, q3at)
		if _, err := s.SetPostHidden(ctx, mod, hidden.ID, true, "spam"); err != nil {
			t.Fatal(err)
		}
		reply(q3, helper, 30*time.Hour, q3at)
		secret := ask(billing.ID, "Hidden question", q2at)
		reply(secret, helper, time.Minute, q2at)
		if err := s.ModerateThread(ctx, mod, secret.ID, models.ThreadHide, 0, "spam"); err != nil {
			t.Fatal(err)
		}
		// Sunday evening in UTC, Monday morning in Tokyo.
		ask(api.ID, "API question", at("2026-11-22T20:00:00Z"))

		now := at("2026-11-25T12:00:00Z")
		d, err := s.SupportDashboard(ctx, now, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Weeks) != models.DashboardWeeks || !d.Weeks[11].Start.Equal(at("2026-11-23T00:00:00Z")) || !d.Weeks[0].Start.Equal(at("2026-09-07T00:00:00Z")) {
			t.Fatalf("weeks: %d, first %v, last %v", len(d.Weeks), d.Weeks[0].Start, d.Weeks[len(d.Weeks)-1].Start)
		}
		check := func(name string, f models.Figures, questions, in24h, solved int, median time.Duration) {
			t.Helper()
			if f.Questions != questions || f.AnsweredIn24h != in24h || f.Solved != solved || f.MedianFirstReply != median {
				t.Errorf("%s: %d questions, %d within 24 h, %d solved, median %v; want %d, %d, %d, %v",
					name, f.Questions, f.AnsweredIn24h, f.Solved, f.MedianFirstReply, questions, in24h, solved, median)
			}
		}
		check("week of Nov 16", d.Weeks[10].Figures, 4, 2, 1, 6*time.Hour)
		check("this week", d.Weeks[11].Figures, 0, 0, 0, 0)
		check("total", d.Total, 4, 2, 1, 6*time.Hour)
		var bill, dev models.DashboardCategory
		for _, c := range d.Categories {
			switch c.Category.ID {
			case billing.ID:
				bill = c
			case api.ID:
				dev = c
			}
		}
		check("billing", bill.Figures, 3, 2, 1, 6*time.Hour)
		check("billing, week of Nov 16", bill.Weeks[10].Figures, 3, 2, 1, 6*time.Hour)
		check("api", dev.Figures, 1, 0, 0, 0)
		if got := bill.AnsweredShare(); got < 0.66 || got > 0.67 {
			t.Errorf("billing answered share = %v, want 2/3", got)
		}

		// In Tokyo the api question was asked on Monday: this week.
		tokyo, _ := time.LoadLocation("Asia/Tokyo")
		d, err = s.SupportDashboard(ctx, now, tokyo)
		if err != nil {
			t.Fatal(err)
		}
		check("Tokyo, week of Nov 16", d.Weeks[10].Figures, 3, 2, 1, 6*time.Hour)
		check("Tokyo, this week", d.Weeks[11].Figures, 1, 0, 0, 0)
		if s := d.Weeks[11].Start; s.Location() != tokyo || s.Day() != 23 || s.Hour() != 0 {
			t.Errorf("Tokyo week starts %v", s)
		}
	})
}
