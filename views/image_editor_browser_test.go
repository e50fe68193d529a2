package views

// The image editor in headless Chromium: hiroba.js and the editor's dialog
// on a page with a post form, served here beside a stand-in for the
// forum's upload endpoint that decodes and keeps what it is sent. What is
// checked is what reaches the server (the edited picture, never the
// original) and what the author then sees in the text.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"hiroba/models/servicetest"
	"hiroba/public"
)

// The forum's content security policy, without the avatar hosts: the
// editor must work under it (no inline script, no blob: images).
const editorTestPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

const editorTestToken = "token-for-the-test"

// upload is one image the stand-in endpoint was sent.
type upload struct {
	name, alt string
	img       image.Image
}

// editorSite serves the page, the assets, and the stand-ins for /uploads
// and /privacy/check.
type editorSite struct {
	url string

	mu      sync.Mutex
	uploads []upload
	checks  int // privacy checks: the script's input event reached the page's listeners
}

func newEditorSite(t *testing.T, body string) *editorSite {
	t.Helper()
	assets, err := public.Load()
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	var editor bytes.Buffer
	if err := imageEditor(c.In("en")).Render(context.Background(), &editor); err != nil {
		t.Fatal(err)
	}
	page := `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Editor</title>
<link rel="stylesheet" href="` + assets.URL("css/hiroba.css") + `">
<script src="` + assets.URL("js/hiroba.js") + `" defer></script></head><body>
<form method="post" action="/post" enctype="multipart/form-data" class="composer">
<input type="hidden" name="_csrf" value="` + editorTestToken + `">
<label for="body">Body</label>
<textarea id="body" name="body" data-pii-warning="Personal data?">` + body + `</textarea>
<label for="images">Attach screenshots</label>
<input type="file" id="images" name="images" accept="image/png,image/jpeg,image/webp,image/gif" multiple>
<button type="submit">Post</button>
</form>
` + editor.String() + `</body></html>`

	s := &editorSite{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", editorTestPolicy)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})
	mux.HandleFunc("GET /static/", func(w http.ResponseWriter, r *http.Request) {
		a, ok := assets.Lookup(r.URL.Path)
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", a.ContentType)
		w.Write(a.Body)
	})
	mux.HandleFunc("POST /privacy/check", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.checks++
		s.mu.Unlock()
		io.WriteString(w, `{"kinds":[]}`)
	})
	mux.HandleFunc("POST /uploads", s.upload)
	mux.HandleFunc("POST /post", func(w http.ResponseWriter, r *http.Request) {
		t.Error("the post form was sent")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

// upload stands in for the forum's endpoint: it takes only PNG, answers
// with the markdown, and refuses, in the forum's way, a file whose name
// begins with "refused".
func (s *editorSite) upload(w http.ResponseWriter, r *http.Request) {
	answer := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	if r.Header.Get("Accept") != "application/json" {
		answer(http.StatusNotAcceptable, map[string]string{"error": "Accept is " + r.Header.Get("Accept")})
		return
	}
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		answer(http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	if r.FormValue("_csrf") != editorTestToken {
		answer(http.StatusForbidden, map[string]string{"error": "no CSRF token"})
		return
	}
	f, header, err := r.FormFile("image")
	if err != nil {
		answer(http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		answer(http.StatusUnprocessableEntity, map[string]string{"error": "not a PNG: " + err.Error()})
		return
	}
	s.mu.Lock()
	s.uploads = append(s.uploads, upload{name: header.Filename, alt: r.FormValue("alt"), img: img})
	n := len(s.uploads)
	s.mu.Unlock()
	if strings.HasPrefix(header.Filename, "refused") {
		answer(http.StatusRequestEntityTooLarge, map[string]string{"error": "Images may be at most 10 MB."})
		return
	}
	url := fmt.Sprintf("/u/%d.png", n)
	answer(http.StatusOK, map[string]any{
		"markdown": "![" + r.FormValue("alt") + "](" + url + ")", "url": url,
		"width": img.Bounds().Dx(), "height": img.Bounds().Dy(),
	})
}

func (s *editorSite) received() ([]upload, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]upload(nil), s.uploads...), s.checks
}

// editorBrowser is a tab in a headless Chromium.
type editorBrowser struct {
	t   *testing.T
	ctx context.Context
}

// startChromium starts a headless Chromium for the test, stopped when it
// ends; without one the test is skipped, except under CI, where a skipped
// browser test would hide a broken setup.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	path, err := servicetest.ChromiumPath()
	if err != nil {
		chromiumStatus.Missing("not found at $HIROBA_CHROMIUM, /usr/bin/chromium or on PATH: " + err.Error())
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium is required under CI but was not found (set HIROBA_CHROMIUM): %v", err)
		}
		t.Skipf("no Chromium found at $HIROBA_CHROMIUM, /usr/bin/chromium or on PATH (install Debian's chromium): %v", err)
	}
	opts := servicetest.ChromiumOptions(path, t.TempDir())
	// The bound is for a hang, well above the few seconds the test takes.
	timeout, cancelTimeout := context.WithTimeout(context.Background(), 120*time.Second)
	alloc, cancelAlloc := chromedp.NewExecAllocator(timeout, opts...)
	root, cancelRoot := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancelRoot()
		cancelAlloc() // waits for Chromium to exit, before its profile is removed
		cancelTimeout()
	})
	if err := chromedp.Do(root); err != nil {
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	chromiumStatus.Ran()
	return root
}

