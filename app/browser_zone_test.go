package app

import (
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"hiroba/migrations"
	"hiroba/models"
	"hiroba/views"
)

// A reader in New York reads times in New York's zone from their second
// page on: the page's script tells the server the browser's zone. Signed
// in, they find it chosen on the settings page, and once saved it holds
// wherever the browser is.
func TestBrowserTimesInTheBrowsersZone(t *testing.T) {
	t.Parallel()
	srv, base := startServer(t, testConfig(t, migrations.SQLite))
	b := newChromium(t)
	b.base = base
	users, err := srv.Store.ImportUsers(t.Context(), []models.User{{Username: "yuki"}})
	if err != nil {
		t.Fatal(err)
	}
	threads, err := srv.Store.ImportThreads(t.Context(), []models.ImportedThread{{
		CategoryID: 1, Title: "Receipts for last year",
		Posts: []models.ImportedPost{{UserID: users[0].ID, Body: "Where are they?", CreatedAt: time.Date(2026, 2, 20, 0, 42, 0, 0, time.UTC)}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	thread := views.ThreadPath(threads[0].ID, threads[0].Slug)
	inZone := func(zone string) {
		t.Helper()
		if _, err := chromedp.Call(b.ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone}); err != nil {
			t.Fatal(err)
		}
	}
	asked := func() string {
		t.Helper()
		return evalJS[string](b, `document.querySelector('.post time[datetime="2026-02-20T00:42:00Z"]').textContent`)
	}

	inZone("America/New_York")
	b.open(thread)
	if got := asked(); got != "Feb 20, 2026 00:42 UTC" {
		t.Errorf("first page, before the browser told its zone: %q", got)
	}
	b.open(thread)
	if got := asked(); got != "Feb 19, 2026 19:42 EST" {
		t.Errorf("in New York: %q", got)
	}

	b.signInAs("hana")
	b.open("/settings/notifications")
	if got := b.value("#tz"); got != "America/New_York" {
		t.Fatalf("the zone select guessed %q", got)
	}
	b.shot("settings-time-zone")
	b.follow(200, chromedp.Click(byText("button", "Save")))
	// Saved, the choice holds when the browser is elsewhere.
	inZone("Asia/Tokyo")
	b.open(thread)
	b.open(thread)
	if got := asked(); got != "Feb 19, 2026 19:42 EST" {
		t.Errorf("hana's chosen zone: %q", got)
	}
	// The browser's report follows the browser; the server just does not
	// need it for hana.
	if !evalJS[bool](b, `document.cookie.split("; ").indexOf("hiroba_tz=Asia/Tokyo") >= 0`) {
		t.Errorf("cookies %q", evalJS[string](b, `document.cookie`))
	}
}
