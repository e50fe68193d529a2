package app

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"hiroba/migrations"
	"hiroba/models"
)

// Long titles and questions, as people write them, so the first screen is
// measured with the space they really take.
const (
	jaTitle    = "請求書のメールが三月から届かず、経理への提出期限に間に合いません"
	jaQuestion = "三月分から請求書のメールが届かなくなりました。迷惑メールフォルダも確認しましたが見当たりません。経理への提出期限が近いので困っています。\n\n- プラン: チーム\n- 支払い方法: クレジットカード"
	enTitle    = "After enabling two-factor authentication I can no longer sign in on my phone"
	enQuestion = "Since I turned on two-factor authentication yesterday, the mobile app keeps asking for a code and then rejects it. The desktop site works fine with the same code.\n\nI already checked that the phone's clock is set automatically."
	jaSolution = "設定 › 請求 › 請求書 の「再送信」ボタンで届きました。メールアドレスが古いままになっていないかも確認してください。経理の担当者を追加すると、その人にも直接送られます。"
)

// seedFirstScreen fills a forum with a Japanese question that has a long
// accepted solution and an English one, and makes hana an admin, whose
// account menu is the longest.
func seedFirstScreen(t *testing.T, srv *Server) (ja, en models.Thread) {
	t.Helper()
	hana, ken := seedUser(t, srv, "hana"), seedUser(t, srv, "ken")
	ja = seedThread(t, srv, hana, "billing", jaTitle, jaQuestion)
	en = seedThread(t, srv, ken, "account", enTitle, enQuestion)
	answer := seedReply(t, srv, ken, ja.ID, jaSolution)
	seedReply(t, srv, hana, ja.ID, "ありがとうございます、届きました!")
	seedReply(t, srv, hana, en.ID, "Does the app show the right time zone under Settings › Security?")
	if _, err := srv.Store.MarkSolution(t.Context(), hana, ja.ID, answer.ID); err != nil {
		t.Fatal(err)
	}
	if err := srv.Store.GrantRole(t.Context(), "hana", models.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	return ja, en
}

// firstScreen is where things sit on the page, in CSS pixels from the top
// of the viewport.
type firstScreen struct {
	Viewport float64 `json:"viewport"`
	Title    float64 `json:"title"`    // bottom of the thread's title, or the first result's
	FirstRow float64 `json:"firstRow"` // bottom of the question's first line, or the snippet's
	// The header: its height, the logo's and the account control's
	// vertical centres, and the search box's (-1 without one).
	Header  float64 `json:"header"`
	Logo    float64 `json:"logo"`
	Account float64 `json:"account"`
	Search  float64 `json:"search"`
	Boxes   int     `json:"boxes"` // search boxes on the page
}

// measureJS measures a page for firstScreen; %q is the selector of the
// title and %q the element whose first line of text must show.
const measureJS = `(() => {
  const box = sel => { const el = document.querySelector(sel); return el ? el.getBoundingClientRect() : null; };
  const mid = r => r ? (r.top + r.bottom) / 2 : -1;
  const firstLine = sel => {
    const root = document.querySelector(sel);
    if (!root) return 1e9;
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT,
      { acceptNode: n => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP });
    const text = walk.nextNode();
    if (!text) return 1e9;
    const at = text.textContent.search(/\S/), r = document.createRange();
    r.setStart(text, at); r.setEnd(text, at + 1);
    return r.getBoundingClientRect().bottom;
  };
  const title = box(%q);
  return {
    viewport: window.innerHeight, title: title ? title.bottom : 1e9, firstRow: firstLine(%q),
    header: box(".site-header").height, logo: mid(box(".brand img")),
    account: mid(box("details.account-menu > summary") || box(".user-nav .sign-in")),
    search: mid(box(".site-header .header-search")),
    boxes: document.querySelectorAll("input[type=search]").length,
  };
})()`

func (b *browser) measure(title, firstRow string) firstScreen {
	b.t.Helper()
	return evalJS[firstScreen](b, fmt.Sprintf(measureJS, title, firstRow))
}

// checkHeaderRow fails when the header takes more than one row: the
// account control and the search box sit on the logo's row.
func (b *browser) checkHeaderRow(what string, m firstScreen) {
	b.t.Helper()
	if m.Header > 64 {
		b.t.Errorf("%s: the header is %.0fpx tall, more than one row", what, m.Header)
	}
	if d := m.Account - m.Logo; d < -4 || d > 4 {
		b.t.Errorf("%s: the account control is %.0fpx off the logo's row", what, d)
	}
	if m.Search >= 0 && (m.Search-m.Logo < -4 || m.Search-m.Logo > 4) {
		b.t.Errorf("%s: the search box is %.0fpx off the logo's row", what, m.Search-m.Logo)
	}
}

// On a 360×740 phone the first screen shows what the page is for: on a
// thread, its title and the first line of the question (a long solution
// follows the question, not before it); on a search, the first result. The
// header is one row, in English and Japanese, signed in or not.
func TestBrowserFirstScreenOnPhone(t *testing.T) {
	t.Parallel()
	srv, base := startServer(t, testConfig(t, migrations.SQLite))
	b := newChromium(t)
	b.base = base
	ja, en := seedFirstScreen(t, srv)
	threads := map[string]models.Thread{"ja": ja, "en": en}
	queries := map[string]string{"ja": "請求書", "en": "two-factor phone"}

	phone := func() { b.do(chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulatePortrait)) }
	phone()
	for _, who := range []string{"anonymous", "signed in"} {
		if who == "signed in" {
			b.do(chromedp.EmulateViewport(1280, 900))
			b.open("/login")
			b.signIn("hana")
			phone()
		}
		for _, lang := range []string{"en", "ja"} {
			b.open("/lang/" + lang + "?next=/")
			if got := evalJS[string](b, "document.documentElement.lang"); got != lang {
				t.Fatalf("<html lang> = %q after choosing %s", got, lang)
			}
			for _, th := range []models.Thread{threads["ja"], threads["en"]} {
				what := fmt.Sprintf("%s, %s page, thread %q", who, lang, th.Title)
				b.open(fmt.Sprintf("/t/%d/%s", th.ID, th.Slug))
				m := b.measure("h1", "li.post.question .post-body")
				t.Logf("%s: title ends at %.0fpx, the question's first line at %.0fpx, header %.0fpx", what, m.Title, m.FirstRow, m.Header)
				if m.Title > m.Viewport {
					t.Errorf("%s: the title ends at %.0fpx, below the %.0fpx screen", what, m.Title, m.Viewport)
				}
				if m.FirstRow > m.Viewport {
					t.Errorf("%s: the question's first line ends at %.0fpx, below the %.0fpx screen", what, m.FirstRow, m.Viewport)
				}
				b.checkHeaderRow(what, m)
				b.checkFits(what)
				b.shot(fmt.Sprintf("phone-%s-%s-thread-%s", strings.ReplaceAll(who, " ", "-"), lang, th.TitleLang))
			}
			for _, q := range queries {
				what := fmt.Sprintf("%s, %s page, search %q", who, lang, q)
				b.open("/search?q=" + url.QueryEscape(q))
				m := b.measure(".search-results > li .thread-title", ".search-results > li .snippet")
				t.Logf("%s: the first result's title ends at %.0fpx, its first line at %.0fpx", what, m.Title, m.FirstRow)
				if m.Title > m.Viewport || m.FirstRow > m.Viewport {
					t.Errorf("%s: the first result ends at %.0fpx (title) and %.0fpx (first line), below the %.0fpx screen", what, m.Title, m.FirstRow, m.Viewport)
				}
				if m.Boxes != 1 || m.Search != -1 {
					t.Errorf("%s: %d search boxes, header box at %.0f; want the page's own only", what, m.Boxes, m.Search)
				}
				b.checkHeaderRow(what, m)
				b.checkFits(what)
			}
		}
	}
	b.do(chromedp.EmulateViewport(1280, 900))
}

