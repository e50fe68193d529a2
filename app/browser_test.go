// Browser tests: the paths a person takes through the forum, in headless
// Chromium, with the page's script and content security policy in force.
package app

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"hiroba/migrations"
	"hiroba/models/modeltest"
	"hiroba/models/servicetest"
)

// browserTimeout bounds one test's browser tab, and the browser's start: a
// hung page fails the test instead of stalling the whole run. It bounds a
// hang, not speed: the longest flow (hostile content, a dozen pages) takes
// tens of seconds on a busy two-core machine, so the bound is well above it.
const browserTimeout = 180 * time.Second

// browser is one headless Chromium tab pointed at one test server.
type browser struct {
	t        *testing.T
	ctx      context.Context
	base     string // the server's URL, set once it runs
	shots    string // where screenshots go; empty for none
	problems *pageProblems
}

// The package's tests share one headless Chromium, started by the first
// test that needs it and stopped by TestMain after the last; each test gets
// a browser context of its own in it, so no cookies or storage leak from one
// test to another.
var (
	chromiumOnce sync.Once
	chromiumRoot context.Context // the browser's first tab, parent of the tests' contexts
	chromiumStop = func() {}
	chromiumErr  error
	chromiumMiss error // why there is no browser to start
	// chromiumTabs bounds the tests that drive the browser at once to the
	// cores there are, whatever -parallel lets the package's other tests do:
	// each flow must finish within browserTimeout.
	chromiumTabs = make(chan struct{}, goruntime.GOMAXPROCS(0))
)

// startChromium starts the shared browser with a fresh profile.
func startChromium() {
	path, err := servicetest.ChromiumPath()
	if err != nil {
		chromiumMiss = err
		return
	}
	profile, err := os.MkdirTemp("", "hiroba-chromium-")
	if err != nil {
		chromiumErr = err
		return
	}
	opts := servicetest.ChromiumOptions(path, profile)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	root, cancelRoot := chromedp.NewContext(alloc)
	chromiumStop = func() {
		cancelRoot()
		cancelAlloc() // waits for Chromium to exit, before its profile is removed
		_ = os.RemoveAll(profile)
	}
	// The first run binds the browser's life to root, so the bound on its
	// start is a timer beside it rather than a deadline on it.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(root) }()
	select {
	case err = <-started:
	case <-time.After(browserTimeout):
		err = fmt.Errorf("no answer in %v", browserTimeout)
	}
	if err != nil {
		chromiumStop()
		chromiumStop = func() {}
		chromiumErr = fmt.Errorf("start Chromium %s: %w", path, err)
		return
	}
	chromiumRoot = root
}

// newChromium opens a tab for the test in a browser context of its own, in
// the package's Chromium, and closes it when the test ends. Without a
// browser the test is skipped, except under CI, where a skipped browser test
// would hide a broken setup.
func newChromium(t *testing.T) *browser {
	t.Helper()
	chromiumOnce.Do(startChromium)
	if chromiumMiss != nil {
		chromiumStatus.Missing("not found at $HIROBA_CHROMIUM, /usr/bin/chromium or on PATH: " + chromiumMiss.Error())
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium is required under CI but was not found (set HIROBA_CHROMIUM): %v", chromiumMiss)
		}
		t.Skipf("no Chromium found at $HIROBA_CHROMIUM, /usr/bin/chromium or on PATH (install Debian's chromium): %v", chromiumMiss)
	}
	if chromiumErr != nil {
		t.Fatal(chromiumErr)
	}
	chromiumStatus.Ran()
	waiting := time.Now()
	chromiumTabs <- struct{}{}
	t.Cleanup(func() { <-chromiumTabs })
	if waited := time.Since(waiting); waited > time.Second {
		t.Logf("waited %v for another test's tab to close", waited.Round(time.Millisecond))
	}
	timeout, cancelTimeout := context.WithTimeout(chromiumRoot, browserTimeout)
	problems := &pageProblems{}
	ctx, cancelTab := chromedp.NewContext(timeout, chromedp.WithNewBrowserContext(), chromedp.WithListener(problems.record))
	t.Cleanup(func() {
		cancelTab() // closes the tab and its browser context, and with them their connections
		cancelTimeout()
	})
	start := time.Now()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab in Chromium: %v", err)
	}
	t.Logf("tab opened in %v", time.Since(start).Round(time.Millisecond))
	t.Cleanup(func() { problems.check(t) })
	return &browser{t: t, ctx: ctx, shots: os.Getenv("HIROBA_SCREENSHOTS"), problems: problems}
}

