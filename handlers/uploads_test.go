package handlers_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"hiroba/app"
	"hiroba/models"
	"hiroba/models/blobs/blobstest"
	"hiroba/models/modeltest"
)

// file is one file a form sends.
type file struct {
	name string
	data []byte
}

// postFiles submits a multipart form, as a post form with files does, with
// the CSRF token of the last page seen.
func (b *browser) postFiles(path string, form url.Values, files []file) page {
	b.f.t.Helper()
	if form.Get("_csrf") == "" && b.csrf != "" {
		form.Set("_csrf", b.csrf)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				b.f.t.Fatal(err)
			}
		}
	}
	for _, f := range files {
		part, err := w.CreateFormFile("images", f.name)
		if err != nil {
			b.f.t.Fatal(err)
		}
		part.Write(f.data)
	}
	w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

// screenshot is a PNG of flat colour, w×h.
func screenshot(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{240, 244, 248, 255}}, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(w/4, h/4, w/2, h/2), &image.Uniform{color.RGBA{200, 30, 30, 255}}, image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var (
	uploadPath   = regexp.MustCompile(`/u/[0-9a-f]{32}\.(?:png|jpg)`)
	textareaBody = regexp.MustCompile(`(?s)<textarea[^>]*name="body"[^>]*>(.*?)</textarea>`)
)

// formBody is the text a page's post form holds, as a browser would send it.
func formBody(t *testing.T, p page) string {
	t.Helper()
	m := textareaBody.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no post form on the page:\n%s", p.Body)
	}
	return htmlUnescape(m[1])
}

func htmlUnescape(s string) string {
	r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&quot;", `"`, "&amp;", "&")
	return r.Replace(s)
}

// A photo from a phone goes through the question form without a script: it
// comes back in the text to check its description, is posted, and is
// served turned upright with nothing of the camera or the place in its
// bytes — from a folder and from an S3 bucket alike. It leaves with its
// post when a moderator hides it.
func TestScreenshotThroughThePostForm(t *testing.T) {
	photo, err := os.ReadFile("../models/images/testdata/camera-gps-orient6.jpg")
	if err != nil {
		t.Fatal(err)
	}
	s3 := blobstest.NewS3(t)
	stores := map[string]func(t *testing.T) func(string) string{
		"file": func(t *testing.T) func(string) string { return func(string) string { return "" } },
		"s3": func(t *testing.T) func(string) string {
			spec := s3.Bucket(t, "forum", strings.ReplaceAll(strings.ToLower(t.Name()), "/", "-"))
			return func(k string) string {
				if k == "HIROBA_UPLOADS" {
					return spec
				}
				return blobstest.Getenv(k)
			}
		},
	}
	t.Parallel()
	for _, store := range []string{"file", "s3"} {
		for _, dialect := range modeltest.Dialects {
			t.Run(store+"/"+dialect, func(t *testing.T) {
				t.Parallel()
				f := newForumFrom(t, dialect, stores[store](t), func(*app.Config) {})
				hana := f.browser()
				hana.signIn("hana")
				hana.get("/new")
				p := hana.postFiles("/new", url.Values{"category": {"1"}, "title": {"The billing page shows an error"}, "body": {"This is what I see:"}},
					[]file{{name: "billing error.jpg", data: photo}})
				expect(t, p, http.StatusOK, "1 image was added", `<img src="/u/`)
				body := formBody(t, p)
				shot := uploadPath.FindString(body)
				if !strings.HasPrefix(body, "This is what I see:") || !strings.Contains(body, "![billing error]("+shot+")") {
					t.Fatalf("the form came back with %q", body)
				}
				p = hana.post("/new", url.Values{"category": {"1"}, "title": {"The billing page shows an error"}, "body": {body}})
				if p.Status != http.StatusSeeOther {
					t.Fatalf("posting: %d\n%s", p.Status, p.Body)
				}
				thread := strings.SplitN(p.Location, "#", 2)[0]

				visitor := f.browser()
				p = visitor.get(thread)
				// Orientation 6 turns the 64×32 picture upright: 32 wide, 64 high.
				expect(t, p, http.StatusOK, `src="`+shot+`" alt="billing error" width="32" height="64" loading="lazy"`)
				img := visitor.get(shot)
				expect(t, img, http.StatusOK)
				if ct := img.Header.Get("Content-Type"); ct != "image/jpeg" {
					t.Errorf("served as %q", ct)
				}
				if img.Header.Get("X-Content-Type-Options") != "nosniff" || img.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
					t.Errorf("headers: %v", img.Header)
				}
				for _, leak := range []string{"Exif", "HirobaCam", "HC-9000", "SN-4471", "Hana Sato", "taken at home", "http://ns.adobe.com/xap"} {
					if strings.Contains(img.Body, leak) {
						t.Errorf("the served image still holds %q", leak)
					}
				}
				cfg, format, err := image.DecodeConfig(strings.NewReader(img.Body))
				if err != nil || format != "jpeg" || cfg.Width != 32 || cfg.Height != 64 {
					t.Errorf("served image: %s %dx%d, %v", format, cfg.Width, cfg.Height, err)
				}
				thumb := strings.Replace(shot, ".jpg", ".thumb.jpg", 1)
				expect(t, visitor.get("/"), http.StatusOK, `class="thread-thumb" src="`+thumb+`"`)
				expect(t, visitor.get(thumb), http.StatusOK)

				posts, err := f.srv.Store.ThreadPage(context.Background(), staff, threadID(t, thread), 1)
				if err != nil {
					t.Fatal(err)
				}
				mod := f.browser()
				mod.signIn("mo")
				if err := f.srv.Store.GrantRole(context.Background(), "mo", models.RoleModerator); err != nil {
					t.Fatal(err)
				}
				mod.get(thread)
				expect(t, mod.post(fmt.Sprintf("/mod/p/%d/hide", posts.Posts[0].ID), url.Values{"reason": {"shows an order number"}}), http.StatusSeeOther)
				if p := visitor.get(shot); p.Status != http.StatusNotFound {
					t.Errorf("the image of a hidden question is served to a visitor: %d", p.Status)
				}
				if p := hana.get(shot); p.Status != http.StatusOK || p.Header.Get("Cache-Control") != "private, no-cache" {
					t.Errorf("its author gets the image of her hidden question: %d %q", p.Status, p.Header.Get("Cache-Control"))
				}
			})
		}
	}
}

