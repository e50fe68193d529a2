package views

import (
	"context"
	"strings"
	"testing"

	"hiroba/models"
	"hiroba/public"
)

// notificationPageData is what TestEveryPageRenders renders the pages of
// notifications with.
func notificationPageData(base Base, user models.User, th models.Thread) map[Page]any {
	items := []models.Notification{
		{ID: 1, Kind: models.NotifyReply, Thread: th, Post: models.Post{ID: 2, Position: 2}, PostID: 2, Actor: user},
		{ID: 2, Kind: models.NotifyMention, Thread: th, Post: models.Post{ID: 3, Position: 3}, PostID: 3, Actor: user},
		{ID: 3, Kind: models.NotifySolution, Thread: th, Post: models.Post{ID: 2, Position: 2}, PostID: 2, Actor: user},
	}
	return map[Page]any{
		Notifications:        NotificationsData{Base: base, List: models.NotificationList{Items: items}},
		NotificationSettings: NotificationSettingsData{Base: base, Prefs: models.DefaultNotificationPrefs(1), Email: "hana@example.com", Languages: Languages},
		Unsubscribe:          UnsubscribeData{Base: base, Username: "hana", Token: "1.x"},
	}
}

func TestBellAndWatchButtons(t *testing.T) {
	assets, err := public.Load()
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(assets)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := NewCatalog()
	user := &models.User{ID: 1, Username: "hana"}
	th := models.Thread{ID: 7, Title: "T", Slug: "t"}
	render := func(lang string, unread int, watching string) string {
		t.Helper()
		data := ThreadData{
			Base:     Base{Translator: c.In(lang), SiteName: "Hiroba", Path: "/t/7/t?page=2", User: user, CSRFToken: "tok", Unread: unread},
			View:     models.ThreadView{Thread: th},
			Watching: watching,
		}
		var page, partial strings.Builder
		if err := r.Render(&page, Home, ListData{Base: data.Base}); err != nil {
			t.Fatal(err)
		}
		if err := watchButtons(data).Render(context.Background(), &partial); err != nil {
			t.Fatal(err)
		}
		return page.String() + partial.String()
	}
	tests := []struct {
		lang     string
		unread   int
		watching string
		want     []string
	}{
		{"en", 3, "watching", []string{`aria-label="3 unread notifications"`, `<span class="bell-count">3</span>`,
			`action="/t/7/watch"`, `name="state" value="off"`, `class="chip on" aria-pressed="true">Watch<`,
			`aria-pressed="false">Mute<`, `name="next" value="/t/7/t?page=2"`, `name="_csrf" value="tok"`}},
		{"en", 1, "muted", []string{`aria-label="1 unread notification"`, `action="/t/7/mute"`, `class="chip on" aria-pressed="true">Mute<`}},
		{"en", 0, "", []string{`aria-label="Notifications, none unread"`, `aria-pressed="false">Watch<`, `aria-pressed="false">Mute<`}},
		{"ja", 2, "", []string{`aria-label="未読の通知 2 件"`, `ウォッチ`}},
	}
	for _, tt := range tests {
		got := render(tt.lang, tt.unread, tt.watching)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s unread=%d watching=%q: missing %q", tt.lang, tt.unread, tt.watching, w)
			}
		}
		if tt.watching == "" && strings.Contains(got, `name="state"`) {
			t.Errorf("nothing to turn off, yet a state=off field")
		}
	}
	var anon strings.Builder
	if err := watchButtons(ThreadData{Base: Base{Translator: c.In("en")}, View: models.ThreadView{Thread: th}}).Render(context.Background(), &anon); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(anon.String()) != "" {
		t.Errorf("signed-out visitors get watch buttons: %s", anon.String())
	}
}
