package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hiroba/models"
)

const (
	historyEmail    = "hana.sato@gmail.com"
	historyWithheld = "An earlier version is visible only to its author and moderators."
)

// leakedHistory is a question whose author posted an email address with
// "Post anyway" and then edited it out: post 1 has versions first (public
// words only) and second (the address), newest first in the store.
func leakedHistory(t *testing.T, f *forum) (author *browser, first, second int64) {
	t.Helper()
	author = f.browser()
	author.signIn("hana")
	author.get("/new")
	p := author.post("/new", url.Values{"category": {"2"}, "title": {"Charged twice this month"}, "body": {"Original wording with old details."}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("new thread: %d\n%s", p.Status, p.Body)
	}
	edit := func(title, body string) {
		t.Helper()
		author.get("/p/1/edit")
		p := author.post("/p/1/edit", url.Values{"category": {"2"}, "title": {title}, "body": {body}, "privacy": {"post"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%s", p.Status, p.Body)
		}
	}
	edit("Charged twice this month", "Second wording, mail me at "+historyEmail)
	edit("Charged twice for one plan", "Final wording.")
	revs, err := f.srv.Store.Revisions(context.Background(), 1)
	if err != nil || len(revs) != 2 {
		t.Fatalf("revisions: %v %v", revs, err)
	}
	return author, revs[1].ID, revs[0].ID
}

func TestHistoryWithholdsPersonalData(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		author, _, second := leakedHistory(t, f)
		member := f.browser()
		member.signIn("ken")
		mod := f.browser()
		mod.signIn("mo")
		grant(t, f, "mo", models.RoleModerator)

		// Anonymous visitors and other members learn only that a version
		// exists: no address, no part of that version, and no way to hide.
		for who, b := range map[string]*browser{"anonymous": f.browser(), "member": member} {
			page := b.get("/p/1/history")
			expect(t, page, http.StatusOK, historyWithheld, "Final wording.",
				`<del><span class="visually-hidden">Removed: </span>Original</del>`,
				`<ins><span class="visually-hidden">Added: </span>Final</ins>`)
			refuse(t, page, "hana.sato", "gmail", "Second wording", "/history/"+fmt.Sprint(second)+"/hide", "looks like it contains personal data")
			if t.Failed() {
				t.Fatalf("%s saw the withheld version", who)
			}
		}
		// The title's change is shown as a change.
		expect(t, f.browser().get("/p/1/history"), http.StatusOK, `<ins><span class="visually-hidden">Added: </span>for one plan</ins>`)
		// The same, in Japanese.
		ja := f.browser()
		ja.lang = "ja"
		page := ja.get("/p/1/history")
		expect(t, page, http.StatusOK, "この版は投稿者とモデレーターにだけ表示されます。")
		refuse(t, page, "gmail")

		// The author and moderators read it, and are told why others cannot.
		for _, b := range []*browser{author, mod} {
			expect(t, b.get("/p/1/history"), http.StatusOK, historyEmail, `<span class="visually-hidden">Removed: </span>Second</del>`,
				"it looks like it contains personal data", "Hide this version from the public")
		}
		// The edit form says who sees the history.
		expect(t, author.get("/p/1/edit"), http.StatusOK, "Earlier versions of this post are public",
			"shown only to you and moderators", `href="/p/1/history"`)
	})
}

func TestHistoryHideRevision(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		author, first, second := leakedHistory(t, f)
		hide := fmt.Sprintf("/p/1/history/%d/hide", first)
		unhide := fmt.Sprintf("/p/1/history/%d/unhide", first)
		expect(t, f.browser().get("/p/1/history"), http.StatusOK, "Original")

		// Nobody but the author or a moderator hides a version.
		member := f.browser()
		member.signIn("ken")
		member.get("/p/1/history")
		expect(t, member.post(hide, url.Values{}), http.StatusForbidden)
		anon := f.browser()
		anon.get("/p/1/history")
		expect(t, anon.post(hide, url.Values{}), http.StatusForbidden)
		// Not without the form's token either.
		expect(t, author.postRaw(hide, url.Values{}), http.StatusForbidden)
		expect(t, f.browser().get("/p/1/history"), http.StatusOK, "Original")

		// The author hides their first version: visitors no longer read it.
		author.get("/p/1/history")
		p := author.post(hide, url.Values{})
		if p.Status != http.StatusSeeOther || p.Location != fmt.Sprintf("/p/1/history#rev-%d", first) {
			t.Fatalf("hide: %d %q\n%s", p.Status, p.Location, p.Body)
		}
		page := f.browser().get("/p/1/history")
		expect(t, page, http.StatusOK, "Final wording.")
		refuse(t, page, "Original", "old details", "gmail")
		if n := strings.Count(page.Body, historyWithheld); n != 2 {
			t.Errorf("visitors see %d withheld versions, want 2", n)
		}
		expect(t, author.get("/p/1/history"), http.StatusOK, "That version is now hidden from the public.",
			"Hidden from the public", "Original", "Make this version public again")

		// Unknown versions, and versions of another post, are not found.
		author.get("/p/1/history")
		expect(t, author.post("/p/1/history/99999/hide", url.Values{}), http.StatusNotFound)
		expect(t, author.post(fmt.Sprintf("/p/1/history/%d/publish", first), url.Values{}), http.StatusNotFound)
		author.get("/t/1")
		author.post("/t/1/replies", url.Values{"body": {"A reply that is never edited."}})
		expect(t, author.post(fmt.Sprintf("/p/2/history/%d/hide", second), url.Values{}), http.StatusNotFound)

		// Both are in the audit log.
		author.get("/p/1/history")
		if p := author.post(unhide, url.Values{}); p.Status != http.StatusSeeOther {
			t.Fatalf("unhide: %d", p.Status)
		}
		expect(t, f.browser().get("/p/1/history"), http.StatusOK, "Original")
		admin := f.browser()
		admin.signIn("root")
		grant(t, f, "root", models.RoleAdmin)
		expect(t, admin.get("/admin/audit"), http.StatusOK, "Hid an earlier version", "Made an earlier version public", fmt.Sprintf("Earlier version #%d", first), "Post #1")

		// What a moderator hid, the author cannot make public again.
		admin.get("/p/1/history")
		if p := admin.post(hide, url.Values{}); p.Status != http.StatusSeeOther {
			t.Fatalf("moderator hide: %d", p.Status)
		}
		page = author.get("/p/1/history")
		refuse(t, page, "Make this version public again")
		expect(t, author.post(unhide, url.Values{}), http.StatusForbidden)
		refuse(t, f.browser().get("/p/1/history"), "Original")
	})
}

