package markdown

import (
	"context"
	"errors"
	"fmt"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Bounds on what one source may ask of the renderer. Goldmark's work grows
// faster than the text for a few shapes — containers inside containers,
// brackets and emphasis that never close, table rows padded to a wide
// header — so a form-sized source could cost seconds. Each bound is far past
// what a person writes; within them any source the form accepts renders in
// tens of milliseconds at most, the cost of plain markup at the form's
// length (BenchmarkRenderWorst measures the costliest).
const (
	MaxDepth  = 32     // quotes and lists inside one another
	MaxCells  = 5000   // empty table cells made to pad short rows
	MaxLinks  = 1000   // links, images and mentions
	MaxOutput = 512000 // bytes of HTML

	// maxInlineWork bounds what matching brackets and emphasis costs,
	// counted as goldmark does it: each emphasis closer looks back through
	// the runs before it in its paragraph, each closing bracket walks what
	// follows its opener, and each link destination is read to the end of
	// its line. A unit is a nanosecond or two.
	maxInlineWork = 2_000_000
	emphasisCost  = 2 // units per delimiter an emphasis closer looks back at
	walkCost      = 8 // units per node walked after a bracket's opener
	scanCost      = 2 // units per byte read for a destination
)

// ErrTooComplex and ErrTooLarge are what a refused source's error matches
// with errors.Is; a *LimitError says which bound it passed.
var (
	ErrTooComplex = errors.New("markdown: source too complex")
	ErrTooLarge   = errors.New("markdown: rendered HTML too large")
)

// Which bound a source passed, as LimitError.Limit.
const (
	LimitDepth  = "depth"
	LimitCells  = "table"
	LimitMarkup = "markup"
	LimitLinks  = "links"
	LimitSize   = "size"
)

// LimitError refuses a source that passes one of the bounds. Max is the
// bound, where one number tells the author what to change.
type LimitError struct {
	Limit string
	Max   int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("markdown: source over the %s limit (%d)", e.Limit, e.Max)
}

// Unwrap makes the error match ErrTooLarge or ErrTooComplex.
func (e *LimitError) Unwrap() error {
	if e.Limit == LimitSize {
		return ErrTooLarge
	}
	return ErrTooComplex
}

// precheck refuses, in one pass over the lines, what would make the block
// parser slow: it runs before goldmark sees the source, and errs towards
// counting too much, never too little.
func precheck(src []byte) error {
	// Goldmark pads every row of a table with empty cells up to the columns
	// of its delimiter row ("|---|:-:|"), and a table takes every line after
	// that row up to a blank line. Padding each line of a run of non-blank
	// lines to the widest delimiter row seen so far in the run bounds the
	// padding of every table in it.
	padding, widest := 0, 0
	for start := 0; start < len(src); {
		end := start
		for end < len(src) && src[end] != '\n' {
			end++
		}
		line := src[start:end]
		start = end + 1
		if blank(line) {
			widest = 0
			continue
		}
		if depth(line) > MaxDepth {
			return &LimitError{Limit: LimitDepth, Max: MaxDepth}
		}
		if widest > 0 {
			padding += max(0, widest-rowCells(line))
			if padding > MaxCells {
				return &LimitError{Limit: LimitCells, Max: MaxCells}
			}
		}
		widest = max(widest, delimiterColumns(line))
	}
	return nil
}

func blank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

func space(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' }

// depth is at least how many containers a line opens or continues. Only
// markers open quotes and lists, one each; a list continues through
// indentation, two columns a level at least, at the start of the line or
// after a quote's marker and its one optional space. A line without markers
// opens nothing, so it is no deeper than the line that opened its
// containers.
func depth(line []byte) int {
	markers, columns := 0, 0
	indent := true // whitespace here may continue lists
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == ' ' || space(c):
			if indent {
				columns++
				if c == '\t' {
					columns += 3
				}
			}
			i++
		case c == '>':
			markers++
			i++
			if i < len(line) && line[i] == ' ' {
				i++
			}
			indent = true
		case c == '-' || c == '*' || c == '+':
			if i+1 < len(line) && !space(line[i+1]) {
				return containers(markers, columns)
			}
			markers++
			i++
			indent = false
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j == len(line) || (line[j] != '.' && line[j] != ')') || (j+1 < len(line) && !space(line[j+1])) {
				return containers(markers, columns)
			}
			markers++
			i = j + 1
			indent = false
		default:
			return containers(markers, columns)
		}
	}
	return containers(markers, columns)
}

func containers(markers, columns int) int {
	if markers == 0 {
		return 0
	}
	return markers + columns/2
}

// delimiterColumns is how many columns a line gives a table if it is the
// table's delimiter row: a cell of dashes between each pair of pipes. It
// counts cells with a dash and lets through what goldmark would refuse.
func delimiterColumns(line []byte) int {
	cols, dash := 0, false
	for _, c := range line {
		switch {
		case c == '|':
			if dash {
				cols++
			}
			dash = false
		case c == '-':
			dash = true
		case c == ':' || c == '>' || space(c):
		default:
			return 0
		}
	}
	if dash {
		cols++
	}
	return cols
}

