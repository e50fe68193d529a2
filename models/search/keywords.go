package search

import (
	"unicode"
	"unicode/utf8"
)

// Keyword is one meaningful word of a text, for comparing short texts with
// each other (is this question about the same thing as that one?) rather
// than for finding them in the index.
type Keyword struct {
	// Key is what compares: an English stem, a katakana or short kanji
	// word, or one bigram of a longer kanji word.
	Key string
	// Word is the word as it was written (normalized), for showing.
	Word string
	// Unit numbers the words of the text: the bigrams of one kanji
	// compound share it, so that two texts sharing one long word are not
	// taken for texts sharing several.
	Unit int
}

// Keywords returns the words of s that say what it is about, in order:
// English words as the index stems them, without stop words or the words
// every question shares (help, please, can't…), and no bare numbers;
// Japanese (and other CJK) text cut where its script changes, keeping the
// kanji and katakana words and leaving out hiragana, which is mostly grammar
// (particles and endings: ません, している) rather than subject. A katakana
// word is one key: it is a loanword, and its bigrams (ード, ラン) are shared
// by unrelated ones (コード, カード). A kanji word of two characters is one
// key; a longer one is its bigrams, as the index cuts it, so that 請求書
// still shares 請求 with 請求先. Single kanji say too little alone (後, 中)
// and are left out.
func Keywords(s string) []Keyword {
	var r KeywordReader
	return r.Keywords(Normalize(s))
}

// KeywordReader reads the keywords of many texts, remembering the stems
// of the words it has seen: the texts of one burst repeat their words,
// and stemming is most of the work.
type KeywordReader struct {
	stems map[string]string
}

// Keywords is the package's Keywords of a text already normalized
// (Normalize), which it must be.
func (kr *KeywordReader) Keywords(s string) []Keyword {
	if kr.stems == nil {
		kr.stems = map[string]string{}
	}
	var (
		out   []Keyword
		unit  int
		start = -1 // start of the current non-CJK word
		units []int
		class cjkClass
		end   int // end offset of the current CJK word
	)
	flushWord := func(stop int) {
		if start < 0 {
			return
		}
		w := s[start:stop]
		start = -1
		k, ok := kr.stems[w]
		if !ok {
			k = stem(w)
			kr.stems[w] = k
		}
		if !filler(k) && !allDigits(w) {
			out = append(out, Keyword{Key: k, Word: w, Unit: unit})
			unit++
		}
	}
	flushRun := func() {
		n := len(units)
		if n >= 2 && class != cjkHiragana {
			w := s[units[0]:end]
			if n == 2 || class == cjkKatakana {
				out = append(out, Keyword{Key: w, Word: w, Unit: unit})
			} else {
				units = append(units, end)
				for k := 0; k+2 < len(units); k++ {
					out = append(out, Keyword{Key: s[units[k]:units[k+2]], Word: w, Unit: unit})
				}
			}
			unit++
		}
		units = units[:0]
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case IsCJK(r):
			flushWord(i)
			if c := classOf(r, class); c != class || len(units) == 0 {
				flushRun()
				class = c
			}
			units = append(units, i)
			i = skipMarks(s, i+size)
			end = i
		case isWordStart(r):
			flushRun()
			if start < 0 {
				start = i
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
	return out
}

// cjkClass is the script of a CJK character, where a Japanese word ends.
type cjkClass int

const (
	cjkKanji cjkClass = iota // Han, and Hangul, written in words of its own
	cjkHiragana
	cjkKatakana
)

// classOf is the script of r; the prolonged sound mark and the repeat
// marks belong to the word they follow (ー in ループ, 々 in 時々).
func classOf(r rune, prev cjkClass) cjkClass {
	switch {
	case r == 0x30FC || r == 0xFF70 || (0x3031 <= r && r <= 0x3035) || r == 0x3005:
		return prev
	case unicode.Is(unicode.Hiragana, r):
		return cjkHiragana
	case unicode.Is(unicode.Katakana, r):
		return cjkKatakana
	}
	return cjkKanji
}

func allDigits(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
