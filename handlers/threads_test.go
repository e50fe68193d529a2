package handlers_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hiroba/models"
)

func TestAskReplyAndRead(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		asker := f.browser()
		asker.signIn("hana")
		expect(t, asker.get("/new"), http.StatusOK, `name="title"`, "Do not include personal data")
		p := asker.post("/new", url.Values{"category": {"2"}, "title": {"請求書が届きません"}, "body": {"先月の**請求書**が届きません。"}})
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/t/1/") {
			t.Fatalf("create thread: %d %q\n%s", p.Status, p.Location, p.Body)
		}
		thread := asker.get(p.Location)
		expect(t, thread, http.StatusOK, `<h1 id="thread-title"><span lang="ja">請求書が届きません</span></h1>`, "<strong>請求書</strong>", "Billing &amp; subscriptions")

		helper := f.browser()
		helper.signIn("ken")
		helper.get(p.Location)
		r := helper.post("/t/1/replies", url.Values{"body": {"Open **Billing › Invoices**: [help](https://example.com/x)"}})
		if r.Status != http.StatusSeeOther || !strings.HasSuffix(r.Location, "#p2") {
			t.Fatalf("reply: %d %q\n%s", r.Status, r.Location, r.Body)
		}
		after := f.browser().get(strings.Split(r.Location, "#")[0])
		expect(t, after, http.StatusOK, `id="p1"`, `id="p2"`, "<strong>Billing › Invoices</strong>",
			`rel="nofollow ugc noopener"`, "1 reply", "Sign in to reply")
		if strings.Index(after.Body, `id="p1"`) > strings.Index(after.Body, `id="p2"`) {
			t.Error("posts are not in order")
		}
		home := f.browser().get("/")
		expect(t, home, http.StatusOK, "請求書が届きません", "asked by hana", "1 reply", "ken")
		expect(t, f.browser().get("/c/billing"), http.StatusOK, "請求書が届きません", "1 thread")
		refuse(t, f.browser().get("/c/api"), "請求書が届きません")
		expect(t, f.browser().get("/u/ken"), http.StatusOK, "請求書が届きません", "Billing › Invoices")
		expect(t, f.browser().get("/u/hana"), http.StatusOK, "請求書が届きません", "No replies yet.")
	})
}

func TestValidationKeepsWhatWasTyped(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		b := f.browser()
		b.signIn("hana")
		b.get("/new")
		body := "My API key stopped working <b>after</b> the update.\nLine two."
		p := b.post("/new", url.Values{"category": {"3"}, "title": {"API"}, "body": {body}})
		expect(t, p, http.StatusUnprocessableEntity,
			`value="API"`, html.EscapeString(body), "The title needs 6 to 200 characters (it has 3).",
			`<option value="3" selected>`, `aria-invalid="true"`)

		p = b.post("/new", url.Values{"category": {""}, "title": {"A long enough title"}, "body": {"   "}})
		expect(t, p, http.StatusUnprocessableEntity, "Choose a category.", "Write something before posting.", `value="A long enough title"`)

		// Japanese counts characters, not bytes: five kanji are too few, six are enough.
		p = b.post("/new", url.Values{"category": {"2"}, "title": {"請求書払い"}, "body": {"x"}})
		expect(t, p, http.StatusUnprocessableEntity, "(it has 5)")
		p = b.post("/new", url.Values{"category": {"2"}, "title": {"請求書の支払い"}, "body": {"x"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("six-character Japanese title refused: %d", p.Status)
		}

		p = b.post("/new", url.Values{"category": {"2"}, "title": {"Invalid bytes here"}, "body": {"bad \xff byte"}})
		expect(t, p, http.StatusUnprocessableEntity, "cannot be stored")

		p = b.post("/new", url.Values{"category": {"2"}, "title": {"Far too long body"}, "body": {strings.Repeat("あ", 50001)}})
		expect(t, p, http.StatusUnprocessableEntity, "at most 50000 characters (it has 50001)")

		b.get("/t/1")
		p = b.post("/t/1/replies", url.Values{"body": {""}})
		expect(t, b.follow(p.Location), http.StatusOK, "Write something before posting.")

		// Preview shows the rendered text and keeps the form filled.
		p = b.post("/new", url.Values{"category": {"2"}, "title": {"Preview this please"}, "body": {"**bold**"}, "action": {"preview"}})
		expect(t, p, http.StatusOK, "<strong>bold</strong>", `value="Preview this please"`, "**bold**")
	})
}