// rowCells counts the cells goldmark finds in a line read as a table row,
// as its table extension splits it: on pipes not after a backslash, without
// a leading and a trailing one.
func rowCells(line []byte) int {
	i, j := 0, len(line)
	for i < j && (space(line[i]) || line[i] == '>') {
		i++
	}
	for j > i && space(line[j-1]) {
		j--
	}
	row := line[i:j]
	pos, limit := 0, len(row)
	if limit > 0 && row[0] == '|' {
		pos++
	}
	if limit > 0 && row[limit-1] == '|' {
		limit--
	}
	cells := 0
	for pos < limit {
		end := pos
		for end < limit && (row[end] != '|' || (end > 0 && row[end-1] == '\\')) {
			end++
		}
		cells++
		pos = end + 1
	}
	return cells
}

// budget meters one parse. The inline parser below sees every bracket and
// emphasis run goldmark parses, in the paragraph it belongs to, and nothing
// inside code; once the work passes the bound the rest of the source is read
// as plain text, which is cheap, and Render refuses it.
type budget struct {
	ctx     context.Context
	err     error
	block   ast.Node // the paragraph, heading or cell being parsed
	runs    int      // emphasis runs in it, each a delimiter
	openers []int    // its child count at each bracket still open
	work    int
	calls   int
}

var budgetKey = parser.NewContextKey()

func (b *budget) spend(block ast.Node, line []byte, before rune) bool {
	if b.err != nil {
		return false
	}
	if block != b.block {
		b.block, b.runs, b.openers = block, 0, b.openers[:0]
	}
	switch line[0] {
	case '[', '!':
		b.openers = append(b.openers, childCount(block))
		b.work++
	case ']':
		// Goldmark pairs a closing bracket with the last opener still open.
		if n := len(b.openers); n > 0 {
			b.work += walkCost * (childCount(block) - b.openers[n-1] + 1)
			b.openers = b.openers[:n-1]
		}
		if len(line) > 1 && line[1] == '(' {
			b.work += scanCost * len(line)
		}
	default:
		// Each emphasis run joins the paragraph's list of delimiters, and
		// one that may close looks back through all those before it for
		// its opener.
		if d := parser.ScanDelimiter(line, before, 1, anyDelimiter{}); d != nil && d.CanClose {
			b.work += emphasisCost * b.runs
		}
		b.runs++
	}
	b.calls++
	switch {
	case b.work > maxInlineWork:
		b.err = &LimitError{Limit: LimitMarkup, Max: maxInlineWork}
	case b.calls%64 == 0 && b.ctx.Err() != nil:
		b.err = b.ctx.Err()
	}
	return b.err == nil
}

// anyDelimiter lets parser.ScanDelimiter tell whether a run of '*', '_' or
// '~' may close, by the rules goldmark's own parsers apply to it.
type anyDelimiter struct{}

func (anyDelimiter) IsDelimiter(byte) bool                     { return true }
func (anyDelimiter) CanOpenCloser(_, _ *parser.Delimiter) bool { return false }
func (anyDelimiter) OnMatch(int) ast.Node                      { return nil }

func childCount(n ast.Node) int {
	if n == nil {
		return 0
	}
	return n.ChildCount()
}

// meter runs before goldmark's own parsers for the characters whose cost
// grows faster than the text. Within budget it declines, and the usual
// parser takes the character; past it, it reads the rest of the line as
// text.
type meter struct{}

func (meter) Trigger() []byte { return []byte{'[', ']', '!', '*', '_', '~'} }

func (meter) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	b, _ := pc.Get(budgetKey).(*budget)
	line, seg := block.PeekLine()
	if b == nil || len(line) == 0 || (line[0] == '!' && (len(line) < 2 || line[1] != '[')) {
		return nil
	}
	if b.spend(parent, line, block.PrecendingCharacter()) {
		return nil
	}
	n := len(line)
	if line[n-1] == '\n' {
		n--
	}
	block.Advance(n)
	return ast.NewTextSegment(text.NewSegment(seg.Start, seg.Start+n))
}

// checkTree bounds the links of the parsed document, the elements that
// cost the renderer and the sanitizer most.
func checkTree(doc ast.Node) error {
	links := 0
	return ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n.Kind() {
			case ast.KindLink, ast.KindAutoLink, ast.KindImage, KindMention:
				if links++; links > MaxLinks {
					return ast.WalkStop, &LimitError{Limit: LimitLinks, Max: MaxLinks}
				}
			}
		}
		return ast.WalkContinue, nil
	})
}

// cappedWriter keeps at most max bytes and remembers that it was offered more.
type cappedWriter struct {
	buf  []byte
	max  int
	over bool
}

var errOutputCapped = errors.New("markdown: output capped")

func (w *cappedWriter) Write(p []byte) (int, error) {
	if w.over || len(w.buf)+len(p) > w.max {
		w.over = true
		return 0, errOutputCapped
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}
