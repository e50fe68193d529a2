package markdown

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// formMax is the longest body the forms accept, in characters.
const formMax = 50000

// fill repeats unit to just under what the form accepts.
func fill(unit string) string { return strings.Repeat(unit, (formMax-100)/len(unit)) }

// hostileSources are the shapes that made goldmark's work grow faster than
// the text: the issue's own, those of cmark's pathological tests, and the
// ones found writing the bounds.
func hostileSources() map[string]string {
	staircase := func(step string) string {
		var b strings.Builder
		for i := 0; b.Len()+len(step)*i+4 < formMax; i++ {
			b.WriteString(strings.Repeat(step, i) + "* a\n")
		}
		return b.String()
	}
	return map[string]string{
		"nested quotes":               strings.Repeat(">", formMax-1),
		"unclosed link destinations":  strings.Repeat("[](", 16000),
		"unclosed image destinations": fill("![]("),
		"spaced quotes":               fill("> ") + "a",
		"quoted lists":                fill("> - "),
		"ordered markers":             fill("1. "),
		"list staircase":              staircase(" "),
		"list staircase by two":       staircase("  "),
		"nested brackets":             strings.Repeat("[", 24000) + "a" + strings.Repeat("]", 24000),
		"link openers":                fill("[a"),
		"link closers":                fill("a]"),
		"brackets and emphasis":       fill("[ a_"),
		"emphasis and brackets":       fill("*["),
		"mismatched emphasis":         fill("*a_ "),
		"emphasis multiple of three":  "a**b" + fill("c* "),
		"nested strong":               strings.Repeat("*a **a ", 3500) + "b" + strings.Repeat(" a** a*", 3500),
		"unclosed angle destination":  fill("[a](<b"),
		"unclosed destination":        fill("[a](b"),
		"unclosed titles":             fill("[a](b (\n"),
		"unclosed references":         fill("[a][\n"),
		"heading of brackets":         strings.Repeat("[](", 16000) + "\n===",
		"padded table":                "|" + strings.Repeat("a|", 200) + "\n|" + strings.Repeat("-|", 200) + "\n" + fill("a\n")[:40000],
		"padded table in a quote":     "> |" + strings.Repeat("a|", 200) + "\n> |" + strings.Repeat("-|", 200) + "\n" + fill("a\n")[:40000],
		"many links":                  fill("[a](b) "),
		"many images":                 fill("![a](/b) "),
		"many mentions":               fill("@abc "),
		"many autolinks":              fill("www.a.b "),
		"task list":                   fill("- [ ] a\n"),
		"wide escaped autolink":       "<https://" + strings.Repeat("例", formMax-100) + ">",
		"backtick runs": func() string {
			var b strings.Builder
			for i := 1; b.Len()+i+1 < formMax; i++ {
				b.WriteString("e" + strings.Repeat("`", i))
			}
			return b.String()
		}(),
	}
}

// TestHostileSourcesAreBoundedOrRefused: every shape either renders within
// the budget or is refused with a reason the author can act on.
func TestHostileSourcesAreBoundedOrRefused(t *testing.T) {
	r := New()
	for name, in := range hostileSources() {
		t.Run(name, func(t *testing.T) {
			if n := utf8.RuneCountInString(in); n > formMax {
				t.Fatalf("source of %d characters is longer than the form accepts", n)
			}
			took, err := timeRender(r, in)
			var limit *LimitError
			if err != nil && !errors.As(err, &limit) {
				t.Fatalf("err = %v, want a *LimitError", err)
			}
			if best, slow := slowAtBest(r, in, took); slow {
				t.Errorf("took %v at best (err %v), over %v", best, err, renderBudget)
			}
		})
	}
}

