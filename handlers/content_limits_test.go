package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A source that took seconds to render is refused at once with the reason
// beside the text, which stays in the form; the preview says why too.
func TestCostlyMarkdownIsRefusedWithAReason(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		b := f.browser()
		b.signIn("hana")
		b.get("/new")
		quotes := strings.Repeat(">", 49999)
		brackets := strings.Repeat("[](", 16000)
		start := time.Now()
		p := b.post("/preview", url.Values{"body": {quotes}})
		expect(t, p, http.StatusUnprocessableEntity, "Quotes and lists here are nested more than 32 levels deep")
		p = b.post("/preview", url.Values{"body": {brackets}})
		expect(t, p, http.StatusUnprocessableEntity, "too many brackets or emphasis marks")
		p = b.post("/new", url.Values{"category": {"2"}, "title": {"Quotes all the way down"}, "body": {quotes}, "action": {"preview"}})
		expect(t, p, http.StatusUnprocessableEntity, `class="field-error"`, "nested more than 32 levels", escaped(quotes))
		p = b.post("/new", url.Values{"category": {"2"}, "title": {"Brackets all the way"}, "body": {brackets}})
		expect(t, p, http.StatusUnprocessableEntity, `class="field-error"`, "too many brackets", brackets)
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("four refusals took %v", took)
		}
		// Replies and their previews are refused the same way, in Japanese too.
		b.post("/new", url.Values{"category": {"2"}, "title": {"Charged twice for one plan"}, "body": {"Two charges."}})
		b.lang = "ja"
		b.get("/t/1")
		p = b.post("/t/1/replies", url.Values{"body": {quotes}})
		expect(t, b.follow(p.Location), http.StatusOK, "引用やリストの入れ子が32段を超えています", escaped(quotes))
		p = b.post("/t/1/replies", url.Values{"body": {brackets}, "action": {"preview"}})
		expect(t, p, http.StatusUnprocessableEntity, "括弧や強調の記号が多すぎて整形できません", brackets)
	})
}

// An image from elsewhere is a link: no reader's browser fetches it, and
// the content policy would not let it.
func TestRemoteImagesAreNotLoadedByReaders(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, helper, thread := askAndAnswer(t, f)
		helper.get(thread)
		body := "Screenshot: ![error dialog](https://tracker.example/px.gif) and ![chart](/static/chart.png)"
		preview := helper.post("/preview", url.Values{"body": {body}})
		expect(t, preview, http.StatusOK, `href="https://tracker.example/px.gif"`, ">error dialog</a>")
		refuse(t, preview, `src="https://tracker.example`)
		if p := helper.post("/t/1/replies", url.Values{"body": {body}}); !replied(p) {
			t.Fatalf("reply: %d %q", p.Status, p.Location)
		}
		page := f.browser().get(thread)
		expect(t, page, http.StatusOK, `href="https://tracker.example/px.gif"`, `<img src="/static/chart.png" alt="chart">`)
		refuse(t, page, `src="https://tracker.example`, `src="//`)
		imgSrc := ""
		for _, d := range strings.Split(page.Header.Get("Content-Security-Policy"), ";") {
			if fields := strings.Fields(d); len(fields) > 0 && fields[0] == "img-src" {
				imgSrc = d
				for _, source := range fields[1:] {
					if source != "'self'" && (!strings.HasPrefix(source, "https://") || len(source) <= len("https://")) {
						t.Errorf("img-src allows %q", source)
					}
				}
			}
		}
		if imgSrc == "" {
			t.Error("no img-src in the content policy")
		}
	})
}
