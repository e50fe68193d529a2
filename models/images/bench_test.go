package images

import (
	"image"
	"image/color"
	"image/draw"
	"math/rand/v2"
	"testing"
)

// screenshot is what people mostly upload: a 1920×1080 window of text on a
// flat background, a coloured header and a sidebar.
func screenshot(tb testing.TB) []byte {
	rng := rand.New(rand.NewPCG(13, 13))
	m := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	fill := func(r image.Rectangle, c color.Color) { draw.Draw(m, r, image.NewUniform(c), image.Point{}, draw.Src) }
	fill(m.Rect, color.White)
	fill(image.Rect(0, 0, 1920, 64), color.RGBA{0x1f, 0x4e, 0x8c, 0xff})
	fill(image.Rect(0, 64, 280, 1080), color.RGBA{0xf2, 0xf3, 0xf5, 0xff})
	for y := 100; y+14 < 1060; y += 22 { // lines of "words" of "glyphs"
		for x := 320; x < 1860; {
			word := 3 + rng.IntN(8)
			for range word {
				fill(image.Rect(x, y+rng.IntN(4), x+6, y+14), color.RGBA{0x22, 0x22, 0x22, 0xff})
				x += 8
			}
			x += 8
		}
	}
	return encodePNG(tb, m)
}

func BenchmarkProcess(b *testing.B) {
	data := screenshot(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Process(data, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
