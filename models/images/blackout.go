package images

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
)

// BlackOut paints each box solid black — where someone hid a key, an email
// address or a face — and encodes the image again as Process would (PNG
// stays PNG, JPEG stays JPEG), so nothing under a box survives in the bytes.
// Boxes are in the pixels of the image as it is shown, after its EXIF
// orientation; parts outside the image are ignored. The image is checked as
// an upload is, against DefaultLimits. The result is not shrunk; pass it to
// Process for a display version and a thumbnail without the hidden parts.
func BlackOut(data []byte, boxes []image.Rectangle) (Image, error) {
	d, err := decode(data, DefaultLimits)
	if err != nil {
		return Image{}, err
	}
	// Paint on the decoded pixels where they can be, so that a PNG's other
	// pixels come out exactly as they went in, semi-transparent ones too;
	// a palette may lack black, and a turned photo must be turned first.
	m, ok := d.img.(draw.Image)
	if _, paletted := d.img.(*image.Paletted); !ok || paletted || d.orientation != orientNormal || d.img.Bounds() != d.canvas {
		w, h := d.orientedSize()
		m = render(d.img, d.canvas, w, h, d.orientation)
	}
	for _, box := range boxes {
		draw.Draw(m, box.Canon().Intersect(m.Bounds()), image.NewUniform(color.Black), image.Point{}, draw.Src)
	}
	out, err := newEncoder().encode(m, d.outputPNG(data))
	if err != nil {
		return Image{}, fmt.Errorf("images: encode blacked-out image: %w", err)
	}
	return out, nil
}
