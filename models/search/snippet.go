package search

import (
	"html"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
)

// Snippet cuts the passage of a post that best shows why it matched: the
// window of at most maxRunes characters holding the most distinct query
// words, HTML-escaped, with each match wrapped in <mark>. It works on the
// post's rendered HTML (so markdown syntax never shows) and the same way
// for both databases. With no match it returns the start of the post.
func Snippet(postHTML string, words []string, maxRunes int) string {
	text := []rune(plainText(postHTML))
	spans := findMatches(text, words)
	start, end := bestWindow(text, spans, maxRunes)
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	writeMarked(&b, text, spans, start, end)
	if end < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// Highlight escapes a short text, such as a title, and marks the matches.
func Highlight(text string, words []string) string {
	runes := []rune(text)
	var b strings.Builder
	writeMarked(&b, runes, findMatches(runes, words), 0, len(runes))
	return b.String()
}

// span is a match, in rune offsets [start, end).
type span struct{ start, end, word int }

// findMatches locates the query words in text. Text is compared in its
// normalized form, rune by rune, so ＡＰＩ matches api and the offsets still
// point into the original. CJK words match anywhere; other words match at
// the start of a word and extend to its end, so a query for billing also
// marks billed (the index stems English, the highlighter approximates it).
func findMatches(text []rune, words []string) []span {
	if len(words) == 0 || len(text) == 0 {
		return nil
	}
	var norm strings.Builder
	offsets := make([]int, 0, len(text)+1) // byte offset in norm of each rune of text
	for _, r := range text {
		offsets = append(offsets, norm.Len())
		if r < utf8.RuneSelf {
			norm.WriteRune(unicode.ToLower(r))
		} else {
			norm.WriteString(Normalize(string(r)))
		}
	}
	offsets = append(offsets, norm.Len())
	n := norm.String()
	runeAt := func(byteOff int) int { return sort.SearchInts(offsets, byteOff) }

	var spans []span
	for wi, w := range words {
		w = Normalize(w)
		if w == "" {
			continue
		}
		first, _ := utf8.DecodeRuneInString(w)
		cjk := IsCJK(first)
		needle := w
		if !cjk {
			needle = stem(w)
		}
		for from := 0; from < len(n); {
			i := strings.Index(n[from:], needle)
			if i < 0 {
				break
			}
			i += from
			from = i + len(needle)
			s, e := runeAt(i), runeAt(i+len(needle))
			if !cjk {
				if s > 0 && isWordRune(text[s-1]) {
					continue
				}
				for e < len(text) && isWordRune(text[e]) && !IsCJK(text[e]) {
					e++
				}
				if len(needle) < len(w) && e-s < utf8.RuneCountInString(needle) {
					continue
				}
			}
			spans = append(spans, span{start: s, end: e, word: wi})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	merged := spans[:0]
	for _, sp := range spans {
		if k := len(merged) - 1; k >= 0 && sp.start <= merged[k].end {
			merged[k].end = max(merged[k].end, sp.end)
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// stem trims common English endings so that the highlighter finds the
// forms the index's stemmer conflates.
func stem(w string) string {
	if utf8.RuneCountInString(w) < 5 {
		return w
	}
	for _, suffix := range []string{"ing", "ed", "es", "s", "ly", "er"} {
		if strings.HasSuffix(w, suffix) && len(w)-len(suffix) >= 4 {
			return strings.TrimSuffix(w, suffix)
		}
	}
	return w
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// bestWindow picks the stretch of text holding the most distinct words.
func bestWindow(text []rune, spans []span, maxRunes int) (int, int) {
	if len(text) <= maxRunes {
		return 0, len(text)
	}
	if len(spans) == 0 {
		return 0, cutAtSpace(text, maxRunes)
	}
	bestStart, bestCount := spans[0].start, 0
	for i, sp := range spans {
		seen := map[int]bool{}
		for _, other := range spans[i:] {
			if other.end-sp.start > maxRunes {
				break
			}
			seen[other.word] = true
		}
		if len(seen) > bestCount {
			bestStart, bestCount = sp.start, len(seen)
		}
	}
	// Lead in with a little context, starting at a word boundary.
	start := max(0, bestStart-maxRunes/5)
	for start > 0 && start < bestStart && !unicode.IsSpace(text[start-1]) && !IsCJK(text[start]) {
		start++
	}
	end := min(len(text), start+maxRunes)
	if end < len(text) {
		end = start + cutAtSpace(text[start:], maxRunes)
	}
	return start, end
}

// cutAtSpace returns a length of at most n that ends at a space when one is
// near, so a snippet does not stop mid-word.
func cutAtSpace(text []rune, n int) int {
	if len(text) <= n {
		return len(text)
	}
	for i := n; i > n*3/4; i-- {
		if unicode.IsSpace(text[i]) {
			return i
		}
	}
	return n
}

func writeMarked(b *strings.Builder, text []rune, spans []span, start, end int) {
	pos := start
	for _, sp := range spans {
		if sp.end <= start || sp.start >= end {
			continue
		}
		s, e := max(sp.start, start), min(sp.end, end)
		b.WriteString(html.EscapeString(string(text[pos:s])))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(string(text[s:e])))
		b.WriteString("</mark>")
		pos = e
	}
	b.WriteString(html.EscapeString(string(text[pos:end])))
}

// plainText is the visible text of sanitized post HTML, with blocks
// separated by spaces and runs of white space collapsed.
func plainText(s string) string {
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	space := func() {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), " ") {
			b.WriteByte(' ')
		}
	}
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return strings.TrimSpace(b.String())
		case xhtml.TextToken:
			for _, f := range strings.Fields(string(z.Text())) {
				space()
				b.WriteString(f)
			}
			if t := z.Text(); len(t) > 0 && unicode.IsSpace(rune(t[len(t)-1])) {
				space()
			}
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "a", "strong", "em", "code", "del", "mark", "span":
			default:
				space()
			}
		}
	}
}
