package models_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"hiroba/models"
)

// notes lists a user's notifications as "kind:actor:postID", oldest first.
func notes(t *testing.T, s *models.Store, u models.User) []string {
	t.Helper()
	list, err := s.Notifications(context.Background(), u, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(list.Items) - 1; i >= 0; i-- {
		n := list.Items[i]
		out = append(out, fmt.Sprintf("%s:%s:%d", n.Kind, n.Actor.Username, n.PostID))
	}
	return out
}

func wantNotes(t *testing.T, s *models.Store, u models.User, want ...string) {
	t.Helper()
	got := notes(t, s, u)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s's notifications = %v, want %v", u.Username, got, want)
	}
	unread, err := s.UnreadCount(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	if unread != len(want) {
		t.Errorf("%s's unread count = %d, want %d", u.Username, unread, len(want))
	}
}

func reply(t *testing.T, s *models.Store, th models.Thread, u models.User, body string) models.Post {
	t.Helper()
	p, err := s.CreateReply(context.Background(), models.NewReply{ThreadID: th.ID, UserID: u.ID, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRepliesNotifyWatchers(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		asker, helper, fan, quiet := signIn(t, s, "1", "asker"), signIn(t, s, "2", "helper"), signIn(t, s, "3", "fan"), signIn(t, s, "4", "quiet")
		th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: 1, Title: "Two-factor codes rejected", Body: "Codes fail."})
		if err != nil {
			t.Fatal(err)
		}
		if lvl, _ := s.WatchLevel(ctx, asker.ID, th.ID); lvl != models.Watching {
			t.Errorf("asker watch level = %q, want watching", lvl)
		}
		r1 := reply(t, s, th, helper, "Check the phone's clock.")
		wantNotes(t, s, asker, fmt.Sprintf("reply:helper:%d", r1.ID))
		wantNotes(t, s, helper) // never told of their own post
		if lvl, _ := s.WatchLevel(ctx, helper.ID, th.ID); lvl != models.Watching {
			t.Errorf("replier watch level = %q, want watching", lvl)
		}

		// Anyone may watch; a muted replier hears nothing more.
		if err := s.SetWatch(ctx, fan, th.ID, models.Watching); err != nil {
			t.Fatal(err)
		}
		reply(t, s, th, quiet, "Same here.")
		if err := s.SetWatch(ctx, quiet, th.ID, models.Muted); err != nil {
			t.Fatal(err)
		}
		r3 := reply(t, s, th, asker, "The clock was wrong, thanks @helper and @quiet!")
		wantNotes(t, s, quiet)
		wantNotes(t, s, fan, fmt.Sprintf("reply:quiet:%d", r1.ID+1), fmt.Sprintf("reply:asker:%d", r3.ID))
		// helper watches and is mentioned: told once, as a mention.
		wantNotes(t, s, helper, fmt.Sprintf("reply:quiet:%d", r1.ID+1), fmt.Sprintf("mention:asker:%d", r3.ID))
		if lvl, _ := s.WatchLevel(ctx, quiet.ID, th.ID); lvl != models.Muted {
			t.Errorf("posting must not unmute: %q", lvl)
		}

		// Forgetting the choice stops the notifications until the user posts again.
		if err := s.SetWatch(ctx, fan, th.ID, models.NotWatching); err != nil {
			t.Fatal(err)
		}
		reply(t, s, th, helper, "Glad it works.")
		if got := notes(t, s, fan); len(got) != 2 {
			t.Errorf("unwatched fan was told again: %v", got)
		}
		if err := s.SetWatch(ctx, fan, th.ID+100, models.Watching); err == nil {
			t.Error("watching a missing thread worked")
		}
	})
}

func TestMentions(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		asker, ken, mia := signIn(t, s, "1", "asker"), signIn(t, s, "2", "ken"), signIn(t, s, "3", "mia")
		th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: 1, Title: "Export to CSV is empty", Body: "@ken you built this, any idea? Also @asker and @nobody."})
		if err != nil {
			t.Fatal(err)
		}
		wantNotes(t, s, ken, fmt.Sprintf("mention:asker:%d", th.FirstPostID))
		wantNotes(t, s, asker)
		p := reply(t, s, th, ken, "Maybe `@mia` knows, or mail mia@example.com. Ping @mia @mia.")
		wantNotes(t, s, mia, fmt.Sprintf("mention:ken:%d", p.ID))
		view, err := s.ThreadPage(ctx, staff, th.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if want := `<a href="/u/mia" class="mention">@mia</a>`; !strings.Contains(view.Posts[1].HTML, want) {
			t.Errorf("reply html = %s, want a link %s", view.Posts[1].HTML, want)
		}
		if lvl, _ := s.WatchLevel(ctx, mia.ID, th.ID); lvl != models.NotWatching {
			t.Errorf("a mention must not make mia watch: %q", lvl)
		}
	})
}

func TestSolutionNotifiesTheReplyAuthor(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		w := newWorkflow(t, s)
		before := notes(t, s, w.helper)
		if _, err := s.MarkSolution(ctx, w.asker, w.thread.ID, w.reply.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MarkSolution(ctx, w.asker, w.thread.ID, w.secondReply.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MarkSolution(ctx, w.asker, w.thread.ID, w.reply.ID); err != nil {
			t.Fatal(err)
		}
		wantNotes(t, s, w.helper, append(before,
			fmt.Sprintf("solution:asker:%d", w.reply.ID), fmt.Sprintf("solution:asker:%d", w.secondReply.ID))...)

		// The asker accepting their own reply tells nobody.
		own := reply(t, s, w.thread, w.asker, "Solved it myself.")
		askerBefore := notes(t, s, w.asker)
		if _, err := s.MarkSolution(ctx, w.asker, w.thread.ID, own.ID); err != nil {
			t.Fatal(err)
		}
		wantNotes(t, s, w.asker, askerBefore...)
	})
}