// pageProblems collects what the pages report to the console: uncaught
// exceptions, console errors, and browser log errors, which is where CSP
// violations and failed loads of assets appear.
type pageProblems struct {
	mu       sync.Mutex
	errors   []string
	warnings []string
	expected []string // browser log texts that a step announced
}

// record runs on the tab's event loop, so it only files the event.
func (p *pageProblems) record(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		p.errors = append(p.errors, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, text))
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert &&
			ev.Type != runtime.ConsoleAPICalledTypeWarning {
			return
		}
		var args []string
		for _, a := range ev.Args {
			if a.Description != "" {
				args = append(args, a.Description)
			} else {
				args = append(args, string(a.Value))
			}
		}
		msg := fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
		if ev.Type == runtime.ConsoleAPICalledTypeWarning {
			p.warnings = append(p.warnings, msg)
		} else {
			p.errors = append(p.errors, msg)
		}
	case *log.EventEntryAdded:
		e := ev.Entry
		msg := fmt.Sprintf("%s %s: %s (%s)", e.Source, e.Level, e.Text, e.URL)
		switch {
		case strings.Contains(e.Text, "Content Security Policy"):
			p.errors = append(p.errors, msg)
		case e.Level == log.EntryLevelError && p.takeExpected(e.Text):
		case e.Level == log.EntryLevelError:
			p.errors = append(p.errors, msg)
		case e.Level == log.EntryLevelWarning:
			p.warnings = append(p.warnings, msg)
		}
	}
}

// expect announces a browser log error that a step causes on purpose, such as
// the failed-load line Chromium writes for a 422 answer to a refused form.
func (p *pageProblems) expect(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expected = append(p.expected, text)
}

func (p *pageProblems) takeExpected(text string) bool {
	for i, want := range p.expected {
		if strings.Contains(text, want) {
			p.expected = append(p.expected[:i], p.expected[i+1:]...)
			return true
		}
	}
	return false
}

func (p *pageProblems) check(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, w := range p.warnings {
		t.Logf("page warning: %s", w)
	}
	for _, e := range p.errors {
		t.Errorf("page error: %s", e)
	}
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

// open loads a page of the forum and requires it to answer 200.
func (b *browser) open(path string) {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	if resp.Status != 200 {
		b.t.Fatalf("open %s: status %d", path, resp.Status)
	}
}

// follow runs steps that leave the page, such as a click on a link or a
// submit button, waits for the next page to load and checks its status.
func (b *browser) follow(status int64, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, steps...)
	if err != nil {
		b.t.Fatalf("waiting for the next page: %v", err)
	}
	if resp == nil {
		b.t.Fatal("the step did not load a page")
	}
	if resp.Status != status {
		b.t.Fatalf("%s answered %d, want %d", resp.URL, resp.Status, status)
	}
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func (b *browser) value(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("value of %s: %v", sel, err)
	}
	return s
}

