package views

// What changed between two versions of a post, word by word, for the
// history page: a reader sees what an edit removed and added instead of
// comparing two sources by eye.
//
// Text is cut into tokens: a run of letters and digits of a script that
// spaces its words, a run of white space, one punctuation mark or symbol,
// and each character of Chinese, Japanese or Korean (Han, Hiragana,
// Katakana, Hangul, full-width forms), which have no spaces to find words
// by. The tokens are compared with Myers' algorithm, whose cost grows with
// the length times the number of differences; both are capped, and beyond
// the caps the whole text counts as replaced, so a long post rewritten from
// top to bottom costs a linear pass, not a quadratic one.

import (
	"html/template"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	// diffMaxTokens caps the tokens per side left to compare once the
	// common start and end are set aside.
	diffMaxTokens = 6000
	// diffMaxEdits caps the differences searched for; the search keeps
	// about diffMaxEdits² integers.
	diffMaxEdits = 600
)

// diffOp is a run of text that is in both versions, only the old one or
// only the new one.
type diffOp struct {
	kind byte // '=', '-' (removed) or '+' (added)
	text string
}

// Diff renders what changed from old to new as escaped text with removed
// runs in <del> and added ones in <ins>, each starting with a label that
// only screen readers announce. Labels are catalog messages diff.removed
// and diff.added in t's language.
func Diff(t Translator, old, new string) template.HTML {
	ops := diffText(old, new)
	var b strings.Builder
	removed, added := template.HTMLEscapeString(t.T("diff.removed")), template.HTMLEscapeString(t.T("diff.added"))
	for _, op := range ops {
		switch op.kind {
		case '-':
			b.WriteString(`<del><span class="visually-hidden">` + removed + ` </span>`)
		case '+':
			b.WriteString(`<ins><span class="visually-hidden">` + added + ` </span>`)
		}
		b.WriteString(template.HTMLEscapeString(op.text))
		switch op.kind {
		case '-':
			b.WriteString(`</del>`)
		case '+':
			b.WriteString(`</ins>`)
		}
	}
	// Every piece of text above was escaped; the tags are ours.
	return template.HTML(b.String())
}

// diffText compares two texts token by token and returns the runs, in
// order, with neighbouring tokens of one kind joined.
func diffText(old, new string) []diffOp {
	if old == new {
		if old == "" {
			return nil
		}
		return []diffOp{{'=', old}}
	}
	a, b := tokenize(old), tokenize(new)
	var script []diffOp // one op per token
	emit := func(kind byte, toks []string) {
		for _, tok := range toks {
			script = append(script, diffOp{kind, tok})
		}
	}
	// Edits are usually local: set the common start and end aside before
	// the search, which then looks only at what changed.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	emit('=', a[:pre])
	midA, midB := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if mid, ok := myers(midA, midB); ok {
		script = append(script, mid...)
	} else {
		emit('-', midA)
		emit('+', midB)
	}
	emit('=', a[len(a)-suf:])
	// Join neighbouring tokens of one kind into runs.
	var ops []diffOp
	for i := 0; i < len(script); {
		var run strings.Builder
		j := i
		for ; j < len(script) && script[j].kind == script[i].kind; j++ {
			run.WriteString(script[j].text)
		}
		ops = append(ops, diffOp{script[i].kind, run.String()})
		i = j
	}
	return cleanup(ops)
}

