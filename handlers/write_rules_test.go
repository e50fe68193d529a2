package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hiroba/models"
)

// watch adds a watched word or domain as an admin would.
func watch(t *testing.T, admin *browser, pattern, kind, action string) {
	t.Helper()
	admin.get("/admin/words")
	if r := admin.post("/admin/words", url.Values{"pattern": {pattern}, "kind": {kind}, "action": {action}}); r.Status != http.StatusSeeOther {
		t.Fatalf("watch %q: %d\n%s", pattern, r.Status, r.Body)
	}
}

// staffMember signs in a moderator (or admin) in a browser of their own.
func staffMember(t *testing.T, f *forum, name string, role models.Role) *browser {
	t.Helper()
	b := f.browser()
	b.signIn(name)
	grant(t, f, name, role)
	return b
}

// An edit meets the posting rules a new post meets: a blocked word or
// domain is refused with the text kept; a held word keeps the public text
// until a moderator approves the edit.
func TestEditsObeyThePostingRules(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		asker, helper, thread := askAndAnswer(t, f)
		admin := staffMember(t, f, "root", models.RoleAdmin)
		watch(t, admin, "casinobonus", "word", "block")
		watch(t, admin, "spam.example", "domain", "block")
		watch(t, admin, "heldword", "word", "hold")

		// Refused outright, with the text and the reason on the form.
		for _, body := range []string{"casinobonus today", "see https://spam.example/x"} {
			helper.get("/p/2/edit")
			r := helper.post("/p/2/edit", url.Values{"body": {body}})
			expect(t, r, http.StatusUnprocessableEntity, escaped(body), "which this forum does not allow")
		}
		// A question's title is judged too.
		asker.get("/p/1/edit")
		r := asker.post("/p/1/edit", url.Values{"category": {"2"}, "title": {"casinobonus for everyone"}, "body": {"Two charges this month."}})
		expect(t, r, http.StatusUnprocessableEntity, "casinobonus for everyone", "which this forum does not allow")

		// Held: the old text stays public; the author finds the edit waiting.
		helper.get("/p/2/edit")
		r = helper.post("/p/2/edit", url.Values{"body": {"Updated advice heldword inside"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("held edit: %d\n%s", r.Status, r.Body)
		}
		expect(t, helper.get(r.Location), http.StatusOK, "Your edit is waiting for a moderator")
		page := f.browser().get(thread)
		expect(t, page, http.StatusOK, "Billing refunds duplicates within a week.")
		refuse(t, page, "heldword")
		expect(t, helper.get("/p/2/edit"), http.StatusOK, "Updated advice heldword inside", "waiting for a moderator")
		refuse(t, f.browser().get("/p/2/history"), "heldword")

		mod := staffMember(t, f, "mo", models.RoleModerator)
		expect(t, mod.get("/review"), http.StatusOK, "An edit waiting for approval", "Updated advice heldword inside", "Contains the watched word “heldword”")
		if r := mod.post("/review/2", url.Values{"decision": {"approve"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("approve: %d", r.Status)
		}
		page = f.browser().get(thread)
		expect(t, page, http.StatusOK, "Updated advice heldword inside")
		// The replaced text is kept as a revision, as for any edit.
		expect(t, mod.get("/p/2/history"), http.StatusOK, "Billing refunds duplicates within a week.")

		// A rejected edit is dropped and the post stays as it was.
		helper.get("/p/2/edit")
		helper.post("/p/2/edit", url.Values{"body": {"Second heldword attempt"}})
		mod.get("/review")
		if r := mod.post("/review/2", url.Values{"decision": {"reject"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("reject: %d", r.Status)
		}
		page = f.browser().get(thread)
		expect(t, page, http.StatusOK, "Updated advice heldword inside")
		refuse(t, page, "Second heldword attempt")
	})
}

// New-account link limits count every link the edit would publish.
func TestNewAccountLinkLimitsApplyToEdits(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, helper, thread := askAndAnswer(t, f)
		if err := f.srv.Store.SetRules(context.Background(), models.DefaultRules); err != nil {
			t.Fatal(err)
		}
		links := strings.Repeat("[doc](https://docs.example/a) [b](https://b.example/) ", 4)
		helper.get("/p/2/edit")
		if r := helper.post("/p/2/edit", url.Values{"body": {links}}); r.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%s", r.Status, r.Body)
		}
		page := f.browser().get(thread)
		expect(t, page, http.StatusOK, "Billing refunds duplicates within a week.")
		refuse(t, page, "docs.example")
	})
}

// Silence stops everything but reading and one's own notification
// settings; each refusal says why and until when.
func TestSilencedUserMayOnlyReadAndManageNotifications(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		asker, helper, thread := askAndAnswer(t, f)
		mod := staffMember(t, f, "mo", models.RoleModerator)
		mod.get("/mod/u/hana")
		mod.post("/mod/u/hana", url.Values{"action": {"silence"}, "days": {"3"}, "reason": {"Please stop posting links"}})
		mod.get("/mod/u/ken")
		mod.post("/mod/u/ken", url.Values{"action": {"silence"}, "days": {"3"}, "reason": {"Please stop posting links"}})

		helper.get(thread)
		refusals := map[string]page{
			"vote":   helper.post("/p/1/helpful", url.Values{}),
			"flag":   helper.post("/p/1/flag", url.Values{"reason": {"spam"}}),
			"delete": helper.post("/p/2/delete", url.Values{}),
		}
		asker.get(thread)
		refusals["solution"] = asker.post("/t/1/solution", url.Values{"post_id": {"2"}})
		for what, r := range refusals {
			if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "limited to reading until") || !strings.Contains(r.Body, "Please stop posting links") {
				t.Errorf("%s while silenced: %d\n%s", what, r.Status, r.Body)
			}
		}
		// Editing, a question's title included, is refused with the text kept.
		asker.get("/p/1/edit")
		r := asker.post("/p/1/edit", url.Values{"category": {"2"}, "title": {"A brand new title here"}, "body": {"new words"}})
		expect(t, r, http.StatusForbidden, "a moderator limited your account", "A brand new title here", "new words")
		expect(t, f.browser().get(thread), http.StatusOK, "Charged twice for one plan")
		// Their own notification settings stay theirs.
		helper.get(thread)
		if r := helper.post("/t/1/mute", url.Values{}); r.Status != http.StatusSeeOther {
			t.Errorf("mute while silenced: %d", r.Status)
		}
		// A vote that was refused did not count.
		refuse(t, f.browser().get(thread), `<span class="count">1</span>`)
	})
}

