package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A flash message is shown on the page after the action, once, and is
// announced to screen readers; the next page no longer carries it.
func TestFlashShowsOnce(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		asker, helper, thread := askAndAnswer(t, f)
		once := func(b *browser, action string, form url.Values, message string) {
			t.Helper()
			r := b.post(action, form)
			if r.Status != http.StatusSeeOther {
				t.Fatalf("%s: status %d\n%s", action, r.Status, r.Body)
			}
			expect(t, b.follow(r.Location), http.StatusOK, `<p class="flash" role="status">`+escaped(message)+`</p>`)
			if again := b.get(thread); strings.Contains(again.Body, `class="flash"`) {
				t.Errorf("after %s the message shows again on the next page", action)
			}
		}
		asker.get(thread)
		once(asker, "/p/2/helpful", url.Values{}, "Marked as helpful. Thanks!")
		once(asker, "/p/2/helpful", url.Values{}, "Your “helpful” is taken back.")
		once(asker, "/t/1/solution", url.Values{"post_id": {"2"}}, "Marked as the solution.")
		once(asker, "/t/1/solution/clear", url.Values{}, "The solution is unmarked.")
		helper.get("/p/2/edit")
		once(helper, "/p/2/edit", url.Values{"body": {"Billing refunds duplicates within a week, usually sooner."}}, "Your changes are saved.")

		asker.lang = "ja"
		asker.get(thread)
		once(asker, "/p/2/helpful", url.Values{}, "「役に立った」を付けました。ありがとうございます。")
	})
}

// follow gets a page and the redirects it answers with, as a browser does.
func (b *browser) follow(path string) page {
	b.f.t.Helper()
	p := b.get(path)
	for i := 0; i < 5 && p.Status >= 300 && p.Status < 400; i++ {
		p = b.get(p.Location)
	}
	return p
}
