package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hiroba/app"
	"hiroba/handlers/ratelimit"
	"hiroba/migrations"
)

// Previews have a budget of their own: they store nothing, so they do not
// spend the posting budget. Over either budget the composer comes back
// with the text and the wait beside it, never a bare error page.
func TestPreviewAndPostingBudgets(t *testing.T) {
	t.Parallel()
	f := newForumWith(t, migrations.SQLite, func(c *app.Config) {
		c.Limits.Post = ratelimit.Rule{Name: "post", Limit: 2, Window: time.Minute}
		c.Limits.Preview = ratelimit.Rule{Name: "preview", Limit: 3, Window: time.Minute}
	})
	b := f.browser()
	b.signIn("hana")
	b.get("/new")
	for i := 0; i < 3; i++ {
		expect(t, b.post("/preview", url.Values{"body": {"**hi**"}}), http.StatusOK, "<strong>hi</strong>")
	}
	// The script's preview says how long to wait, and nothing else.
	p := b.post("/preview", url.Values{"body": {"**hi**"}})
	expect(t, p, http.StatusTooManyRequests, "That is a lot of previews in a row. Try again in")
	refuse(t, p, "<form", "<html")
	if p.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	// Without the script, the composer comes back with the text.
	question := url.Values{"category": {"2"}, "title": {"Invoice PDF is blank"}, "body": {"Opening the <invoice> shows nothing."}, "action": {"preview"}}
	p = b.post("/new", question)
	expect(t, p, http.StatusTooManyRequests, `action="/new"`, `value="Invoice PDF is blank"`,
		escaped("Opening the <invoice> shows nothing.")+"</textarea>", `id="body-error"`, "That is a lot of previews in a row.")
	refuse(t, p, "Too many requests")

	// Posting was not charged for the previews: two questions go through.
	for _, title := range []string{"Invoice PDF is blank", "Receipt email never arrives"} {
		b.get("/new")
		sent := b.post("/new", url.Values{"category": {"2"}, "title": {title}, "body": {"Details for " + title}})
		if sent.Status != http.StatusSeeOther {
			t.Fatalf("post %q: %d\n%s", title, sent.Status, sent.Body)
		}
	}
	// Over the posting budget: the composer, the text, the wait.
	b.get("/new")
	p = b.post("/new", url.Values{"category": {"2"}, "title": {"Third question today"}, "body": {"Still typing this one."}})
	expect(t, p, http.StatusTooManyRequests, `action="/new"`, `value="Third question today"`, "Still typing this one.</textarea>",
		`id="body-error"`, "You are posting quickly. Try again in")
	refuse(t, p, "Too many requests")

	// A reply over the budget waits on its thread with the wait beside it.
	b.get("/t/1")
	p = b.post("/t/1/replies", url.Values{"body": {"A reply over the budget."}})
	if p.Status != http.StatusSeeOther || !strings.Contains(p.Location, "reply=kept") {
		t.Fatalf("reply over the budget: %d %q", p.Status, p.Location)
	}
	expect(t, b.get(p.Location), http.StatusOK, "A reply over the budget.</textarea>", "You are posting quickly.")

	// An edit over the budget comes back as the edit form.
	b.get("/p/1/edit")
	p = b.post("/p/1/edit", url.Values{"category": {"2"}, "title": {"Invoice PDF is blank"}, "body": {"Edited text over the budget."}})
	expect(t, p, http.StatusTooManyRequests, `action="/p/1/edit"`, "Edited text over the budget.</textarea>", "You are posting quickly.")

	b.lang = "ja"
	b.get("/new")
	p = b.post("/new", url.Values{"category": {"2"}, "title": {"三つ目の質問です"}, "body": {"本文"}})
	expect(t, p, http.StatusTooManyRequests, "短い間に続けて投稿しています。", "三つ目の質問です")
}