func TestHistorySilencedAuthorMayHide(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		author, first, _ := leakedHistory(t, f)
		mod := f.browser()
		mod.signIn("mo")
		grant(t, f, "mo", models.RoleModerator)
		mod.get("/mod/u/hana")
		if p := mod.post("/mod/u/hana", url.Values{"action": {"silence"}, "days": {"3"}, "reason": {"cool down"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("silence: %d", p.Status)
		}
		author.get("/p/1/history")
		if p := author.post(fmt.Sprintf("/p/1/history/%d/hide", first), url.Values{}); p.Status != http.StatusSeeOther {
			t.Fatalf("silenced author hides: %d\n%s", p.Status, p.Body)
		}
		refuse(t, f.browser().get("/p/1/history"), "Original")
	})
}

func TestHistoryOfAPostNobodyMayRead(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		author, _, _ := leakedHistory(t, f)
		author.get("/t/1")
		author.post("/t/1/replies", url.Values{"body": {"A reply, mail me at " + historyEmail}, "privacy": {"post"}})
		author.get("/p/2/edit")
		if p := author.post("/p/2/edit", url.Values{"body": {"A reply."}}); p.Status != http.StatusSeeOther {
			t.Fatalf("edit reply: %d", p.Status)
		}
		author.get("/t/1")
		if p := author.post("/p/2/delete", url.Values{}); p.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d", p.Status)
		}
		// A deleted post's history is not found, for its author too, and
		// nobody but a moderator acts on it.
		for _, b := range []*browser{f.browser(), author} {
			expect(t, b.get("/p/2/history"), http.StatusNotFound)
		}
		revs, err := f.srv.Store.Revisions(context.Background(), 2)
		if err != nil || len(revs) != 1 {
			t.Fatalf("revisions of the reply: %v %v", revs, err)
		}
		author.get("/p/1/history")
		expect(t, author.post(fmt.Sprintf("/p/2/history/%d/hide", revs[0].ID), url.Values{}), http.StatusNotFound)
		// The question's own history is untouched.
		expect(t, f.browser().get("/p/1/history"), http.StatusOK, "Original")
	})
}
