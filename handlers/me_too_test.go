package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hiroba/models"
)

// threadCounts are the thread's replies and me-toos as stored.
func (f *forum) threadCounts(id int64) (replies, meToos int) {
	f.t.Helper()
	v, err := f.srv.Store.ThreadPage(context.Background(), staff, id, 1)
	if err != nil {
		f.t.Fatal(err)
	}
	return v.Thread.ReplyCount, v.Thread.MeTooCount
}

// The button on a question: a visitor is offered to sign in; a member
// presses it, sees it pressed with the count, watches the thread, presses
// it again to undo; the asker sees the count only. The lists show the
// count and sort by it.
func TestMeTooButton(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		hana, mia, anon := f.browser(), f.browser(), f.browser()
		hana.signIn("hana")
		mia.signIn("mia")
		thread := hana.ask("Login loops back to the sign-in page", "Since this morning, every sign-in ends where it began.")
		other := hana.ask("Dark mode resets", "It forgets my theme.")

		expect(t, anon.get(thread), http.StatusOK, `href="/login?next=`+url.QueryEscape(thread)+`"`, "Sign in to say you have this problem too")
		// No count is shown while nobody said it; the hidden one is for the
		// live page to fill in.
		expect(t, anon.get(thread), http.StatusOK, `data-me-too-count="0"`, `hidden>0 people have this problem</p>`)
		refuse(t, anon.get(thread), `action="/t/1/me-too"`)
		expect(t, mia.get(thread), http.StatusOK, `action="/t/1/me-too"`, `aria-pressed="false">I have this problem too</button>`)

		r := mia.post("/t/1/me-too", url.Values{"next": {thread}})
		if r.Status != http.StatusSeeOther || r.Location != thread {
			t.Fatalf("me too: %d %q\n%s", r.Status, r.Location, r.Body)
		}
		page := mia.get(thread)
		expect(t, page, http.StatusOK, `<p class="flash" role="status">Counted: you have this problem too.</p>`,
			`aria-pressed="true" aria-describedby="me-too-undo">I have this problem too</button>`,
			`name="state" value="off"`, "You have this problem too — press again to undo.",
			"1 person has this problem", "You are watching this thread:")
		// The same page's button pressed again (a double click): counted once.
		mia.post("/t/1/me-too", url.Values{"next": {thread}})
		if _, n := f.threadCounts(1); n != 1 {
			t.Errorf("pressed twice: count %d, want 1", n)
		}
		expect(t, anon.get(thread), http.StatusOK, "1 person has this problem")
		page = hana.get(thread)
		expect(t, page, http.StatusOK, "1 person has this problem")
		refuse(t, page, `action="/t/1/me-too"`, "Sign in to say")

		ken := f.browser()
		ken.signIn("ken")
		ken.get(thread)
		ken.post("/t/1/me-too", url.Values{"next": {thread}})
		expect(t, anon.get(thread), http.StatusOK, "2 people have this problem")
		list := anon.get("/")
		expect(t, list, http.StatusOK, `<span class="me-too-count">2 have this problem</span>`, `href="/?sort=affected"`, "Most affected")
		sorted := anon.get("/?sort=affected")
		if i, j := strings.Index(sorted.Body, "Login loops back"), strings.Index(sorted.Body, "Dark mode resets"); i < 0 || j < 0 || i > j {
			t.Errorf("most affected: the question with me-toos is not first (%d, %d)", i, j)
		}
		if latest := anon.get("/"); strings.Index(latest.Body, "Dark mode resets") > strings.Index(latest.Body, "Login loops back") {
			t.Errorf("the plain list is not by activity")
		}
		_ = other

		// Undo.
		r = mia.post("/t/1/me-too", url.Values{"next": {thread}, "state": {"off"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("undo: %d", r.Status)
		}
		expect(t, mia.get(thread), http.StatusOK, "Your “I have this problem too” is taken back.", `aria-pressed="false"`, "1 person has this problem")

		// In Japanese.
		mia.lang = "ja"
		mia.get(thread)
		mia.post("/t/1/me-too", url.Values{"next": {thread}})
		expect(t, mia.get(thread), http.StatusOK, "「同じ問題が起きています」に数えました。", "2 人に同じ問題が起きています",
			`aria-pressed="true" aria-describedby="me-too-undo">同じ問題が起きています</button>`)

		// Forged, missing, and signed-out requests.
		expect(t, mia.postRaw("/t/1/me-too", url.Values{}), http.StatusForbidden)
		expect(t, mia.post("/t/99/me-too", url.Values{}), http.StatusNotFound)
		anon.get("/login")
		if r := anon.post("/t/1/me-too", url.Values{"next": {thread}}); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login?next=") {
			t.Errorf("anonymous me too → %d %q", r.Status, r.Location)
		}
		if _, n := f.threadCounts(1); n != 2 {
			t.Errorf("count %d after refused requests, want 2", n)
		}

		// A closed thread shows its count, and takes no more.
		f.browser().signIn("mod")
		if err := f.srv.Store.GrantRole(context.Background(), "mod", models.RoleModerator); err != nil {
			t.Fatal(err)
		}
		if err := f.srv.Store.ModerateThread(context.Background(), f.user("mod"), 1, models.ThreadClose, 0, "done"); err != nil {
			t.Fatal(err)
		}
		mia.lang, anon.lang = "en", "en"
		for _, b := range []*browser{mia, anon} {
			page := b.get(thread)
			expect(t, page, http.StatusOK, "2 people have this problem")
			refuse(t, page, `action="/t/1/me-too"`, "Sign in to say")
		}
		expect(t, mia.post("/t/1/me-too", url.Values{"next": {thread}, "state": {"off"}}), http.StatusConflict)
	})
}

