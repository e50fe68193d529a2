package guard

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// fold maps the full-width forms a Japanese input method produces to ASCII,
// the part of NFKC that matters here, so one set of detectors sees
// "０９０－１２３４－５６７８" and "090-1234-5678" alike. Dashes that IMEs put between
// digits (ー, ‐, −) become '-' too. Offsets into the folded text are mapped
// back with the returned shifts; nil shifts mean nothing was folded, the
// common case, which costs one pass and no allocation.
func fold(s string) (string, shifts) {
	var b strings.Builder
	var sh shifts
	last := 0 // s[last:i] is not yet copied
	for i := 0; i < len(s); {
		if !mayFold(s, i) {
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		var prev byte
		switch {
		case i == last && sh != nil:
			prev = b.String()[b.Len()-1]
		case i > 0:
			prev = s[i-1]
		}
		f, ok := foldRune(r, isDigit(prev))
		if !ok {
			i += w
			continue
		}
		if sh == nil {
			b.Grow(len(s))
		}
		b.WriteString(s[last:i])
		b.WriteByte(f)
		last = i + w
		delta := w - 1
		if len(sh) > 0 {
			delta += sh[len(sh)-1].delta
		}
		sh = append(sh, shift{at: b.Len(), delta: delta})
		i += w
	}
	if sh == nil {
		return s, nil
	}
	b.WriteString(s[last:])
	return b.String(), sh
}

// mayFold reports whether s[i:] starts like a rune foldRune maps, judged on
// the first two bytes so the rest of Japanese text is skipped undecoded:
// U+2010-2015 and U+2212 (E2 80, E2 88), U+3000 and U+30FC (E3 80, E3 83),
// U+FF01-FF5E and U+FF70 (EF BC, EF BD).
func mayFold(s string, i int) bool {
	if s[i] < 0xE2 || i+1 >= len(s) {
		return false
	}
	switch c := s[i+1]; s[i] {
	case 0xE2:
		return c == 0x80 || c == 0x88
	case 0xE3:
		return c == 0x80 || c == 0x83
	case 0xEF:
		return c == 0xBC || c == 0xBD
	}
	return false
}

// shift says that folded offsets from at on are delta bytes behind the
// original text.
type shift struct{ at, delta int }

type shifts []shift

// orig maps an offset in the folded text to the original.
func (sh shifts) orig(p int) int {
	i, _ := slices.BinarySearchFunc(sh, p, func(s shift, p int) int { return cmp.Compare(s.at, p+1) })
	if i == 0 {
		return p
	}
	return p + sh[i-1].delta
}

func foldRune(r rune, afterDigit bool) (byte, bool) {
	switch {
	case r >= '！' && r <= '～':
		return byte(r - '！' + '!'), true
	case r == '\u3000':
		return ' ', true
	case afterDigit && (r >= '‐' && r <= '―' || r == '−' || r == 'ー' || r == 'ｰ'):
		return '-', true
	}
	return 0, false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isAlpha(c byte) bool { return isUpper(c) || isLower(c) }
func isAlnum(c byte) bool { return isAlpha(c) || isDigit(c) }

// Byte classes for the loops that visit every byte of a post: one lookup
// instead of a chain of comparisons.
const (
	clDigit uint8 = 1 << iota
	clLetter
	clWordPunct // _ -
	clB64Punct  // + /
	clNumPunct  // + (

	clWord   = clDigit | clLetter | clWordPunct
	clB64    = clWord | clB64Punct
	clNumber = clDigit | clNumPunct
)

type byteClasses [256]uint8

func newByteClasses() *byteClasses {
	var t byteClasses
	for c := range 256 {
		b := byte(c)
		switch {
		case isDigit(b):
			t[c] = clDigit
		case isAlpha(b):
			t[c] = clLetter
		case b == '_' || b == '-':
			t[c] = clWordPunct
		case b == '/':
			t[c] = clB64Punct
		case b == '+':
			t[c] = clB64Punct | clNumPunct
		case b == '(':
			t[c] = clNumPunct
		}
	}
	return &t
}