func TestDeletedPostsTakeTheirNotifications(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		w := newWorkflow(t, s)
		wantNotes(t, s, w.asker, fmt.Sprintf("reply:helper:%d", w.reply.ID), fmt.Sprintf("reply:helper:%d", w.secondReply.ID))
		if _, err := s.DeletePost(ctx, w.helper, w.secondReply.ID); err != nil {
			t.Fatal(err)
		}
		wantNotes(t, s, w.asker, fmt.Sprintf("reply:helper:%d", w.reply.ID))
	})
}

func TestReadingNotifications(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		w := newWorkflow(t, s)
		list, err := s.Notifications(ctx, w.asker, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		if list.TotalItems != 2 || list.TotalPages() != 2 || len(list.Items) != 1 || list.Items[0].PostID != w.secondReply.ID {
			t.Fatalf("page 1 = %+v", list)
		}
		n := list.Items[0]
		if n.Thread.Title != "Refund for a double charge" || n.Actor.Username != "helper" || n.Post.Position != 3 || !n.Unread() {
			t.Errorf("joins: %+v", n)
		}
		// Only the owner's notifications are marked.
		if err := s.MarkNotificationsRead(ctx, w.helper.ID, []int64{n.ID}); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.UnreadCount(ctx, w.asker); c != 2 {
			t.Errorf("someone else marked asker's notification: unread %d", c)
		}
		if err := s.MarkNotificationsRead(ctx, w.asker.ID, []int64{n.ID}); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.UnreadCount(ctx, w.asker); c != 1 {
			t.Errorf("unread after reading one = %d", c)
		}
		if err := s.MarkAllNotificationsRead(ctx, w.asker.ID); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.UnreadCount(ctx, w.asker); c != 0 {
			t.Errorf("unread after reading all = %d", c)
		}
	})
}

func TestNotificationPrefs(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		u := signIn(t, s, "1", "hana")
		p, err := s.NotificationPrefs(ctx, u.ID)
		if err != nil || p != models.DefaultNotificationPrefs(u.ID) {
			t.Fatalf("defaults = %+v, %v", p, err)
		}
		if err := s.RememberLanguage(ctx, u.ID, "ja"); err != nil {
			t.Fatal(err)
		}
		if err := s.RememberLanguage(ctx, u.ID, "en"); err != nil {
			t.Fatal(err)
		}
		p, _ = s.NotificationPrefs(ctx, u.ID)
		if p.Lang != "ja" || !p.EmailEnabled || !p.Emails(models.NotifyMention) {
			t.Errorf("after first sign-in = %+v", p)
		}
		p.EmailReply, p.Lang = false, "en"
		if err := s.SaveNotificationPrefs(ctx, p); err != nil {
			t.Fatal(err)
		}
		p, _ = s.NotificationPrefs(ctx, u.ID)
		if p.Emails(models.NotifyReply) || !p.Emails(models.NotifySolution) || p.Lang != "en" {
			t.Errorf("saved = %+v", p)
		}
		if err := s.UnsubscribeEmail(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		p, _ = s.NotificationPrefs(ctx, u.ID)
		if p.EmailEnabled || p.Emails(models.NotifySolution) || !p.EmailSolution {
			t.Errorf("unsubscribed = %+v", p)
		}
	})
}

func TestMailQueueClaimsEachMessageOnce(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		now := time.Now().UTC()
		for i := range 10 {
			m := models.Mail{To: fmt.Sprintf("u%d@example.com", i), Subject: "s", Body: "b", Headers: map[string]string{"List-Unsubscribe": "<x>"}, NextAttemptAt: now, CreatedAt: now}
			if err := s.EnqueueMail(ctx, &m); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		var got []int64
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				list, err := s.ClaimMail(ctx, now, time.Minute, 10)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				defer mu.Unlock()
				for _, m := range list {
					got = append(got, m.ID)
				}
			}()
		}
		wg.Wait()
		sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
		if len(got) != 10 {
			t.Fatalf("claimed %d messages (%v), want each of 10 once", len(got), got)
		}
		for i := 1; i < len(got); i++ {
			if got[i] == got[i-1] {
				t.Fatalf("message %d claimed twice", got[i])
			}
		}
		// Held messages are not due again until the lease ends.
		if again, _ := s.ClaimMail(ctx, now.Add(30*time.Second), time.Minute, 10); len(again) != 0 {
			t.Errorf("claimed during the lease: %d", len(again))
		}
		if err := s.MailSent(ctx, got[0], now); err != nil {
			t.Fatal(err)
		}
		if err := s.MailFailed(ctx, got[1], now, now.Add(time.Hour), false, "451 try later"); err != nil {
			t.Fatal(err)
		}
		if err := s.MailFailed(ctx, got[2], now, now, true, "550 no such user"); err != nil {
			t.Fatal(err)
		}
		later, _ := s.ClaimMail(ctx, now.Add(2*time.Minute), time.Minute, 10)
		if len(later) != 7 {
			t.Errorf("after the lease, claimed %d, want 7 (one sent, one waiting, one given up)", len(later))
		}
		unsent, _ := s.UnsentMail(ctx)
		if len(unsent) != 9 || unsent[0].ID != got[1] || unsent[0].Attempts != 1 || unsent[0].LastError != "451 try later" ||
			unsent[0].Headers["List-Unsubscribe"] != "<x>" {
			t.Errorf("unsent = %d, first %+v", len(unsent), unsent[0])
		}
		if n, err := s.PruneMail(ctx, now.Add(time.Second)); err != nil || n != 2 {
			t.Errorf("pruned %d, %v; want the sent and the given-up one", n, err)
		}
	})
}
