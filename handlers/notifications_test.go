package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"hiroba/handlers"
	"hiroba/models"
)

// handlerTestSecret is the session secret newForum configures.
const handlerTestSecret = "handler-test-secret-handler-test"

func (f *forum) user(name string) models.User {
	f.t.Helper()
	u, err := f.srv.Store.UserByUsername(context.Background(), name)
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

func (f *forum) reply(threadID int64, author, body string) models.Post {
	f.t.Helper()
	p, err := f.srv.Store.CreateReply(context.Background(), models.NewReply{ThreadID: threadID, UserID: f.user(author).ID, Body: body})
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// ask posts a question through the composer and returns its address.
func (b *browser) ask(title, body string) string {
	b.f.t.Helper()
	b.get("/new")
	p := b.post("/new", url.Values{"category": {"1"}, "title": {title}, "body": {body}})
	if p.Status != http.StatusSeeOther {
		b.f.t.Fatalf("ask: %d\n%s", p.Status, p.Body)
	}
	return p.Location
}

func TestBellAndNotificationsPage(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		hana, ken, mia := f.browser(), f.browser(), f.browser()
		hana.signIn("hana")
		ken.signIn("ken")
		mia.signIn("mia")
		thread := hana.ask("Invoices stopped arriving", "Since March, no invoice email.")
		expect(t, hana.get("/"), http.StatusOK, `aria-label="Notifications, none unread"`)

		ken.get(thread)
		r := ken.post("/t/1/replies", url.Values{"body": {"Check the spam folder, and @mia knows more."}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("reply: %d\n%s", r.Status, r.Body)
		}
		expect(t, f.browser().get(thread), http.StatusOK, `<a href="/u/mia" class="mention">@mia</a>`)
		expect(t, hana.get("/"), http.StatusOK, `aria-label="1 unread notification"`, `<span class="bell-count">1</span>`, `href="/notifications"`)
		expect(t, mia.get("/"), http.StatusOK, `aria-label="1 unread notification"`)
		expect(t, ken.get("/"), http.StatusOK, `aria-label="Notifications, none unread"`)

		list := hana.get("/notifications")
		expect(t, list, http.StatusOK, `ken replied to “<span lang="en">Invoices stopped arriving</span>”`, `class="badge">New<`,
			`href="/t/1/invoices-stopped-arriving#p2"`, `aria-label="Notifications, none unread"`)
		refuse(t, hana.get("/notifications"), `class="badge">New<`)
		expect(t, mia.get("/notifications"), http.StatusOK, `ken mentioned you in “<span lang="en">Invoices stopped arriving</span>”`)

		// Notifications beyond what was seen are cleared with one button.
		f.reply(1, "ken", "Also check the billing address.")
		f.reply(1, "mia", "Same problem here.")
		expect(t, hana.get("/"), http.StatusOK, `aria-label="2 unread notifications"`)
		hana.get("/settings/notifications")
		r = hana.post("/notifications/read", url.Values{})
		if r.Status != http.StatusSeeOther || r.Location != "/notifications" {
			t.Fatalf("mark all read: %d %q", r.Status, r.Location)
		}
		expect(t, hana.get("/"), http.StatusOK, `aria-label="Notifications, none unread"`)

		hana.lang = "ja"
		f.reply(1, "ken", "まだ届きませんか?")
		expect(t, hana.get("/notifications"), http.StatusOK, `ken さんが「<span lang="en">Invoices stopped arriving</span>」に返信しました`)

		anon := f.browser().get("/notifications")
		if anon.Status != http.StatusSeeOther || anon.Location != "/login?next=%2Fnotifications" {
			t.Errorf("anonymous /notifications → %d %q", anon.Status, anon.Location)
		}
	})
}

func TestWatchAndMute(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		hana, mia := f.browser(), f.browser()
		hana.signIn("hana")
		mia.signIn("mia")
		f.browser().signIn("ken")
		thread := hana.ask("Webhook retries twice", "Every event arrives twice.")
		unread := func() int {
			n, err := f.srv.Store.UnreadCount(context.Background(), f.user("mia"))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		mia.get(thread)
		r := mia.post("/t/1/watch", url.Values{"next": {thread + "?page=1"}})
		if r.Status != http.StatusSeeOther || r.Location != thread+"?page=1" {
			t.Fatalf("watch: %d %q\n%s", r.Status, r.Location, r.Body)
		}
		expect(t, mia.get(thread), http.StatusOK, "You are watching this thread.")
		f.reply(1, "ken", "Your endpoint answers too slowly.")
		if n := unread(); n != 1 {
			t.Errorf("watching: unread %d, want 1", n)
		}

		r = mia.post("/t/1/mute", url.Values{"next": {"https://evil.example/"}})
		if r.Status != http.StatusSeeOther || r.Location != "/t/1" {
			t.Fatalf("mute: %d %q", r.Status, r.Location)
		}
		f.reply(1, "ken", "@mia you had this too?")
		if n := unread(); n != 1 {
			t.Errorf("muted: unread %d, want still 1", n)
		}
		mia.get(thread)
		mia.post("/t/1/mute", url.Values{"state": {"off"}})
		if lvl, _ := f.srv.Store.WatchLevel(context.Background(), f.user("mia").ID, 1); lvl != models.NotWatching {
			t.Errorf("unmuted level = %q", lvl)
		}
		f.reply(1, "ken", "Any news?")
		if n := unread(); n != 1 {
			t.Errorf("neither watching nor mentioned: unread %d, want 1", n)
		}

		expect(t, mia.post("/t/99/watch", url.Values{}), http.StatusNotFound)
		expect(t, mia.postRaw("/t/1/watch", url.Values{}), http.StatusForbidden)
		anon := f.browser()
		anon.get("/login")
		if r := anon.post("/t/1/watch", url.Values{}); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login?next=") {
			t.Errorf("anonymous watch → %d %q", r.Status, r.Location)
		}
	})
}

