package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// primaryButtons counts the buttons styled as the page's main action.
var primaryButtons = regexp.MustCompile(`<button[^>]*class="button primary"`)

// dialogs are the page's closed dialogs (the screenshot editor), each with
// a main action of its own, for when it is open.
var dialogs = regexp.MustCompile(`(?s)<dialog.*?</dialog>`)

// pagePrimaryButtons counts the page's main actions outside its dialogs.
func pagePrimaryButtons(body string) int {
	return len(primaryButtons.FindAllString(dialogs.ReplaceAllString(body, ""), -1))
}

// The warning shown while typing and the check step on submit come from
// the same guard: for each text, the composer's script is warned exactly
// when the server would stop the post and ask. The check step has one
// primary button, its own.
func TestTypingWarningMatchesServerCheck(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, helper, thread := askAndAnswer(t, f)
		for _, tc := range []struct {
			text  string
			found bool
		}{
			{"My key sk-live-abcdefghijklmnopqrstuvwx1234 is refused", true},
			{"Write to tanaka.hanako@gmail.com please", true},
			{"Card 4111 1111 1111 1111 was charged", true},
			{"pip install sk-learn-wrapper-plugin fails", false},
			{"fixed in commit da39a3ee5e6b4b0d3255bfef95601890afd80709", false},
		} {
			helper.get(thread)
			check := helper.post("/privacy/check", url.Values{"body": {tc.text}})
			if check.Status != http.StatusOK {
				t.Fatalf("check %q: %d\n%s", tc.text, check.Status, check.Body)
			}
			var answer struct{ Kinds []string }
			if err := json.Unmarshal([]byte(check.Body), &answer); err != nil {
				t.Fatalf("check %q: %v\n%s", tc.text, err, check.Body)
			}
			warned := len(answer.Kinds) > 0

			helper.get(thread)
			sent := helper.post("/t/1/replies", url.Values{"body": {tc.text}})
			stopped := strings.Contains(sent.Body, `class="privacy-check"`)
			if warned != tc.found || stopped != tc.found {
				t.Errorf("%q: typing warning %v, check step %v, want both %v", tc.text, warned, stopped, tc.found)
			}
			if stopped {
				expect(t, sent, http.StatusUnprocessableEntity, "Redact and post", escaped(tc.text[:8]))
				if n := pagePrimaryButtons(sent.Body); n != 1 {
					t.Errorf("%q: the check step has %d primary buttons, want 1", tc.text, n)
				}
			}
		}
		// The composer's check step, too, has one primary button.
		helper.get("/new")
		sent := helper.post("/new", url.Values{"category": {"2"}, "title": {"Key refused by the API"}, "body": {"sk-live-abcdefghijklmnopqrstuvwx1234"}})
		expect(t, sent, http.StatusUnprocessableEntity, `class="privacy-check"`)
		if n := pagePrimaryButtons(sent.Body); n != 1 {
			t.Errorf("the composer's check step has %d primary buttons, want 1", n)
		}
		// Visitors have no drafts to check.
		anon := f.browser()
		anon.get("/")
		expect(t, anon.post("/privacy/check", url.Values{"body": {"x"}}), http.StatusForbidden)
	})
}
