package images

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/webp"
)

// decoded is an upload that passed every check, decoded once.
type decoded struct {
	img         image.Image
	canvas      image.Rectangle // the whole picture; a GIF's first frame may cover less
	format      string          // as Sniff names it
	orientation int             // EXIF orientation, 1 to 8
}

// decode checks the upload against lim, from its header first, and only
// then decodes its pixels.
func decode(data []byte, lim Limits) (decoded, error) {
	if len(data) == 0 {
		return decoded{}, &Refusal{Reason: ReasonEmpty}
	}
	if int64(len(data)) > lim.MaxBytes {
		return decoded{}, refuse(ReasonBytes, "%d bytes, at most %d", len(data), lim.MaxBytes)
	}
	format, ok := Sniff(data)
	if !ok {
		if isSVG(data) {
			return decoded{}, &Refusal{Reason: ReasonSVG}
		}
		return decoded{}, refuse(ReasonType, "starts %q", prefix(data, 16))
	}
	if format == "webp" && webpAnimated(data) {
		// The WebP decoder reads still images only.
		return decoded{}, refuse(ReasonType, "animated WebP")
	}
	cfg, err := decodeConfig(format, data)
	if err != nil {
		return decoded{}, refuse(ReasonCorrupt, "%s header: %v", format, err)
	}
	if err := checkSize(cfg.Width, cfg.Height, lim); err != nil {
		return decoded{}, err
	}
	if format == "jpeg" {
		if n := jpegScans(data, maxJPEGScans); n > maxJPEGScans {
			return decoded{}, refuse(ReasonCorrupt, "more than %d scans", maxJPEGScans)
		}
	}
	img, err := decodeImage(format, data)
	if err != nil {
		return decoded{}, refuse(ReasonCorrupt, "%s: %v", format, err)
	}
	canvas := image.Rect(0, 0, cfg.Width, cfg.Height)
	if !img.Bounds().In(canvas) || img.Bounds().Empty() {
		// The decoders check this; an image larger than its header
		// would have escaped the size checks above.
		return decoded{}, refuse(ReasonCorrupt, "%s: pixels %v outside the header's %v", format, img.Bounds(), canvas)
	}
	return decoded{img: img, canvas: canvas, format: format, orientation: orientationOf(format, data)}, nil
}

func checkSize(w, h int, lim Limits) error {
	switch {
	case w <= 0 || h <= 0:
		return refuse(ReasonCorrupt, "%d×%d pixels", w, h)
	case w > lim.MaxSide || h > lim.MaxSide:
		return refuse(ReasonSide, "%d×%d pixels, at most %d a side", w, h, lim.MaxSide)
	case int64(w)*int64(h) > int64(lim.MaxPixels):
		return refuse(ReasonPixels, "%d×%d pixels, at most %d in all", w, h, lim.MaxPixels)
	}
	return nil
}

func decodeConfig(format string, data []byte) (cfg image.Config, err error) {
	defer func() {
		if p := recover(); p != nil {
			cfg, err = image.Config{}, fmt.Errorf("decoder panicked: %v", p)
		}
	}()
	r := bytes.NewReader(data)
	switch format {
	case "png":
		return png.DecodeConfig(r)
	case "jpeg":
		return jpeg.DecodeConfig(r)
	case "gif":
		return gif.DecodeConfig(r)
	case "webp":
		return webp.DecodeConfig(r)
	}
	return image.Config{}, fmt.Errorf("no decoder for %q", format)
}

// decodeImage decodes the pixels; of a GIF, the first frame only. The
// decoders parse what anyone uploads: a panic in one is a file we cannot
// read, not a reason to take the server down with it.
func decodeImage(format string, data []byte) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("decoder panicked: %v", p)
		}
	}()
	r := bytes.NewReader(data)
	switch format {
	case "png":
		return png.Decode(r)
	case "jpeg":
		return jpeg.Decode(r)
	case "gif":
		return gif.Decode(r)
	case "webp":
		return webp.Decode(r)
	}
	return nil, fmt.Errorf("no decoder for %q", format)
}

// orientedSize is the picture's size as a viewer sees it.
func (d decoded) orientedSize() (w, h int) {
	w, h = d.canvas.Dx(), d.canvas.Dy()
	if swapsSides(d.orientation) {
		return h, w
	}
	return w, h
}

// outputPNG tells whether the upload is kept lossless: screenshots are text,
// which JPEG blurs, and transparency needs PNG. Photos stay JPEG.
func (d decoded) outputPNG(data []byte) bool {
	switch d.format {
	case "jpeg":
		return false
	case "webp":
		if webpLossless(data) {
			return true
		}
		o, ok := d.img.(interface{ Opaque() bool })
		return !ok || !o.Opaque()
	}
	return true
}

func prefix(b []byte, n int) []byte {
	return b[:min(len(b), n)]
}
