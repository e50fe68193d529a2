package images

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"runtime"
	"strings"
	"testing"
)

func TestProcessFormats(t *testing.T) {
	gifData := func() []byte {
		var b bytes.Buffer
		m := image.NewPaletted(image.Rect(0, 0, 64, 32), palette.Plan9)
		draw := func(x0, y0, x1, y1 int, c color.Color) {
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					m.Set(x, y, c)
				}
			}
		}
		draw(0, 0, 32, 16, red)
		draw(32, 0, 64, 16, green)
		draw(0, 16, 32, 32, blue)
		draw(32, 16, 64, 32, yellow)
		if err := gif.Encode(&b, m, nil); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}()
	tests := []struct {
		name   string
		data   []byte
		source string
		ext    string
		w, h   int
		layout string
	}{
		{"png stays png", readTestdata(t, "quadrants.png"), "png", "png", 64, 32, "RGBY"},
		{"jpeg stays jpeg", encodeJPEG(t, quadrants(64, 32)), "jpeg", "jpg", 64, 32, "RGBY"},
		{"gif becomes png", gifData, "gif", "png", 64, 32, "RGBY"},
		{"lossy opaque webp becomes jpeg", readTestdata(t, "quadrants-lossy.webp"), "webp", "jpg", 64, 32, "RGBY"},
		{"lossless webp becomes png", readTestdata(t, "quadrants-lossless.webp"), "webp", "png", 64, 32, "RGBY"},
		{"webp with transparency becomes png", readTestdata(t, "alpha-lossy.webp"), "webp", "png", 64, 32, "R?R?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustProcess(t, tt.data)
			if p.Source != tt.source || p.Display.Ext != tt.ext || p.Thumb.Ext != tt.ext {
				t.Errorf("source %q, display %q, thumb %q; want %q, %q", p.Source, p.Display.Ext, p.Thumb.Ext, tt.source, tt.ext)
			}
			m := decodeOutput(t, p.Display)
			decodeOutput(t, p.Thumb)
			if p.Display.Width != tt.w || p.Display.Height != tt.h {
				t.Errorf("display %dx%d, want %dx%d", p.Display.Width, p.Display.Height, tt.w, tt.h)
			}
			if got := layout(m); got != tt.layout {
				t.Errorf("quadrants %s, want %s", got, tt.layout)
			}
		})
	}
}

func TestProcessKeepsTransparency(t *testing.T) {
	// The right half of alpha.png is transparent: a PNG made from it must
	// keep that, not turn it black or white.
	for _, name := range []string{"alpha.png", "alpha-lossy.webp"} {
		t.Run(name, func(t *testing.T) {
			m := decodeOutput(t, mustProcess(t, readTestdata(t, name)).Display)
			if c := nrgbaAt(m, 8, 8); !near(c, red, 24) { // lossy WebP shifts colours a little
				t.Errorf("left half %v, want opaque red", c)
			}
			if c := nrgbaAt(m, 56, 8); c.A != 0 {
				t.Errorf("right half %v, want transparent", c)
			}
		})
	}
}

func TestProcessLosslessForPNG(t *testing.T) {
	// Screenshots are text: a PNG that needs no shrinking comes out with
	// exactly its pixels.
	src := image.NewNRGBA(image.Rect(0, 0, 300, 200))
	for i := range src.Pix {
		src.Pix[i] = uint8(i * 7919 % 251)
	}
	for y := range 200 {
		for x := range 300 {
			src.Pix[src.PixOffset(x, y)+3] = 255
		}
	}
	m := decodeOutput(t, mustProcess(t, encodePNG(t, src)).Display)
	for y := range 200 {
		for x := range 300 {
			if got, want := nrgbaAt(m, x, y), src.NRGBAAt(x, y); got != want {
				t.Fatalf("pixel (%d,%d) = %v, want %v", x, y, got, want)
			}
		}
	}
}

