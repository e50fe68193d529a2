package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A reader keeps a thread open while others answer: the page says "1 new
// reply — show" (politely, to screen readers too) instead of moving the
// text they are reading, counts on as more come, and one click shows them,
// starting at the first.
func TestBrowserReaderSeesNewRepliesArrive(t *testing.T) {
	t.Parallel()
	srv, base := startServer(t, testConfig(t, "sqlite"))
	b := newChromium(t)
	b.base = base
	asker, helper := seedUser(t, srv, "hana"), seedUser(t, srv, "ken")
	th := seedThread(t, srv, asker, "using", "Wi-Fi drops every ten minutes", "Only on this laptop.")
	path := fmt.Sprintf("/t/%d/%s", th.ID, th.Slug)
	b.open(path)
	if live := attr(b, chromedp.CSS(".live-bar"), "aria-live"); live != "polite" {
		t.Errorf("the live bar is aria-live=%q, want polite", live)
	}
	// The page's stream is open before anyone replies.
	for start := time.Now(); srv.Live.Streams() != 1; time.Sleep(10 * time.Millisecond) {
		if time.Since(start) > waitTimeout {
			t.Fatalf("the page opened %d streams", srv.Live.Streams())
		}
	}

	first := seedReply(t, srv, helper, th.ID, "Turn off power saving for the adapter.")
	b.within("the reader is told of the reply", chromedp.WaitVisible(byText("button", "1 new reply — show")))
	if strings.Contains(b.text(".posts"), "power saving") {
		t.Error("the reply was inserted under the reader's eyes")
	}
	b.shot("live-new-reply")
	seedReply(t, srv, helper, th.ID, "And update the driver.")
	b.within("the reader is told of the second", chromedp.WaitVisible(byText("button", "2 new replies — show")))

	// The first new reply is on this page: the click loads it again, at
	// that reply.
	b.do(chromedp.Click(byText("button", "2 new replies — show")))
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		// Asked again while the page reloads, when there is no page to ask.
		loaded, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && document.body.textContent.includes("update the driver")`))
		if err == nil && loaded {
			break
		}
		if time.Since(start) > waitTimeout {
			t.Fatalf("the page does not show the new replies %v after the click (%v)", waitTimeout, err)
		}
	}
	if posts := b.text(".posts"); !strings.Contains(posts, "power saving") || !strings.Contains(posts, "update the driver") {
		t.Errorf("after the click the page shows:\n%s", posts)
	}
	if loc := b.location(); loc.Path != path || loc.Fragment != fmt.Sprintf("p%d", first.ID) {
		t.Errorf("the click led to %s, want %s#p%d", loc, path, first.ID)
	}
	if n := b.count(".live-bar button"); n != 0 {
		t.Errorf("the reloaded page still announces %d things", n)
	}
}