// TestIssueSourcesAreRefused checks the two sources of the report by name.
func TestIssueSourcesAreRefused(t *testing.T) {
	r := New()
	for _, tt := range []struct {
		in    string
		limit string
		is    error
	}{
		{strings.Repeat(">", 49999), LimitDepth, ErrTooComplex},
		{strings.Repeat("[](", 16000), LimitMarkup, ErrTooComplex},
		{"|" + strings.Repeat("a|", 200) + "\n|" + strings.Repeat("-|", 200) + "\n" + strings.Repeat("a\n", 1000), LimitCells, ErrTooComplex},
		{fill("[a](b)\n"), LimitLinks, ErrTooComplex},
		{fill("@ken\n"), LimitLinks, ErrTooComplex},
		{"<https://" + strings.Repeat("例", formMax-100) + ">", LimitSize, ErrTooLarge},
	} {
		_, err := r.Render(context.Background(), tt.in)
		var limit *LimitError
		if !errors.As(err, &limit) || limit.Limit != tt.limit || !errors.Is(err, tt.is) {
			t.Errorf("%.20q…: err = %v, want the %s limit", tt.in, err, tt.limit)
		}
	}
}

// TestBoundsLeaveRoomForPeople: long posts of the kinds people write stay
// well inside every bound.
func TestBoundsLeaveRoomForPeople(t *testing.T) {
	r := New()
	var links, log, refs, table, code strings.Builder
	for i := 0; i < MaxLinks*9/10; i++ {
		fmt.Fprintf(&links, "- [Release notes %d](https://example.com/notes/%d) — *fixed* the `sync_worker`\n", i, i)
	}
	for i := 0; log.Len() < formMax-200; i++ {
		fmt.Fprintf(&log, "[2026-01-02 10:%02d:%02d] [INFO] [worker_%d] request_id=%d done\n", i/60%60, i%60, i%8, i)
	}
	for i := 0; refs.Len() < formMax/2; i++ {
		fmt.Fprintf(&refs, "See [the guide][g%d] and [that][].\n", i)
	}
	for i := 0; refs.Len() < formMax-200; i++ {
		fmt.Fprintf(&refs, "[g%d]: https://example.com/%d\n", i, i)
	}
	table.WriteString("| id | name | status | owner | note |\n|---|:---|:-:|---:|---|\n")
	for i := 0; table.Len() < formMax-200; i++ {
		fmt.Fprintf(&table, "| %d | item | ok | ken | - |\n", i)
	}
	code.WriteString("```json\n")
	for i := 0; code.Len() < formMax-200; i++ {
		fmt.Fprintf(&code, "  {\"id\": %d, \"tags\": [\"a_b\", \"c\"], \"rows\": [[1, 2], [3]]},\n", i)
	}
	code.WriteString("```\n")
	quotes := ""
	for i := 10; i > 0; i-- {
		quotes += strings.Repeat("> ", i) + "On Monday someone wrote:\n"
	}
	for name, in := range map[string]string{
		"list of links":      links.String(),
		"pasted log":         log.String(),
		"reference links":    refs.String(),
		"long table":         table.String(),
		"json in a fence":    code.String(),
		"japanese":           strings.Repeat("請求書が届きません。", 5000),
		"ten levels quoted":  strings.Repeat(quotes+"\n", 40),
		"nested list":        strings.Repeat("- a\n  - b\n    - c\n      - d\n        - e\n", 900),
		"emphasis in prose":  fill(strings.Repeat("Some *stress* and **strong** words, a ~~strike~~ and `code_span`. ", 8) + "\n\n"),
		"snake case in text": fill("set max_connections and shared_buffers "),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := r.Render(context.Background(), in); err != nil {
				t.Errorf("%d bytes refused: %v", len(in), err)
			}
		})
	}
}

func TestRenderHonoursTheDeadline(t *testing.T) {
	r := New()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Render(ctx, "**hi**"); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	// Past its start, the inline parser checks the deadline as it goes.
	ctx, cancel = context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	b := &budget{ctx: ctx}
	for i := 0; i < 1000 && b.err == nil; i++ {
		b.spend(nil, []byte("*"), ' ')
	}
	if !errors.Is(b.err, context.DeadlineExceeded) {
		t.Errorf("budget err = %v, want the deadline", b.err)
	}
}