func TestProcessGIFFirstFrame(t *testing.T) {
	pal := color.Palette{color.Transparent, red, blue}
	frame := func(r image.Rectangle, index uint8) *image.Paletted {
		m := image.NewPaletted(r, pal)
		for i := range m.Pix {
			m.Pix[i] = index
		}
		return m
	}
	var b bytes.Buffer
	err := gif.EncodeAll(&b, &gif.GIF{
		// The first frame covers only the middle of the 20×10 screen.
		Image:  []*image.Paletted{frame(image.Rect(5, 2, 15, 8), 1), frame(image.Rect(0, 0, 20, 10), 2)},
		Delay:  []int{10, 10},
		Config: image.Config{ColorModel: pal, Width: 20, Height: 10},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := mustProcess(t, b.Bytes())
	m := decodeOutput(t, p.Display)
	if p.Display.Width != 20 || p.Display.Height != 10 {
		t.Fatalf("display %dx%d, want the 20x10 screen", p.Display.Width, p.Display.Height)
	}
	if c := nrgbaAt(m, 10, 5); c != red {
		t.Errorf("inside the first frame %v, want red", c)
	}
	if c := nrgbaAt(m, 1, 1); c.A != 0 {
		t.Errorf("outside the first frame %v, want transparent", c)
	}
}

func TestProcessRefuses(t *testing.T) {
	png := readTestdata(t, "quadrants.png")
	tests := []struct {
		name   string
		data   []byte
		reason string
	}{
		{"nothing", nil, ReasonEmpty},
		{"no bytes", []byte{}, ReasonEmpty},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), ReasonSVG},
		{"svg with declaration, comment and doctype", []byte("\ufeff<?xml version=\"1.0\"?>\n<!-- drawn -->\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg width=\"10\" height=\"10\"/>"), ReasonSVG},
		{"svg in capitals after blank lines", []byte("\r\n\n  <SVG>"), ReasonSVG},
		{"html", []byte("<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>"), ReasonType},
		{"html holding an svg", []byte("<html><svg></svg></html>"), ReasonType},
		{"svgz-like element name", []byte("<svgfoo/>"), ReasonType},
		{"pdf", []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), ReasonType},
		{"text", []byte("my password is hunter2"), ReasonType},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), ReasonType},
		{"bmp", []byte("BM\x3e\x00\x00\x00\x00\x00\x00\x00\x3e\x00\x00\x00"), ReasonType},
		{"tiff", []byte("II*\x00\x08\x00\x00\x00"), ReasonType},
		{"riff that is not webp", []byte("RIFF\x24\x00\x00\x00WAVEfmt "), ReasonType},
		{"png signature only", png[:8], ReasonCorrupt},
		{"png cut in the image data", png[:len(png)-20], ReasonCorrupt},
		{"jpeg magic then junk", []byte("\xff\xd8\xff\xe0junk junk junk"), ReasonCorrupt},
		{"gif header then junk", []byte("GIF89a\x10\x00\x10\x00junk"), ReasonCorrupt},
		{"webp header then junk", []byte("RIFF\x10\x00\x00\x00WEBPVP8 junkjunk"), ReasonCorrupt},
		{"animated webp", []byte("RIFF\x24\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x02\x00\x00\x00\x3f\x00\x00\x1f\x00\x00ANIM\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00"), ReasonType},
		{"jpeg of a thousand scans", withScans(encodeJPEG(t, quadrants(64, 32)), 1000), ReasonCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Process(tt.data, Limits{}); refusalOf(err) != tt.reason {
				t.Errorf("Process: %v; want refused for %q", err, tt.reason)
			}
		})
	}
}

func TestProcessJudgesByBytesOnly(t *testing.T) {
	// There is no name or content type to pass: a PNG is a PNG whatever
	// the browser called it, and an HTML page called "cat.png" is refused.
	p := mustProcess(t, readTestdata(t, "quadrants.png"))
	if p.Source != "png" || p.Display.Ext != "png" {
		t.Errorf("source %q, ext %q", p.Source, p.Display.Ext)
	}
	if format, ok := Sniff([]byte("<html>cat.png</html>")); ok {
		t.Errorf("Sniff took an HTML page for %q", format)
	}
}

