package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Normalize maps s to the canonical form used for both indexing and
// querying: invalid UTF-8 replaced by U+FFFD, NUL bytes dropped (C-based
// tokenizers would stop reading at them), then NFKC and case folding.
// The result is stable: Normalize(Normalize(s)) == Normalize(s).
func Normalize(s string) string {
	if isPlainASCII(s) {
		return asciiLower(s)
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	s = foldAccents(norm.NFKC.String(s))
	// Folding can produce text that is no longer in NFKC and vice versa
	// (e.g. U+0345 folds to ι), so iterate to a fixed point; in practice
	// this takes one extra pass at most.
	for range 4 {
		f := norm.NFKC.String(cases.Fold().String(s))
		if f == s {
			break
		}
		s = f
	}
	return s
}

// isPlainASCII reports whether s is ASCII without NUL, for which NFKC is the
// identity and folding is plain lower-casing; most posts and queries take
// this path.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == 0 || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// nfkcOnly is Normalize without case folding. The query parser needs it to
// recognise the upper-case OR operator (also when typed full-width).
func nfkcOnly(s string) string {
	if isPlainASCII(s) {
		return s
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return norm.NFKC.String(s)
}

// foldAccents removes the accents of letters outside CJK scripts (café is
// cafe, as a user typing without accents expects), keeping the voicing marks
// of kana, which change the word (か is not が).
func foldAccents(s string) string {
	// Accented letters and most combining marks live below U+2000; text
	// without any (ASCII, most Japanese) is left alone. The marks above it
	// (U+20D0 and up, U+3099, U+FE20 and up) must be checked too, or a mark
	// on a Latin letter would be kept or dropped depending on the rest of
	// the text, and a query word would not match the same word indexed in
	// a longer text.
	hasMark := false
	for _, r := range s {
		if r >= 0xC0 && (r < 0x2000 || unicode.Is(unicode.Mn, r)) {
			hasMark = true
			break
		}
	}
	if !hasMark {
		return s
	}
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	var base rune
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) {
			if !IsCJK(base) {
				continue
			}
		} else {
			base = r
		}
		b.WriteRune(r)
	}
	return norm.NFKC.String(b.String())
}
