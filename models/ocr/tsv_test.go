package ocr

import (
	"image"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The files in testdata are tesseract 5.3.0's output (`tesseract stdin
// stdout -l eng+jpn --psm 3 tsv`, OMP_THREAD_LIMIT=1) for images drawn as
// the tests below draw them: English at 16 px, Japanese at 24 px, and a blank
// page.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseTSVCapturedOutput(t *testing.T) {
	for _, tc := range []struct {
		file  string
		text  string
		words int
		// a word and where tesseract saw it
		word string
		box  image.Rectangle
		line int
	}{
		{
			file: "english.tsv",
			text: "Hello, my printer stopped working after the last update.\n" +
				"Contact me at alice.tanaka@gmail.com if you need the logs.\n" +
				"I paid with card 4111 1111 1111 1111 last Tuesday.\n" +
				"Error code E-4021 appears when I press the start button.",
			words: 38,
			word:  "alice.tanaka@gmail.com", box: image.Rect(166, 120, 342, 135), line: 1,
		},
		{
			// Tesseract cuts Japanese into words of one or two
			// characters; they are joined again without spaces. The
			// blank words it read in two blocks of their own are
			// dropped with their lines. (It read the second line's
			// です。 as "CF.": the tests do not count on every
			// character.)
			file: "japanese.tsv",
			text: "プリンターが昨日から動きません。\n" +
				"連絡先は alice.tanaka@gmail.com CF.\n" +
				"電話番号は 090-1234-5678 です。",
			words: 23,
			word:  "090-1234-5678", box: image.Rect(186, 178, 343, 196), line: 2,
		},
		{file: "blank.tsv"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			res, err := parseTSV(readTestdata(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if res.Text != tc.text {
				t.Errorf("text\n got %q\nwant %q", res.Text, tc.text)
			}
			if len(res.Words) != tc.words {
				t.Errorf("%d words, want %d", len(res.Words), tc.words)
			}
			checkWords(t, res)
			if tc.word == "" {
				return
			}
			for _, w := range res.Words {
				if w.Text == tc.word {
					if w.Box != tc.box || w.Line != tc.line {
						t.Errorf("%q at %v line %d, want %v line %d", w.Text, w.Box, w.Line, tc.box, tc.line)
					}
					return
				}
			}
			t.Errorf("no word %q in %q", tc.word, res.Text)
		})
	}
}

// checkWords asserts what every Result must keep true: words in order,
// each at its offsets in the text, separated by nothing, a space or a line
// break, with line numbers that count the line breaks.
func checkWords(t *testing.T, res Result) {
	t.Helper()
	if !utf8.ValidString(res.Text) {
		t.Errorf("text is not UTF-8: %q", res.Text)
	}
	end := 0
	for i, w := range res.Words {
		if w.Start < end || w.End > len(res.Text) || w.Start >= w.End {
			t.Fatalf("word %d %q at [%d,%d) after %d in a text of %d bytes", i, w.Text, w.Start, w.End, end, len(res.Text))
		}
		if got := res.Text[w.Start:w.End]; got != w.Text {
			t.Errorf("word %d: text[%d:%d] = %q, want %q", i, w.Start, w.End, got, w.Text)
		}
		if strings.ContainsFunc(w.Text, unicode.IsControl) || strings.TrimSpace(w.Text) != w.Text {
			t.Errorf("word %d %q holds a control character or starts or ends with a space", i, w.Text)
		}
		gap := res.Text[end:w.Start]
		if i > 0 && gap != "" && gap != " " && gap != "\n" {
			t.Errorf("word %d: %q between words", i, gap)
		}
		if want := strings.Count(res.Text[:w.Start], "\n"); w.Line != want {
			t.Errorf("word %d %q on line %d, want %d", i, w.Text, w.Line, want)
		}
		end = w.End
	}
	if end != len(res.Text) {
		t.Errorf("text runs past the last word: %q", res.Text[end:])
	}
}

func TestParseTSVJoinsLines(t *testing.T) {
	const head = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
	row := func(block, par, line, word int, text string) string {
		return strings.Join([]string{"5", "1", itoa(block), itoa(par), itoa(line), itoa(word), "10", "20", "30", "40", "95.5", text}, "\t") + "\n"
	}
	for _, tc := range []struct {
		name, tsv, want string
	}{
		{"spaces within a line", row(1, 1, 1, 1, "mail") + row(1, 1, 1, 2, "me"), "mail me"},
		{"a new line number", row(1, 1, 1, 1, "mail") + row(1, 1, 2, 1, "me"), "mail\nme"},
		// Line numbers start again in every paragraph and block.
		{"a new paragraph", row(1, 1, 1, 1, "a") + row(1, 2, 1, 1, "b"), "a\nb"},
		{"a new block", row(1, 1, 1, 1, "a") + row(2, 1, 1, 1, "b"), "a\nb"},
		{"kana and kanji", row(1, 1, 1, 1, "電話") + row(1, 1, 1, 2, "番号") + row(1, 1, 1, 3, "は"), "電話番号は"},
		{"prolonged sound mark", row(1, 1, 1, 1, "ンタ") + row(1, 1, 1, 2, "ー"), "ンター"},
		{"full-width digits", row(1, 1, 1, 1, "０９０") + row(1, 1, 1, 2, "１２３４"), "０９０１２３４"},
		{"Japanese then Latin", row(1, 1, 1, 1, "は") + row(1, 1, 1, 2, "alice@example.com"), "は alice@example.com"},
		{"Latin then Japanese", row(1, 1, 1, 1, "5678") + row(1, 1, 1, 2, "です"), "5678 です"},
		{"blank words dropped", row(1, 1, 1, 1, " ") + row(1, 1, 1, 2, "ok") + row(2, 1, 1, 1, "\u3000"), "ok"},
		{"CRLF rows", strings.ReplaceAll(row(1, 1, 1, 1, "a")+row(1, 1, 1, 2, "b"), "\n", "\r\n"), "a b"},
		{"no heading", strings.TrimPrefix(head+row(1, 1, 1, 1, "a"), head), "a"},
		{"invalid UTF-8 replaced", row(1, 1, 1, 1, "a\xffb"), "a\uFFFDb"},
		{"control characters", row(1, 1, 1, 1, "\ta\rb\x00"), "a b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := parseTSV([]byte(head + tc.tsv))
			if err != nil {
				t.Fatal(err)
			}
			if res.Text != tc.want {
				t.Errorf("got %q, want %q", res.Text, tc.want)
			}
			checkWords(t, res)
		})
	}
}