// largestAccepted is the longest source gen makes that the form and the
// renderer still accept.
func largestAccepted(r *Renderer, gen func(n int) string) string {
	ok := func(n int) bool {
		in := gen(n)
		if utf8.RuneCountInString(in) > formMax {
			return false
		}
		_, err := r.Render(context.Background(), in)
		return err == nil
	}
	lo, hi := 0, 1
	for ok(hi) {
		lo, hi = hi, hi*2
	}
	for hi-lo > 1 {
		if mid := (lo + hi) / 2; ok(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return gen(lo)
}

// BenchmarkRenderWorst renders the costliest sources the bounds accept —
// each shape grown until one more step would be refused, alone and with
// the rest of the form filled with the densest plain markup — and the
// hostile ones, refused or not. worst-ms is the slowest single render:
//
//	go test ./models/markdown/ -run '^$' -bench RenderWorst -benchtime 20x
func BenchmarkRenderWorst(b *testing.B) {
	r := New()
	dense := func(in string) string {
		if room := formMax - utf8.RuneCountInString(in) - 2; room > 0 {
			in += "\n\n" + strings.Repeat("- [ ] a\n", room/8)
		}
		return in
	}
	shapes := map[string]func(n int) string{
		"quotes at max depth": func(n int) string { return strings.Repeat(strings.Repeat("> ", MaxDepth)+"a\n", n) },
		"lists at max depth":  func(n int) string { return strings.Repeat(strings.Repeat("  ", MaxDepth-1)+"- a\n", n) },
		"padded table": func(n int) string {
			return "|" + strings.Repeat("a|", 100) + "\n|" + strings.Repeat("-|", 100) + "\n" + strings.Repeat("a\n", n)
		},
		"mismatched emphasis":    func(n int) string { return strings.Repeat("*a_ ", n) },
		"emphasis multiple of 3": func(n int) string { return "a**b" + strings.Repeat("c* ", n) },
		"nested brackets":        func(n int) string { return strings.Repeat("[", n) + "a" + strings.Repeat("]", n) },
		"brackets and emphasis":  func(n int) string { return strings.Repeat("[ a_", n) },
		"emphasis and brackets":  func(n int) string { return strings.Repeat("*[", n) },
		"destinations":           func(n int) string { return strings.Repeat("[](", n) },
		"links":                  func(n int) string { return strings.Repeat("[a](https://example.com/a)\n", n) },
		"mentions":               func(n int) string { return strings.Repeat("@abc ", n) },
	}
	cases := map[string]string{
		"dense/task list":    fill("- [ ] a\n"),
		"dense/list":         fill("- a\n"),
		"dense/full table":   "|a|b|c|d|e|f|g|h|\n|-|-|-|-|-|-|-|-|\n" + strings.Repeat("|1|2|3|4|5|6|7|8|\n", 2700),
		"dense/emphasis":     fill("*a* "),
		"dense/headings":     fill("# a\n"),
		"dense/escaped text": fill("<&"),
		"dense/japanese":     strings.Repeat("請求書が届きません。", formMax/10),
	}
	for name, gen := range shapes {
		in := largestAccepted(r, gen)
		cases["max/"+name] = in
		cases["max+dense/"+name] = dense(in)
	}
	for name, in := range hostileSources() {
		cases["hostile/"+name] = in
	}
	for name, in := range cases {
		b.Run(name, func(b *testing.B) {
			var worst time.Duration
			var err error
			for b.Loop() {
				start := time.Now()
				_, err = r.Render(context.Background(), in)
				worst = max(worst, time.Since(start))
			}
			b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
			b.ReportMetric(float64(utf8.RuneCountInString(in)), "chars")
			if err != nil {
				b.ReportMetric(1, "refused")
			}
		})
	}
}
