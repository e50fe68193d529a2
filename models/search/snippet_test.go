package search

import (
	"strings"
	"testing"
)

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
		{"stemmed form marked", "<p>I was billed twice</p>", []string{"billing"}, 100, []string{"<mark>billed</mark>"}, nil, 0},
		{"word start only", "<p>rebilled account</p>", []string{"billed"}, 100, nil, []string{"<mark>"}, 0},
		{"window moves to the match", long, []string{"invoice", "refund"}, 120,
			[]string{"<mark>invoice</mark>", "<mark>refund</mark>", "…"}, nil, 125},
		{"japanese", "<p>先月の請求書が届きません。請求について</p>", []string{"請求書"}, 100,
			[]string{"先月の<mark>請求書</mark>が"}, []string{"<mark>請求</mark>に"}, 0},
		{"full width text matches", "<p>ＡＰＩキーが無効です</p>", []string{"api", "キー"}, 100,
			[]string{"<mark>ＡＰＩキー</mark>が"}, nil, 0},
		{"no match gives the start", long, []string{"zebra"}, 50, []string{"Unrelated filler", "…"}, []string{"<mark>"}, 52},
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
	if got := Highlight(`Refund <script> for billing`, []string{"refund", "bill"}); got != `<mark>Refund</mark> &lt;script&gt; for <mark>billing</mark>` {
		t.Errorf("Highlight = %q", got)
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
