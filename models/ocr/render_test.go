package ocr

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// A page is a screenshot-like image the tests draw text on, remembering
// where each marked piece of text went so a test can check that a region
// covers it.
type page struct {
	img   *image.RGBA
	marks map[string]image.Rectangle
}

func newPage(w, h int) *page {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{250, 250, 250, 255}), image.Point{}, draw.Src)
	return &page{img: img, marks: map[string]image.Rectangle{}}
}

// fill paints a flat box, such as a window's title bar or a button.
func (p *page) fill(r image.Rectangle, c color.RGBA) {
	draw.Draw(p.img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// write draws text with its baseline starting at (x, y) and records the
// pixel bounds of each of marks, which must occur in text.
func (p *page) write(t testing.TB, face font.Face, x, y int, text string, marks ...string) {
	t.Helper()
	d := font.Drawer{Dst: p.img, Src: image.NewUniform(color.RGBA{33, 37, 41, 255}), Face: face, Dot: fixed.P(x, y)}
	for _, m := range marks {
		i := strings.Index(text, m)
		if i < 0 {
			t.Fatalf("mark %q not in %q", m, text)
		}
		at := d.Dot
		at.X += font.MeasureString(face, text[:i])
		b, _ := font.BoundString(face, m)
		p.marks[m] = image.Rect(
			(at.X + b.Min.X).Floor(), (at.Y + b.Min.Y).Floor(),
			(at.X + b.Max.X).Ceil(), (at.Y + b.Max.Y).Ceil())
	}
	d.DrawString(text)
}

func (p *page) png(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, p.img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func goRegular(t testing.TB, size float64) font.Face {
	t.Helper()
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	return newFace(t, f, size)
}

// notoCJK is where Debian's fonts-noto-cjk puts the Japanese font.
const notoCJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

// japanese returns Noto Sans CJK JP, skipping the test without it: the Go
// fonts have no Japanese.
func japanese(t testing.TB, size float64) font.Face {
	t.Helper()
	data, err := os.ReadFile(notoCJK)
	if err != nil {
		t.Skipf("skipping the Japanese image: no Japanese font (install Debian's fonts-noto-cjk): %v", err)
	}
	c, err := opentype.ParseCollection(data)
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.NumFonts() {
		f, err := c.Font(i)
		if err != nil {
			t.Fatal(err)
		}
		if name, _ := f.Name(nil, sfnt.NameIDFamily); name == "Noto Sans CJK JP" {
			return newFace(t, f, size)
		}
	}
	t.Fatalf("no Noto Sans CJK JP in %s", notoCJK)
	return nil
}

func newFace(t testing.TB, f *opentype.Font, size float64) font.Face {
	t.Helper()
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { face.Close() })
	return face
}
