package app

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The warning shown while a person types comes from the server's guard:
// a key the guard would stop is warned about, a word that only looks like
// one is not, and posting the key brings the check step the warning
// announced.
func TestBrowserTypingWarningAsksTheServer(t *testing.T) {
	eachDialect(t, func(t *testing.T, srv *Server, b *browser) {
		warned := chromedp.Search(`//p[contains(@class,"pii-warning") and normalize-space()!=""]`)
		b.signInAs("sora")
		b.open("/new")
		const withKey = "My key sk-live-abcdefghijklmnopqrstuvwx1234 fails"
		b.do(chromedp.SendKeys(chromedp.ID("body"), withKey))
		b.within("no warning for a key", chromedp.WaitVisible(warned))
		// Replaced by a package name that only looks like a key, the text
		// is no longer warned about: the answer is the server's, not a
		// pattern of the page's own.
		b.do(chromedp.SendKeys(chromedp.ID("body"), strings.Repeat(kb.Backspace, len(withKey))), chromedp.SendKeys(chromedp.ID("body"), "pip install sk-learn-wrapper-plugin fails"))
		b.within("the warning stayed for a package name", chromedp.WaitNotPresent(warned))
		b.do(chromedp.SendKeys(chromedp.ID("body"), " with sk-live-abcdefghijklmnopqrstuvwx1234"))
		b.within("no warning for the key again", chromedp.WaitVisible(warned))
		b.chooseCategory("Billing")
		b.do(chromedp.SendKeys(chromedp.ID("title"), "API key refused after rotation"))
		b.problems.expect("status of 422")
		b.follow(422, chromedp.Click(byText("button", "Post your question")))
		if n := b.count(".privacy-check"); n != 1 {
			t.Fatalf("the server did not ask about the key the page warned of: %s", b.text("main"))
		}
		if n := b.count("main button.primary:not(dialog button)"); n != 1 {
			t.Errorf("%d primary buttons on the check step, want 1", n)
		}
	})
}