// The account menu opens, shows the pages the viewer's role allows and
// signs out with script turned off; the theme switch works the same way.
func TestBrowserMenuAndThemeWithoutScript(t *testing.T) {
	t.Parallel()
	srv, base := startServer(t, testConfig(t, migrations.SQLite))
	b := newChromium(t)
	b.base = base
	seedFirstScreen(t, srv)
	b.open("/login")
	b.signIn("hana")
	b.scripts(false)
	b.open("/")
	if n := b.count("details.account-menu[open]"); n != 0 {
		t.Fatal("the account menu starts open")
	}
	b.do(chromedp.Click(chromedp.CSS("details.account-menu > summary")))
	links := evalJS[[]string](b, `[...document.querySelectorAll("details.account-menu .menu a")].filter(a => a.offsetParent).map(a => a.getAttribute("href"))`)
	if got := strings.Join(links, " "); got != "/u/hana /notifications /settings/notifications /review /mod/known-issues /admin/settings /admin/categories /admin/dashboard /admin/rules /admin/words /admin/audit" {
		t.Errorf("an admin's open menu shows %q", got)
	}
	b.shot("menu-open")
	bg := func() string {
		return evalJS[string](b, `getComputedStyle(document.documentElement).backgroundColor`)
	}
	light, dark := "rgb(247, 247, 245)", "rgb(18, 20, 24)"
	if got := bg(); got != light {
		t.Errorf("background %s before any choice on a light device, want %s", got, light)
	}
	b.device("dark")
	if got := bg(); got != dark {
		t.Errorf("background %s on a dark device, want %s: the theme does not follow the device", got, dark)
	}
	b.follow(200, chromedp.Click(byText("a", "Light")))
	if got := attr(b, chromedp.CSS("html"), "data-theme"); got != "light" {
		t.Errorf("<html data-theme> = %q after choosing Light", got)
	}
	if got := bg(); got != light {
		t.Errorf("background %s after choosing Light on a dark device, want %s", got, light)
	}
	b.device("light")
	b.follow(200, chromedp.Click(byText("a", "Dark")))
	if got := bg(); got != dark {
		t.Errorf("background %s after choosing Dark on a light device, want %s", got, dark)
	}
	b.do(chromedp.Click(chromedp.CSS("details.account-menu > summary")))
	b.shot("menu-open-dark")
	b.signOut()
	if n := b.count("details.account-menu"); n != 0 {
		t.Error("still signed in after Sign out without script")
	}
	b.scripts(true)
}

// scripts turns the page's JavaScript on or off.
func (b *browser) scripts(on bool) {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		b.t.Fatal(err)
	}
}

// device sets the colour scheme the device prefers: "light" or "dark".
func (b *browser) device(scheme string) {
	b.t.Helper()
	features := []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: features}); err != nil {
		b.t.Fatal(err)
	}
}
