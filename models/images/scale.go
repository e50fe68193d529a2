package images

import (
	"image"
	"image/draw"
	"math"
)

// Scaling is a separable Catmull-Rom filter, the kernel and sampling of
// golang.org/x/image/draw's CatmullRom (TestResampleMatchesXImageDraw holds
// them to the same pixels), written out here because that one keeps a
// float64 buffer of the destination's width times the source's height: 150
// MB for a phone photo, half a gigabyte for a tall screenshot. This one
// streams: it reads each source row once, keeps the few rows the vertical
// filter spans, and hands out finished rows, so it holds kilobytes beside
// the images themselves.

// fitWidth is the size of a w×h picture shrunk to at most maxW wide,
// keeping its shape. It never enlarges.
func fitWidth(w, h, maxW int) (int, int) {
	if w <= maxW {
		return w, h
	}
	return maxW, max(1, (h*maxW+w/2)/w)
}

// fitBox is the size of a w×h picture shrunk to fit in maxW×maxH, keeping
// its shape. It never enlarges.
func fitBox(w, h, maxW, maxH int) (int, int) {
	if w <= maxW && h <= maxH {
		return w, h
	}
	if w*maxH >= h*maxW { // wider than the box
		return maxW, max(1, (h*maxW+w/2)/w)
	}
	return max(1, (w*maxH+h/2)/h), maxH
}

