package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// askAndAnswer makes hana ask and ken answer; it returns their browsers and
// the thread's address.
func askAndAnswer(t *testing.T, f *forum) (asker, helper *browser, thread string) {
	t.Helper()
	asker, helper = f.browser(), f.browser()
	asker.signIn("hana")
	asker.get("/new")
	p := asker.post("/new", url.Values{"category": {"2"}, "title": {"Charged twice for one plan"}, "body": {"Two charges this month."}})
	thread = strings.Split(p.Location, "#")[0]
	helper.signIn("ken")
	helper.get(thread)
	helper.post("/t/1/replies", url.Values{"body": {"Billing refunds duplicates within a week."}})
	return asker, helper, thread
}

func TestMarkSolution(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		asker, helper, thread := askAndAnswer(t, f)
		expect(t, asker.get(thread), http.StatusOK, "Mark as solution")
		refuse(t, helper.get(thread), "Mark as solution")
		// Only the asker may mark; the helper's attempt is refused.
		expect(t, helper.post("/t/1/solution", url.Values{"post_id": {"2"}}), http.StatusForbidden)
		asker.get(thread)
		r := asker.post("/t/1/solution", url.Values{"post_id": {"2"}})
		if r.Status != http.StatusSeeOther || !strings.HasSuffix(r.Location, "#p2") {
			t.Fatalf("mark: %d %q", r.Status, r.Location)
		}
		page := f.browser().get(thread)
		expect(t, page, http.StatusOK, `class="solution-box"`, "Accepted answer by ken", `"@type":"QAPage"`,
			`"acceptedAnswer":{`, "Solved")
		expect(t, f.browser().get("/?show=solved"), http.StatusOK, "Charged twice for one plan", "✓ Solved")
		refuse(t, f.browser().get("/?show=unsolved"), "Charged twice for one plan")
		refuse(t, f.browser().get("/c/billing?show=unanswered"), "Charged twice for one plan")
		asker.get(thread)
		asker.post("/t/1/solution/clear", url.Values{})
		refuse(t, f.browser().get(thread), `class="solution-box"`)
		expect(t, f.browser().get("/?show=unsolved"), http.StatusOK, "Charged twice for one plan")
		// The question cannot be its own solution.
		asker.get(thread)
		expect(t, asker.post("/t/1/solution", url.Values{"post_id": {"1"}}), http.StatusConflict)
	})
}

func TestHelpfulVotesOnPage(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		asker, helper, thread := askAndAnswer(t, f)
		asker.get(thread)
		r := asker.post("/p/2/helpful", url.Values{})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("vote: %d", r.Status)
		}
		expect(t, asker.get(thread), http.StatusOK, `aria-pressed="true"`, `<span class="count">1</span>`)
		// Not on your own post.
		helper.get(thread)
		expect(t, helper.post("/p/2/helpful", url.Values{}), http.StatusForbidden)
		// Undo.
		asker.get(thread)
		asker.post("/p/2/helpful", url.Values{})
		expect(t, asker.get(thread), http.StatusOK, `aria-pressed="false"`)
		// Visitors cannot vote.
		anon := f.browser()
		anon.get("/login")
		expect(t, anon.post("/p/2/helpful", url.Values{}), http.StatusForbidden)
	})
}

func TestEditAndHistory(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		asker, helper, thread := askAndAnswer(t, f)
		expect(t, helper.get("/p/1/edit"), http.StatusForbidden)
		expect(t, asker.get("/p/1/edit"), http.StatusOK, "Two charges this month.", `value="Charged twice for one plan"`)
		// A refused edit keeps the text.
		r := asker.post("/p/1/edit", url.Values{"category": {"2"}, "title": {"Short"}, "body": {"Kept text"}})
		expect(t, r, http.StatusUnprocessableEntity, "Kept text", "The title needs 6 to 200 characters")
		r = asker.post("/p/1/edit", url.Values{"category": {"2"}, "title": {"Charged twice for the Pro plan"}, "body": {"Two charges on **March 3**."}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%s", r.Status, r.Body)
		}
		page := f.browser().get(r.Location)
		expect(t, page, http.StatusOK, "Charged twice for the Pro plan", "<strong>March 3</strong>", `href="/p/1/history"`)
		// History shows each earlier version as what the edit changed.
		expect(t, f.browser().get("/p/1/history"), http.StatusOK, "Two charges on **March 3**.",
			`Two charges <del><span class="visually-hidden">Removed: </span>this month</del><ins><span class="visually-hidden">Added: </span>on **March 3**</ins>.`,
			`Charged twice for <del><span class="visually-hidden">Removed: </span>one</del><ins><span class="visually-hidden">Added: </span>the Pro</ins> plan`)
		// The old address still leads to the thread.
		if r := f.browser().get(thread); r.Status != http.StatusMovedPermanently {
			t.Errorf("old slug: %d", r.Status)
		}
		// A reply's author edits the reply.
		helper.get("/p/2/edit")
		r = helper.post("/p/2/edit", url.Values{"body": {"Billing refunds duplicates within 5 days."}})
		if r.Status != http.StatusSeeOther || !strings.HasSuffix(r.Location, "#p2") {
			t.Fatalf("reply edit: %d %q", r.Status, r.Location)
		}
	})
}

func TestDeleteShowsPlaceholder(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		asker, helper, thread := askAndAnswer(t, f)
		asker.get(thread)
		expect(t, asker.post("/p/2/delete", url.Values{}), http.StatusForbidden)
		helper.get(thread)
		r := helper.post("/p/2/delete", url.Values{})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d", r.Status)
		}
		page := f.browser().get(thread)
		expect(t, page, http.StatusOK, "This post was deleted by its author.", "0 replies")
		refuse(t, page, "Billing refunds duplicates")
		expect(t, f.browser().get("/?show=unanswered"), http.StatusOK, "Charged twice for one plan")
		// Deleted is gone, for its author too: nothing left to edit.
		expect(t, helper.get("/p/2/edit"), http.StatusNotFound)
	})
}
