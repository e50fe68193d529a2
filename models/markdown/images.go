package markdown

import (
	"regexp"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// RemoteImageClass marks the link an image from elsewhere becomes, so that
// the posting rules still count it as an image.
const RemoteImageClass = "remote-image"

// localSource matches an image address on the forum's own origin: a path
// from the root. "//host" and "/\host" are other hosts to a browser.
var localSource = regexp.MustCompile(`^/([^/\\]|$)`)

// localImages keeps the images the forum serves itself and turns any other
// into a link to it, named by its description: an image from elsewhere is
// fetched by every reader's browser, which tells its host who read the page,
// from where and when.
type localImages struct{}

func (localImages) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var remote []*ast.Image
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering && !localSource.Match(img.Destination) {
			remote = append(remote, img)
		}
		return ast.WalkContinue, nil
	})
	for _, img := range remote {
		parent := img.Parent()
		if insideLink(img) {
			// A link cannot hold another: only the description stays.
			for c := img.FirstChild(); c != nil; {
				next := c.NextSibling()
				parent.InsertBefore(parent, img, c)
				c = next
			}
			parent.RemoveChild(parent, img)
			continue
		}
		link := ast.NewLink()
		link.Destination, link.Title = img.Destination, img.Title
		link.SetAttributeString("class", []byte(RemoteImageClass))
		for c := img.FirstChild(); c != nil; {
			next := c.NextSibling()
			link.AppendChild(link, c)
			c = next
		}
		if !link.HasChildren() {
			link.AppendChild(link, ast.NewString(img.Destination))
		}
		parent.ReplaceChild(parent, img, link)
	}
}
