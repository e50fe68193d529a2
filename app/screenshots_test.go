package app

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"hiroba/migrations"
)

// TestReadmeScreenshots takes the README's pictures of a seeded forum, in
// public/screenshots. It runs only when asked:
//
//	HIROBA_README_SCREENSHOTS=1 go test ./app -run TestReadmeScreenshots
func TestReadmeScreenshots(t *testing.T) {
	if os.Getenv("HIROBA_README_SCREENSHOTS") == "" {
		t.Skip("set HIROBA_README_SCREENSHOTS=1 to take the README's screenshots")
	}
	cfg := testConfig(t, migrations.SQLite)
	// A public address turns the development sign-in, and its banner, off:
	// the pictures show the forum as visitors see it.
	cfg.BaseURL = "http://forum.example"
	if err := seedForum(t.Context(), cfg, []string{"--threads", "80", "--replies", "3"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	srv, base := startServer(t, cfg)
	b := newChromium(t)
	b.base = base
	ja, en := seedFirstScreen(t, srv)
	dir := filepath.Join("..", "public", "screenshots")

	picture := func(name string, width, height int64, mobile bool, path string) {
		t.Helper()
		if mobile {
			b.do(chromedp.EmulateViewport(width, height, chromedp.EmulateMobile, chromedp.EmulatePortrait))
		} else {
			b.do(chromedp.EmulateViewport(width, height))
		}
		b.open(path)
		png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b.device("light")
	picture("light", 1280, 800, false, "/")
	b.open("/theme/dark?next=/")
	picture("dark", 1280, 800, false, fmt.Sprintf("/t/%d/%s", en.ID, en.Slug))
	b.open("/theme/system?next=/")
	picture("phone", 360, 740, true, fmt.Sprintf("/t/%d/%s", ja.ID, ja.Slug))
	b.open("/lang/ja?next=/")
	picture("japanese", 1280, 800, false, "/search?q=%E8%AB%8B%E6%B1%82")
}
