package ocr

import (
	"fmt"
	"image"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tesseract's TSV has a heading row and then one row per page, block,
// paragraph, line and word (the level column, 1 to 5):
//
//	level page_num block_num par_num line_num word_num left top width height conf text
//
// Only the words matter here; the numbers before them say which line a word
// belongs to.
const (
	colLevel = iota
	colPage
	colBlock
	colPar
	colLine
	colWord
	colLeft
	colTop
	colWidth
	colHeight
	colConf
	colText
	numCols
)

const levelWord = 5

// maxCoord bounds a box's coordinates; no image New accepts is this wide.
const maxCoord = 1 << 24

// lineKey names a line: the same line number starts again in each block
// and paragraph.
type lineKey struct{ page, block, par, line int }

// parseTSV turns tesseract's TSV into a Result: the words of a line joined by
// spaces, lines by "\n", so that the guard sees an email address or a
// spaced card number as it would in typed text.
func parseTSV(tsv []byte) (Result, error) {
	var (
		b     strings.Builder
		words []Word
		cur   lineKey
		line  = -1
	)
	for n, row := range strings.Split(string(tsv), "\n") {
		row = strings.TrimSuffix(row, "\r")
		if row == "" || (n == 0 && strings.HasPrefix(row, "level\t")) {
			continue
		}
		// The text is the last column and may in principle hold a tab.
		f := strings.SplitN(row, "\t", numCols)
		if len(f) < numCols-1 {
			return Result{}, fmt.Errorf("row %d: %d columns, want %d", n+1, len(f), numCols)
		}
		var nums [colConf]int
		for i := range colConf {
			v, err := strconv.Atoi(f[i])
			if err != nil {
				return Result{}, fmt.Errorf("row %d column %d: %w", n+1, i+1, err)
			}
			if v < -1 || v > maxCoord {
				return Result{}, fmt.Errorf("row %d column %d: %d out of range", n+1, i+1, v)
			}
			nums[i] = v
		}
		if nums[colLevel] != levelWord || len(f) < numCols {
			continue
		}
		text := cleanWord(f[colText])
		if text == "" {
			continue
		}
		if nums[colWidth] < 0 || nums[colHeight] < 0 || nums[colLeft] < 0 || nums[colTop] < 0 {
			return Result{}, fmt.Errorf("row %d: negative box", n+1)
		}
		key := lineKey{nums[colPage], nums[colBlock], nums[colPar], nums[colLine]}
		switch {
		case line < 0:
			line = 0
		case key != cur:
			b.WriteByte('\n')
			line++
		case !joinsWithoutSpace(words[len(words)-1].Text, text):
			b.WriteByte(' ')
		}
		cur = key
		start := b.Len()
		b.WriteString(text)
		words = append(words, Word{
			Text:  text,
			Box:   image.Rect(nums[colLeft], nums[colTop], nums[colLeft]+nums[colWidth], nums[colTop]+nums[colHeight]),
			Start: start,
			End:   b.Len(),
			Line:  line,
		})
	}
	return Result{Text: b.String(), Words: words}, nil
}

// cleanWord trims what tesseract may put around a word, makes any space or
// control character inside it a plain space, and makes the text valid UTF-8,
// so offsets into Result.Text are offsets of whole characters and the only
// line breaks in it are those between lines.
func cleanWord(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// joinsWithoutSpace reports whether two neighbouring words on a line are
// written together: tesseract cuts Japanese, which has no spaces, into a
// word every character or two, and a space between them would split 電話番号
// or a full-width number for the guard.
func joinsWithoutSpace(prev, next string) bool {
	last, _ := utf8.DecodeLastRuneInString(prev)
	first, _ := utf8.DecodeRuneInString(next)
	return isCJK(last) && isCJK(first)
}

// isCJK is true for the characters of Japanese and Chinese text: kanji,
// kana, the prolonged sound mark, CJK punctuation and full-width forms.
func isCJK(r rune) bool {
	switch {
	case r >= 0x3000 && r <= 0x30FF, // CJK punctuation, hiragana, katakana
		r >= 0x31F0 && r <= 0x31FF, // katakana phonetic extensions
		r >= 0xFF00 && r <= 0xFFEF: // half-width and full-width forms
		return true
	}
	return unicode.Is(unicode.Han, r)
}
