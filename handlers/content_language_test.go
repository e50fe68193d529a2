package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
)

// A Japanese title or post on an English page, and an English one on a
// Japanese page, is tagged with its own language wherever it is shown, so
// browsers break and shape it as what it is.
func TestContentCarriesItsLanguage(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		asker := f.browser()
		asker.signIn("hana")
		asker.get("/new")
		p := asker.post("/new", url.Values{"category": {"2"}, "title": {"請求書が届きません"}, "body": {"先月から請求書のメールが届きません。"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("create thread: %d\n%s", p.Status, p.Body)
		}
		thread := p.Location
		helper := f.browser()
		helper.signIn("ken")
		helper.get(thread)
		if r := helper.post("/t/1/replies", url.Values{"body": {"Open Billing, then Invoices, and press Resend."}}); r.Status != http.StatusSeeOther {
			t.Fatalf("reply: %d\n%s", r.Status, r.Body)
		}

		reader := f.browser()
		reader.lang = "en"
		expect(t, reader.get(thread), http.StatusOK, `<html lang="en"`,
			`<span lang="ja">請求書が届きません</span>`,
			`<div class="post-body" lang="ja"><p>先月から`,
			`<div class="post-body" lang="en"><p>Open Billing`)
		expect(t, reader.get("/"), http.StatusOK, `lang="ja">請求書が届きません</a>`)
		expect(t, reader.get("/search?q="+url.QueryEscape("請求書")), http.StatusOK, `lang="ja"><mark>請求書</mark>が届きません</a>`)
		expect(t, reader.get("/u/hana"), http.StatusOK, `lang="ja">請求書が届きません</a>`)
		expect(t, reader.get("/u/ken"), http.StatusOK, `lang="ja">請求書が届きません</a>`, `<div class="post-body excerpt" lang="en">`)
		expect(t, reader.get("/similar?title="+url.QueryEscape("請求書が届かない")), http.StatusOK, `lang="ja">請求書が届きません</a>`)

		japanese := f.browser()
		japanese.lang = "ja"
		expect(t, japanese.get(thread), http.StatusOK, `<html lang="ja"`, `lang="en"><p>Open Billing`)

		expect(t, asker.get("/notifications"), http.StatusOK, `ken replied to “<span lang="ja">請求書が届きません</span>”`)
	})
}