// Suspension ends the session at once and refuses a new sign-in, saying why
// and until when.
func TestSuspensionEndsTheSession(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, helper, thread := askAndAnswer(t, f)
		mod := staffMember(t, f, "mo", models.RoleModerator)
		mod.get("/mod/u/ken")
		if r := mod.post("/mod/u/ken", url.Values{"action": {"suspend"}, "days": {"7"}, "reason": {"Harassing other members"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("suspend: %d", r.Status)
		}
		page := helper.get(thread)
		refuse(t, page, `action="/logout"`)
		r := helper.post("/p/2/edit", url.Values{"body": {"still here"}})
		if r.Status != http.StatusForbidden {
			t.Errorf("edit after suspension: %d", r.Status)
		}
		helper.get("/login")
		r = helper.post("/auth/dev", url.Values{"username": {"ken"}, "next": {"/"}})
		expect(t, r, http.StatusForbidden, "suspended until", "Harassing other members")
		if helper.cookies["hiroba_session"] != "" {
			t.Errorf("a suspended user was given a session")
		}
	})
}

// Undoing a purge restores what the purge removed, and only that.
func TestUnpurgeRestoresOnlyWhatThePurgeRemoved(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, spammer, thread := askAndAnswer(t, f) // ken's reply is post 2
		mod := staffMember(t, f, "mo", models.RoleModerator)
		spammer.get(thread)
		spammer.post("/t/1/replies", url.Values{"body": {"Second reply, removed by a moderator earlier"}}) // post 3
		spammer.get("/new")
		own := spammer.post("/new", url.Values{"category": {"2"}, "title": {"A thread hidden for being off topic"}, "body": {"off topic"}})
		hiddenThread := strings.Split(own.Location, "#")[0]
		spammer.get("/new")
		kept := spammer.post("/new", url.Values{"category": {"2"}, "title": {"A thread the purge hides"}, "body": {"on topic"}})
		keptThread := strings.Split(kept.Location, "#")[0]
		// Before the purge, a moderator removed one reply and hid one thread.
		mod.get(thread)
		if r := mod.post("/p/3/delete", url.Values{}); r.Status != http.StatusSeeOther {
			t.Fatalf("moderator delete: %d", r.Status)
		}
		mod.post("/mod/t/"+strings.Split(hiddenThread, "/")[2], url.Values{"action": {"hide"}, "reason": {"off topic"}})

		mod.get("/mod/u/ken")
		if r := mod.post("/mod/u/ken", url.Values{"action": {"purge"}, "days": {"1"}, "reason": {"spam"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("purge: %d", r.Status)
		}
		refuse(t, f.browser().get(thread), "Billing refunds duplicates within a week.")
		expect(t, f.browser().get(keptThread), http.StatusNotFound)

		mod.get("/mod/u/ken")
		if r := mod.post("/mod/u/ken", url.Values{"action": {"unpurge"}, "days": {"1"}, "reason": {"mistake"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("unpurge: %d", r.Status)
		}
		page := followGet(f.browser(), thread)
		expect(t, page.page, http.StatusOK, "Billing refunds duplicates within a week.", "1 reply")
		refuse(t, page.page, "removed by a moderator earlier")
		expect(t, followGet(f.browser(), keptThread).page, http.StatusOK, "A thread the purge hides")
		expect(t, followGet(f.browser(), hiddenThread).page, http.StatusNotFound)
	})
}