func TestNotificationSettings(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		b := f.browser()
		b.lang = "ja"
		b.signIn("hana")
		prefs, err := f.srv.Store.NotificationPrefs(context.Background(), f.user("hana").ID)
		if err != nil || prefs.Lang != "ja" {
			t.Errorf("language remembered at sign-in: %+v %v", prefs, err)
		}
		b.lang = "en"
		page := b.get("/settings/notifications")
		expect(t, page, http.StatusOK, `name="email" checked`, `name="reply" checked`, "has no email address",
			`<option value="ja" lang="ja" selected>`)
		r := b.post("/settings/notifications", url.Values{"email": {"on"}, "mention": {"on"}, "lang": {"en"}})
		if r.Status != http.StatusSeeOther || r.Location != "/settings/notifications" {
			t.Fatalf("save: %d %q\n%s", r.Status, r.Location, r.Body)
		}
		page = b.get("/settings/notifications")
		expect(t, page, http.StatusOK, "Your notification settings are saved.", `name="mention" checked`, `<option value="en" lang="en" selected>`)
		refuse(t, page, `name="reply" checked`, `name="solution" checked`)
		prefs, _ = f.srv.Store.NotificationPrefs(context.Background(), f.user("hana").ID)
		if !prefs.EmailEnabled || prefs.EmailReply || !prefs.EmailMention || prefs.EmailSolution || prefs.Lang != "en" {
			t.Errorf("saved prefs = %+v", prefs)
		}
		expect(t, b.postRaw("/settings/notifications", url.Values{"email": {"on"}}), http.StatusForbidden)
		if r := f.browser().get("/settings/notifications"); r.Status != http.StatusSeeOther {
			t.Errorf("anonymous settings → %d", r.Status)
		}
	})
}

func TestUnsubscribe(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		f.browser().signIn("hana")
		f.browser().signIn("mia")
		hana, mia := f.user("hana"), f.user("mia")
		token := handlers.UnsubscribeToken([]byte(handlerTestSecret), hana.ID)
		link := "/unsubscribe?token=" + url.QueryEscape(token)
		emailOn := func(u models.User) bool {
			p, err := f.srv.Store.NotificationPrefs(context.Background(), u.ID)
			if err != nil {
				t.Fatal(err)
			}
			return p.EmailEnabled
		}

		// Opening the link only asks; a scanner following it changes nothing.
		page := f.browser().get(link)
		expect(t, page, http.StatusOK, "Stop all notification email to hana?", `action="/unsubscribe?token=`+token+`"`)
		if !emailOn(hana) {
			t.Fatal("GET unsubscribed")
		}

		// A mail client's one-click POST: no cookie, no CSRF token.
		req := httptest.NewRequest(http.MethodPost, link, strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := f.srv.App.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || emailOn(hana) {
			t.Fatalf("one-click: status %d, email still on: %v", res.StatusCode, emailOn(hana))
		}

		// The confirmation page's button does the same.
		expect(t, f.browser().postRaw(link, url.Values{}), http.StatusOK, "no more notification email goes to hana")

		// Forged tokens are refused and change nothing.
		forged := []string{
			handlers.UnsubscribeToken([]byte("not-the-site-secret-not-the-site"), mia.ID),
			strconv.FormatInt(mia.ID, 10) + strings.TrimPrefix(token, strconv.FormatInt(hana.ID, 10)),
			"", "garbage", "0.x",
		}
		for _, tok := range forged {
			l := "/unsubscribe?token=" + url.QueryEscape(tok)
			expect(t, f.browser().get(l), http.StatusBadRequest, "This unsubscribe link is not valid.")
			expect(t, f.browser().postRaw(l, url.Values{"List-Unsubscribe": {"One-Click"}}), http.StatusBadRequest)
		}
		if !emailOn(mia) {
			t.Error("a forged token unsubscribed mia")
		}
	})
}