// newTab opens a tab, in a browser context of its own, that fails the test
// on an uncaught exception, a console error or a breach of the content
// security policy.
func newTab(t *testing.T, root context.Context) *editorBrowser {
	t.Helper()
	var mu sync.Mutex
	var problems []string
	ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext(), chromedp.WithListener(func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			text := d.Text
			if d.Exception != nil {
				text += " " + d.Exception.Description
			}
			problems = append(problems, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, text))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				problems = append(problems, fmt.Sprintf("console.error: %v", ev.Args))
			}
		case *log.EventEntryAdded:
			if strings.Contains(ev.Entry.Text, "Content Security Policy") {
				problems = append(problems, ev.Entry.Text)
			}
		}
	}))
	t.Cleanup(func() {
		cancel()
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("page error: %s", p)
		}
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return &editorBrowser{t: t, ctx: ctx}
}

func (b *editorBrowser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

func eval[T any](b *editorBrowser, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// drag draws a box on the editor's canvas from one point of the picture to
// another, in the picture's own pixels, with the mouse.
func (b *editorBrowser) drag(x0, y0, x1, y1 float64) {
	b.t.Helper()
	r := eval[[]float64](b, `(() => { const c = document.getElementById("image-editor-canvas"), r = c.getBoundingClientRect();
		return [r.left, r.top, r.width / c.width, r.height / c.height]; })()`)
	at := func(x, y float64) (float64, float64) { return r[0] + x*r[2], r[1] + y*r[3] }
	pressed := func(p *input.DispatchMouseEventParams) { p.Buttons = 1 }
	sx, sy := at(x0, y0)
	mx, my := at((x0+x1)/2, (y0+y1)/2)
	ex, ey := at(x1, y1)
	b.do(
		chromedp.MouseEvent(chromedp.MousePressed, sx, sy, chromedp.ButtonLeft, pressed, chromedp.ClickCount(1)),
		chromedp.MouseEvent(chromedp.MouseMoved, mx, my, chromedp.ButtonLeft, pressed),
		chromedp.MouseEvent(chromedp.MouseMoved, ex, ey, chromedp.ButtonLeft, pressed),
		chromedp.MouseEvent(chromedp.MouseReleased, ex, ey, chromedp.ButtonLeft, chromedp.ClickCount(1)),
	)
}

// waitClosed waits for the editor to close after its last image.
func (b *editorBrowser) waitClosed() {
	b.t.Helper()
	b.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](`!document.getElementById("image-editor").open`, chromedp.WithPollingTimeout(10*time.Second))(ctx, t)
		return err
	}))
}

