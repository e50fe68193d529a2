package markdown

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
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
		// Only the forum's own images load; any other is a link to it, so a
		// reader's browser tells no other host that the page was read.
		{"local image", "![chart](/uploads/a.png)", []string{`<img src="/uploads/a.png" alt="chart">`}, nil},
		{"remote image is a link", "![x](https://tracker.example/px.gif)",
			[]string{`<a href="https://tracker.example/px.gif"`, `class="remote-image"`, `rel="nofollow ugc noopener"`, `>x</a>`}, []string{"<img"}},
		{"protocol-relative image", "![x](//tracker.example/px.gif)", []string{`href="//tracker.example/px.gif"`}, []string{"<img"}},
		{"backslash image", `![x](/\tracker.example/px.gif)`, nil, []string{"<img"}},
		{"relative image", "![x](px.gif)", []string{`href="px.gif"`}, []string{"<img"}},
		{"remote image without words", "![](https://tracker.example/px.gif)", []string{`>https://tracker.example/px.gif</a>`}, []string{"<img"}},
		{"remote image in a link", "[![logo](https://tracker.example/l.png)](https://example.com/)",
			[]string{`<a href="https://example.com/" rel="nofollow ugc noopener">logo</a>`}, []string{"<img", "tracker"}},
		{"raw remote image", `<img src="https://tracker.example/px.gif">`, nil, []string{"<img", "tracker"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Render(context.Background(), tt.in)
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

// renderBudget is what any accepted source may take: far above what
// BenchmarkRenderWorst measures (the figure to quote), and far below the
// seconds the unbounded renderer took on hostile sources.
const renderBudget = 200 * time.Millisecond

// slowAtBest reports whether a source that took first to render is over
// the budget even at its best. Speed is the benchmark's to measure; this
// only catches the blow-ups of hostile input, which stay slow however often
// they run, and not a render that a busy machine happened to pause: a
// source over budget is rendered up to three times more, each time just
// after as much plain prose, and passes when one run is within the budget
// or a hundred times that prose.
func slowAtBest(r *Renderer, in string, first time.Duration) (time.Duration, bool) {
	if first <= renderBudget {
		return first, false
	}
	// Plain prose of the same length, rendered just before each try, is
	// the yardstick: a busy machine slows both alike, so one try within a
	// hundred times the prose is enough to pass.
	prose := strings.Repeat("The quick brown fox jumps over the lazy dog. ", len(in)/45+1)
	best := first
	for range 3 {
		yardstick, _ := timeRender(r, prose)
		took, _ := timeRender(r, in)
		best = min(best, took)
		if took <= max(renderBudget, 100*yardstick) {
			return took, false
		}
	}
	return best, true
}

func timeRender(r *Renderer, in string) (time.Duration, error) {
	start := time.Now()
	_, err := r.Render(context.Background(), in)
	return time.Since(start), err
}

// FuzzRender checks that whatever a user types, the stored HTML is already
// what the sanitizer would let through, loads no image from elsewhere, and
// comes back quickly or is refused as too complex.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"# hi", "[a](javascript:x)", "<svg onload=x>", "```\n<b>\n```", "請求", "\x00\xff",
		"![x](https://t.example/p.gif)", "> > > - [ ] *a* [b](c)", "|a|b|\n|-|-|\n|c|", strings.Repeat("[](", 300)} {
		f.Add(s)
	}
	r := New()
	f.Fuzz(func(t *testing.T, in string) {
		start := time.Now()
		out, err := r.Render(context.Background(), in)
		took := time.Since(start)
		if errors.Is(err, ErrTooComplex) || errors.Is(err, ErrTooLarge) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if best, slow := slowAtBest(r, in, took); slow {
			t.Fatalf("rendering %d bytes took %v at best, over %v", len(in), best, renderBudget)
		}
		if again := r.Sanitize(out); again != out {
			t.Fatalf("output not stable under sanitizer:\n%q\n%q", out, again)
		}
		for rest := out; ; {
			i := strings.Index(rest, "<img ")
			if i < 0 {
				break
			}
			rest = rest[i+len("<img "):]
			if !strings.HasPrefix(rest, `src="/`) || strings.HasPrefix(rest, `src="//`) {
				if strings.HasPrefix(rest, "src=") {
					t.Fatalf("image from elsewhere: %q", out)
				}
			}
		}
	})
}
