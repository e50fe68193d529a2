package views

import (
	"strings"
	"testing"
	"time"

	"hiroba/models"
)

// A flood is told in words, in each language, with its plural, and its
// times in the reader's zone.
func TestFloodSection(t *testing.T) {
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 5, 12, 1, 0, 0, 0, time.UTC)
	flood := func(n int, span time.Duration) models.Flood {
		f := models.Flood{Label: "login loop", Count: n, First: now.Add(-span), Last: now}
		for i := range n {
			f.Threads = append(f.Threads, models.Thread{ID: int64(i + 1), Title: "Login loop <again>", Slug: "login-loop", TitleLang: "en", CreatedAt: now})
		}
		return f
	}
	tests := []struct {
		lang string
		f    models.Flood
		want string
	}{
		{"en", flood(14, 12*time.Minute+20*time.Second), "14 questions about “login loop” in 12 minutes"},
		{"en", flood(11, 50*time.Second), "11 questions about “login loop” in 1 minute"},
		{"en", flood(11, 20*time.Second), "11 questions about “login loop” in under a minute"},
		{"ja", flood(14, 12*time.Minute), "12 分間に「login loop」についての質問が 14 件"},
		{"ja", flood(11, 0), "1 分足らずのうちに「login loop」についての質問が 11 件"},
	}
	for _, tt := range tests {
		d := ReviewData{Base: Base{Translator: c.In(tt.lang), Now: now}}
		if got := d.FloodHeading(tt.f); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.lang, got, tt.want)
		}
	}

	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	d := ReviewData{Base: Base{Translator: c.In("ja"), Now: now, Zone: tokyo, CSRFToken: "tok"}, Floods: []models.Flood{flood(floodListed+2, 9*time.Minute)}}
	var sb strings.Builder
	if err := floodSection(d, 0, d.Floods[0]).Render(t.Context(), &sb); err != nil {
		t.Fatal(err)
	}
	page := sb.String()
	for _, want := range []string{
		`<section class="flood" aria-labelledby="flood-0"><h2 id="flood-0">9 分間に「login loop」についての質問が 32 件</h2>`,
		`<a href="/t/1/login-loop" lang="en">Login loop &lt;again&gt;</a>`,
		`title="2026年5月12日 10:00 JST"`, // the reader's zone
		"ほか 2 件の質問があります。",
		`<form method="post" action="/mod/floods/open"><input type="hidden" name="_csrf" value="tok">`,
		`<input type="hidden" name="thread" value="32">`, // the button takes them all
		"これらの質問から既知の問題を作成",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the flood does not show %s", want)
		}
	}
	if n := strings.Count(page, `<a href="/t/`); n != floodListed {
		t.Errorf("%d questions listed, want %d", n, floodListed)
	}
}