// cleanup makes a diff read as changes to phrases rather than to letters:
// a short run both versions share, between two changes each longer than
// it (the space between two replaced words, the "." inside a replaced
// address, the one kana two rewritten endings share), becomes part of
// one larger change. The script stays correct; it is only less minimal.
func cleanup(ops []diffOp) []diffOp {
	// groups alternate: an equal run, then the change after it (what was
	// removed, what was added), then the next equal run…
	type group struct{ eq, del, ins string }
	var gs []group
	if len(ops) > 0 && ops[0].kind != '=' {
		gs = append(gs, group{})
	}
	for _, op := range ops {
		switch op.kind {
		case '=':
			gs = append(gs, group{eq: op.text})
		case '-':
			gs[len(gs)-1].del += op.text
		case '+':
			gs[len(gs)-1].ins += op.text
		}
	}
	changeLen := func(g group) int { return max(utf8.RuneCountInString(g.del), utf8.RuneCountInString(g.ins)) }
	for i := 1; i < len(gs); {
		prev, cur := gs[i-1], gs[i]
		hasChanges := (prev.del != "" || prev.ins != "") && (cur.del != "" || cur.ins != "")
		if n := utf8.RuneCountInString(cur.eq); hasChanges && n < changeLen(prev) && n < changeLen(cur) {
			gs[i-1].del = prev.del + cur.eq + cur.del
			gs[i-1].ins = prev.ins + cur.eq + cur.ins
			gs = append(gs[:i], gs[i+1:]...)
			// The grown change may now swallow the run before it.
			i = max(1, i-1)
			continue
		}
		i++
	}
	var out []diffOp
	for _, g := range gs {
		for _, op := range []diffOp{{'=', g.eq}, {'-', g.del}, {'+', g.ins}} {
			if op.text != "" {
				out = append(out, op)
			}
		}
	}
	return out
}

// myers finds a shortest edit script from a to b, one op per token
// (Myers, "An O(ND) difference algorithm", 1986). It gives up, returning
// false, when either side has more than diffMaxTokens tokens or the script
// would need more than diffMaxEdits insertions and deletions.
func myers(a, b []string) ([]diffOp, bool) {
	n, m := len(a), len(b)
	if n > diffMaxTokens || m > diffMaxTokens {
		return nil, false
	}
	maxD := min(n+m, diffMaxEdits)
	off := maxD + 1
	v := make([]int, 2*maxD+3) // v[off+k]: furthest x on diagonal k
	// trace[d] is v after step d, diagonals -d..d, for walking back.
	var trace [][]int
	for d := 0; d <= maxD; d++ {
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1] // down: b[y] inserted
			} else {
				x = v[off+k-1] + 1 // right: a[x-1] removed
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				trace = append(trace, append([]int(nil), v[off-d:off+d+1]...))
				return backtrack(a, b, trace), true
			}
		}
		trace = append(trace, append([]int(nil), v[off-d:off+d+1]...))
	}
	return nil, false
}

// backtrack walks the trace of myers from the end of both texts to their
// start and returns the edit script in order.
func backtrack(a, b []string, trace [][]int) []diffOp {
	x, y := len(a), len(b)
	var rev []diffOp
	for d := len(trace) - 1; d > 0; d-- {
		prev := trace[d-1] // diagonals -(d-1)..d-1 at prev[k+d-1]
		at := func(k int) int { return prev[k+d-1] }
		k := x - y
		var pk int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		// The step went from (px, py) one token down or right, then
		// along equal tokens to (x, y).
		midX := px
		if pk == k-1 {
			midX++
		}
		for x > midX {
			x--
			y--
			rev = append(rev, diffOp{'=', a[x]})
		}
		if pk == k+1 {
			y--
			rev = append(rev, diffOp{'+', b[y]})
		} else {
			x--
			rev = append(rev, diffOp{'-', a[x]})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, diffOp{'=', a[x]})
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

// tokenize cuts text into the tokens diffText compares; joined, they are
// the text again.
func tokenize(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		j := i + w
		switch {
		case isCJK(r):
			// One character, one token.
		case isWordRune(r):
			for j < len(s) {
				r2, w2 := utf8.DecodeRuneInString(s[j:])
				if !isWordRune(r2) || isCJK(r2) {
					break
				}
				j += w2
			}
		case unicode.IsSpace(r):
			for j < len(s) {
				r2, w2 := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsSpace(r2) {
					break
				}
				j += w2
			}
		}
		toks = append(toks, s[i:j])
		i = j
	}
	return toks
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isCJK reports whether r is written without spaces between words: Han,
// Hiragana, Katakana (with the prolonged sound mark), Hangul, and the
// full-width and CJK punctuation forms.
func isCJK(r rune) bool {
	if r < 0x1100 {
		return false
	}
	switch {
	case r >= 0x3000 && r <= 0x30FF, // CJK punctuation, Hiragana, Katakana
		r >= 0xFF00 && r <= 0xFFEF: // half- and full-width forms
		return true
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}
