package markdown

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	r := New()
	tests := []struct {
		name, in      string
		want, notWant []string
	}{
		{"emphasis", "**bold** and _it_", []string{"<strong>bold</strong>", "<em>it</em>"}, nil},
		{"link gets rel", "[docs](https://example.com/a)", []string{`href="https://example.com/a"`, `rel="nofollow ugc noopener"`}, nil},
		{"autolink gets rel", "see https://example.com/x", []string{`href="https://example.com/x"`, `rel="nofollow ugc noopener"`}, nil},
		{"raw script dropped", "<script>alert(1)</script>", nil, []string{"<script", "alert(1)</script>"}},
		{"javascript link dropped", "[x](javascript:alert(1))", nil, []string{"javascript:"}},
		{"img onerror dropped", `<img src=x onerror=alert(1)>`, nil, []string{"onerror"}},
		{"table", "| a | b |\n|---|---|\n| 1 | 2 |", []string{"<table>", "<td>1</td>"}, nil},
		{"code keeps language", "```go\nfmt.Println(1)\n```", []string{`<code class="language-go">`}, nil},
		{"japanese", "請求書が**届きません**", []string{"請求書が<strong>届きません</strong>"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Render(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Render(%q) = %q, want it to contain %q", tt.in, got, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("Render(%q) = %q, must not contain %q", tt.in, got, w)
				}
			}
		})
	}
}

// FuzzRender checks that whatever a user types, the stored HTML is already
// what the sanitizer would let through.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"# hi", "[a](javascript:x)", "<svg onload=x>", "```\n<b>\n```", "請求", "\x00\xff"} {
		f.Add(s)
	}
	r := New()
	f.Fuzz(func(t *testing.T, in string) {
		out, err := r.Render(in)
		if err != nil {
			t.Fatal(err)
		}
		if again := r.Sanitize(out); again != out {
			t.Fatalf("output not stable under sanitizer:\n%q\n%q", out, again)
		}
	})
}