// A silenced member may not say it, and is told why; a thread hidden from
// them is not found.
func TestMeTooRestrictions(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		ctx := context.Background()
		hana, mia := f.browser(), f.browser()
		hana.signIn("hana")
		mia.signIn("mia")
		f.browser().signIn("mod")
		if err := f.srv.Store.GrantRole(ctx, "mod", models.RoleModerator); err != nil {
			t.Fatal(err)
		}
		mod := f.user("mod")
		thread := hana.ask("Exports time out", "Every export of more than a month fails.")
		hidden := hana.ask("Buy cheap followers", "spam")
		if err := f.srv.Store.ModerateThread(ctx, mod, 2, models.ThreadHide, 0, "spam"); err != nil {
			t.Fatal(err)
		}
		mia.get(thread)
		expect(t, mia.post("/t/2/me-too", url.Values{"next": {hidden}}), http.StatusNotFound)
		if err := f.srv.Store.ModerateUser(ctx, mod, f.user("mia").ID, models.UserSilence, time.Now().Add(time.Hour), "cool down"); err != nil {
			t.Fatal(err)
		}
		expect(t, mia.post("/t/1/me-too", url.Values{"next": {thread}}), http.StatusForbidden, "cool down")
		for id := range int64(2) {
			if _, n := f.threadCounts(id + 1); n != 0 {
				t.Errorf("thread %d counted %d", id+1, n)
			}
		}
	})
}

// A reply that only says "+1" is not posted: it becomes the author's
// me-too, and they are told so, in their language. A reply that says more
// is posted, as is one the author cannot count (their own question).
func TestPlusOneRepliesBecomeMeToos(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		hana, mia, ken := f.browser(), f.browser(), f.browser()
		hana.signIn("hana")
		mia.signIn("mia")
		ken.signIn("ken")
		thread := hana.ask("Payments fail with 429", "Every card payment fails with error 429.")
		reply := func(b *browser, body string) page {
			t.Helper()
			b.get(thread)
			return b.post("/t/1/replies", url.Values{"body": {body}})
		}
		for _, body := range []string{"+1", "Me too!!", "👍", "Same here."} {
			r := reply(mia, body)
			if r.Status != http.StatusSeeOther || r.Location != "/t/1#me-too" {
				t.Fatalf("%q: %d %q, want a me-too", body, r.Status, r.Location)
			}
			expect(t, mia.get(thread), http.StatusOK, escaped(`We counted your reply as “I have this problem too” instead of posting it.`),
				`aria-pressed="true"`, "1 person has this problem")
		}
		ken.lang = "ja"
		if r := reply(ken, "私もです。"); r.Location != "/t/1#me-too" {
			t.Fatalf("私もです: %d %q", r.Status, r.Location)
		}
		expect(t, ken.get(thread), http.StatusOK, "返信は投稿せず、「同じ問題が起きています」として数えました。", "2 人に同じ問題が起きています")
		if replies, n := f.threadCounts(1); replies != 0 || n != 2 {
			t.Fatalf("after me-too replies: %d replies, %d me-toos; want 0 and 2", replies, n)
		}

		for _, tc := range []struct {
			who  *browser
			body string
		}{
			{mia, "+1 but also I found that clearing cache fixes it"},
			{ken, "同じです。エラーコードは 429 でした"},
			{hana, "+1"}, // the asker's own question: a reply like any other
		} {
			if r := reply(tc.who, tc.body); !replied(r) {
				t.Errorf("%q was not posted: %d %q", tc.body, r.Status, r.Location)
			}
		}
		if replies, n := f.threadCounts(1); replies != 3 || n != 2 {
			t.Errorf("after real replies: %d replies, %d me-toos; want 3 and 2", replies, n)
		}
	})
}