func TestProcessLimits(t *testing.T) {
	png := readTestdata(t, "quadrants.png") // 64×32, 140 bytes
	tests := []struct {
		name   string
		lim    Limits
		reason string
	}{
		{"defaults", Limits{}, "<accepted>"},
		{"at every limit", Limits{MaxBytes: int64(len(png)), MaxPixels: 64 * 32, MaxSide: 64}, "<accepted>"},
		{"a byte too many", Limits{MaxBytes: int64(len(png)) - 1}, ReasonBytes},
		{"a pixel too many", Limits{MaxPixels: 64*32 - 1}, ReasonPixels},
		{"too wide", Limits{MaxSide: 63}, ReasonSide},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Process(png, tt.lim); refusalOf(err) != tt.reason {
				t.Errorf("Process: %v; want %q", err, tt.reason)
			}
		})
	}
}

// Decompression bombs: small files whose headers claim enormous images.
// They are refused from the header, before a pixel buffer exists.
func TestProcessRefusesBombsWithoutDecoding(t *testing.T) {
	pngSized := func(w, h uint32) []byte {
		p := encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1)))
		binary.BigEndian.PutUint32(p[16:], w)
		binary.BigEndian.PutUint32(p[20:], h)
		binary.BigEndian.PutUint32(p[29:], crc32.ChecksumIEEE(p[12:29]))
		return p
	}
	jpegSized := func(w, h uint16) []byte {
		j := encodeJPEG(t, image.NewGray(image.Rect(0, 0, 8, 8)))
		sof := bytes.Index(j, []byte{0xff, 0xc0})
		binary.BigEndian.PutUint16(j[sof+5:], h)
		binary.BigEndian.PutUint16(j[sof+7:], w)
		return j
	}
	gifSized := func(w, h uint16) []byte {
		var b bytes.Buffer
		if err := gif.Encode(&b, image.NewPaletted(image.Rect(0, 0, 1, 1), palette.Plan9), nil); err != nil {
			t.Fatal(err)
		}
		g := b.Bytes()
		binary.LittleEndian.PutUint16(g[6:], w)
		binary.LittleEndian.PutUint16(g[8:], h)
		return g
	}
	webpSized := func(w, h int) []byte {
		b := []byte("RIFF\x16\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00")
		return append(b, byte(w-1), byte((w-1)>>8), byte((w-1)>>16), byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	}
	tests := []struct {
		name   string
		data   []byte
		reason string
	}{
		{"png 100000x100000", pngSized(100_000, 100_000), ReasonSide},
		{"png 8000x8000", pngSized(8000, 8000), ReasonPixels},
		{"png 1x2000000000", pngSized(1, 2_000_000_000), ReasonSide},
		{"jpeg 65535x65535", jpegSized(65535, 65535), ReasonSide},
		{"jpeg 7000x7000", jpegSized(7000, 7000), ReasonPixels},
		{"gif 65535x65535", gifSized(65535, 65535), ReasonSide},
		{"gif 9000x9000", gifSized(9000, 9000), ReasonPixels},
		{"webp 16000x16000", webpSized(16000, 16000), ReasonSide},
		{"webp 9000x9000", webpSized(9000, 9000), ReasonPixels},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.data) > 1000 {
				t.Fatalf("the bomb is %d bytes; it should be tiny", len(tt.data))
			}
			if _, err := Process(tt.data, Limits{}); refusalOf(err) != tt.reason {
				t.Fatalf("Process: %v; want refused for %q", err, tt.reason)
			}
			const runs = 20
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range runs {
				_, _ = Process(tt.data, Limits{})
			}
			runtime.ReadMemStats(&after)
			// A decoded image of the smallest of these would be tens
			// of megabytes; reading a header takes a few kilobytes.
			if perRun := (after.TotalAlloc - before.TotalAlloc) / runs; perRun > 64<<10 {
				t.Errorf("refusing it allocated %d bytes", perRun)
			}
		})
	}
}

