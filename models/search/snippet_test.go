package search

import (
	"strings"
	"testing"
)

// qw gives the words a search for query highlights, as the search page does.
func qw(query string) []string { return Parse(query).Words() }

func TestSnippet(t *testing.T) {
	long := "<p>" + strings.Repeat("Unrelated filler words here. ", 30) + "</p><p>Then my <strong>invoice</strong> was billed twice and the refund never came.</p><p>" + strings.Repeat("More filler. ", 30) + "</p>"
	tests := []struct {
		name     string
		html     string
		words    []string
		max      int
		want     []string
		notWant  []string
		maxRunes int
	}{
		{"marks and escapes", "<p>API key &lt;b&gt; is <em>invalid</em></p>", []string{"api", "invalid"}, 100,
			[]string{"<mark>API</mark> key &lt;b&gt; is <mark>invalid</mark>"}, []string{"<em>", "<p>"}, 0},
		{"stemmed form marked", "<p>I was billed twice</p>", qw("billing"), 100, []string{"<mark>billed</mark>"}, nil, 0},
		{"unstemmed word compared by stem", "<p>I was billed twice</p>", []string{"billing"}, 100, []string{"<mark>billed</mark>"}, nil, 0},
		{"whole words only", "<p>rebilled account</p>", qw("billed"), 100, nil, []string{"<mark>"}, 0},
		{"no prefix of a longer word", "<p>a billion billboards</p>", qw("bill"), 100, nil, []string{"<mark>"}, 0},
		{"no prefix of a longer query", "<p>bill</p>", qw("billion"), 100, nil, []string{"<mark>"}, 0},
		{"news is not new", "<p>new news</p>", qw("news"), 100, []string{"new <mark>news</mark>"}, nil, 0},
		{"accents", "<p>Café résumé</p>", qw("cafe resumes"), 100, []string{"<mark>Café</mark> <mark>résumé</mark>"}, nil, 0},
		{"combining accents", "<p>Cafe\u0301 open</p>", qw("café"), 100, []string{"<mark>Cafe\u0301</mark> open"}, nil, 0},
		{"window moves to the match", long, qw("invoice refund"), 120,
			[]string{"<mark>invoice</mark>", "<mark>refund</mark>", "…"}, nil, 125},
		{"japanese", "<p>先月の請求書が届きません。請求について</p>", qw("請求書"), 100,
			[]string{"先月の<mark>請求書</mark>が"}, []string{"<mark>請求</mark>に"}, 0},
		{"word-final character", "<p>消費税の計算</p>", qw("税"), 100, []string{"消費<mark>税</mark>の"}, nil, 0},
		{"full width text matches", "<p>ＡＰＩキーが無効です</p>", qw("api キー"), 100,
			[]string{"<mark>ＡＰＩキー</mark>が"}, nil, 0},
		{"latin word after cjk", "<p>キーＡＰＩです</p>", qw("api"), 100, []string{"キー<mark>ＡＰＩ</mark>です"}, nil, 0},
		{"latin word after cjk in one query word", "<p>キーAPIです</p>", qw("キーAPI"), 100, []string{"<mark>キーAPI</mark>です"}, nil, 0},
		{"half-width voiced katakana", "<p>ｶｰﾄﾞが使えない</p>", qw("カード"), 100, []string{"<mark>ｶｰﾄﾞ</mark>が"}, nil, 0},
		{"voicing mark is part of the character", "<p>ｶﾞｲﾄﾞ</p>", qw("カ"), 100, nil, []string{"<mark>"}, 0},
		{"combining voicing mark", "<p>か\u3099いど</p>", qw("が"), 100, []string{"<mark>か\u3099</mark>いど"}, nil, 0},
		{"no match gives the start", long, qw("zebra"), 50, []string{"Unrelated filler", "…"}, []string{"<mark>"}, 52},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Snippet(tt.html, tt.words, tt.max)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Snippet = %q, want it to contain %q", got, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("Snippet = %q, must not contain %q", got, w)
				}
			}
			if tt.maxRunes > 0 {
				plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(got)
				if n := len([]rune(plain)); n > tt.maxRunes {
					t.Errorf("snippet has %d characters, want at most %d", n, tt.maxRunes)
				}
			}
		})
	}
}

func TestHighlight(t *testing.T) {
	tests := []struct{ text, query, want string }{
		{`Refund <script> for billing`, "refund bill", `<mark>Refund</mark> &lt;script&gt; for <mark>billing</mark>`},
		{`Billed twice, bills unpaid`, "billing", `<mark>Billed</mark> twice, <mark>bills</mark> unpaid`},
		{`The table of tables`, "the table", `The <mark>table</mark> of <mark>tables</mark>`},
		{`How to export`, `"how to"`, `<mark>How</mark> <mark>to</mark> export`},
		{`ＡＰＩキー`, "APIキー", `<mark>ＡＰＩキー</mark>`},
		{`請求書`, "請求書 PDF", `<mark>請求書</mark>`},
	}
	for _, tt := range tests {
		if got := Highlight(tt.text, qw(tt.query)); got != tt.want {
			t.Errorf("Highlight(%q, %q) = %q, want %q", tt.text, tt.query, got, tt.want)
		}
	}
}

func FuzzSnippet(f *testing.F) {
	f.Add("<p>請求書 API</p>", "請求")
	f.Add("<p>a&amp;b</p>", "b")
	f.Fuzz(func(t *testing.T, html, query string) {
		got := Snippet(html, Parse(query).Words(), 80)
		if strings.Count(got, "<mark>") != strings.Count(got, "</mark>") {
			t.Fatalf("unbalanced marks: %q", got)
		}
		if strings.Contains(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(got), "<") {
			t.Fatalf("unescaped markup: %q", got)
		}
	})
}
