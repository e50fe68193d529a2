package images

import (
	"image"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	xdraw "golang.org/x/image/draw"
)

// photoLike is an opaque picture with smooth gradients, hard edges and
// noise: what shows a filter's faults.
func photoLike(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 1))
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			i := m.PixOffset(x, y)
			m.Pix[i] = uint8(x * 255 / w)
			m.Pix[i+1] = uint8(y * 255 / h)
			if (x/7+y/5)%2 == 0 {
				m.Pix[i+2] = 230
			}
			if rng.IntN(10) == 0 {
				m.Pix[i] = uint8(rng.IntN(256))
			}
			m.Pix[i+3] = 255
		}
	}
	return m
}

// The streaming filter gives the pixels golang.org/x/image/draw's
// CatmullRom gives (which rounds down where this rounds to nearest).
func TestResampleMatchesXImageDraw(t *testing.T) {
	tests := []struct{ sw, sh, dw, dh int }{
		{300, 200, 97, 61},
		{300, 200, 299, 199},
		{1920, 1080, 1600, 900},
		{1600, 900, 320, 180},
		{40, 1000, 3, 77},
		{7, 5, 7, 5},
	}
	for _, tt := range tests {
		src := photoLike(tt.sw, tt.sh, uint64(tt.sw))
		got := render(src, src.Bounds(), tt.dw, tt.dh, orientNormal)
		want := image.NewRGBA(image.Rect(0, 0, tt.dw, tt.dh))
		xdraw.CatmullRom.Scale(want, want.Rect, src, src.Rect, xdraw.Src, nil)
		var maxDiff, sum float64
		for i := range got.Pix {
			d := math.Abs(float64(got.Pix[i]) - float64(want.Pix[i]))
			maxDiff = max(maxDiff, d)
			sum += d
		}
		if mean := sum / float64(len(got.Pix)); maxDiff > 1 || mean > 0.5 {
			t.Errorf("%dx%d to %dx%d: differs from x/image/draw by %.0f at most, %.2f on average", tt.sw, tt.sh, tt.dw, tt.dh, maxDiff, mean)
		}
	}
}

// Scaling a transparent picture must keep valid premultiplied pixels (no
// colour above its alpha) where the filter overshoots at hard edges.
func TestResampleKeepsPremultipliedValid(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 100, 100))
	for y := range 100 {
		for x := range 100 {
			if (x/10+y/10)%2 == 0 {
				copy(src.Pix[src.PixOffset(x, y):], []uint8{255, 255, 255, 255})
			}
		}
	}
	m := render(src, src.Rect, 37, 37, orientNormal)
	for i := 0; i < len(m.Pix); i += 4 {
		if a := m.Pix[i+3]; m.Pix[i] > a || m.Pix[i+1] > a || m.Pix[i+2] > a {
			t.Fatalf("pixel %d is %v: colour above alpha", i/4, m.Pix[i:i+4])
		}
	}
}

func TestFitSizes(t *testing.T) {
	tests := []struct {
		w, h, maxW, maxH int
		wantW, wantH     int
	}{
		{100, 50, 320, 320, 100, 50},
		{640, 320, 320, 320, 320, 160},
		{320, 640, 320, 320, 160, 320},
		{641, 641, 320, 320, 320, 320},
		{1000, 1, 320, 320, 320, 1},
		{1, 1000, 320, 320, 1, 320},
		{333, 1000, 320, 320, 107, 320},
	}
	for _, tt := range tests {
		if w, h := fitBox(tt.w, tt.h, tt.maxW, tt.maxH); w != tt.wantW || h != tt.wantH {
			t.Errorf("fitBox(%d, %d, %d, %d) = %d, %d; want %d, %d", tt.w, tt.h, tt.maxW, tt.maxH, w, h, tt.wantW, tt.wantH)
		}
	}
	if w, h := fitWidth(3000, 2000, 1600); w != 1600 || h != 1067 {
		t.Errorf("fitWidth(3000, 2000, 1600) = %d, %d", w, h)
	}
	if w, h := fitWidth(1200, 9000, 1600); w != 1200 || h != 9000 {
		t.Errorf("fitWidth(1200, 9000, 1600) = %d, %d", w, h)
	}
}

// A phone photo costs about its decoded pixels and its display version;
// scaling keeps only a few rows aside (a whole-image float buffer would be
// some 100 MB more).
func TestProcessMemoryStaysNearTheImages(t *testing.T) {
	if testing.Short() {
		t.Skip("encodes a 6-megapixel photo")
	}
	data := encodeJPEG(t, photoLike(3000, 2000, 1))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	p := mustProcess(t, data)
	runtime.ReadMemStats(&after)
	if p.Display.Width != 1600 || p.Display.Height != 1067 {
		t.Fatalf("display %dx%d", p.Display.Width, p.Display.Height)
	}
	const decoded = 3000 * 2000 * 3 / 2 // 4:2:0 YCbCr
	const display = 1600 * 1067 * 4
	if used := after.TotalAlloc - before.TotalAlloc; used > (decoded+display)*5/4 {
		t.Errorf("processing allocated %d MB; the pixels are %d MB", used>>20, (decoded+display)>>20)
	}
}