// threadID reads a thread's id from its address.
func threadID(t *testing.T, path string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(path, "/t/%d/", &id); err != nil {
		t.Fatalf("thread address %q: %v", path, err)
	}
	return id
}

// What the forum does not take comes back with the reason beside the file
// field, and the title and text as they were typed.
func TestRefusedImagesKeepTheForm(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		hana := f.browser()
		hana.signIn("hana")
		form := url.Values{"category": {"1"}, "title": {"Login loop after the update"}, "body": {"My words, kept <as typed>."}}
		bomb := screenshot(t, 10, 10)
		copy(bomb[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0}) // the header claims 100000×100000
		binary.BigEndian.PutUint32(bomb[29:33], crc32.ChecksumIEEE(bomb[12:29]))
		for _, tt := range []struct {
			name   string
			file   file
			status int
			reason string
		}{
			{"svg", file{"diagram.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}, 422, "SVG images cannot be attached"},
			{"html named png", file{"page.png", []byte("<!doctype html><script>alert(1)</script>")}, 422, "Only PNG, JPEG, WebP and GIF"},
			{"bomb", file{"bomb.png", bomb}, 422, "more than 10,000 pixels"},
			{"oversize", file{"huge.png", make([]byte, 10<<20+1)}, 413, "larger than 10 MB"},
		} {
			hana.get("/new")
			p := hana.postFiles("/new", form, []file{tt.file})
			expect(t, p, tt.status, tt.reason, `id="images-error"`, "Login loop after the update", escaped("My words, kept <as typed>."))
			if uploadPath.MatchString(formBody(t, p)) {
				t.Errorf("%s: an image was added anyway", tt.name)
			}
		}

		// New accounts may not attach images while they may post none.
		rules := modeltest.PermissiveRules
		rules.NewMaxImages, rules.NewAccountAge = 0, models.Duration(time.Hour)
		if err := f.srv.Store.SetRules(context.Background(), rules); err != nil {
			t.Fatal(err)
		}
		hana.get("/new")
		p := hana.postFiles("/new", form, []file{{"error.png", screenshot(t, 40, 30)}})
		expect(t, p, http.StatusUnprocessableEntity, "New accounts cannot attach images yet", "Login loop after the update")
	})
}