// A "polyglot" is a file that is a valid PNG and also an HTML page or a
// script, to be served from the forum's origin. What comes out is only
// pixels.
func TestProcessCleansPolyglots(t *testing.T) {
	p := encodePNG(t, quadrants(64, 32))
	p = pngInsert(p, pngChunk("tEXt", []byte("Comment\x00<script>alert('chunk')</script>")))
	p = append(p, "<html><body><script>alert(document.cookie)</script></body></html>"...)
	j := encodeJPEG(t, quadrants(64, 32))
	const comment = "<script>alert('comment')</script>"
	seg := append([]byte{0xff, 0xfe, 0, 2 + byte(len(comment))}, comment...)
	j = append(append(append([]byte{}, j[:2]...), seg...), j[2:]...)
	j = append(j, "<html><script>alert('after the image')</script>"...)
	for name, data := range map[string][]byte{"png": p, "jpeg": j} {
		t.Run(name, func(t *testing.T) {
			if !bytes.Contains(data, []byte("<script>")) {
				t.Fatal("the test file holds no script")
			}
			out := mustProcess(t, data)
			for _, img := range []Image{out.Display, out.Thumb} {
				for _, s := range []string{"<script", "alert", "<html"} {
					if bytes.Contains(img.Data, []byte(s)) {
						t.Errorf("%s output holds %q", img.Ext, s)
					}
				}
				if layout(decodeOutput(t, img)) != "RGBY" {
					t.Errorf("the picture changed")
				}
			}
		})
	}
}

// A phone photo carries where and with what it was taken. None of it may
// reach the forum, and the picture must still stand the right way up.
func TestProcessStripsCameraMetadata(t *testing.T) {
	data := readTestdata(t, "camera-gps-orient6.jpg")
	secrets := []string{"Exif", "HirobaCam", "HC-9000", "SN-4471-0923", "Firmware", "2024:05:01", "Hana Sato", "taken at home", "ns.adobe.com", "MM\x00*", "II*\x00"}
	for _, s := range secrets[:len(secrets)-1] {
		if !bytes.Contains(data, []byte(s)) {
			t.Fatalf("the test photo lacks %q", s)
		}
	}
	if exifOrientation(jpegExif(data)) != orientRotate90 {
		t.Fatal("the test photo is not marked rotated 90°")
	}
	p := mustProcess(t, data)
	for _, img := range []Image{p.Display, p.Thumb} {
		for _, s := range secrets {
			if bytes.Contains(img.Data, []byte(s)) {
				t.Errorf("output holds %q", s)
			}
		}
		for _, m := range jpegMarkers(t, img.Data) {
			if m >= 0xe0 && m <= 0xef || m == 0xfe {
				t.Errorf("output holds an APP%d or comment segment (marker %#x)", m-0xe0, m)
			}
		}
		m := decodeOutput(t, img)
		if img.Width != 32 || img.Height != 64 {
			t.Errorf("output %dx%d, want the 64x32 photo turned to 32x64", img.Width, img.Height)
		}
		if got := layout(m); got != "BRYG" {
			t.Errorf("quadrants %s, want BRYG (turned a quarter clockwise)", got)
		}
	}
}

func TestProcessPNGHasOnlyImageChunks(t *testing.T) {
	p := pngInsert(encodePNG(t, quadrants(40, 20)), pngChunk("eXIf", tiffWithOrientation(binary.BigEndian, 1)))
	p = pngInsert(p, pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta>GPS</x:xmpmeta>")))
	p = pngInsert(p, pngChunk("iCCP", []byte("Hana's monitor\x00\x00\x78\x9c\x03\x00\x00\x00\x00\x01")))
	out := mustProcess(t, p)
	for _, c := range pngChunks(t, out.Display.Data) {
		switch c {
		case "IHDR", "PLTE", "tRNS", "IDAT", "IEND":
		default:
			t.Errorf("output holds a %s chunk", c)
		}
	}
}

func TestProcessSizes(t *testing.T) {
	tests := []struct {
		w, h               int
		displayW, displayH int
		thumbW, thumbH     int
	}{
		{1920, 1080, 1600, 900, 320, 180},
		{1600, 1200, 1600, 1200, 320, 240},
		{1601, 100, 1600, 100, 320, 20},
		{800, 600, 800, 600, 320, 240},
		{300, 200, 300, 200, 300, 200}, // never enlarged
		{320, 320, 320, 320, 320, 320},
		{1000, 3000, 1000, 3000, 107, 320}, // a tall screenshot keeps its width
		{3200, 100, 1600, 50, 320, 10},
		{5000, 3, 1600, 1, 320, 1}, // a sliver stays at least a pixel
		{2, 2000, 2, 2000, 1, 320},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(image.Pt(tt.w, tt.h).String(), ",", "x"), func(t *testing.T) {
			p := mustProcess(t, encodePNG(t, quadrants(tt.w, tt.h)))
			d, th := decodeOutput(t, p.Display), decodeOutput(t, p.Thumb)
			if p.Display.Width != tt.displayW || p.Display.Height != tt.displayH {
				t.Errorf("display %dx%d, want %dx%d", p.Display.Width, p.Display.Height, tt.displayW, tt.displayH)
			}
			if p.Thumb.Width != tt.thumbW || p.Thumb.Height != tt.thumbH {
				t.Errorf("thumb %dx%d, want %dx%d", p.Thumb.Width, p.Thumb.Height, tt.thumbW, tt.thumbH)
			}
			// Flat areas keep their exact colour through the scaling.
			if tt.w >= 8 && tt.h >= 8 {
				if got := layout(d); got != "RGBY" {
					t.Errorf("display quadrants %s", got)
				}
				if got := layout(th); got != "RGBY" {
					t.Errorf("thumb quadrants %s", got)
				}
				if c := nrgbaAt(d, d.Bounds().Dx()/4, d.Bounds().Dy()/4); c != red {
					t.Errorf("display red quadrant is %v", c)
				}
			}
		})
	}
}

