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
// normalized form, one character at a time (a base character with its marks,
// so ﾄﾞ is ド), and the offsets still point into the original. CJK words
// match anywhere; other words match whole words whose stem is the query's
// stem, which is how the index matched them (billing finds billed).
func findMatches(text []rune, words []string) []span {
	if len(words) == 0 || len(text) == 0 {
		return nil
	}
	// units[k] is the rune offset where the k-th character starts.
	var units []int
	var norm strings.Builder
	var offsets []int // byte offset in norm of each unit
	for i := 0; i < len(text); {
		j := i + 1
		for j < len(text) && (unicode.In(text[j], unicode.Mn, unicode.Mc, unicode.Me) || text[j] == 0xFF9E || text[j] == 0xFF9F) {
			j++
		}
		units = append(units, i)
		offsets = append(offsets, norm.Len())
		if j == i+1 && text[i] < utf8.RuneSelf {
			norm.WriteRune(unicode.ToLower(text[i]))
		} else {
			norm.WriteString(Normalize(string(text[i:j])))
		}
		i = j
	}
	units = append(units, len(text))
	offsets = append(offsets, norm.Len())
	n := norm.String()
	unitAt := func(byteOff int) int { return sort.SearchInts(offsets, byteOff) }

	// Stemming is most of the cost of a snippet: each distinct token is
	// stemmed once, however many query words it is compared with.
	stems := map[string]string{}
	stemOf := func(token string) string {
		st, ok := stems[token]
		if !ok {
			st = stem(token)
			stems[token] = st
		}
		return st
	}
	var spans []span
	for wi, w := range words {
		w = Normalize(w)
		first, _ := utf8.DecodeRuneInString(w)
		if w == "" {
			continue
		}
		wStem := stem(w)
		if IsCJK(first) {
			for from := 0; from < len(n); {
				i := strings.Index(n[from:], w)
				if i < 0 {
					break
				}
				i += from
				from = i + len(w)
				spans = append(spans, span{start: units[unitAt(i)], end: units[unitAt(i+len(w))], word: wi})
			}
			continue
		}
		// Whole words of letters and digits outside CJK scripts.
		for k := 0; k < len(units)-1; {
			if !isLatinWordUnit(n[offsets[k]:offsets[k+1]]) {
				k++
				continue
			}
			e := k
			for e < len(units)-1 && isLatinWordUnit(n[offsets[e]:offsets[e+1]]) {
				e++
			}
			token := n[offsets[k]:offsets[e]]
			if st := stemOf(token); token == w || st == w || st == wStem {
				spans = append(spans, span{start: units[k], end: units[e], word: wi})
			}
			k = e
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

// isLatinWordUnit reports whether a normalized character belongs to a word
// of a space-separated script.
func isLatinWordUnit(u string) bool {
	r, _ := utf8.DecodeRuneInString(u)
	return isWordRune(r) && !IsCJK(r)
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
