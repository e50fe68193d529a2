package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"hiroba/app"
	"hiroba/migrations"
)

// The footer's theme switch is a plain link: it works without script, keeps
// the choice in a cookie, and the server marks <html> with it, so the page
// is drawn in the chosen colours from the first paint.
func TestThemeSwitch(t *testing.T) {
	t.Parallel()
	f := newForum(t, migrations.SQLite)
	b := f.browser()
	home := b.get("/c/billing")
	expect(t, home, http.StatusOK, `<html lang="en">`, `<meta name="color-scheme" content="light dark">`,
		`<strong aria-current="true">System</strong>`, `href="/theme/dark?next=%2Fc%2Fbilling"`, `href="/theme/light?next=%2Fc%2Fbilling"`)

	p := b.get("/theme/dark?next=/c/billing")
	if p.Status != http.StatusSeeOther || p.Location != "/c/billing" {
		t.Fatalf("choosing dark: %d to %q, want 303 back to /c/billing", p.Status, p.Location)
	}
	if c := p.Header.Get("Set-Cookie"); !strings.Contains(c, "hiroba_theme=dark") || !strings.Contains(c, "SameSite=Lax") {
		t.Errorf("choosing dark set %q", c)
	}
	expect(t, b.get("/c/billing"), http.StatusOK, `<html lang="en" data-theme="dark">`, `<meta name="color-scheme" content="dark">`,
		`<strong aria-current="true">Dark</strong>`, `href="/theme/system?next=%2Fc%2Fbilling"`)

	b.get("/theme/light?next=/")
	expect(t, b.get("/"), http.StatusOK, `<html lang="en" data-theme="light">`, `<strong aria-current="true">Light</strong>`)

	// Following the device again forgets the choice.
	if p := b.get("/theme/system?next=/"); p.Status != http.StatusSeeOther {
		t.Fatalf("choosing system: %d", p.Status)
	}
	if _, kept := b.cookies["hiroba_theme"]; kept {
		t.Error("the theme cookie outlived choosing System")
	}
	refuse(t, b.get("/"), "data-theme")

	// Only the three choices exist, a forged cookie changes nothing, and the
	// way back never leaves the site.
	expect(t, b.get("/theme/purple?next=/"), http.StatusNotFound)
	b.cookies["hiroba_theme"] = `dark><script>`
	refuse(t, b.get("/"), "data-theme", "<script>")
	if p := b.get("/theme/dark?next=//evil.example/x"); p.Location != "/" {
		t.Errorf("next=//evil.example led to %q, want /", p.Location)
	}

	ja := f.browser()
	ja.lang = "ja"
	expect(t, ja.get("/"), http.StatusOK, "表示テーマ", `<strong aria-current="true">端末の設定</strong>`, ">ダーク</a>", ">ライト</a>")
}

// Anonymous pages are cached, and a page carries the theme its visitor
// chose: one visitor's colours never reach another.
func TestPageCacheKeepsThemesApart(t *testing.T) {
	t.Parallel()
	f := newForumWith(t, migrations.SQLite, func(c *app.Config) { c.PageCacheTTL = time.Hour })
	dark := f.browser()
	dark.get("/theme/dark?next=/")
	expect(t, dark.get("/"), http.StatusOK, `data-theme="dark"`)
	refuse(t, f.browser().get("/"), "data-theme")
	light := f.browser()
	light.get("/theme/light?next=/")
	expect(t, light.get("/"), http.StatusOK, `data-theme="light"`)
	expect(t, dark.get("/"), http.StatusOK, `data-theme="dark"`)
}