// screenshotFile writes a 400×300 white picture with a red square from
// (150,100) to (250,200), as a JPEG: the upload must be a PNG drawn again.
func screenshotFile(t *testing.T, name string) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for y := range 300 {
		for x := range 400 {
			c := color.RGBA{255, 255, 255, 255}
			if x >= 150 && x < 250 && y >= 100 && y < 200 {
				c = color.RGBA{220, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// shade names what a pixel looks like: "black", "white", "red", "blue" or
// "other".
func shade(c color.Color) string {
	r, g, b, _ := c.RGBA()
	r, g, b = r>>8, g>>8, b>>8
	switch {
	case r < 30 && g < 30 && b < 30:
		return "black"
	case r > 230 && g > 230 && b > 230:
		return "white"
	case r > 180 && g < 60 && b < 60:
		return "red"
	case r < 60 && g < 60 && b > 180:
		return "blue"
	}
	return "other"
}

func checkPixels(t *testing.T, img image.Image, want map[image.Point]string) {
	t.Helper()
	for p, w := range want {
		if got := shade(img.At(p.X, p.Y)); got != w {
			t.Errorf("pixel %v of the uploaded picture is %s (%v), want %s", p, got, img.At(p.X, p.Y), w)
		}
	}
}

func TestImageEditor(t *testing.T) {
	root := startChromium(t)
	t.Run("a screenshot from the file input is uploaded with the boxes drawn over it", func(t *testing.T) {
		site := newEditorSite(t, "The receipt page:")
		b := newTab(t, root)
		// A phone's width: the picture is shown smaller than it is, and the
		// boxes must still land where they were drawn.
		b.do(chromedp.EmulateViewport(360, 740),
			chromedp.Navigate(site.url+"/"),
			chromedp.SetUploadFiles(chromedp.ID("images"), []string{screenshotFile(t, "receipt-screenshot.jpg")}),
			chromedp.WaitVisible(chromedp.ID("image-editor-canvas")))
		fit := eval[[]float64](b, `[document.getElementById("image-editor").getBoundingClientRect().left,
			document.getElementById("image-editor").getBoundingClientRect().right,
			document.getElementById("image-editor-canvas").getBoundingClientRect().width]`)
		if fit[0] < 0 || fit[1] > 360 || fit[2] >= 400 || fit[2] < 200 {
			t.Errorf("on a 360px screen the editor spans %.0f to %.0f and shows the 400px picture %.0f wide", fit[0], fit[1], fit[2])
		}

		if got := eval[string](b, `document.activeElement.id`); got != "image-editor-heading" {
			t.Errorf("focus is on %q when the editor opens, want its heading", got)
		}
		if got := eval[[]int](b, `(c => [c.width, c.height])(document.getElementById("image-editor-canvas"))`); got[0] != 400 || got[1] != 300 {
			t.Errorf("the canvas is %v, want the picture's own 400×300", got)
		}
		if got := eval[string](b, `document.getElementById("image-editor-alt").value`); got != "receipt-screenshot" {
			t.Errorf("the description starts as %q, want the file's name without its extension", got)
		}
		// The original is out of the form before anything is sent.
		if n := eval[int](b, `document.getElementById("images").files.length`); n != 0 {
			t.Errorf("the file input still holds %d files while the editor is open", n)
		}

		b.drag(140, 90, 260, 210) // over the red square
		b.drag(10, 10, 60, 60)    // a slip …
		b.do(chromedp.Click(chromedp.CSS(`#image-editor [data-editor=undo]`)))
		b.do(chromedp.Click(chromedp.CSS(`#image-editor [data-editor=insert]`)))
		b.waitClosed()

		uploads, _ := site.received()
		if len(uploads) != 1 {
			t.Fatalf("%d uploads, want 1", len(uploads))
		}
		u := uploads[0]
		if u.name != "receipt-screenshot.png" || u.alt != "receipt-screenshot" {
			t.Errorf("uploaded %q with description %q, want receipt-screenshot.png described as receipt-screenshot", u.name, u.alt)
		}
		if got := u.img.Bounds().Size(); got != image.Pt(400, 300) {
			t.Errorf("the uploaded picture is %v, want 400×300", got)
		}
		checkPixels(t, u.img, map[image.Point]string{
			{150, 100}: "black", {200, 150}: "black", {249, 199}: "black", // the red square
			{142, 92}: "black", {257, 207}: "black", // the box's margin
			{135, 150}: "white", {265, 150}: "white", {200, 85}: "white", {200, 215}: "white", // just outside it
			{30, 30}:   "white", // the box undone
			{390, 290}: "white",
		})

		want := "The receipt page:\n![receipt-screenshot](/u/1.png)\n"
		if got := eval[string](b, `document.getElementById("body").value`); got != want {
			t.Errorf("the text is %q, want %q", got, want)
		}
		if got := eval[string](b, `document.activeElement.id`); got != "images" {
			t.Errorf("focus went back to %q, want the file input", got)
		}
		if got := eval[string](b, `document.querySelector(".image-notes").textContent`); !strings.Contains(got, "receipt-screenshot.jpg was added to your post") {
			t.Errorf("the note beside the file input says %q", got)
		}
		// The privacy warning and the draft listen for input on the text.
		deadline := time.Now().Add(5 * time.Second)
		for _, checks := site.received(); checks == 0; _, checks = site.received() {
			if time.Now().After(deadline) {
				t.Fatal("the inserted image never set off the privacy check: no input event")
			}
			time.Sleep(50 * time.Millisecond)
		}
	})

	t.Run("a pasted image goes in at the cursor, by keyboard alone", func(t *testing.T) {
		site := newEditorSite(t, "Before\nAfter")
		b := newTab(t, root)
		b.do(chromedp.Navigate(site.url+"/"), chromedp.WaitReady(chromedp.ID("image-editor")))
		eval[bool](b, `(async () => {
			const area = document.getElementById("body");
			area.focus();
			area.setSelectionRange(3, 3);
			const c = document.createElement("canvas");
			c.width = 120; c.height = 80;
			const g = c.getContext("2d");
			g.fillStyle = "blue"; g.fillRect(0, 0, 120, 80);
			const blob = await new Promise(done => c.toBlob(done, "image/png"));
			const data = new DataTransfer();
			data.items.add(new File([blob], "image.png", { type: "image/png" }));
			return area.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
		})()`)
		b.do(chromedp.WaitVisible(chromedp.ID("image-editor-canvas")))
		if got := eval[string](b, `document.getElementById("image-editor-alt").value`); got != "image" {
			t.Errorf("the description starts as %q, want image", got)
		}
		// Tab to the description, write it, press Enter.
		b.do(chromedp.KeyEvent(kb.Tab))
		if got := eval[string](b, `document.activeElement.id`); got != "image-editor-alt" {
			t.Fatalf("Tab from the heading went to %q, want the description", got)
		}
		eval[bool](b, `(a => { a.value = ""; return true; })(document.getElementById("image-editor-alt"))`)
		b.do(chromedp.KeyEvent("Settings page"), chromedp.KeyEvent(kb.Enter))
		b.waitClosed()

		uploads, _ := site.received()
		if len(uploads) != 1 {
			t.Fatalf("%d uploads, want 1", len(uploads))
		}
		if u := uploads[0]; u.name != "image.png" || u.alt != "Settings page" || u.img.Bounds().Size() != image.Pt(120, 80) {
			t.Errorf("uploaded %q (%v) described as %q", u.name, u.img.Bounds().Size(), u.alt)
		}
		checkPixels(t, uploads[0].img, map[image.Point]string{{0, 0}: "blue", {60, 40}: "blue", {119, 79}: "blue"})
		want := "Bef\n![Settings page](/u/1.png)\nore\nAfter"
		if got := eval[string](b, `document.getElementById("body").value`); got != want {
			t.Errorf("the text is %q, want %q", got, want)
		}
		if got := eval[string](b, `document.activeElement.id`); got != "body" {
			t.Errorf("focus went back to %q, want the text", got)
		}
	})

	t.Run("a refused image leaves the text as it was and says why; Escape skips the next", func(t *testing.T) {
		site := newEditorSite(t, "My words stay.")
		b := newTab(t, root)
		b.do(chromedp.Navigate(site.url+"/"), chromedp.WaitReady(chromedp.ID("image-editor")))
		highlighted := eval[bool](b, `(async () => {
			const area = document.getElementById("body");
			const picture = async name => {
				const c = document.createElement("canvas");
				c.width = 50; c.height = 50;
				c.getContext("2d").fillRect(0, 0, 50, 50);
				return new File([await new Promise(done => c.toBlob(done, "image/png"))], name, { type: "image/png" });
			};
			const data = new DataTransfer();
			data.items.add(await picture("refused.png"));
			data.items.add(new File(["a note"], "notes.txt", { type: "text/plain" }));
			data.items.add(await picture("skipped.png"));
			area.dispatchEvent(new DragEvent("dragenter", { dataTransfer: data, bubbles: true, cancelable: true }));
			const lit = area.classList.contains("image-drop");
			area.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
			return lit && !area.classList.contains("image-drop");
		})()`)
		if !highlighted {
			t.Error("the text was not highlighted while files were dragged over it, or stayed so after the drop")
		}
		b.do(chromedp.WaitVisible(chromedp.ID("image-editor-canvas")),
			chromedp.Click(chromedp.CSS(`#image-editor [data-editor=insert]`)))
		b.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`document.getElementById("image-editor-file").textContent.includes("skipped.png")`,
				chromedp.WithPollingTimeout(10*time.Second))(ctx, t)
			return err
		}))
		if got := eval[string](b, `document.getElementById("image-editor-file").textContent`); got != "Image 2 of 2: skipped.png" {
			t.Errorf("the editor names the next image %q", got)
		}
		b.do(chromedp.KeyEvent(kb.Escape))
		b.waitClosed()

		uploads, _ := site.received()
		if len(uploads) != 1 || uploads[0].name != "refused.png" {
			t.Errorf("uploads %v, want only refused.png's", uploads)
		}
		if got := eval[string](b, `document.getElementById("body").value`); got != "My words stay." {
			t.Errorf("the text became %q", got)
		}
		alert := eval[string](b, `document.querySelector("#images ~ [role=alert]").textContent`)
		if alert != "refused.png was not attached: Images may be at most 10 MB." {
			t.Errorf("the alert beside the file input says %q", alert)
		}
		if got := eval[string](b, `document.querySelector(".image-notes").textContent`); !strings.HasPrefix(got, "notes.txt could not be opened here") {
			t.Errorf("the note beside the file input says %q, want why notes.txt stays", got)
		}
		if got := eval[string](b, `Array.from(document.getElementById("images").files, f => f.name).join()`); got != "notes.txt" {
			t.Errorf("the file input holds %q, want the file that is no picture, for the server to judge", got)
		}
		if got := eval[string](b, `document.activeElement.id`); got != "body" {
			t.Errorf("focus went back to %q, want the text", got)
		}
	})
}
