package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// IsCJK reports whether r belongs to a script written without spaces between
// words (Han, Hiragana, Katakana) or to Hangul, and so is indexed as bigrams.
// Only letters and numbers qualify: CJK radicals and other symbols are
// separators to both database tokenizers, so they must be separators here too.
func IsCJK(r rune) bool {
	if r < 0x1100 {
		return false
	}
	switch {
	case r == 0x30FC || r == 0xFF70: // prolonged sound mark ー, half-width ｰ (script Common)
		return true
	case 0x3031 <= r && r <= 0x3035: // vertical kana repeat marks (script Common)
		return true
	}
	if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// isWordStart reports whether r can begin a token. Combining marks cannot:
// they only extend the character before them.
func isWordStart(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

func isMark(r rune) bool {
	return unicode.IsMark(r)
}

// IndexText returns the text to store in the full-text index for s: the
// normalized text as space-separated tokens, where every run of CJK
// characters is replaced by its overlapping bigrams, in order, so that phrase
// queries built by Parse match adjacent bigrams. Punctuation and symbols
// become separators. The same database text-search configuration must be
// applied to this output and to the query (see Query.TSQuery).
//
// English words are stemmed, and each CJK run of two or more characters also
// ends with its last character alone, so that a one-character query finds a
// character that ends a word (税 in 消費税), which no bigram starts with.
func IndexText(s string) string {
	toks, _ := appendTokens(nil, Normalize(s), true)
	return strings.Join(stemAll(toks), " ")
}

// appendTokens splits already-normalized text into index tokens. It also
// reports whether the final token is a lone CJK character, which the query
// side turns into a prefix match because the index only holds it as the
// start of a bigram.
//
// The index follows the bigrams of every run of two or more CJK characters
// with the run's last character. A query (index false) keeps that token
// wherever more tokens follow, so that a phrase stays adjacent to what the
// index holds after the run, and leaves it out at the end, where the bigrams
// alone already match.
func appendTokens(dst []string, s string, index bool) ([]string, bool) {
	var (
		wordStart = -1  // start of the current non-CJK word
		units     []int // start offsets of the characters of the current CJK run
		runEnd    int   // end offset of the current CJK run
		lastLone  bool
		lastTail  bool // the final token is the last character of a run after its bigrams
	)
	flushWord := func(end int) {
		if wordStart >= 0 {
			dst = append(dst, s[wordStart:end])
			wordStart = -1
			lastLone, lastTail = false, false
		}
	}
	flushRun := func() {
		switch n := len(units); {
		case n == 1:
			dst = append(dst, s[units[0]:runEnd])
			lastLone, lastTail = true, false
		case n > 1:
			units = append(units, runEnd)
			for k := 0; k+2 < len(units); k++ {
				dst = append(dst, s[units[k]:units[k+2]])
			}
			dst = append(dst, s[units[n-1]:runEnd])
			lastLone, lastTail = false, true
		}
		units = units[:0]
	}
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case IsCJK(r):
			flushWord(i)
			units = append(units, i)
			i = skipMarks(s, i+size)
			runEnd = i
		case isWordStart(r):
			flushRun()
			if wordStart < 0 {
				wordStart = i
			}
			i = skipMarks(s, i+size)
		default:
			flushWord(i)
			flushRun()
			i += size
		}
	}
	flushWord(len(s))
	flushRun()
	if !index && lastTail {
		dst = dst[:len(dst)-1]
	}
	return dst, lastLone
}

// isRunTail reports whether w is the lone last character that follows the
// bigram prev in appendTokens output: it repeats prev's second character.
func isRunTail(prev, w string) bool {
	u, p := cjkUnits(w), cjkUnits(prev)
	return len(u) == 1 && len(p) == 2 && p[1] == u[0]
}

// skipMarks returns the offset after any combining marks starting at i, so
// that a base character and its marks are kept together as one character.
func skipMarks(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isMark(r) {
			break
		}
		i += size
	}
	return i
}

// cjkUnits splits w into characters (base plus marks) if it consists only of
// CJK characters, and returns nil otherwise.
func cjkUnits(w string) []string {
	var out []string
	i := 0
	for i < len(w) {
		r, size := utf8.DecodeRuneInString(w[i:])
		if !IsCJK(r) {
			return nil
		}
		j := skipMarks(w, i+size)
		out = append(out, w[i:j])
		i = j
	}
	return out
}
