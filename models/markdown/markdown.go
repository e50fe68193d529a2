// Package markdown turns what a user typed into HTML that is safe to show.
// It runs once, when a post is written; pages never render markdown.
package markdown

import (
	"bytes"
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
}

// New builds a renderer: GitHub-flavoured markdown, raw HTML dropped by the
// parser, and the output passed through a user-content sanitizer anyway, so a
// mistake in one layer is caught by the other.
func New() *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(
			parser.WithASTTransformers(util.Prioritized(linkRel{}, 100), util.Prioritized(unlinkMentions{}, 200)),
			parser.WithInlineParsers(util.Prioritized(mentionParser{}, 500)),
		),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(mentionHTML{}, 500))),
	)
	policy := bluemonday.UGCPolicy()
	// Links to the site's own pages (mentions) need no nofollow; every link
	// a user writes has the full rel from linkRel, and any absolute link that
	// somehow lacks it still gets nofollow here.
	policy.RequireNoFollowOnLinks(false)
	policy.RequireNoFollowOnFullyQualifiedLinks(true)
	policy.AllowAttrs("class").Matching(regexp.MustCompile(`^` + MentionClass + `$`)).OnElements("a")
	policy.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + LinkRel + `$`)).OnElements("a")
	policy.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[\w+-]+$`)).OnElements("code")
	policy.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^$|^checked$|^disabled$`)).OnElements("input")
	policy.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	return &Renderer{md: md, policy: policy}
}

// Render returns the sanitized HTML of a markdown source.
func (r *Renderer) Render(source string) (string, error) {
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(source), &buf); err != nil {
		return "", err
	}
	return r.policy.Sanitize(buf.String()), nil
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
