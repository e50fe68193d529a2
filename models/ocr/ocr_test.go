package ocr

import (
	"context"
	"errors"
	"image"
	"image/color"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"hiroba/models/guard"
	"hiroba/models/servicetest"
)

var tesseractStatus = servicetest.New("tesseract")

// newReader builds a Reader on the installed tesseract. Without it the test
// is skipped, except under CI=true, where a skipped test would hide a broken
// setup.
func newReader(t testing.TB, opts Options) *Reader {
	t.Helper()
	r, err := New(opts)
	if errors.Is(err, ErrUnavailable) {
		tesseractStatus.Missing(err.Error())
		if os.Getenv("CI") == "true" {
			t.Fatalf("tesseract is required under CI=true: %v", err)
		}
		t.Skipf("skipping: %v (install Debian's tesseract-ocr, tesseract-ocr-eng and tesseract-ocr-jpn, or set CI=true to fail instead)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	tesseractStatus.Ran()
	return r
}

// wantRegion asserts that regions hold one of kind over where text was
// drawn: the region covers all of the drawn text but a rim of 3 pixels
// (tesseract's boxes are tight, the font's bounds are not) and reaches at
// most 6 pixels beyond it. A region over the whole line, or beside the
// text, fails.
func wantRegion(t *testing.T, regions []Region, kind guard.Kind, p *page, text string) {
	t.Helper()
	drawn := p.marks[text]
	for _, r := range regions {
		if r.Kind == kind && drawn.Inset(3).In(r.Box) && r.Box.In(drawn.Inset(-6)) {
			return
		}
	}
	t.Errorf("no %s region over %q drawn at %v; regions %v", kind, text, drawn, regions)
}

func TestReadFindsEmailAndCard(t *testing.T) {
	r := newReader(t, Options{})
	p := newPage(800, 260)
	face := goRegular(t, 16)
	p.write(t, face, 40, 60, "Hello, my printer stopped working after the last update.")
	p.write(t, face, 40, 92, "Contact me at alice.tanaka@gmail.com if you need the logs.", "alice.tanaka@gmail.com")
	p.write(t, face, 40, 124, "I paid with card 4111 1111 1111 1111 last Tuesday.", "4111 1111 1111 1111")
	p.write(t, face, 40, 156, "Error code E-4021 appears when I press the start button.")

	res, err := r.Read(context.Background(), 1, p.png(t))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Text, "alice.tanaka@gmail.com") {
		t.Errorf("the address is not in the text read: %q", res.Text)
	}
	regions := Regions(newGuard(t), res)
	wantRegion(t, regions, guard.KindEmail, p, "alice.tanaka@gmail.com")
	wantRegion(t, regions, guard.KindCard, p, "4111 1111 1111 1111")
	if len(regions) != 2 {
		t.Errorf("regions %v, want the address and the card only", regions)
	}
}

func TestReadFindsEmailAndPhoneInJapanese(t *testing.T) {
	r := newReader(t, Options{})
	// 32 px: a 16 px interface on a 2x screen. Smaller Japanese text
	// is read with more mistakes (see testdata/japanese.tsv, at 24 px).
	face := japanese(t, 32)
	p := newPage(800, 300)
	p.write(t, face, 40, 60, "プリンターが昨日から動きません。")
	p.write(t, face, 40, 124, "連絡先は alice.tanaka@gmail.com です。", "alice.tanaka@gmail.com")
	p.write(t, face, 40, 188, "電話番号は 090-1234-5678 です。", "090-1234-5678")

	res, err := r.Read(context.Background(), 1, p.png(t))
	if err != nil {
		t.Fatal(err)
	}
	// The kana tesseract reads one or two at a time come back as one
	// word, so the guard and a search see 電話番号, not 電話 番号.
	if !strings.Contains(res.Text, "電話番号") {
		t.Errorf("the Japanese is not joined up: %q", res.Text)
	}
	regions := Regions(newGuard(t), res)
	wantRegion(t, regions, guard.KindEmail, p, "alice.tanaka@gmail.com")
	wantRegion(t, regions, guard.KindPhone, p, "090-1234-5678")
	if len(regions) != 2 {
		t.Errorf("regions %v, want the address and the phone number only", regions)
	}
}

func TestReadOrdinaryWordsHaveNoRegions(t *testing.T) {
	r := newReader(t, Options{})
	p := newPage(800, 220)
	face := goRegular(t, 16)
	// What support threads are made of and the guard leaves alone:
	// versions, dates, error codes, line numbers.
	p.write(t, face, 40, 60, "After updating to version 2.14.3 on 2026-11-24 the app crashes.")
	p.write(t, face, 40, 92, "The log says error E-4021 at line 318 of sync.go, then it stops.")
	p.write(t, face, 40, 124, "Restarting the phone did not help. Any ideas?")

	res, err := r.Read(context.Background(), 1, p.png(t))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Text, "Restarting the phone") {
		t.Fatalf("the text was not read: %q", res.Text)
	}
	if regions := Regions(newGuard(t), res); len(regions) != 0 {
		t.Errorf("regions %v in %q, want none", regions, res.Text)
	}
}

