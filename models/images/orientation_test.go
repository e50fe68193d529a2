package images

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// Where the four quadrants of the test picture are seen, for each EXIF
// orientation, read TL, TR, BL, BR (the picture is RGBY as stored).
var seenAs = [9]string{
	orientNormal:     "RGBY",
	orientMirror:     "GRYB",
	orientRotate180:  "YBGR",
	orientFlip:       "BYRG",
	orientTranspose:  "RBGY",
	orientRotate90:   "BRYG",
	orientTransverse: "YGBR",
	orientRotate270:  "GYRB",
}

func TestProcessAppliesOrientation(t *testing.T) {
	jpg := encodeJPEG(t, quadrants(64, 32))
	png := encodePNG(t, quadrants(64, 32))
	webp := readTestdata(t, "quadrants-lossy.webp")
	for o := orientNormal; o <= orientRotate270; o++ {
		for _, order := range []binary.AppendByteOrder{binary.LittleEndian, binary.BigEndian} {
			tiff := tiffWithOrientation(order, uint16(o))
			files := map[string][]byte{
				"jpeg": jpegWithExif(jpg, tiff),
				"png":  pngInsert(png, pngChunk("eXIf", tiff)),
				"webp": webpWithExif(t, webp, 64, 32, tiff),
			}
			for format, data := range files {
				t.Run(fmt.Sprintf("%d %s %s", o, order, format), func(t *testing.T) {
					p := mustProcess(t, data)
					wantW, wantH := 64, 32
					if o >= orientTranspose {
						wantW, wantH = 32, 64
					}
					for _, img := range []Image{p.Display, p.Thumb} {
						m := decodeOutput(t, img)
						if img.Width != wantW || img.Height != wantH {
							t.Errorf("%dx%d, want %dx%d", img.Width, img.Height, wantW, wantH)
						}
						if got := layout(m); got != seenAs[o] {
							t.Errorf("quadrants %s, want %s", got, seenAs[o])
						}
					}
				})
			}
		}
	}
}

func TestExifOrientation(t *testing.T) {
	le := tiffWithOrientation(binary.LittleEndian, 6)
	be := tiffWithOrientation(binary.BigEndian, 8)
	with := func(b []byte, at int, v ...byte) []byte {
		c := append([]byte{}, b...)
		copy(c[at:], v)
		return c
	}
	tests := []struct {
		name string
		tiff []byte
		want int
	}{
		{"little-endian", le, 6},
		{"big-endian", be, 8},
		{"nothing", nil, 1},
		{"header only", le[:8], 1},
		{"cut inside the entry", le[:8+2+12+6], 1},
		{"not TIFF", with(le, 0, 'X', 'X'), 1},
		{"zero", with(le, 8+2+12+8, 0, 0), 1},
		{"nine", with(le, 8+2+12+8, 9, 0), 1},
		{"as a LONG", with(le, 8+2+12+2, 4, 0, 1, 0, 0, 0, 3, 0, 0, 0), 3},
		{"as a RATIONAL", with(le, 8+2+12+2, 5), 1},
		{"no values", with(le, 8+2+12+4, 0, 0, 0, 0), 1},
		{"IFD offset past the end", with(le, 4, 0xff, 0xff, 0xff, 0xff), 1},
		{"IFD offset wraps", with(le, 4, 0xfe, 0xff, 0xff, 0xff), 1},
		{"entry count past the end", with(le, 8, 0xff, 0xff), 6},
		{"IFD at the header", with(le, 4, 0, 0, 0, 0), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exifOrientation(tt.tiff); got != tt.want {
				t.Errorf("exifOrientation = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestOrientationOfContainers(t *testing.T) {
	tiff := tiffWithOrientation(binary.BigEndian, 3)
	jpg := encodeJPEG(t, quadrants(16, 16))
	png := encodePNG(t, quadrants(16, 16))
	tests := []struct {
		name, format string
		data         []byte
		want         int
	}{
		{"jpeg", "jpeg", jpegWithExif(jpg, tiff), 3},
		{"jpeg without exif", "jpeg", jpg, 1},
		{"jpeg segment cut short", "jpeg", jpegWithExif(jpg, tiff)[:20], 1},
		{"jpeg with exif after the image data", "jpeg", append(append([]byte{}, jpg[:len(jpg)-2]...), exifSegment(tiff)...), 1},
		{"png", "png", pngInsert(png, pngChunk("eXIf", tiff)), 3},
		{"png eXIf with a JPEG-style prefix", "png", pngInsert(png, pngChunk("eXIf", append([]byte("Exif\x00\x00"), tiff...))), 3},
		{"png eXIf after the image data", "png", append(append([]byte{}, png[:len(png)-12]...), append(pngChunk("eXIf", tiff), png[len(png)-12:]...)...), 1},
		{"png chunk longer than the file", "png", pngInsert(png, []byte{0xff, 0xff, 0xff, 0xf0, 'e', 'X', 'I', 'f'}), 1},
		{"webp", "webp", webpWithExif(t, readTestdata(t, "quadrants-lossy.webp"), 64, 32, tiff), 3},
		{"webp without exif", "webp", readTestdata(t, "quadrants-lossy.webp"), 1},
		{"gif has none", "gif", []byte("GIF89a"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := orientationOf(tt.format, tt.data); got != tt.want {
				t.Errorf("orientationOf = %d, want %d", got, tt.want)
			}
		})
	}
}

// The reader walks offsets taken from the file: any bytes give an
// orientation from 1 to 8, never a panic or a read out of bounds.
func FuzzExifOrientation(f *testing.F) {
	f.Add(tiffWithOrientation(binary.LittleEndian, 6))
	f.Add(tiffWithOrientation(binary.BigEndian, 8))
	f.Add([]byte("MM\x00*\xff\xff\xff\xf0"))
	f.Add([]byte("II*\x00\x08\x00\x00\x00\xff\xff"))
	f.Fuzz(func(t *testing.T, tiff []byte) {
		if o := exifOrientation(tiff); o < orientNormal || o > orientRotate270 {
			t.Fatalf("orientation %d", o)
		}
	})
}

// The same for the containers the EXIF is found in.
func FuzzOrientationOf(f *testing.F) {
	tiff := tiffWithOrientation(binary.LittleEndian, 5)
	f.Add(append([]byte{0xff, 0xd8}, exifSegment(tiff)...))
	f.Add(append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("eXIf", tiff)...))
	f.Add(append([]byte("RIFF\x00\x00\x00\x00WEBPEXIF\x1d\x00\x00\x00"), tiff...))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []string{"jpeg", "png", "webp"} {
			if o := orientationOf(format, data); o < orientNormal || o > orientRotate270 {
				t.Fatalf("%s: orientation %d", format, o)
			}
		}
		_ = webpLossless(data)
		_ = webpAnimated(data)
		if n := jpegScans(data, 3); n < 0 || n > 4 {
			t.Fatalf("%d scans with a limit of 3", n)
		}
	})
}
