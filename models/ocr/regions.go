package ocr

import (
	"image"
	"sort"

	"hiroba/models/guard"
)

// Region is a part of the image showing something the guard found: the
// union of the boxes of the words the finding covers on one line. Boxes are
// tight around the letters; a caller blacking them out may add a margin.
type Region struct {
	Kind guard.Kind
	Box  image.Rectangle
}

// Regions checks the text read from an image and returns where each finding
// is shown, one region per finding and line it spans (an address cut over
// two lines gives two boxes, not one over both lines' other words). A word
// partly inside a finding is covered whole.
func Regions(g *guard.Guard, r Result) []Region {
	return regionsOf(g.Check(r.Text), r.Words)
}

// regionsOf maps findings in the text to the boxes of the words they cover.
// The guard finds nothing across a line break today; a finding that did
// would still get a box on each line.
func regionsOf(fs []guard.Finding, words []Word) []Region {
	var out []Region
	for _, f := range fs {
		// Words are in text order: the first that ends after the
		// finding starts is the first it touches.
		i := sort.Search(len(words), func(i int) bool { return words[i].End > f.Start })
		line := -1
		for ; i < len(words) && words[i].Start < f.End; i++ {
			w := words[i]
			if w.Line == line {
				out[len(out)-1].Box = out[len(out)-1].Box.Union(w.Box)
				continue
			}
			out = append(out, Region{Kind: f.Kind, Box: w.Box})
			line = w.Line
		}
	}
	return out
}
