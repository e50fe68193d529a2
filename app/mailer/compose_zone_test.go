package mailer

import (
	"strings"
	"testing"
	"time"

	"hiroba/models"
)

func TestEmailTimesAreInTheRecipientsZone(t *testing.T) {
	w := testWorker(t)
	at := time.Date(2026, 2, 20, 0, 42, 0, 0, time.UTC)
	tests := []struct {
		zone, lang string
		want       string
	}{
		{"America/New_York", "ja", "ken さんが「Receipts」に返信しました(2026年2月19日 19:42 EST)"},
		{"America/New_York", "en", "ken replied to “Receipts” (Feb 19, 2026 19:42 EST)"},
		{"Asia/Tokyo", "en", "ken replied to “Receipts” (Feb 20, 2026 09:42 JST)"},
		// No zone chosen: the language's.
		{"", "ja", "ken さんが「Receipts」に返信しました(2026年2月20日 09:42 JST)"},
		{"", "en", "ken replied to “Receipts” (Feb 20, 2026 00:42 UTC)"},
		// A zone the database no longer knows is not the server's zone.
		{"Mars/Olympus", "en", "ken replied to “Receipts” (Feb 20, 2026 00:42 UTC)"},
	}
	for _, tt := range tests {
		m, err := w.compose(models.Digest{
			User:  models.User{ID: 7, Username: "hana", TimeZone: tt.zone},
			Prefs: models.NotificationPrefs{Lang: tt.lang},
			Items: []models.Notification{{
				Kind: models.NotifyReply, ThreadID: 3, Thread: models.Thread{ID: 3, Title: "Receipts", Slug: "receipts"},
				PostID: 10, Post: models.Post{Position: 2}, Actor: models.User{Username: "ken"}, CreatedAt: at,
			}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Body, tt.want+"\n") {
			t.Errorf("zone %q, %s: body lacks %q:\n%s", tt.zone, tt.lang, tt.want, m.Body)
		}
	}
}
