package models_test

import (
	"context"
	"testing"
	"time"

	"hiroba/models"
	"hiroba/models/modeltest"
)

// A question that waited three days without a reply offers its asker
// official support, once; answered, hidden, too young or too old ones do
// not.
func TestOfferHandOffsToUnansweredAskers(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		modeltest.Relax(t, s)
		hana, ken, mio := signIn(t, s, "1", "hana"), signIn(t, s, "2", "ken"), signIn(t, s, "3", "mio")
		mod := signIn(t, s, "4", "mo")
		if err := s.GrantRole(ctx, "mo", models.RoleModerator); err != nil {
			t.Fatal(err)
		}
		mod.Role = models.RoleModerator
		waiting, err := s.CreateThread(ctx, models.NewThread{UserID: hana.ID, CategoryID: 1, Title: "Charged twice this month", Body: "Two charges."})
		if err != nil {
			t.Fatal(err)
		}
		answered, err := s.CreateThread(ctx, models.NewThread{UserID: ken.ID, CategoryID: 1, Title: "Cannot reset my password", Body: "No email arrives."})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateReply(ctx, models.NewReply{ThreadID: answered.ID, UserID: hana.ID, Body: "Check the spam folder first."}); err != nil {
			t.Fatal(err)
		}
		hidden, err := s.CreateThread(ctx, models.NewThread{UserID: mio.ID, CategoryID: 1, Title: "Buy cheap followers here", Body: "Spam."})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ModerateThread(ctx, mod, hidden.ID, models.ThreadHide, 0, "spam"); err != nil {
			t.Fatal(err)
		}

		after := 3 * 24 * time.Hour
		for _, tt := range []struct {
			name string
			at   time.Duration
			want int64
		}{
			{"a day on, nobody waited long enough", 24 * time.Hour, 0},
			{"four days on, the waiting question", 4 * 24 * time.Hour, 1},
			{"an hour later, not again", 4*24*time.Hour + time.Hour, 0},
		} {
			n, err := s.OfferHandOffs(ctx, after, time.Now().Add(tt.at))
			if err != nil {
				t.Fatal(err)
			}
			if n != tt.want {
				t.Errorf("%s: %d offers, want %d", tt.name, n, tt.want)
			}
		}
		// A question older than the reach is never offered, on a forum
		// turning the offer on late.
		old, err := s.CreateThread(ctx, models.NewThread{UserID: mio.ID, CategoryID: 1, Title: "Old question from long ago", Body: "Still no answer."})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := s.OfferHandOffs(ctx, after, time.Now().Add(30*24*time.Hour)); err != nil || n != 0 {
			t.Errorf("a month on: %d offers (%v), want 0", n, err)
		}

		for _, u := range []models.User{hana, ken, mio} {
			list, err := s.Notifications(ctx, u, 1, 20)
			if err != nil {
				t.Fatal(err)
			}
			var offers []int64
			for _, n := range list.Items {
				if n.Kind == models.NotifyHandOff {
					offers = append(offers, n.ThreadID)
				}
			}
			want := 0
			if u.ID == hana.ID {
				want = 1
			}
			if len(offers) != want || (want == 1 && offers[0] != waiting.ID) {
				t.Errorf("%s has hand-off offers for threads %v, want %d (thread %d); old thread %d", u.Username, offers, want, waiting.ID, old.ID)
			}
		}
	})
}
