package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A solved thread says so wherever it is listed: home, search results,
// the asker's and the helper's profiles, the similar threads box.
func TestSolvedShowsWhereverThreadsAreListed(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		asker, _, thread := askAndAnswer(t, f)
		badge := `<span class="solved-badge">✓ Solved</span>`
		for _, path := range []string{"/", "/search?q=charged", "/u/hana", "/u/ken", "/similar?title=Charged+twice"} {
			refuse(t, f.browser().get(path), badge)
		}
		asker.get(thread)
		asker.post("/t/1/solution", url.Values{"post_id": {"2"}})
		for _, path := range []string{"/", "/search?q=charged", "/u/hana", "/u/ken", "/similar?title=Charged+twice"} {
			p := f.browser().get(path)
			expect(t, p, http.StatusOK, "for one plan", badge)
		}
		ja := f.browser()
		ja.lang = "ja"
		expect(t, ja.get("/search?q=charged"), http.StatusOK, "✓ 解決済み")
	})
}

// The list's heading names the filter it shows, in both languages, and
// the page's title says the same.
func TestListHeadingNamesTheFilter(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		b := f.browser()
		for path, heading := range map[string]string{
			"/":                                    "Latest threads",
			"/?show=solved":                        "Solved threads",
			"/?show=unanswered":                    "Unanswered threads",
			"/c/billing":                           escaped("Billing & subscriptions"),
			"/c/billing?show=unanswered":           escaped("Unanswered threads in Billing & subscriptions"),
			"/c/billing?show=unsolved&sort=newest": escaped("Unsolved threads in Billing & subscriptions"),
		} {
			p := b.get(path)
			expect(t, p, http.StatusOK, `<h1 id="list-heading">`+heading+`</h1>`)
			if path != "/" && !strings.Contains(p.Body, "<title>"+heading+" · ") {
				t.Errorf("%s: the title does not say %q", path, heading)
			}
		}
		b.lang = "ja"
		expect(t, b.get("/c/billing?show=solved"), http.StatusOK, `<h1 id="list-heading">請求とサブスクリプションの解決済みのスレッド</h1>`)
		expect(t, b.get("/?show=unanswered"), http.StatusOK, `<h1 id="list-heading">未回答のスレッド</h1>`)
	})
}