// render draws the canvas of src turned by the EXIF orientation o and
// scaled to w×h, the size as shown (after the turn).
func render(src image.Image, canvas image.Rectangle, w, h, o int) *image.RGBA {
	tw, th := w, h // the size before the turn
	if swapsSides(o) {
		tw, th = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	put := placer{out: out, o: o, w: tw, h: th}
	rows := newRowReader(src, canvas)
	if tw == canvas.Dx() && th == canvas.Dy() {
		for y := range th {
			put.row(y, rows.read(y))
		}
		return out
	}
	resample(rows.read, canvas.Dx(), canvas.Dy(), tw, th, put.row)
	return out
}

// rowReader reads a picture one row at a time as premultiplied 8-bit RGBA,
// whatever the decoder's pixel layout, reusing one buffer.
type rowReader struct {
	src     image.Image
	canvas  image.Rectangle
	partial bool // src covers less than the canvas: the rest is transparent
	row     *image.RGBA
	pal     *[256][4]uint8 // a paletted image's colours, premultiplied
}

func newRowReader(src image.Image, canvas image.Rectangle) *rowReader {
	r := &rowReader{
		src:     src,
		canvas:  canvas,
		partial: src.Bounds() != canvas,
		row:     &image.RGBA{Pix: make([]uint8, canvas.Dx()*4), Stride: canvas.Dx() * 4},
	}
	if p, ok := src.(*image.Paletted); ok {
		// image/draw has no fast path from a palette to RGBA, and
		// screenshots saved as 8-bit PNG and GIFs are paletted.
		r.pal = new([256][4]uint8)
		for i, c := range p.Palette[:min(len(p.Palette), 256)] {
			cr, cg, cb, ca := c.RGBA()
			r.pal[i] = [4]uint8{uint8(cr >> 8), uint8(cg >> 8), uint8(cb >> 8), uint8(ca >> 8)}
		}
	}
	return r
}

// read is row y of the canvas, counted from its top. The slice is reused by
// the next call.
func (r *rowReader) read(y int) []uint8 {
	y += r.canvas.Min.Y
	r.row.Rect = image.Rect(r.canvas.Min.X, y, r.canvas.Max.X, y+1)
	if r.partial {
		clear(r.row.Pix)
	}
	if p, ok := r.src.(*image.Paletted); ok {
		span := r.row.Rect.Intersect(p.Rect)
		if span.Empty() {
			return r.row.Pix
		}
		idx := p.Pix[p.PixOffset(span.Min.X, y):][:span.Dx()]
		dst := r.row.Pix[(span.Min.X-r.canvas.Min.X)*4:][:len(idx)*4]
		for i, c := range idx {
			copy(dst[i*4:i*4+4], r.pal[c][:])
		}
		return r.row.Pix
	}
	draw.Draw(r.row, r.row.Rect, r.src, r.row.Rect.Min, draw.Src)
	return r.row.Pix
}

// placer writes the rows of a w×h picture into out turned by the EXIF
// orientation o; out is w×h, or h×w for a quarter turn.
type placer struct {
	out  *image.RGBA
	o    int
	w, h int
}

func (p placer) row(y int, row []uint8) {
	// Where the row's first pixel goes, and how far on each next one.
	var x0, y0, dx, dy int
	switch p.o {
	case orientMirror:
		x0, y0, dx, dy = p.w-1, y, -1, 0
	case orientRotate180:
		x0, y0, dx, dy = p.w-1, p.h-1-y, -1, 0
	case orientFlip:
		x0, y0, dx, dy = 0, p.h-1-y, 1, 0
	case orientTranspose:
		x0, y0, dx, dy = y, 0, 0, 1
	case orientRotate90:
		x0, y0, dx, dy = p.h-1-y, 0, 0, 1
	case orientTransverse:
		x0, y0, dx, dy = p.h-1-y, p.w-1, 0, -1
	case orientRotate270:
		x0, y0, dx, dy = y, p.w-1, 0, -1
	default:
		x0, y0, dx, dy = 0, y, 1, 0
	}
	pix, stride := p.out.Pix, p.out.Stride
	d := y0*stride + x0*4
	if dx == 1 {
		copy(pix[d:d+len(row)], row)
		return
	}
	step := dy*stride + dx*4
	for i := 0; i+4 <= len(row); i += 4 {
		q := pix[d : d+4 : d+4]
		q[0], q[1], q[2], q[3] = row[i], row[i+1], row[i+2], row[i+3]
		d += step
	}
}

// taps are the filter weights along one axis: destination pixel i is the
// sum over j < n of w[i*n+j] times source pixel start[i]+j.
type taps struct {
	start []int
	n     int
	w     []float32
}

func catmullRom(t float64) float64 {
	t = math.Abs(t)
	switch {
	case t < 1:
		return (1.5*t-2.5)*t*t + 1
	case t < 2:
		return ((-0.5*t+2.5)*t-4)*t + 2
	}
	return 0
}

// newTaps spreads src pixels over dst. When shrinking, the kernel widens by
// the ratio so that every source pixel counts.
func newTaps(dst, src int) taps {
	scale := float64(src) / float64(dst)
	stretch := max(scale, 1)
	half := 2 * stretch
	n := min(int(math.Ceil(2*half))+1, src)
	t := taps{start: make([]int, dst), n: n, w: make([]float32, dst*n)}
	weights := make([]float64, n)
	for i := range dst {
		center := (float64(i)+0.5)*scale - 0.5
		lo := int(math.Floor(center - half))
		hi := int(math.Ceil(center + half))
		s := min(max(lo, 0), src-n) // the window of n pixels holds [lo, hi) ∩ [0, src)
		t.start[i] = s
		clear(weights)
		var sum float64
		for k := max(lo, 0); k < min(hi, src); k++ {
			w := catmullRom((center - float64(k)) / stretch)
			weights[k-s] = w
			sum += w
		}
		if sum == 0 {
			continue
		}
		for j, w := range weights {
			t.w[i*n+j] = float32(w / sum)
		}
	}
	return t
}

// apply filters one row of premultiplied RGBA pixels into dst.
func (t *taps) apply(src []uint8, dst []float32) {
	n := t.n
	for x, s := range t.start {
		ws := t.w[x*n : x*n+n]
		px := src[s*4 : s*4+n*4]
		var r, g, b, a float32
		for j, w := range ws {
			p := px[j*4 : j*4+4 : j*4+4]
			r += w * float32(p[0])
			g += w * float32(p[1])
			b += w * float32(p[2])
			a += w * float32(p[3])
		}
		d := dst[x*4 : x*4+4 : x*4+4]
		d[0], d[1], d[2], d[3] = r, g, b, a
	}
}

// resample scales an sw×sh picture, read a row at a time, to dw×dh, handing
// each finished row to emit; the row is reused after emit returns.
func resample(read func(y int) []uint8, sw, sh, dw, dh int, emit func(y int, row []uint8)) {
	horizontal, vertical := newTaps(dw, sw), newTaps(dh, sh)
	// The source rows the vertical filter spans, filtered horizontally
	// already: row k lives in ring[k%n].
	n := vertical.n
	ring := make([][]float32, n)
	for i := range ring {
		ring[i] = make([]float32, dw*4)
	}
	sum := make([]float32, dw*4)
	out := make([]uint8, dw*4)
	next := 0 // the next source row to read
	for y := range dh {
		start := vertical.start[y] // never decreases
		for next = max(next, start); next < start+n; next++ {
			horizontal.apply(read(next), ring[next%n])
		}
		clear(sum)
		for j, w := range vertical.w[y*n : y*n+n] {
			if w == 0 {
				continue
			}
			row := ring[(start+j)%n][:len(sum)]
			for i, v := range row {
				sum[i] += w * v
			}
		}
		for i := 0; i+4 <= len(sum); i += 4 {
			// The filter overshoots at sharp edges; a colour may not
			// exceed its alpha in premultiplied RGBA.
			a := clamp8(sum[i+3])
			out[i] = min(clamp8(sum[i]), a)
			out[i+1] = min(clamp8(sum[i+1]), a)
			out[i+2] = min(clamp8(sum[i+2]), a)
			out[i+3] = a
		}
		emit(y, out)
	}
}

func clamp8(v float32) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}
