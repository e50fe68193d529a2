package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hiroba/models"
)

// A refused reply comes back on the thread's own address with the text
// and the reason beside it; reloading shows them again and sends nothing.
func TestRefusedReplyComesBackOnTheThread(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, helper, thread := askAndAnswer(t, f)
		rules := models.DefaultRules
		rules.Cooldown = models.Duration(time.Hour)
		rules.NewAccountAge, rules.NewAccountMinPosts = 0, 0
		if err := f.srv.Store.SetRules(context.Background(), rules); err != nil {
			t.Fatal(err)
		}
		helper.get(thread)
		sent := helper.post("/t/1/replies", url.Values{"body": {"Also <b>check</b> the spam folder."}})
		if sent.Status != http.StatusSeeOther || !strings.HasPrefix(sent.Location, thread+"?") {
			t.Fatalf("refused reply: %d %q, want a redirect to %s\n%s", sent.Status, sent.Location, thread, sent.Body)
		}
		for range 2 { // the page, then a reload of it
			kept := helper.get(sent.Location)
			expect(t, kept, http.StatusOK, `<p class="field-error" id="body-error" role="alert">You are posting quickly.`,
				">"+escaped("Also <b>check</b> the spam folder.")+"</textarea>", `aria-invalid="true"`)
		}
		count, err := f.srv.Store.Threads(context.Background(), threadFilterAll())
		if err != nil || count.Threads[0].ReplyCount != 1 {
			t.Fatalf("the refused reply was stored: %+v %v", count.Threads, err)
		}
		// Nobody else sees another's kept reply, and the plain thread
		// address shows an empty form.
		other := f.browser()
		other.signIn("mia")
		refuse(t, other.get(sent.Location), "check</b> the spam folder")
		refuse(t, helper.get(thread), "check</b> the spam folder")

		// In Japanese, an empty reply is refused the same way.
		helper.lang = "ja"
		helper.get(thread)
		sent = helper.post("/t/1/replies", url.Values{"body": {"  "}})
		if sent.Status != http.StatusSeeOther {
			t.Fatalf("empty reply: %d", sent.Status)
		}
		expect(t, helper.get(sent.Location), http.StatusOK, `id="body-error"`)

		// Once the reply goes through, it is no longer kept.
		f.srv.Store.SetRules(context.Background(), models.Rules{FlagThreshold: 3})
		helper.get(thread)
		if p := helper.post("/t/1/replies", url.Values{"body": {"Also check the spam folder."}}); !replied(p) {
			t.Fatalf("reply: %d %q", p.Status, p.Location)
		}
		refuse(t, helper.get(sent.Location), `id="body-error"`)
	})
}
