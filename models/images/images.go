// Package images turns an uploaded screenshot or photo into the images the
// forum serves: a display version and a thumbnail, both decoded and encoded
// afresh so that nothing but pixels survives — no EXIF (GPS position, camera,
// dates), no XMP or text chunks, no bytes appended after the image (a file
// that is both a PNG and an HTML page comes out as a PNG only).
//
// What it takes is decided from the bytes, never from a file name or a
// Content-Type a browser sent. Sizes are checked from the header before any
// pixel is decoded, so a small file that claims a huge image costs nothing.
//
// Memory: an upload holds its decoded pixels — from 1.5 bytes a pixel (a
// JPEG photo) to 8 (a 16-bit PNG), and up to 12 more while a progressive
// JPEG decodes — and its display version (4 bytes a pixel, at most 1,600 px
// wide); scaling streams a few rows at a time. A phone photo or a screenshot
// costs a few tens of MB, the worst the default limits allow several
// hundred: callers bound how many uploads are processed at once.
package images

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
)

// Sizes of what the forum serves.
const (
	DisplayMaxWidth = 1600 // a post's column, on a wide high-density screen
	ThumbMaxSide    = 320  // both sides of the box a thumbnail fits in
	JPEGQuality     = 85
)

// Limits bound what one upload may ask. A zero field means the default's.
type Limits struct {
	MaxBytes  int64 // size of the uploaded file
	MaxPixels int   // width × height
	MaxSide   int   // width and height, each
}

// DefaultLimits are far past any screenshot or phone photo: 10 MB, 40
// megapixels, 10,000 pixels a side.
var DefaultLimits = Limits{MaxBytes: 10 << 20, MaxPixels: 40_000_000, MaxSide: 10_000}

func (l Limits) orDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultLimits.MaxPixels
	}
	if l.MaxSide <= 0 {
		l.MaxSide = DefaultLimits.MaxSide
	}
	return l
}

// Image is one encoded image, ready to store and serve.
type Image struct {
	Data          []byte
	Ext           string // "png" or "jpg"
	ContentType   string // "image/png" or "image/jpeg"
	Width, Height int    // of the encoded image
}

// Processed is what an upload becomes. Thumb may share Display's Data when
// the image is already small enough to be its own thumbnail.
type Processed struct {
	Display, Thumb Image
	Source         string // what was uploaded: "png", "jpeg", "webp" or "gif"
}

// Reasons an upload is refused; stable keys the handlers translate.
const (
	ReasonEmpty   = "empty"   // no bytes at all
	ReasonType    = "type"    // not an image the forum takes, judged from the bytes
	ReasonSVG     = "svg"     // an SVG, which is a document that can run script
	ReasonBytes   = "bytes"   // the file is over Limits.MaxBytes
	ReasonPixels  = "pixels"  // the image is over Limits.MaxPixels
	ReasonSide    = "side"    // a side is over Limits.MaxSide
	ReasonCorrupt = "corrupt" // it says it is an image but does not decode as one
)

// Refusal is an upload the forum will not take. Reason is one of the Reason
// constants; Detail is for logs, in English, and may quote sizes.
type Refusal struct {
	Reason string
	Detail string
}

func (r *Refusal) Error() string {
	if r.Detail == "" {
		return "images: refused: " + r.Reason
	}
	return "images: refused: " + r.Reason + ": " + r.Detail
}

func refuse(reason, format string, args ...any) *Refusal {
	return &Refusal{Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

// Process checks an upload, applies its EXIF orientation, and encodes a
// display version (at most DisplayMaxWidth wide) and a thumbnail (within
// ThumbMaxSide × ThumbMaxSide), never larger than the upload. PNG and GIF
// become PNG, JPEG stays JPEG, WebP becomes PNG when it is lossless or has
// any transparent pixel and JPEG otherwise. Anything wrong with the upload
// is a *Refusal.
func Process(data []byte, lim Limits) (Processed, error) {
	d, err := decode(data, lim.orDefaults())
	if err != nil {
		return Processed{}, err
	}
	out := Processed{Source: d.format}
	asPNG := d.outputPNG(data)
	enc := newEncoder()

	ow, oh := d.orientedSize()
	dw, dh := fitWidth(ow, oh, DisplayMaxWidth)
	var display image.Image = d.img
	if dw != ow || dh != oh || d.orientation != 1 || d.img.Bounds() != d.canvas {
		display = render(d.img, d.canvas, dw, dh, d.orientation)
	}
	if out.Display, err = enc.encode(display, asPNG); err != nil {
		return Processed{}, fmt.Errorf("images: encode display: %w", err)
	}

	tw, th := fitBox(dw, dh, ThumbMaxSide, ThumbMaxSide)
	if tw == dw && th == dh {
		out.Thumb = out.Display
		return out, nil
	}
	thumb := render(display, display.Bounds(), tw, th, 1)
	if out.Thumb, err = enc.encode(thumb, asPNG); err != nil {
		return Processed{}, fmt.Errorf("images: encode thumbnail: %w", err)
	}
	return out, nil
}

// encoder encodes the images of one upload, reusing the PNG encoder's
// buffers between the display version and the thumbnail.
type encoder struct {
	png png.Encoder
}

type onePool struct{ b *png.EncoderBuffer }

func (p *onePool) Get() *png.EncoderBuffer  { return p.b }
func (p *onePool) Put(b *png.EncoderBuffer) { p.b = b }

func newEncoder() *encoder {
	return &encoder{png: png.Encoder{CompressionLevel: png.DefaultCompression, BufferPool: &onePool{}}}
}

func (e *encoder) encode(m image.Image, asPNG bool) (Image, error) {
	b := m.Bounds()
	var buf bytes.Buffer
	buf.Grow(b.Dx() * b.Dy() / 4) // a guess; screenshots compress to about this
	out := Image{Width: b.Dx(), Height: b.Dy()}
	if asPNG {
		if err := e.png.Encode(&buf, m); err != nil {
			return Image{}, err
		}
		out.Ext, out.ContentType = "png", "image/png"
	} else {
		if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: JPEGQuality}); err != nil {
			return Image{}, err
		}
		out.Ext, out.ContentType = "jpg", "image/jpeg"
	}
	out.Data = buf.Bytes()
	return out, nil
}
