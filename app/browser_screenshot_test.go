package app

import (
	"image"
	"image/png"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// A person pastes a screenshot into the composer, blacks out the part that
// shows their account in the editor, and posts: the image the forum serves
// has black pixels exactly there, because what left the browser was the
// edited picture.
func TestBrowserPasteAndBlackOutAScreenshot(t *testing.T) {
	t.Parallel()
	_, base := startServer(t, testConfig(t, "sqlite"))
	b := newChromium(t)
	b.base = base
	b.signInAs("hana")
	b.open("/new")
	b.chooseCategory("Account")
	b.do(chromedp.SendKeys(chromedp.ID("title"), "My account page shows the wrong plan"))
	b.do(chromedp.SendKeys(chromedp.ID("body"), "Here is the page: "))

	// A 400×300 white screenshot with a red block where the account number is.
	evalJS[bool](b, `(async () => {
		const c = document.createElement("canvas"); c.width = 400; c.height = 300;
		const g = c.getContext("2d");
		g.fillStyle = "#ffffff"; g.fillRect(0, 0, 400, 300);
		g.fillStyle = "#dd0000"; g.fillRect(100, 100, 100, 100);
		const blob = await new Promise(r => c.toBlob(r, "image/png"));
		const data = new DataTransfer();
		data.items.add(new File([blob], "account page.png", {type: "image/png"}));
		const area = document.getElementById("body");
		area.focus();
		return area.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
	})()`, chromedp.EvalAwaitPromise)
	b.within("the editor opens on the pasted image", chromedp.WaitVisible(chromedp.ID("image-editor-canvas")),
		chromedp.Poll[chromedp.Void](`document.getElementById("image-editor-canvas").width === 400`))
	if alt := b.value("#image-editor-alt"); alt != "account page" {
		t.Errorf("the description starts as %q, want the file's name", alt)
	}
	b.shot("screenshot-editor")

	// Drag a box over the red block, in the picture's own pixels.
	r := evalJS[[]float64](b, `(() => { const c = document.getElementById("image-editor-canvas"), r = c.getBoundingClientRect();
		return [r.left, r.top, r.width / c.width, r.height / c.height]; })()`)
	at := func(x, y float64) (float64, float64) { return r[0] + x*r[2], r[1] + y*r[3] }
	pressed := func(p *input.DispatchMouseEventParams) { p.Buttons = 1 }
	sx, sy := at(90, 90)
	mx, my := at(150, 150)
	ex, ey := at(210, 210)
	b.do(
		chromedp.MouseEvent(chromedp.MousePressed, sx, sy, chromedp.ButtonLeft, pressed, chromedp.ClickCount(1)),
		chromedp.MouseEvent(chromedp.MouseMoved, mx, my, chromedp.ButtonLeft, pressed),
		chromedp.MouseEvent(chromedp.MouseMoved, ex, ey, chromedp.ButtonLeft, pressed),
		chromedp.MouseEvent(chromedp.MouseReleased, ex, ey, chromedp.ButtonLeft, chromedp.ClickCount(1)),
	)
	b.do(chromedp.Click(chromedp.CSS(`[data-editor="insert"]`)))
	b.within("the image's markdown arrives in the text",
		chromedp.Poll[chromedp.Void](`document.getElementById("body").value.includes("/u/")`))
	text := b.value("#body")
	shot := regexp.MustCompile(`!\[account page\]\((/u/[0-9a-f]{32}\.png)\)`).FindStringSubmatch(text)
	if shot == nil || !strings.HasPrefix(text, "Here is the page:") {
		t.Fatalf("the text after inserting: %q", text)
	}
	if files := evalJS[int](b, `document.getElementById("images").files.length`); files != 0 {
		t.Errorf("the file input still holds %d files, which the form would send again", files)
	}
	b.follow(200, chromedp.Click(byText("button", "Post your question")))
	if b.count(`.post-body img[src="`+shot[1]+`"][width="400"][height="300"]`) != 1 {
		t.Errorf("the question does not show the image at its size")
	}

	res, err := http.Get(base + shot[1])
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	img, err := png.Decode(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []image.Point{{150, 150}, {105, 105}, {195, 195}} {
		if r, g, bl, _ := img.At(p.X, p.Y).RGBA(); r|g|bl != 0 {
			t.Errorf("inside the box, %v is %v, not black", p, img.At(p.X, p.Y))
		}
	}
	for _, p := range []image.Point{{20, 20}, {300, 250}} {
		if r, g, bl, _ := img.At(p.X, p.Y).RGBA(); r>>8 != 255 || g>>8 != 255 || bl>>8 != 255 {
			t.Errorf("outside the box, %v is %v, not white", p, img.At(p.X, p.Y))
		}
	}
}
