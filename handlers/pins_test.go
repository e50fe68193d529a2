package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hiroba/models"
)

// before reports whether a appears on the page, and before b.
func before(page, a, b string) bool {
	i, j := strings.Index(page, a), strings.Index(page, b)
	return i >= 0 && j >= 0 && i < j
}

// A pinned thread is listed first, marked, above newer threads: in its
// category for a category pin, on the home page too for a site-wide pin.
func TestPinnedThreadsAreListedFirst(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		asker := f.browser()
		asker.signIn("hana")
		ask := func(title string) string {
			t.Helper()
			asker.get("/new")
			p := asker.post("/new", url.Values{"category": {"2"}, "title": {title}, "body": {"details"}})
			if p.Status != http.StatusSeeOther {
				t.Fatalf("ask: %d", p.Status)
			}
			return strings.Split(p.Location, "#")[0]
		}
		guide := ask("How to read your invoice")
		ask("Refund still pending")
		hidden := ask("Pinned but hidden")
		mod := f.browser()
		mod.signIn("mo")
		grant(t, f, "mo", models.RoleModerator)
		act := func(thread, id, action string) {
			t.Helper()
			mod.get(thread)
			if p := mod.post("/mod/t/"+id, url.Values{"action": {action}}); p.Status != http.StatusSeeOther {
				t.Fatalf("%s: %d\n%s", action, p.Status, p.Body)
			}
		}
		act(guide, "1", "pin")
		act(hidden, "3", "pin")
		act(hidden, "3", "hide")
		marker := `<span class="pin-badge">`

		cat := f.browser().get("/c/billing")
		expect(t, cat, http.StatusOK, marker+`<svg`, "Pinned</span>")
		if !before(cat.Body, marker, "How to read your invoice") || !before(cat.Body, "How to read your invoice", "Refund still pending") {
			t.Errorf("category list does not start with the pinned thread:\n%s", cat.Body)
		}
		refuse(t, cat, "Pinned but hidden")
		// A category pin is not a home page pin: there, the thread is in its
		// place by activity, unmarked.
		home := f.browser().get("/")
		refuse(t, home, marker, "Pinned but hidden")
		if !before(home.Body, "Refund still pending", "How to read your invoice") {
			t.Errorf("home page lists the category pin first:\n%s", home.Body)
		}
		expect(t, mod.get(guide), http.StatusOK, "Pinned at the top of its category.", "Pin site-wide", "Unpin thread")

		act(guide, "1", "pin_site")
		home = f.browser().get("/")
		if !before(home.Body, marker, "How to read your invoice") || !before(home.Body, "How to read your invoice", "Refund still pending") {
			t.Errorf("home page does not start with the site-wide pin:\n%s", home.Body)
		}
		// Japanese pages mark it too.
		ja := f.browser()
		ja.lang = "ja"
		expect(t, ja.get("/"), http.StatusOK, "固定</span>")
		expect(t, mod.get(guide), http.StatusOK, "Pinned at the top of its category and of the home page.", "Pin in its category")

		act(guide, "1", "unpin")
		refuse(t, f.browser().get("/c/billing"), marker)
	})
}
