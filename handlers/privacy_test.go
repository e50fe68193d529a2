package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPersonalDataGuard(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		b := f.browser()
		b.signIn("hana")
		b.get("/new")
		body := "My card 4111 1111 1111 1111 was charged twice, mail me at hana.sato@gmail.com"
		form := url.Values{"category": {"2"}, "title": {"Charged twice, call 090-1234-5678"}, "body": {body}}
		p := b.post("/new", form)
		expect(t, p, http.StatusUnprocessableEntity, "this looks like personal data", "A payment card number.", "An email address",
			`<mark class="pii" data-kind="card">4111 1111 1111 1111</mark>`, `data-kind="phone"`, "Redact and post", "Post anyway",
			escaped(body))
		if list, _ := f.srv.Store.Threads(context.Background(), threadFilterAll()); len(list.Threads) != 0 {
			t.Fatal("a post was published before the author chose")
		}
		// Redact and post replaces each match, in the title too.
		form.Set("privacy", "redact")
		p = b.post("/new", form)
		if p.Status != http.StatusSeeOther {
			t.Fatalf("redact: %d", p.Status)
		}
		page := f.browser().get(strings.Split(p.Location, "#")[0])
		expect(t, page, http.StatusOK, "My card [redacted] was charged twice, mail me at [redacted]", "Charged twice, call [redacted]")
		refuse(t, page, "4111", "hana.sato@", "090-1234")

		// Post anyway keeps the text exactly.
		b.get("/t/1")
		reply := url.Values{"body": {"Contact me: ken@gmail.com"}}
		expect(t, b.post("/t/1/replies", reply), http.StatusUnprocessableEntity, "Post anyway", "Contact me: ken@gmail.com")
		reply.Set("privacy", "post")
		if p := b.post("/t/1/replies", reply); p.Status != http.StatusSeeOther {
			t.Fatalf("post anyway: %d", p.Status)
		}
		expect(t, f.browser().get(strings.Split(p.Location, "#")[0]), http.StatusOK, "ken@gmail.com")

		// Look-alikes pass straight through.
		b.get("/t/1")
		if p := b.post("/t/1/replies", url.Values{"body": {"Fixed in v2.10.4 on 2026-11-24, cost $1,299.00; request id 3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b"}}); !replied(p) {
			t.Errorf("look-alikes stopped: %d %q", p.Status, p.Location)
		}
		// Edits are checked too.
		b.get("/p/1/edit")
		expect(t, b.post("/p/1/edit", url.Values{"category": {"2"}, "title": {"Charged twice"}, "body": {"key sk-proj-Abc123Def456Ghi789Jkl012Mno345Pqr"}}),
			http.StatusUnprocessableEntity, `data-kind="api_key"`)
	})
}