func TestParseTSVRejectsMalformedRows(t *testing.T) {
	for name, tsv := range map[string]string{
		"too few columns":    "5\t1\t1\t1\t1\t1\t10\t20\n",
		"not a number":       "5\t1\t1\t1\t1\t1\tten\t20\t30\t40\t95\tword\n",
		"negative box":       "5\t1\t1\t1\t1\t1\t10\t20\t-1\t40\t95\tword\n",
		"coordinate too big": "5\t1\t1\t1\t1\t1\t10\t20\t99999999999\t40\t95\tword\n",
	} {
		if _, err := parseTSV([]byte(tsv)); err == nil {
			t.Errorf("%s: no error for %q", name, tsv)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func FuzzParseTSV(f *testing.F) {
	for _, name := range []string{"english.tsv", "japanese.tsv", "blank.tsv"} {
		f.Add(readTestdata(f, name))
	}
	f.Add([]byte("5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t9\t\xe3\x80\n5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t9\t日\r\n"))
	f.Fuzz(func(t *testing.T, tsv []byte) {
		res, err := parseTSV(tsv)
		if err != nil {
			return
		}
		checkWords(t, res)
		for _, w := range res.Words {
			if w.Box.Min.X < 0 || w.Box.Min.Y < 0 || w.Box.Dx() > maxCoord || w.Box.Dy() > maxCoord {
				t.Errorf("word %q has box %v", w.Text, w.Box)
			}
		}
	})
}
