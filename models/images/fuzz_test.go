package images

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color/palette"
	"image/gif"
	"os"
	"path/filepath"
	"testing"
)

// Whatever is uploaded, Process never panics: it refuses it with one of
// the reasons, or makes images within the sizes it promises.
func FuzzProcess(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil && filepath.Ext(name) != ".md" {
			f.Add(b)
		}
	}
	var g bytes.Buffer
	_ = gif.Encode(&g, image.NewPaletted(image.Rect(0, 0, 3, 2), palette.Plan9), nil)
	f.Add(g.Bytes())
	f.Add(jpegWithExif(encodeJPEG(f, quadrants(16, 8)), tiffWithOrientation(binary.LittleEndian, 7)))
	f.Add(pngInsert(encodePNG(f, quadrants(5, 3)), pngChunk("eXIf", tiffWithOrientation(binary.BigEndian, 6))))
	f.Add([]byte("<svg/>"))
	reasons := map[string]bool{ReasonEmpty: true, ReasonType: true, ReasonSVG: true, ReasonBytes: true, ReasonPixels: true, ReasonSide: true, ReasonCorrupt: true}
	// Small limits keep each run quick; the checks are the same.
	lim := Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 20, MaxSide: 4096}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Process(data, lim)
		if err != nil {
			var r *Refusal
			if !errors.As(err, &r) || !reasons[r.Reason] {
				t.Fatalf("Process: %v, not a refusal with a known reason", err)
			}
			return
		}
		if p.Display.Width < 1 || p.Display.Width > DisplayMaxWidth || p.Display.Height < 1 {
			t.Fatalf("display %dx%d", p.Display.Width, p.Display.Height)
		}
		if p.Thumb.Width < 1 || p.Thumb.Width > ThumbMaxSide || p.Thumb.Height < 1 || p.Thumb.Height > ThumbMaxSide {
			t.Fatalf("thumb %dx%d", p.Thumb.Width, p.Thumb.Height)
		}
		decodeOutput(t, p.Display)
		decodeOutput(t, p.Thumb)
	})
}