func (b *browser) count(sel string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", sel)))
	if err != nil {
		b.t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

// location is the address bar without scheme and host.
func (b *browser) location() *url.URL {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	u, err := url.Parse(s)
	if err != nil {
		b.t.Fatal(err)
	}
	return u
}

// byText selects an element of the tag by its visible label, as a person
// finds it.
func byText(tag, label string) chromedp.Search {
	return chromedp.Search(fmt.Sprintf("//%s[normalize-space()=%q]", tag, label))
}

// shot saves a full-page screenshot when HIROBA_SCREENSHOTS names a folder.
func (b *browser) shot(name string) {
	b.t.Helper()
	if b.shots == "" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(b.shots, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// signIn fills in the development sign-in form the browser is showing.
func (b *browser) signIn(username string) {
	b.t.Helper()
	b.do(chromedp.WaitVisible(chromedp.ID("username")), chromedp.SendKeys(chromedp.ID("username"), username))
	b.follow(200, chromedp.Click(chromedp.CSS(".dev-login button[type=submit]")))
	if got := b.text(".site-header .me-name"); got != username {
		b.t.Fatalf("header shows %q signed in, want %q", got, username)
	}
}

// signOut opens the account menu and signs out, as a person does.
func (b *browser) signOut() {
	b.t.Helper()
	if b.count("details.account-menu[open]") == 0 {
		b.do(chromedp.Click(chromedp.CSS("details.account-menu > summary")))
	}
	b.follow(200, chromedp.Click(byText("button", "Sign out")))
}

func TestBrowserAskAndReply(t *testing.T) {
	t.Parallel()
	for _, dialect := range modeltest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			_, base := startServer(t, testConfig(t, dialect))
			// Started after the server so that it closes first: the server's
			// shutdown would otherwise wait on the browser's open connections.
			b := newChromium(t)
			b.base = base
			// The pages do not depend on the database; one set of pictures is enough.
			if dialect != migrations.SQLite {
				b.shots = ""
			}
			askAndReply(b)
		})
	}
}

func askAndReply(b *browser) {
	t := b.t
	const (
		title = "請求書が届きません"
		body  = "Since March the **invoice email** never arrives.\n\n- plan: Team\n- checked spam"
		reply = "Check **Billing › Invoices**"
		// A pasted address is one long word: on a phone it must wrap, not
		// push the page sideways.
		kenReply = "Same here. The **Download** button works: https://example.com/account/billing/invoices?period=2026-03&format=pdf&download=true"
	)

	b.open("/login")
	b.shot("login")
	b.signIn("hana")

	b.follow(200, chromedp.Click(byText("a", "Ask a question")))
	if got := b.location().Path; got != "/new" {
		t.Fatalf("Ask a question led to %s", got)
	}
	billing, err := chromedp.Run(b.ctx, chromedp.AttributeValue(
		chromedp.Search(`//select[@id="category"]/option[starts-with(normalize-space(), "Billing")]`), "value"))
	if err != nil || billing.Value == "" {
		t.Fatalf("no Billing category in the composer: %v", err)
	}

	// Too short a title comes back refused, with the reason beside the field
	// and nothing the person typed lost. Three characters but nine bytes:
	// the limit counts characters.
	b.do(
		chromedp.SetValue(chromedp.ID("category"), billing.Value),
		chromedp.SendKeys(chromedp.ID("title"), "請求書"),
		chromedp.SendKeys(chromedp.ID("body"), body),
	)
	b.problems.expect("status of 422")
	b.follow(422, chromedp.Click(byText("button", "Post your question")))
	if got := b.text("#title-error"); !strings.Contains(got, "The title needs 6 to 200 characters") || !strings.Contains(got, "(it has 3)") {
		t.Errorf("title error = %q", got)
	}
	if n := b.count(`#title[aria-invalid="true"][aria-describedby~="title-error"]`); n != 1 {
		t.Error("the title field is not marked invalid and tied to its error")
	}
	if got := b.value("#body"); got != body {
		t.Errorf("body after refusal = %q, want what was typed", got)
	}
	if got := b.value("#title"); got != "請求書" {
		t.Errorf("title after refusal = %q", got)
	}
	if got := b.value("#category"); got != billing.Value {
		t.Errorf("category after refusal = %q, want Billing (%s)", got, billing.Value)
	}
	b.shot("compose-error")

	b.do(chromedp.Clear(chromedp.ID("title")), chromedp.SendKeys(chromedp.ID("title"), title))
	b.follow(200, chromedp.Click(byText("button", "Post your question")))
	thread := b.location()
	if !strings.HasPrefix(thread.Path, "/t/") {
		t.Fatalf("posting led to %s, want a thread", thread)
	}
	if got := b.text("h1"); got != title {
		t.Errorf("h1 = %q, want %q", got, title)
	}
	if got := b.text("li.post.question .post-body strong"); got != "invoice email" {
		t.Errorf("rendered body strong = %q", got)
	}
	if n := b.count("li.post.question .post-body li"); n != 2 {
		t.Errorf("rendered body has %d list items, want 2", n)
	}
	if got := b.text(".breadcrumb"); !strings.Contains(got, "Billing") {
		t.Errorf("breadcrumb %q does not name Billing", got)
	}

	b.do(chromedp.SendKeys(chromedp.ID("body"), reply))
	b.follow(200, chromedp.Click(byText("button", "Post reply")))
	if n := b.count("ol.posts > li.post"); n != 2 {
		t.Fatalf("%d posts after the reply, want 2", n)
	}
	landed := b.location()
	lastID, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("ol.posts > li.post:last-child").id`))
	if err != nil {
		t.Fatal(err)
	}
	if landed.Path != thread.Path || landed.Fragment != lastID {
		t.Errorf("after replying the address is %s, want %s#%s", landed, thread.Path, lastID)
	}
	if got := b.text("ol.posts > li.post:last-child .post-body strong"); got != "Billing › Invoices" {
		t.Errorf("reply strong = %q", got)
	}
	b.shot("thread")

	b.open("/")
	if got := b.text(".thread-list .thread-title"); got != title {
		t.Errorf("home lists %q, want the new thread", got)
	}
	b.shot("home")

	// A second person in the same browser: signing out must really end
	// hana's session, and signing in from the thread must come back to it.
	b.signOut()
	if n := b.count(".site-header .me-name"); n != 0 {
		t.Fatal("still signed in after Sign out")
	}
	b.open(thread.Path)
	b.follow(200, chromedp.Click(chromedp.CSS(`.site-header a[href^="/login"]`)))
	b.signIn("ken")
	if got := b.location().Path; got != thread.Path {
		t.Errorf("signing in from the thread led to %s, want back to %s", got, thread.Path)
	}
	b.do(chromedp.SendKeys(chromedp.ID("body"), kenReply))
	b.follow(200, chromedp.Click(byText("button", "Post reply")))
	if n := b.count("ol.posts > li.post"); n != 3 {
		t.Fatalf("%d posts after ken's reply, want 3", n)
	}
	authors, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("ol.posts .author")].map(a => a.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(authors, ","); got != "hana,hana,ken" {
		t.Errorf("post authors = %s, want hana,hana,ken", got)
	}

	// A phone-sized screen, where nothing should need sideways scrolling.
	b.do(chromedp.EmulateViewport(360, 800, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	b.open(thread.Path)
	b.checkFits("thread at 360px")
	b.shot("thread-360")
	b.do(chromedp.EmulateViewport(1280, 900))

	b.follow(200, chromedp.Click(chromedp.CSS(`.languages a[hreflang="ja"]`)))
	if got := b.location().Path; got != thread.Path {
		t.Errorf("switching language led to %s, want back to %s", got, thread.Path)
	}
	if lang, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.documentElement.lang`)); err != nil || lang != "ja" {
		t.Errorf("html lang = %q (%v), want ja", lang, err)
	}
	if got := b.text("#reply-heading"); got == "Your reply" {
		t.Error("the reply heading is still in English after choosing 日本語")
	}
	if got := b.text(".breadcrumb"); !strings.Contains(got, "請求とサブスクリプション") {
		t.Errorf("breadcrumb %q does not name the category in Japanese", got)
	}
	b.shot("thread-ja")
	b.do(chromedp.EmulateViewport(360, 800, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	b.open(thread.Path)
	b.checkFits("Japanese thread at 360px")
	b.shot("thread-ja-360")
}

// checkFits fails for elements that reach past the right edge of the
// screen, which on a phone means sideways scrolling to read a post.
func (b *browser) checkFits(what string) {
	b.t.Helper()
	wide, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`(() => {
		const root = document.documentElement, edge = root.clientWidth, out = [];
		if (root.scrollWidth > edge) out.push("the page is " + root.scrollWidth + "px wide");
		for (const el of document.querySelectorAll("body *")) {
			const r = el.getBoundingClientRect();
			if (r.width > 0 && r.right > edge + 1) {
				out.push([el.tagName.toLowerCase(), ...el.classList].join(".") + " ends at " + Math.round(r.right) + "px");
			}
		}
		return out.slice(0, 10);
	})()`))
	if err != nil {
		b.t.Fatal(err)
	}
	if len(wide) > 0 {
		b.t.Errorf("%s: past the right edge: %s", what, strings.Join(wide, ", "))
	}
}
