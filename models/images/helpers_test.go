package images

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The test pictures are four flat quadrants, so that where each colour
// ends up shows how the picture was turned: red top left, green top right,
// blue bottom left, yellow bottom right — "RGBY" read TL, TR, BL, BR.
var (
	red    = color.NRGBA{255, 0, 0, 255}
	green  = color.NRGBA{0, 255, 0, 255}
	blue   = color.NRGBA{0, 0, 255, 255}
	yellow = color.NRGBA{255, 255, 0, 255}
)

func quadrants(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := yellow
			switch {
			case x < w/2 && y < h/2:
				c = red
			case y < h/2:
				c = green
			case x < w/2:
				c = blue
			}
			m.SetNRGBA(x, y, c)
		}
	}
	return m
}

// layout names the colours at the centres of a picture's four quadrants,
// read TL, TR, BL, BR; "?" for a colour that is none of the four.
func layout(m image.Image) string {
	b := m.Bounds()
	var s strings.Builder
	for _, p := range []image.Point{{1, 1}, {3, 1}, {1, 3}, {3, 3}} {
		c := color.NRGBAModel.Convert(m.At(b.Min.X+b.Dx()*p.X/4, b.Min.Y+b.Dy()*p.Y/4)).(color.NRGBA)
		name := "?"
		for n, want := range map[string]color.NRGBA{"R": red, "G": green, "B": blue, "Y": yellow} {
			if near(c, want, 40) {
				name = n
			}
		}
		s.WriteString(name)
	}
	return s.String()
}

func near(a, b color.NRGBA, tol int) bool {
	d := func(x, y uint8) bool { return int(x)-int(y) <= tol && int(y)-int(x) <= tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B) && d(a.A, b.A)
}

func nrgbaAt(m image.Image, x, y int) color.NRGBA {
	return color.NRGBAModel.Convert(m.At(x, y)).(color.NRGBA)
}

func encodePNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decodeOutput decodes an image Process made, checking that its bytes are
// what its Ext, ContentType and size say.
func decodeOutput(t testing.TB, img Image) image.Image {
	t.Helper()
	format, _ := Sniff(img.Data)
	want := map[string]string{"png": "png/image/png", "jpg": "jpeg/image/jpeg"}[img.Ext]
	if got := format + "/" + img.ContentType; got != want {
		t.Fatalf("bytes are %q with content type %q, but Ext is %q", format, img.ContentType, img.Ext)
	}
	m, _, err := image.Decode(bytes.NewReader(img.Data))
	if err != nil {
		t.Fatalf("output does not decode: %v", err)
	}
	if b := m.Bounds(); b.Dx() != img.Width || b.Dy() != img.Height {
		t.Fatalf("output is %dx%d, Image says %dx%d", b.Dx(), b.Dy(), img.Width, img.Height)
	}
	return m
}

func mustProcess(t testing.TB, data []byte) Processed {
	t.Helper()
	p, err := Process(data, Limits{})
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	return p
}

func refusalOf(err error) string {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Reason
	}
	if err == nil {
		return "<accepted>"
	}
	return "<not a refusal: " + err.Error() + ">"
}

// tiffWithOrientation is EXIF data as a camera writes it: a TIFF header and
// a first IFD holding the camera's make and the orientation.
func tiffWithOrientation(order binary.AppendByteOrder, orientation uint16) []byte {
	const make_ = "HirobaCam\x00"
	var b []byte
	if order == binary.LittleEndian {
		b = append(b, "II*\x00"...)
	} else {
		b = append(b, "MM\x00*"...)
	}
	b = order.AppendUint32(b, 8)      // IFD0 right after the header
	b = order.AppendUint16(b, 2)      // entries
	b = order.AppendUint16(b, 0x010f) // Make: ASCII, stored after the IFD
	b = order.AppendUint16(b, 2)
	b = order.AppendUint32(b, uint32(len(make_)))
	b = order.AppendUint32(b, 8+2+2*12+4)
	b = order.AppendUint16(b, 0x0112) // Orientation: one SHORT, in the entry
	b = order.AppendUint16(b, 3)
	b = order.AppendUint32(b, 1)
	b = order.AppendUint16(b, orientation)
	b = order.AppendUint16(b, 0)
	b = order.AppendUint32(b, 0) // no next IFD
	return append(b, make_...)
}

// exifSegment is a JPEG APP1 Exif segment holding the TIFF data.
func exifSegment(tiff []byte) []byte {
	seg := binary.BigEndian.AppendUint16([]byte{0xff, 0xe1}, uint16(2+6+len(tiff)))
	return append(append(seg, "Exif\x00\x00"...), tiff...)
}

// jpegWithExif puts an APP1 Exif segment right after the JPEG's SOI.
func jpegWithExif(jpg, tiff []byte) []byte {
	return append(append(append([]byte{}, jpg[:2]...), exifSegment(tiff)...), jpg[2:]...)
}

func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(append(b, typ...), data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// pngInsert puts a chunk right after the PNG's IHDR.
func pngInsert(p []byte, chunk []byte) []byte {
	const afterIHDR = 8 + 4 + 4 + 13 + 4
	return append(append(append([]byte{}, p[:afterIHDR]...), chunk...), p[afterIHDR:]...)
}

// webpWithExif makes a simple lossy WebP file an extended one (VP8X) with
// an EXIF chunk after the image.
func webpWithExif(t testing.TB, simple []byte, w, h int, tiff []byte) []byte {
	t.Helper()
	if string(simple[12:16]) != "VP8 " {
		t.Fatalf("not a simple lossy WebP: %q", simple[12:16])
	}
	var body []byte
	body = append(body, "WEBP"...)
	body = append(body, "VP8X"...)
	body = binary.LittleEndian.AppendUint32(body, 10)
	body = append(body, 0x08, 0, 0, 0) // flags: EXIF
	body = append(body, byte(w-1), byte((w-1)>>8), byte((w-1)>>16))
	body = append(body, byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	body = append(body, simple[12:]...)
	body = append(body, "EXIF"...)
	body = binary.LittleEndian.AppendUint32(body, uint32(len(tiff)))
	body = append(body, tiff...)
	if len(tiff)%2 == 1 {
		body = append(body, 0)
	}
	return append(binary.LittleEndian.AppendUint32([]byte("RIFF"), uint32(len(body))), body...)
}

// pngChunks lists the chunk types of a PNG.
func pngChunks(t testing.TB, p []byte) []string {
	t.Helper()
	var types []string
	for i := 8; i+12 <= len(p); {
		n := int(binary.BigEndian.Uint32(p[i:]))
		types = append(types, string(p[i+4:i+8]))
		i += 12 + n
	}
	return types
}

// jpegMarkers lists the markers of a JPEG up to its image data.
func jpegMarkers(t testing.TB, j []byte) []byte {
	t.Helper()
	var markers []byte
	for i := 2; i+4 <= len(j); {
		m := j[i+1]
		markers = append(markers, m)
		if m == 0xda {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(j[i+2:]))
	}
	return markers
}
