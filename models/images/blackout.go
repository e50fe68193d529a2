package images

import (
	"fmt"
	"image"
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
	w, h := d.orientedSize()
	m := render(d.img, d.canvas, w, h, d.orientation)
	for _, box := range boxes {
		r := box.Canon().Intersect(m.Rect)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			row := m.Pix[m.PixOffset(r.Min.X, y):m.PixOffset(r.Max.X, y)]
			for i := 0; i < len(row); i += 4 {
				row[i], row[i+1], row[i+2], row[i+3] = 0, 0, 0, 0xff
			}
		}
	}
	out, err := newEncoder().encode(m, d.outputPNG(data))
	if err != nil {
		return Image{}, fmt.Errorf("images: encode blacked-out image: %w", err)
	}
	return out, nil
}