func TestReadBlankImage(t *testing.T) {
	r := newReader(t, Options{})
	res, err := r.Read(context.Background(), 1, newPage(300, 200).png(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != "" || len(res.Words) != 0 {
		t.Errorf("read %q from a blank image", res.Text)
	}
}

// screenshot draws a window with a title bar, a sidebar and lines of
// text, what a member attaches to a question.
func screenshot(t testing.TB, w, h, lines int) []byte {
	t.Helper()
	p := newPage(w, h)
	p.fill(image.Rect(0, 0, w, 40), color.RGBA{222, 226, 230, 255})
	p.fill(image.Rect(0, 40, 240, h), color.RGBA{241, 243, 245, 255})
	p.fill(image.Rect(280, h-90, 400, h-50), color.RGBA{13, 110, 253, 255})
	p.write(t, goRegular(t, 16), 300, h-64, "Retry")
	ui := goRegular(t, 14)
	body := goRegular(t, 16)
	p.write(t, ui, 20, 26, "Settings - Account")
	for i, item := range []string{"Profile", "Billing", "Notifications", "Security", "Devices"} {
		p.write(t, ui, 20, 80+32*i, item)
	}
	text := []string{
		"Your plan renews on 2026-12-01. Payment method: card ending 4242.",
		"Signed in as alice.tanaka@gmail.com from Tokyo, Japan.",
		"Sync failed: the server answered 503 after 30 seconds (code E-4021).",
		"Try again later, or contact support with the request id shown below.",
		"Request id 7f3c9a2e-51b4-4c1d-9e0a-3b2f6d8c1a90",
	}
	for y := range lines {
		p.write(t, body, 280, 80+28*y, text[y%len(text)])
	}
	return p.png(t)
}

func TestReadBusy(t *testing.T) {
	r := newReader(t, Options{Workers: 1, Queue: 1})
	img := screenshot(t, 1280, 800, 5)
	ctx := context.Background()

	type read struct {
		res Result
		err error
	}
	first, second := make(chan read, 1), make(chan read, 1)
	go func() { res, err := r.Read(ctx, 1, img); first <- read{res, err} }()
	waitFor(t, r, 1, 1)

	// The same user's second image is turned away, not queued.
	if _, err := r.Read(ctx, 1, img); !errors.Is(err, ErrBusy) {
		t.Errorf("second image of the same user: err %v, want ErrBusy", err)
	}
	// Another user's waits for the worker; with it in the only queue
	// place, a third user is turned away.
	go func() { res, err := r.Read(ctx, 2, img); second <- read{res, err} }()
	waitFor(t, r, 2, 1)
	if _, err := r.Read(ctx, 3, img); !errors.Is(err, ErrBusy) {
		t.Errorf("a third user with the queue full: err %v, want ErrBusy", err)
	}
	for _, c := range []chan read{first, second} {
		got := <-c
		if got.err != nil || !strings.Contains(got.res.Text, "Sync failed") {
			t.Errorf("a queued image: err %v, text %q", got.err, got.res.Text)
		}
	}
	// Done, the user may send the next image.
	if _, err := r.Read(ctx, 1, newPage(100, 100).png(t)); err != nil {
		t.Errorf("after the first image: %v", err)
	}
}

// waitFor waits until admitted images are queued or being read, of which
// reading hold a worker.
func waitFor(t *testing.T, r *Reader, admitted, reading int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if len(r.queue.admitted) == admitted && len(r.queue.workers) == reading {
			return
		}
	}
	t.Fatalf("queue: %d admitted, %d reading; want %d, %d", len(r.queue.admitted), len(r.queue.workers), admitted, reading)
}

func TestReadTimeout(t *testing.T) {
	r := newReader(t, Options{Timeout: 50 * time.Millisecond})
	img := screenshot(t, 2560, 1600, 50)
	start := time.Now()
	_, err := r.Read(context.Background(), 1, img)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err %v, want ErrTimeout", err)
	}
	// tesseract is killed at the limit, not waited for: reading this
	// image takes seconds.
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Read returned after %s with a 50ms limit", took)
	}
	waitFor(t, r, 0, 0)
}

