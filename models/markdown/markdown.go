// Package markdown turns what a user typed into HTML that is safe to show.
// It runs once, when a post is written; pages never render markdown.
package markdown

import (
	"context"
	"errors"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// LinkRel is set on every link a user writes: search engines must not credit
// user links, and opened pages must not reach back into ours.
const LinkRel = "nofollow ugc noopener"

// Renderer converts markdown to sanitized HTML. Build it once and share it.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	sizes  ImageSizes // nil: uploaded images are shown without a size
}

// New builds a renderer: GitHub-flavoured markdown, raw HTML dropped by the
// parser, and the output passed through a user-content sanitizer anyway, so a
// mistake in one layer is caught by the other.
func New(opts ...Option) *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(
			// Lower priorities run first: remote images become links before
			// linkRel marks every link, and the meter sees its characters
			// before any other inline parser.
			parser.WithASTTransformers(util.Prioritized(localImages{}, 50), util.Prioritized(linkRel{}, 100), util.Prioritized(unlinkMentions{}, 200)),
			parser.WithInlineParsers(util.Prioritized(meter{}, 0), util.Prioritized(mentionParser{}, 500)),
		),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(mentionHTML{}, 500))),
	)
	policy := bluemonday.UGCPolicy()
	// Links to the site's own pages (mentions) need no nofollow; every link
	// a user writes has the full rel from linkRel, and any absolute link that
	// somehow lacks it still gets nofollow here.
	policy.RequireNoFollowOnLinks(false)
	policy.RequireNoFollowOnFullyQualifiedLinks(true)
	policy.AllowAttrs("class").Matching(regexp.MustCompile(`^(` + MentionClass + `|` + RemoteImageClass + `)$`)).OnElements("a")
	// Images load only from the forum itself (see localImages).
	policy.AllowAttrs("src").Matching(localSource).OnElements("img")
	policy.AllowAttrs("loading").Matching(regexp.MustCompile(`^lazy$`)).OnElements("img")
	policy.AllowAttrs("decoding").Matching(regexp.MustCompile(`^async$`)).OnElements("img")
	policy.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + LinkRel + `$`)).OnElements("a")
	policy.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[\w+-]+$`)).OnElements("code")
	policy.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^$|^checked$|^disabled$`)).OnElements("input")
	policy.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	r := &Renderer{md: md, policy: policy}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Render returns the sanitized HTML of a markdown source. A source past one
// of the bounds in limits.go is refused with a *LimitError; rendering stops
// early when ctx ends.
func (r *Renderer) Render(ctx context.Context, source string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	src := []byte(source)
	doc, err := r.parse(ctx, src)
	if err != nil {
		return "", err
	}
	if err := checkTree(doc); err != nil {
		return "", err
	}
	if err := r.sizeImages(ctx, doc); err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	out := &cappedWriter{max: MaxOutput}
	if err := r.md.Renderer().Render(out, src, doc); err != nil && !errors.Is(err, errOutputCapped) {
		return "", err
	}
	if out.over {
		return "", &LimitError{Limit: LimitSize, Max: MaxOutput}
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return r.policy.Sanitize(string(out.buf)), nil
}

// parse builds the document of a source within the bounds.
func (r *Renderer) parse(ctx context.Context, src []byte) (ast.Node, error) {
	if err := precheck(src); err != nil {
		return nil, err
	}
	b := &budget{ctx: ctx}
	pc := parser.NewContext()
	pc.Set(budgetKey, b)
	doc := r.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	if b.err != nil {
		return nil, b.err
	}
	return doc, nil
}

// Sanitize passes HTML through the same policy; tests use it to check that
// rendered output is already clean.
func (r *Renderer) Sanitize(html string) string { return r.policy.Sanitize(html) }

type linkRel struct{}

func (linkRel) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindLink, ast.KindAutoLink:
			n.SetAttributeString("rel", []byte(LinkRel))
		}
		return ast.WalkContinue, nil
	})
}