// The composer's script sends one edited image at a time and gets back the
// markdown to insert; the CSRF token and a session are required.
func TestUploadEndpointAnswersTheScript(t *testing.T) {
	f := newForum(t, "sqlite")
	hana := f.browser()
	hana.signIn("hana")
	hana.get("/new")
	send := func(b *browser, token string) (int, map[string]any) {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		w.WriteField("_csrf", token)
		w.WriteField("alt", "The error [dialog]")
		part, _ := w.CreateFormFile("image", "edited.png")
		part.Write(screenshot(t, 2400, 1200))
		w.Close()
		req := httptest.NewRequest(http.MethodPost, "/uploads", &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Accept", "application/json")
		p := b.do(req)
		var out map[string]any
		json.Unmarshal([]byte(p.Body), &out)
		return p.Status, out
	}
	status, out := send(hana, hana.csrf)
	if status != http.StatusOK {
		t.Fatalf("upload: %d %v", status, out)
	}
	md, _ := out["markdown"].(string)
	if !regexp.MustCompile(`^!\[The error dialog\]\(/u/[0-9a-f]{32}\.png\)$`).MatchString(md) || out["width"] != 1600.0 || out["height"] != 800.0 {
		t.Errorf("answer %v: the description without brackets, the display copy 1600 wide", out)
	}
	if status, _ := send(hana, "forged"); status != http.StatusForbidden {
		t.Errorf("an upload without the form's token: %d", status)
	}
	if status, _ := send(f.browser(), ""); status != http.StatusForbidden {
		t.Errorf("an upload from a visitor: %d", status)
	}
	// Until it is posted, only its uploader sees it.
	url := out["url"].(string)
	if p := f.browser().get(url); p.Status != http.StatusNotFound {
		t.Errorf("an unposted image is served to a visitor: %d", p.Status)
	}
	expect(t, hana.get(url), http.StatusOK)
}

// textShot is a screenshot showing a line of text, and where the text is.
func textShot(t *testing.T, text string) ([]byte, image.Rectangle) {
	t.Helper()
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 28, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 900, 160))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{250, 250, 250, 255}}, image.Point{}, draw.Src)
	d := font.Drawer{Dst: img, Src: &image.Uniform{color.RGBA{33, 37, 41, 255}}, Face: face, Dot: fixed.P(40, 90)}
	b, _ := font.BoundString(face, text)
	where := image.Rect(40+b.Min.X.Floor(), 90+b.Min.Y.Floor(), 40+b.Max.X.Ceil(), 90+b.Max.Y.Ceil())
	d.DrawString(text)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), where
}

// An email address shown in a screenshot stops the post at the privacy
// check, outlined on the image; "Redact and post" posts a copy with it
// painted black (tesseract reads the text; CI installs it).
func TestEmailInAScreenshotIsCaughtAndBlackedOut(t *testing.T) {
	if _, err := exec.LookPath("tesseract"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tesseract is required under CI=true")
		}
		t.Skip("skipping: tesseract is not installed (Debian's tesseract-ocr, tesseract-ocr-eng, tesseract-ocr-jpn)")
	}
	t.Parallel()
	f := newForumWith(t, "sqlite", func(c *app.Config) { c.OCR = "auto" })
	shot, where := textShot(t, "Signed in as alice.tanaka@gmail.com")
	hana := f.browser()
	hana.signIn("hana")
	hana.get("/new")
	form := url.Values{"category": {"1"}, "title": {"My account page shows an error"}, "body": {"See the screenshot."}}
	p := hana.postFiles("/new", form, []file{{"account.png", shot}})
	expect(t, p, http.StatusOK, "1 image was added")
	form.Set("body", formBody(t, p))
	original := uploadPath.FindString(form.Get("body"))
	p = hana.post("/new", form)
	expect(t, p, http.StatusUnprocessableEntity, `class="privacy-check"`, `<image href="`+original+`"`, `class="privacy-box" data-kind="email"`)

	form.Set("privacy", "redact")
	p = hana.post("/new", form)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("redact and post: %d\n%s", p.Status, p.Body)
	}
	thread := hana.get(strings.SplitN(p.Location, "#", 2)[0])
	painted := uploadPath.FindString(thread.Body)
	if painted == "" || painted == original {
		t.Fatalf("the question shows %q, not a painted copy of %q", painted, original)
	}
	img, err := png.Decode(strings.NewReader(f.browser().get(painted).Body))
	if err != nil {
		t.Fatal(err)
	}
	center := image.Pt((where.Min.X+where.Max.X)/2, (where.Min.Y+where.Max.Y)/2)
	for _, at := range []image.Point{center, {where.Max.X - 10, center.Y}} {
		if r, g, b, _ := img.At(at.X, at.Y).RGBA(); r|g|b != 0 {
			t.Errorf("the text at %v is not painted black: %v", at, img.At(at.X, at.Y))
		}
	}
	if r, _, _, _ := img.At(5, 5).RGBA(); r == 0 {
		t.Error("the rest of the image was painted too")
	}
	if p := f.browser().get(original); p.Status != http.StatusNotFound {
		t.Errorf("the unpainted image is served to visitors: %d", p.Status)
	}
}

