package images

import (
	"bytes"
	"image"
	"image/color"
	"testing"
)

func TestBlackOutPaintsExactlyTheBoxes(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 100, 80))
	for y := range 80 {
		for x := range 100 {
			src.SetNRGBA(x, y, color.NRGBA{uint8(x * 2), uint8(y * 3), 200, uint8(128 + x)})
		}
	}
	boxes := []image.Rectangle{
		image.Rect(10, 10, 30, 20),
		{Min: image.Pt(60, 50), Max: image.Pt(40, 30)},     // drawn from bottom right to top left
		{Min: image.Pt(90, 70), Max: image.Pt(200, 300)},   // runs off the picture
		{Min: image.Pt(-50, -50), Max: image.Pt(-10, -10)}, // wholly outside
		{Min: image.Pt(5, 60), Max: image.Pt(5, 79)},       // empty
	}
	inBox := func(x, y int) bool {
		p := image.Pt(x, y)
		return p.In(image.Rect(10, 10, 30, 20)) || p.In(image.Rect(40, 30, 60, 50)) || p.In(image.Rect(90, 70, 100, 80))
	}
	out, err := BlackOut(encodePNG(t, src), boxes)
	if err != nil {
		t.Fatal(err)
	}
	if out.Ext != "png" || out.Width != 100 || out.Height != 80 {
		t.Fatalf("got %s %dx%d, want png 100x80", out.Ext, out.Width, out.Height)
	}
	m := decodeOutput(t, out)
	black := color.NRGBA{0, 0, 0, 255}
	for y := range 80 {
		for x := range 100 {
			got := nrgbaAt(m, x, y)
			if want := src.NRGBAAt(x, y); inBox(x, y) {
				want = black
				if got != want {
					t.Fatalf("(%d,%d) in a box is %v, want %v", x, y, got, want)
				}
			} else if got != want {
				t.Fatalf("(%d,%d) outside the boxes is %v, want it kept as %v", x, y, got, want)
			}
		}
	}
}

// A phone photo's boxes are drawn on the photo as the browser shows it,
// turned by its EXIF orientation; the result is a JPEG with none of the
// photo's metadata.
func TestBlackOutTurnedPhoto(t *testing.T) {
	data := readTestdata(t, "camera-gps-orient6.jpg") // 64×32, shown as 32×64: BRYG
	out, err := BlackOut(data, []image.Rectangle{image.Rect(0, 0, 32, 32)})
	if err != nil {
		t.Fatal(err)
	}
	if out.Ext != "jpg" || out.Width != 32 || out.Height != 64 {
		t.Fatalf("got %s %dx%d, want jpg 32x64", out.Ext, out.Width, out.Height)
	}
	for _, s := range []string{"Exif", "HirobaCam", "Hana Sato"} {
		if bytes.Contains(out.Data, []byte(s)) {
			t.Errorf("output holds %q", s)
		}
	}
	m := decodeOutput(t, out)
	if got := layout(m); got != "??YG" {
		t.Errorf("quadrants %s, want the top half blacked out above yellow and green", got)
	}
	for y := 2; y < 30; y++ { // JPEG blurs a pixel or two across the edge
		for x := 2; x < 30; x++ {
			if c := nrgbaAt(m, x, y); !near(c, color.NRGBA{0, 0, 0, 255}, 12) {
				t.Fatalf("(%d,%d) in the box is %v, want black", x, y, c)
			}
		}
	}
}

func TestBlackOutRefusesWhatProcessRefuses(t *testing.T) {
	_, err := BlackOut([]byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), []image.Rectangle{image.Rect(0, 0, 1, 1)})
	if refusalOf(err) != ReasonSVG {
		t.Errorf("BlackOut(svg): %v", err)
	}
}

// An 8-bit PNG's palette may hold no black; the box is black all the same.
func TestBlackOutPalettedPNG(t *testing.T) {
	src := image.NewPaletted(image.Rect(0, 0, 20, 20), color.Palette{red, green})
	for i := range src.Pix {
		src.Pix[i] = uint8(i % 2)
	}
	out, err := BlackOut(encodePNG(t, src), []image.Rectangle{image.Rect(5, 5, 10, 10)})
	if err != nil {
		t.Fatal(err)
	}
	m := decodeOutput(t, out)
	for y := range 20 {
		for x := range 20 {
			want := src.Palette[src.ColorIndexAt(x, y)].(color.NRGBA)
			if image.Pt(x, y).In(image.Rect(5, 5, 10, 10)) {
				want = color.NRGBA{0, 0, 0, 255}
			}
			if got := nrgbaAt(m, x, y); got != want {
				t.Fatalf("(%d,%d) = %v, want %v", x, y, got, want)
			}
		}
	}
}
