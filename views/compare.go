package views

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// compareWithTemplate renders a page the old way as well and fails when
// the two differ in anything a browser would see: elements, attributes,
// text. Whitespace between elements and the spelling of entities are not
// compared. Set HIROBA_VIEWS_COMPARE=1 to run the handler tests this way.
func (r *Renderer) compareWithTemplate(page Page, data any, got []byte) error {
	var old bytes.Buffer
	if err := r.execute(&old, page, data); err != nil {
		return err
	}
	a, err := normalizedHTML(old.Bytes())
	if err != nil {
		return err
	}
	b, err := normalizedHTML(got)
	if err != nil {
		return err
	}
	if a == b {
		return nil
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-300)
	return fmt.Errorf("views: page %s differs from its template at byte %d:\ntemplate: …%s…\ncompiled: …%s…",
		page, i, a[from:min(len(a), i+300)], b[from:min(len(b), i+300)])
}

// percent finds escapes in URLs, whose hex digits may be either case.
var percent = regexp.MustCompile(`%[0-9a-fA-F]{2}`)

func normalizedHTML(src []byte) (string, error) {
	doc, err := html.Parse(bytes.NewReader(src))
	if err != nil {
		return "", err
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			switch c.Type {
			case html.TextNode:
				t := strings.Join(strings.Fields(c.Data), " ")
				if t == "" {
					n.RemoveChild(c)
				} else {
					c.Data = t
				}
			case html.CommentNode:
				n.RemoveChild(c)
			default:
				for i, a := range c.Attr {
					c.Attr[i].Val = percent.ReplaceAllStringFunc(a.Val, strings.ToUpper)
				}
				walk(c)
			}
			c = next
		}
	}
	walk(doc)
	var out strings.Builder
	if err := html.Render(&out, doc); err != nil {
		return "", err
	}
	return strings.ReplaceAll(out.String(), "><", ">\n<"), nil
}
