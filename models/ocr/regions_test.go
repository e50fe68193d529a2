package ocr

import (
	"image"
	"slices"
	"strings"
	"testing"

	"hiroba/models/guard"
)

func newGuard(t testing.TB) *guard.Guard {
	t.Helper()
	g, err := guard.New(guard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestRegionsCapturedOutput(t *testing.T) {
	g := newGuard(t)
	for _, tc := range []struct {
		file string
		want []Region
	}{
		{"english.tsv", []Region{
			{guard.KindEmail, image.Rect(166, 120, 342, 135)},
			// The card's four groups are four words: one box over all.
			{guard.KindCard, image.Rect(174, 152, 329, 164)},
		}},
		{"japanese.tsv", []Region{
			{guard.KindEmail, image.Rect(162, 129, 440, 154)},
			{guard.KindPhone, image.Rect(186, 178, 343, 196)},
		}},
		{"blank.tsv", nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			res, err := parseTSV(readTestdata(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			got := Regions(g, res)
			if len(got) != len(tc.want) {
				t.Fatalf("regions %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("region %d = %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestRegionsOnePerLine(t *testing.T) {
	// The guard finds nothing across a line break today. Were it to, an
	// address cut across two lines gets a box on each, each over only
	// its own part: one box over both would also black out the words
	// beside it.
	res := resultOf([][]Word{
		{{Text: "write", Box: image.Rect(0, 0, 50, 10)}, {Text: "alice.tanaka@", Box: image.Rect(200, 0, 330, 10)}},
		{{Text: "example.com", Box: image.Rect(0, 20, 110, 30)}, {Text: "today", Box: image.Rect(120, 20, 170, 30)}},
	})
	start := strings.Index(res.Text, "alice")
	end := strings.Index(res.Text, ".com") + len(".com")
	got := regionsOf([]guard.Finding{{Kind: guard.KindEmail, Start: start, End: end}}, res.Words)
	want := []Region{
		{guard.KindEmail, image.Rect(200, 0, 330, 10)},
		{guard.KindEmail, image.Rect(0, 20, 110, 30)},
	}
	if !slices.Equal(got, want) {
		t.Errorf("regions %v, want %v", got, want)
	}
}

func TestRegionsCoverWholeWords(t *testing.T) {
	// OCR reads "mail:alice@gmail.com" as one word; the box is the
	// word's, which holds the address and a little more.
	res := resultOf([][]Word{{
		{Text: "Send", Box: image.Rect(0, 0, 40, 12)},
		{Text: "mail:alice@gmail.com", Box: image.Rect(50, 0, 250, 12)},
		{Text: "or", Box: image.Rect(260, 0, 275, 12)},
		{Text: "call", Box: image.Rect(285, 0, 310, 12)},
		{Text: "090-1234-5678.", Box: image.Rect(320, 0, 420, 14)},
	}})
	got := Regions(newGuard(t), res)
	want := []Region{
		{guard.KindEmail, image.Rect(50, 0, 250, 12)},
		{guard.KindPhone, image.Rect(320, 0, 420, 14)},
	}
	if !slices.Equal(got, want) {
		t.Errorf("regions %v, want %v", got, want)
	}
}

// resultOf lays words out as parseTSV does, one slice of words a line.
func resultOf(lines [][]Word) Result {
	var res Result
	for n, line := range lines {
		for i, w := range line {
			switch {
			case i > 0:
				res.Text += " "
			case n > 0:
				res.Text += "\n"
			}
			w.Start, w.Line = len(res.Text), n
			res.Text += w.Text
			w.End = len(res.Text)
			res.Words = append(res.Words, w)
		}
	}
	return res
}