// Photos are turned before they are shrunk: the limits apply to the
// picture as it is seen.
func TestProcessTurnsThenShrinks(t *testing.T) {
	tests := []struct {
		w, h               int
		displayW, displayH int
		thumbW, thumbH     int
	}{
		{3200, 1000, 1000, 3200, 100, 320},
		{1000, 3200, 1600, 500, 320, 100},
	}
	for _, tt := range tests {
		data := jpegWithExif(encodeJPEG(t, quadrants(tt.w, tt.h)), tiffWithOrientation(binary.LittleEndian, orientRotate90))
		p := mustProcess(t, data)
		d, th := decodeOutput(t, p.Display), decodeOutput(t, p.Thumb)
		if p.Display.Width != tt.displayW || p.Display.Height != tt.displayH || p.Thumb.Width != tt.thumbW || p.Thumb.Height != tt.thumbH {
			t.Errorf("%dx%d turned: display %dx%d, thumb %dx%d; want %dx%d, %dx%d", tt.w, tt.h,
				p.Display.Width, p.Display.Height, p.Thumb.Width, p.Thumb.Height, tt.displayW, tt.displayH, tt.thumbW, tt.thumbH)
		}
		if layout(d) != "BRYG" || layout(th) != "BRYG" {
			t.Errorf("%dx%d turned: quadrants %s and %s, want BRYG", tt.w, tt.h, layout(d), layout(th))
		}
	}
}

// withScans repeats a JPEG's scan n times: how a small file makes a
// progressive decoder walk the whole image again and again.
func withScans(j []byte, n int) []byte {
	sos := bytes.LastIndex(j, []byte{0xff, 0xda})
	scan := j[sos : len(j)-2]
	out := append([]byte{}, j[:sos]...)
	for range n {
		out = append(out, scan...)
	}
	return append(out, 0xff, 0xd9)
}

func TestJPEGScans(t *testing.T) {
	noisy := encodeJPEG(t, photoLike(64, 64, 3))
	if !bytes.Contains(noisy[bytes.Index(noisy, []byte{0xff, 0xda})+2:len(noisy)-2], []byte{0xff, 0x00}) {
		t.Fatal("the test JPEG has no stuffed 0xFF in its image data")
	}
	tests := []struct {
		name string
		data []byte
		want int
	}{
		{"one scan", noisy, 1},
		{"five scans", withScans(noisy, 5), 5},
		{"stops past the limit", withScans(noisy, 300), maxJPEGScans + 1},
		{"cut in the header", noisy[:40], 0},
		{"cut in the image data", noisy[:len(noisy)-40], 1},
	}
	for _, tt := range tests {
		if got := jpegScans(tt.data, maxJPEGScans); got != tt.want {
			t.Errorf("%s: %d scans, want %d", tt.name, got, tt.want)
		}
	}
	if _, err := Process(withScans(noisy, maxJPEGScans), Limits{}); refusalOf(err) == ReasonCorrupt && strings.Contains(err.Error(), "scans") {
		t.Errorf("refused a JPEG of %d scans: %v", maxJPEGScans, err)
	}
}