// Images are never kept with the anonymous pages: each answer carries the
// image's own headers, and a hidden post's image is gone at once.
func TestImagesBypassThePageCache(t *testing.T) {
	t.Parallel()
	f := newForumWith(t, "sqlite", func(c *app.Config) { c.PageCacheTTL = time.Hour })
	hana := f.browser()
	hana.signIn("hana")
	hana.get("/new")
	p := hana.postFiles("/new", url.Values{"category": {"1"}, "title": {"Screenshot of the login loop"}, "body": {"Look:"}},
		[]file{{"loop.png", screenshot(t, 64, 48)}})
	body := formBody(t, p)
	shot := uploadPath.FindString(body)
	p = hana.post("/new", url.Values{"category": {"1"}, "title": {"Screenshot of the login loop"}, "body": {body}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("posting: %d", p.Status)
	}
	visitor := f.browser()
	for i := range 2 {
		img := visitor.get(shot)
		if img.Status != http.StatusOK || img.Header.Get("X-Content-Type-Options") != "nosniff" || img.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("visit %d: %d %v", i+1, img.Status, img.Header)
		}
	}
	page, err := f.srv.Store.ThreadPage(context.Background(), staff, threadID(t, p.Location), 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.srv.Store.GrantRole(context.Background(), "hana", models.RoleModerator); err != nil {
		t.Fatal(err)
	}
	mod, err := f.srv.Store.UserByUsername(context.Background(), "hana")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.srv.Store.SetPostHidden(context.Background(), mod, page.Posts[0].ID, true, "test"); err != nil {
		t.Fatal(err)
	}
	if img := visitor.get(shot); img.Status != http.StatusNotFound {
		t.Errorf("after hiding: %d", img.Status)
	}
}

// A reply takes a screenshot through its form too, and a moderator takes it
// out again from the reply's edit page, with a reason for the audit log.
func TestReplyScreenshotRemovedByAModerator(t *testing.T) {
	t.Parallel()
	f := newForum(t, "sqlite")
	hana := f.browser()
	hana.signIn("hana")
	hana.get("/new")
	p := hana.post("/new", url.Values{"category": {"1"}, "title": {"Invoice shows the wrong plan"}, "body": {"Which plan am I on?"}})
	thread := strings.SplitN(p.Location, "#", 2)[0]
	ken := f.browser()
	ken.signIn("ken")
	ken.get(thread)
	id := threadID(t, thread)
	p = ken.postFiles(fmt.Sprintf("/t/%d/replies", id), url.Values{"body": {"Mine shows this:"}}, []file{{"my plan.png", screenshot(t, 80, 60)}})
	expect(t, p, http.StatusOK, "1 image was added")
	body := formBody(t, p)
	shot := uploadPath.FindString(body)
	p = ken.post(fmt.Sprintf("/t/%d/replies", id), url.Values{"body": {body}})
	if !replied(p) {
		t.Fatalf("reply: %d %s", p.Status, p.Location)
	}
	expect(t, f.browser().get(shot), http.StatusOK)

	if err := f.srv.Store.GrantRole(context.Background(), "hana", models.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	var replyID int64
	fmt.Sscanf(p.Location[strings.Index(p.Location, "#p")+2:], "%d", &replyID)
	edit := hana.get(fmt.Sprintf("/p/%d/edit", replyID))
	expect(t, edit, http.StatusOK, "Images in this post", `<img src="`+shot+`"`)
	p = hana.post(fmt.Sprintf("/p/%d/images/remove", replyID), url.Values{"image": {strings.TrimSuffix(strings.TrimPrefix(shot, "/u/"), ".png")}, "reason": {"shows an invoice number"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("remove: %d\n%s", p.Status, p.Body)
	}
	if img := f.browser().get(shot); img.Status != http.StatusNotFound {
		t.Errorf("a removed image is still served: %d", img.Status)
	}
	expect(t, f.browser().get(thread), http.StatusOK, "[image removed by a moderator]")
	expect(t, hana.get("/admin/audit"), http.StatusOK, "Removed an image from the post", "shows an invoice number")
}
