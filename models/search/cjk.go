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
func IndexText(s string) string {
	toks, _ := appendTokens(nil, Normalize(s))
	return strings.Join(toks, " ")
}

// appendTokens splits already-normalized text into index tokens. It also
// reports whether the final token is a lone CJK character, which the query
// side turns into a prefix match because the index only holds it as the
// start of a bigram.
func appendTokens(dst []string, s string) ([]string, bool) {
	var (
		wordStart = -1  // start of the current non-CJK word
		units     []int // start offsets of the characters of the current CJK run
		runEnd    int   // end offset of the current CJK run
		lastLone  bool
	)
	flushWord := func(end int) {
		if wordStart >= 0 {
			dst = append(dst, s[wordStart:end])
			wordStart = -1
			lastLone = false
		}
	}
	flushRun := func() {
		switch n := len(units); {
		case n == 1:
			dst = append(dst, s[units[0]:runEnd])
			lastLone = true
		case n > 1:
			units = append(units, runEnd)
			for k := 0; k+2 < len(units); k++ {
				dst = append(dst, s[units[k]:units[k+2]])
			}
			lastLone = false
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
	return dst, lastLone
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