func TestReadStopsWaitingWhenCancelled(t *testing.T) {
	r := newReader(t, Options{Workers: 1})
	img := screenshot(t, 1280, 800, 5)
	done := make(chan error, 1)
	go func() { _, err := r.Read(context.Background(), 1, img); done <- err }()
	waitFor(t, r, 1, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := r.Read(ctx, 2, img); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting past the caller's deadline: err %v, want context.DeadlineExceeded", err)
	}
	if err := <-done; err != nil {
		t.Error(err)
	}
	waitFor(t, r, 0, 0)
}

func TestReadRefusesWhatIsNotAnImage(t *testing.T) {
	r := newReader(t, Options{})
	// tesseract takes standard input that is not an image for a list of
	// files to read: a text "image" naming one must never reach it.
	for _, data := range [][]byte{[]byte("/etc/passwd\n"), nil, []byte("\x89PNG\r\n\x1a\n")} {
		if res, err := r.Read(context.Background(), 1, data); err == nil {
			t.Errorf("%q read as an image: %q", data, res.Text)
		}
	}
}

func TestReadRefusesHugeImages(t *testing.T) {
	r := newReader(t, Options{MaxPixels: 1000 * 1000})
	if _, err := r.Read(context.Background(), 1, newPage(1001, 1000).png(t)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("err %v, want ErrTooLarge", err)
	}
	if _, err := r.Read(context.Background(), 1, newPage(1000, 1000).png(t)); err != nil {
		t.Errorf("an image at the limit: %v", err)
	}
}

func TestNewUnavailable(t *testing.T) {
	if _, err := New(Options{Command: "hiroba-no-such-tesseract"}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("missing command: err %v, want ErrUnavailable", err)
	}
	newReader(t, Options{})
	_, err := New(Options{Languages: "eng+xyz"})
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), `"xyz"`) {
		t.Errorf("missing language: err %v, want ErrUnavailable naming it", err)
	}
}

// BenchmarkRead reads a 1280×800 screenshot with a few lines of text,
// reporting the fastest, median and slowest reading and the processor time
// tesseract used per image:
//
//	go test ./models/ocr -run '^$' -bench Read -benchtime 5x
func BenchmarkRead(b *testing.B) {
	r := newReader(b, Options{})
	img := screenshot(b, 1280, 800, 5)
	var took []time.Duration
	cpuBefore, cpuOK := childCPU()
	for b.Loop() {
		start := time.Now()
		if _, err := r.Read(context.Background(), 1, img); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(took[0]), "min-ms")
	b.ReportMetric(ms(took[len(took)/2]), "median-ms")
	b.ReportMetric(ms(took[len(took)-1]), "max-ms")
	if cpuAfter, ok := childCPU(); ok && cpuOK {
		b.ReportMetric(ms(cpuAfter-cpuBefore)/float64(len(took)), "cpu-ms/op")
	}
}
