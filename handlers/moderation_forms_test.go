package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hiroba/models"
)

// A moderation form the forum cannot act on comes back on the page that
// holds it, with 422, a message beside the control and the reason as typed;
// nothing changes.
func TestUnknownModerationInputComesBackWithTheForm(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		ctx := context.Background()
		_, helper, thread := askAndAnswer(t, f)
		mod := f.browser()
		mod.signIn("mo")
		grant(t, f, "mo", models.RoleModerator)

		mod.get(thread)
		p := mod.post("/mod/t/1", url.Values{"action": {"frobnicate"}, "reason": {"tidy up"}})
		expect(t, p, http.StatusUnprocessableEntity, "Choose one of these actions. Nothing was changed.",
			`id="mod-reason" name="reason" type="text" maxlength="500" value="tidy up"`, "Charged twice for one plan", "Close thread")
		mod.get(thread)
		p = mod.post("/mod/t/1", url.Values{"action": {"move"}, "category": {"999"}, "reason": {"wrong place"}})
		expect(t, p, http.StatusUnprocessableEntity, "Choose a category to move the thread to.", `aria-invalid="true"`, `value="wrong place"`)
		if view, err := f.srv.Store.ThreadPage(ctx, staff, 1, 1); err != nil || view.Thread.Closed() || view.Thread.CategoryID != 2 {
			t.Errorf("a refused form changed the thread: %+v %v", view.Thread, err)
		}

		// The review queue: the refused decision comes back beside its post.
		helper.get(thread)
		helper.post("/p/1/flag", url.Values{"reason": {"off_topic"}})
		mod.get("/review")
		p = mod.post("/review/1", url.Values{"reason": {"checked twice"}})
		expect(t, p, http.StatusUnprocessableEntity, "Choose approve, reject, or delete and suspend.", `value="checked twice"`, "Two charges this month.")
		if q, _ := f.srv.Store.ReviewQueue(ctx, 10); len(q) != 1 {
			t.Errorf("queue after a refused decision: %d items", len(q))
		}
		// A post that is not in the queue has no form to come back to.
		mod.get("/review")
		expect(t, mod.post("/review/2", url.Values{"decision": {"maybe"}}), http.StatusNotFound)

		// The page of actions on a user, in Japanese too.
		mod.get("/mod/u/ken")
		p = mod.post("/mod/u/ken", url.Values{"action": {"zap"}, "days": {"3"}, "reason": {"Spam links"}})
		expect(t, p, http.StatusUnprocessableEntity, "Choose one of these actions. Nothing was changed.", `value="3"`, `value="Spam links"`)
		mod.lang = "ja"
		mod.get("/mod/u/ken")
		p = mod.post("/mod/u/ken", url.Values{"action": {"zap"}, "days": {"a week"}, "reason": {"スパム"}})
		expect(t, p, http.StatusUnprocessableEntity, "これらの操作のいずれかを選んでください。", "日数は1〜3650の整数で", `value="スパム"`)
		if u, _ := f.srv.Store.UserByUsername(ctx, "ken"); u.SilencedUntil != nil || u.SuspendedUntil != nil {
			t.Error("a refused form limited the user")
		}
		if _, pages, _ := f.srv.Store.AuditLog(ctx, 1, 10); pages.TotalItems != 1 { // the role grant
			t.Errorf("refused forms were logged: %d entries", pages.TotalItems)
		}
	})
}

// A word on the list already is said to be so; the form keeps it.
func TestWatchedWordOnTheListAlready(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		admin := f.browser()
		admin.signIn("root")
		grant(t, f, "root", models.RoleAdmin)
		admin.get("/admin/words")
		word := url.Values{"pattern": {"cheap watches"}, "kind": {"word"}, "action": {"block"}}
		if p := admin.post("/admin/words", word); p.Status != http.StatusSeeOther {
			t.Fatalf("add: %d\n%s", p.Status, p.Body)
		}
		admin.get("/admin/words")
		p := admin.post("/admin/words", url.Values{"pattern": {"cheap watches"}, "kind": {"word"}, "action": {"hold"}})
		expect(t, p, http.StatusUnprocessableEntity, "That word or domain is on the list already.", `value="cheap watches"`)
		refuse(t, p, "Enter a word or domain")
		admin.get("/admin/words")
		p = admin.post("/admin/words", url.Values{"pattern": {"   "}, "kind": {"word"}, "action": {"block"}})
		expect(t, p, http.StatusUnprocessableEntity, "Enter a word or domain of at most 200 characters")
	})
}

// The message a handler gives with a 422 is what the page says.
func TestUnprocessableMessagesAreShown(t *testing.T) {
	f := newForum(t, "sqlite")
	b := f.browser()
	b.signIn("hana")
	b.get("/new")
	p := b.post("/preview", url.Values{"body": {strings.Repeat("a", 50001)}})
	expect(t, p, http.StatusUnprocessableEntity, "This is too long: at most 50000 characters (it has 50001).",
		"<title>This is too long")
	refuse(t, p, "That request was not understood.")
}

// A flag that hides a post from its flagger goes back to the thread, not
// to an error: the post is out of their sight now.
func TestFlagThatHidesGoesBackToTheThread(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, _, thread := askAndAnswer(t, f)
		for i, name := range []string{"f1", "f2", "f3"} {
			b := f.browser()
			b.signIn(name)
			b.get(thread)
			p := b.post("/p/2/flag", url.Values{"reason": {"spam"}})
			want := thread + "#p2"
			if i == 2 {
				want = thread // hidden now, from this flagger too
			}
			if p.Status != http.StatusSeeOther || p.Location != want {
				t.Errorf("flag %d: %d %q, want %q", i+1, p.Status, p.Location, want)
			}
		}
		expect(t, f.browser().get(thread), http.StatusOK, "This post is hidden while moderators review it.")
	})
}
