package markdown

import (
	"context"
	"regexp"
	"strconv"

	"github.com/yuin/goldmark/ast"
)

// ImageSizes looks up the width and height of uploaded images by the
// digest in their names; an image it does not know is shown without a
// size.
type ImageSizes func(ctx context.Context, hashes []string) (map[string][2]int, error)

// WithImageSizes has the renderer write each uploaded image's size into the
// page, so that nothing moves while images load, and load them lazily.
func WithImageSizes(sizes ImageSizes) Option {
	return func(r *Renderer) { r.sizes = sizes }
}

// Option configures a Renderer.
type Option func(*Renderer)

// uploadedImage matches the address of an image uploaded to the forum.
var uploadedImage = regexp.MustCompile(`^/u/([0-9a-f]{32})\.(?:png|jpg)$`)

// sizeImages sets width, height and lazy loading on the uploaded images of
// a document.
func (r *Renderer) sizeImages(ctx context.Context, doc ast.Node) error {
	byHash := map[string][]*ast.Image{}
	var hashes []string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering {
			if m := uploadedImage.FindSubmatch(img.Destination); m != nil {
				h := string(m[1])
				if byHash[h] == nil {
					hashes = append(hashes, h)
				}
				byHash[h] = append(byHash[h], img)
			}
		}
		return ast.WalkContinue, nil
	})
	if len(hashes) == 0 {
		return nil
	}
	var sizes map[string][2]int
	if r.sizes != nil {
		var err error
		if sizes, err = r.sizes(ctx, hashes); err != nil {
			return err
		}
	}
	for h, imgs := range byHash {
		for _, img := range imgs {
			if size, ok := sizes[h]; ok {
				img.SetAttributeString("width", []byte(strconv.Itoa(size[0])))
				img.SetAttributeString("height", []byte(strconv.Itoa(size[1])))
			}
			img.SetAttributeString("loading", []byte("lazy"))
			img.SetAttributeString("decoding", []byte("async"))
		}
	}
	return nil
}
