package markdown

import (
	"bytes"
	"context"
	"net/url"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// A mention is "@username" where a reader would see one: it links to the
// user's page, and the forum tells that user. Code spans and blocks never
// reach the inline parser, so "@x" in code mentions nobody; neither does an
// address like ken@example.com, nor text inside a link or an image.

// MentionClass is the class of a mention's link; the sanitizer allows it.
const MentionClass = "mention"

// maxUsername matches the longest username models.CleanUsername makes.
const maxUsername = 30

// KindMention is the AST kind of a mention.
var KindMention = ast.NewNodeKind("Mention")

// Mention is "@Name" in a post.
type Mention struct {
	ast.BaseInline
	Name    string
	Segment text.Segment // "@Name" in the source, to turn back into text
}

// Kind implements ast.Node.
func (n *Mention) Kind() ast.NodeKind { return KindMention }

// Dump implements ast.Node.
func (n *Mention) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Name": n.Name}, nil)
}

type mentionParser struct{}

func (mentionParser) Trigger() []byte { return []byte{'@'} }

func (mentionParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	if !mentionMayFollow(block.PrecendingCharacter()) {
		return nil
	}
	line, seg := block.PeekLine()
	name := scanUsername(line[1:])
	if name == "" {
		return nil
	}
	if rest := line[1+len(name):]; len(rest) > 0 && rest[0] == '@' {
		return nil // part of an address, not a mention
	}
	block.Advance(1 + len(name))
	return &Mention{Name: name, Segment: text.NewSegment(seg.Start, seg.Start+1+len(name))}
}

// mentionMayFollow reports whether "@" after r starts a mention: at the start
// of a line, after a space, or after punctuation that does not join words
// (so "ken@example.com", "a.@b" and "path/@x" are not mentions).
func mentionMayFollow(r rune) bool {
	switch {
	case r == '\n' || unicode.IsSpace(r):
		return true
	case r == '@' || r == '.' || r == '_' || r == '-' || r == '/' || r == '\\' || r == '`' || r == '+' || r == '=' || r == '&':
		return false
	default:
		return unicode.IsPunct(r) || unicode.IsSymbol(r)
	}
}

// scanUsername reads the characters a username may hold (letters, digits,
// '_' and '-', as models.CleanUsername keeps them), without a trailing '-'.
func scanUsername(b []byte) string {
	n, runes := 0, 0
	for n < len(b) && runes < maxUsername {
		r, size := utf8.DecodeRune(b[n:])
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-') {
			break
		}
		if runes == 0 && r == '-' {
			return ""
		}
		n += size
		runes++
	}
	return string(bytes.TrimRight(b[:n], "-"))
}

// unlinkMentions turns mentions inside a link or an image back into text:
// a link cannot hold another, and the author chose where that text points.
type unlinkMentions struct{}

func (unlinkMentions) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var inLinks []*Mention
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if m, ok := n.(*Mention); ok && entering && insideLink(m) {
			inLinks = append(inLinks, m)
		}
		return ast.WalkContinue, nil
	})
	for _, m := range inLinks {
		m.Parent().ReplaceChild(m.Parent(), m, ast.NewTextSegment(m.Segment))
	}
}

func insideLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		switch p.Kind() {
		case ast.KindLink, ast.KindAutoLink, ast.KindImage:
			return true
		}
	}
	return false
}

type mentionHTML struct{}

func (mentionHTML) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindMention, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		name := n.(*Mention).Name
		_, _ = w.WriteString(`<a href="/u/` + url.PathEscape(name) + `" class="` + MentionClass + `">@`)
		_, _ = w.Write(util.EscapeHTML([]byte(name)))
		_, _ = w.WriteString(`</a>`)
		return ast.WalkSkipChildren, nil
	})
}

// Mentions lists the usernames a source mentions, each once, in the order
// they first appear, by the same rules the rendered links follow. A source
// past the renderer's bounds was never published, and mentions nobody.
func (r *Renderer) Mentions(source string) []string {
	doc, err := r.parse(context.Background(), []byte(source))
	if err != nil {
		return nil
	}
	var names []string
	seen := map[string]bool{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if m, ok := n.(*Mention); ok && entering && !seen[m.Name] {
			seen[m.Name] = true
			names = append(names, m.Name)
		}
		return ast.WalkContinue, nil
	})
	return names
}
