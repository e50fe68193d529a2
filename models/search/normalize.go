package search

import (
	"strings"
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
	s = norm.NFKC.String(s)
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