func TestCSRFIsRequired(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		b := f.browser()
		b.signIn("hana")
		form := url.Values{"category": {"2"}, "title": {"Forged question"}, "body": {"forged"}}
		expect(t, b.postRaw("/new", form), http.StatusForbidden, "This form expired")
		form.Set("_csrf", "not-the-token")
		expect(t, b.postRaw("/new", form), http.StatusForbidden)
		// A token from another browser does not work with this browser's cookie.
		other := f.browser()
		other.get("/login")
		form.Set("_csrf", other.csrf)
		expect(t, b.postRaw("/new", form), http.StatusForbidden)
		refuse(t, f.browser().get("/"), "Forged question")
		// Signing in needs the token too.
		expect(t, f.browser().postRaw("/auth/dev", url.Values{"username": {"mallory"}}), http.StatusForbidden)
		expect(t, b.postRaw("/logout", url.Values{}), http.StatusForbidden)
	})
}

func TestPagination(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		ctx := context.Background()
		u, _, err := f.srv.Store.SignInUser(ctx, models.SignIn{Provider: "test", ProviderUserID: "1", Nickname: "ken"})
		if err != nil {
			t.Fatal(err)
		}
		var th models.Thread
		for i := 1; i <= 31; i++ {
			th, err = f.srv.Store.CreateThread(ctx, models.NewThread{UserID: u.ID, CategoryID: 1, Title: fmt.Sprintf("Question number %02d", i), Body: "q"})
			if err != nil {
				t.Fatal(err)
			}
		}
		home := f.browser().get("/")
		expect(t, home, http.StatusOK, "Question number 31", "Page 1 of 2", `href="/?page=2"`)
		refuse(t, home, "Question number 01")
		expect(t, f.browser().get("/?page=2"), http.StatusOK, "Question number 01", "Page 2 of 2")
		expect(t, f.browser().get("/c/account?page=2"), http.StatusOK, "Question number 01")

		for i := 0; i < models.PostsPerPage+2; i++ {
			if _, err := f.srv.Store.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: u.ID, Body: fmt.Sprintf("reply %d", i+1)}); err != nil {
				t.Fatal(err)
			}
		}
		base := fmt.Sprintf("/t/%d/question-number-31", th.ID)
		p1 := f.browser().get(base)
		expect(t, p1, http.StatusOK, "reply 49", "Page 1 of 2", `href="`+base+`?page=2"`)
		refuse(t, p1, "reply 50<")
		expect(t, f.browser().get(base+"?page=2"), http.StatusOK, "reply 50", "reply 52", "Page 2 of 2")
		expect(t, f.browser().get(base+"?page=3"), http.StatusNotFound)

		// A reply lands on the page where it sits.
		b := f.browser()
		b.signIn("hana")
		b.get(base)
		r := b.post(fmt.Sprintf("/t/%d/replies", th.ID), url.Values{"body": {"late answer"}})
		if !strings.HasPrefix(r.Location, base+"?page=2#p") {
			t.Errorf("reply location = %q", r.Location)
		}
	})
}

func TestCanonicalThreadURLs(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		b := f.browser()
		b.signIn("hana")
		b.get("/new")
		p := b.post("/new", url.Values{"category": {"1"}, "title": {"Can't sign in: 2FA code rejected"}, "body": {"help"}})
		want := "/t/1/can-t-sign-in-2fa-code-rejected"
		if p.Location != want+"#p1" {
			t.Fatalf("location = %q, want %q", p.Location, want+"#p1")
		}
		r := f.browser().get("/t/1")
		if r.Status != http.StatusMovedPermanently || r.Location != want {
			t.Errorf("/t/1 → %d %q", r.Status, r.Location)
		}
		r = f.browser().get("/t/1/old-title?page=1")
		if r.Status != http.StatusMovedPermanently || r.Location != want {
			t.Errorf("wrong slug → %d %q", r.Status, r.Location)
		}
	})
}

func TestSignedOutVisitorsAreSentToSignIn(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		b := f.browser()
		r := b.get("/new")
		if r.Status != http.StatusSeeOther || r.Location != "/login?next=%2Fnew" {
			t.Errorf("/new anonymous → %d %q", r.Status, r.Location)
		}
		b.get("/login")
		r = b.post("/new", url.Values{"category": {"1"}, "title": {"Anonymous question"}, "body": {"x"}})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
			t.Errorf("anonymous post → %d %q", r.Status, r.Location)
		}
		refuse(t, f.browser().get("/"), "Anonymous question")
	})
}
