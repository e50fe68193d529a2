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

// The similar threads box lists each title once, the best ranked thread
// of it, and stays on the composer when a submit comes back refused.
func TestSimilarThreadsAreDistinctAndStay(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		ctx := context.Background()
		hana, _, _ := f.srv.Store.SignInUser(ctx, models.SignIn{Provider: "t", ProviderUserID: "1", Nickname: "hana"})
		for i, title := range []string{"Invoice PDF is blank", "Invoice PDF is blank", "invoice  PDF is blank", "Invoice PDF is blank", "Invoice PDF blank after the upgrade"} {
			body := fmt.Sprintf("Report number %d: the invoice PDF opens blank.", i)
			if _, err := f.srv.Store.CreateThread(ctx, models.NewThread{UserID: hana.ID, CategoryID: 2, Title: title, Body: body}); err != nil {
				t.Fatal(err)
			}
		}
		box := f.browser().get("/similar?title=" + url.QueryEscape("Invoice PDF blank"))
		expect(t, box, http.StatusOK, "Invoice PDF blank after the upgrade")
		if n := strings.Count(strings.ToLower(box.Body), ">invoice pdf is blank</a>") + strings.Count(strings.ToLower(box.Body), ">invoice  pdf is blank</a>"); n != 1 {
			t.Errorf("the same title is listed %d times, want once:\n%s", n, box.Body)
		}

		b := f.browser()
		b.signIn("aiko")
		b.get("/new")
		// No category: refused, and the box is still there.
		p := b.post("/new", url.Values{"title": {"Invoice PDF blank"}, "body": {"Mine too."}})
		expect(t, p, http.StatusUnprocessableEntity, "Choose a category.", "These threads may already answer your question", "Invoice PDF blank after the upgrade", "Mine too.")
		// Personal data found: the check step asks, and the box stays.
		p = b.post("/new", url.Values{"category": {"2"}, "title": {"Invoice PDF blank"}, "body": {"Mail me at aiko.tanaka@gmail.com"}})
		expect(t, p, http.StatusUnprocessableEntity, `class="privacy-check"`, "These threads may already answer your question")
	})
}
