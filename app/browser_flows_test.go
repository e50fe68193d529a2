// Browser tests of whole flows: finding an answer while asking, a question
// solved by another person, and hostile posts that must stay inert text.
package app

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"hiroba/migrations"
	"hiroba/models"
	"hiroba/models/modeltest"
)

// waitTimeout bounds one wait for something the page's script does, well
// inside browserTimeout, so a missing element fails with its own name.
const waitTimeout = 8 * time.Second

// newPerson opens a tab in a browser context of its own in the same
// Chromium: a second person with their own cookies and storage, without the
// cost of a second browser.
func (b *browser) newPerson() *browser {
	t := b.t
	t.Helper()
	problems := &pageProblems{}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(problems.record))
	t.Cleanup(func() { problems.check(t) })
	t.Cleanup(cancel) // runs first: the tab closes before its problems are read
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a second browser context: %v", err)
	}
	return &browser{t: t, ctx: ctx, base: b.base, shots: b.shots, problems: problems}
}

// within runs steps that wait on the page with a deadline of their own.
func (b *browser) within(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func attr[S chromedp.Selectable](b *browser, sel S, name string) string {
	b.t.Helper()
	r, err := chromedp.Run(b.ctx, chromedp.AttributeValue(sel, name))
	if err != nil {
		b.t.Fatalf("attribute %s of %v: %v", name, sel, err)
	}
	return r.Value
}

func evalJS[T any](b *browser, expr string, opts ...chromedp.EvaluateOption) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		b.t.Fatalf("evaluate %.60q: %v", expr, err)
	}
	return v
}

// signInAs opens the sign-in page and signs in with the development form.
func (b *browser) signInAs(username string) {
	b.t.Helper()
	b.open("/login")
	b.signIn(username)
}

// chooseCategory picks a category in the composer by the start of its name.
func (b *browser) chooseCategory(name string) {
	b.t.Helper()
	v := attr(b, chromedp.Search(fmt.Sprintf(`//select[@id="category"]/option[starts-with(normalize-space(), %q)]`, name)), "value")
	if v == "" {
		b.t.Fatalf("no %s category in the composer", name)
	}
	b.do(chromedp.SetValue(chromedp.ID("category"), v))
}

// seedUser makes a user as the development sign-in would, so that signing
// in with the same name later is the same person.
func seedUser(t *testing.T, srv *Server, name string) models.User {
	t.Helper()
	u, _, err := srv.Store.SignInUser(t.Context(), models.SignIn{Provider: "dev", ProviderUserID: name, Nickname: name, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func seedThread(t *testing.T, srv *Server, author models.User, category, title, body string) models.Thread {
	t.Helper()
	cat, err := srv.Store.CategoryBySlug(t.Context(), category)
	if err != nil {
		t.Fatal(err)
	}
	th, err := srv.Store.CreateThread(t.Context(), models.NewThread{UserID: author.ID, CategoryID: cat.ID, Title: title, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	return th
}

func seedReply(t *testing.T, srv *Server, author models.User, threadID int64, body string) models.Post {
	t.Helper()
	p, err := srv.Store.CreateReply(t.Context(), models.NewReply{ThreadID: threadID, UserID: author.ID, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// eachDialect runs a browser test on every database, in parallel, each with
// its own server and browser context.
func eachDialect(t *testing.T, run func(t *testing.T, srv *Server, b *browser)) {
	t.Parallel()
	for _, dialect := range modeltest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			srv, base := startServer(t, testConfig(t, dialect))
			// Started after the server so that it closes first, as in
			// TestBrowserAskAndReply.
			b := newChromium(t)
			b.base = base
			if dialect != migrations.SQLite {
				b.shots = ""
			}
			run(t, srv, b)
			t.Logf("flow took %v", time.Since(start).Round(time.Millisecond))
		})
	}
}

func TestBrowserSimilarThreadsWhileAsking(t *testing.T) {
	eachDialect(t, func(t *testing.T, srv *Server, b *browser) {
		const (
			charged  = "Charged twice for my subscription"
			invoice  = "請求書が届きません"
			unrelate = "Dark mode resets after every update"
		)
		mio := seedUser(t, srv, "mio")
		seedThread(t, srv, mio, "billing", charged, "My card shows two payments for March.")
		jp := seedThread(t, srv, mio, "billing", invoice, "3月から請求書のメールが届きません。")
		seedThread(t, srv, mio, "using", unrelate, "The setting does not stick.")

		b.signInAs("sora")
		b.open("/new")
		// Typed key by key, as a person does: the script waits for a pause,
		// asks the server and shows only the newest answer.
		b.do(chromedp.SendKeys(chromedp.ID("title"), "charged twice this month"))
		link := chromedp.Search(fmt.Sprintf(`//*[@data-similar]//section[contains(@class,"similar")]//a[normalize-space()=%q]`, charged))
		b.within("the similar threads never appeared", chromedp.WaitVisible(link))
		if got := b.text("[data-similar] #similar-heading"); got != "These threads may already answer your question" {
			t.Errorf("similar heading = %q", got)
		}
		if got := b.text("[data-similar]"); strings.Contains(got, unrelate) {
			t.Errorf("the similar threads list an unrelated thread: %q", got)
		}
		b.shot("compose-similar")
		b.follow(200, chromedp.Click(link))
		if got := b.location().Path; !strings.HasPrefix(got, "/t/") {
			t.Fatalf("the similar thread's link led to %s", got)
		}
		if got := b.text("h1"); got != charged {
			t.Errorf("h1 = %q, want %q", got, charged)
		}

		// The header's search box, in Japanese: no spaces between words, so
		// a part of a word must find the thread and be marked in its title.
		b.do(chromedp.SendKeys(chromedp.ID("header-q"), "請求"))
		b.follow(200, chromedp.Click(chromedp.CSS(".header-search button[type=submit]")))
		if got := b.location(); got.Path != "/search" || got.Query().Get("q") != "請求" {
			t.Fatalf("the header search led to %s", got)
		}
		if n := b.count(".search-results > li"); n != 1 {
			t.Errorf("%d results for 請求, want 1: %s", n, b.text("main"))
		}
		title, err := chromedp.Run(b.ctx, chromedp.InnerHTML(chromedp.CSS(".search-results a.thread-title")))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(title, "<mark>請求</mark>") {
			t.Errorf("result title = %q, want 請求 marked", title)
		}
		if got := b.text(".search-results a.thread-title"); got != invoice {
			t.Errorf("result title text = %q, want %q", got, invoice)
		}
		b.shot("search-ja")
		b.follow(200, chromedp.Click(chromedp.CSS(".search-results a.thread-title")))
		landed := b.location()
		if want := fmt.Sprintf("p%d", jp.FirstPostID); landed.Fragment != want || !strings.HasPrefix(landed.Path, fmt.Sprintf("/t/%d/", jp.ID)) {
			t.Errorf("the result led to %s, want the thread %d at #%s", landed, jp.ID, want)
		}
		if n := b.count("#" + landed.Fragment + ".post"); n != 1 {
			t.Errorf("no post with the anchor #%s on the page", landed.Fragment)
		}
		if got := b.text("h1"); got != invoice {
			t.Errorf("h1 = %q, want %q", got, invoice)
		}
	})
}

func TestBrowserSolveFlow(t *testing.T) {
	eachDialect(t, func(t *testing.T, srv *Server, asker *browser) {
		const (
			title = "Export to CSV drops accented letters"
			body  = "When I export my projects, **é** and **ü** turn into question marks."
			reply = "Choose **UTF-8 with BOM** under Settings › Export; Excel needs the BOM."
		)
		// Another open question, so that the Unsolved list is not empty
		// merely because nothing is unsolved.
		other := seedThread(t, srv, seedUser(t, srv, "mio"), "using", "Dark mode resets after every update", "It does not stick.")

		asker.signInAs("aiko")
		asker.follow(200, chromedp.Click(byText("a", "Ask a question")))
		asker.chooseCategory("Using")
		asker.do(chromedp.SendKeys(chromedp.ID("title"), title), chromedp.SendKeys(chromedp.ID("body"), body))
		asker.follow(200, chromedp.Click(byText("button", "Post your question")))
		thread := asker.location()
		if !strings.HasPrefix(thread.Path, "/t/") {
			t.Fatalf("asking led to %s", thread)
		}
		if got := attr(asker, chromedp.CSS(".site-header a.bell"), "aria-label"); got != "Notifications, none unread" {
			t.Errorf("bell before any reply = %q", got)
		}

		// The helper is another person: their own cookies, so not signed in
		// as the asker.
		helper := asker.newPerson()
		helper.open(thread.Path)
		if n := helper.count(".site-header .me-name"); n != 0 {
			t.Fatal("the second browser context shares the asker's session")
		}
		helper.signInAs("ren")
		helper.open(thread.Path)
		helper.do(chromedp.SendKeys(chromedp.ID("body"), reply))
		helper.follow(200, chromedp.Click(byText("button", "Post reply")))
		replyAnchor := helper.location().Fragment
		if !strings.HasPrefix(replyAnchor, "p") || helper.count("ol.posts > li.post") != 2 {
			t.Fatalf("after replying: anchor %q, %d posts", replyAnchor, helper.count("ol.posts > li.post"))
		}

		asker.open("/")
		bell := chromedp.CSS(".site-header a.bell")
		if got := attr(asker, bell, "aria-label"); got != "1 unread notification" {
			t.Errorf("bell after the reply = %q, want 1 unread notification", got)
		}
		if got := asker.text(".site-header a.bell .bell-count"); got != "1" {
			t.Errorf("bell count = %q", got)
		}
		if !strings.Contains(" "+attr(asker, bell, "class")+" ", " on ") {
			t.Error("the bell is not lit")
		}
		asker.shot("bell-unread")
		asker.follow(200, chromedp.Click(bell))
		if got := asker.location().Path; got != "/notifications" {
			t.Fatalf("the bell led to %s", got)
		}
		item := ".notifications li.thread-item.unread"
		if n := asker.count(item); n != 1 {
			t.Fatalf("%d unread notifications listed, want 1", n)
		}
		if got, want := asker.text(item+" a.thread-title"), "ren replied to “"+title+"”"; got != want {
			t.Errorf("notification = %q, want %q", got, want)
		}
		if got := asker.text(item + " .badge"); got != "New" {
			t.Errorf("notification badge = %q", got)
		}
		asker.shot("notifications")
		asker.follow(200, chromedp.Click(chromedp.CSS(item+" a.thread-title")))
		if got := asker.location(); got.Path != thread.Path || got.Fragment != replyAnchor {
			t.Errorf("the notification led to %s, want %s#%s", got, thread.Path, replyAnchor)
		}
		if got := attr(asker, bell, "aria-label"); got != "Notifications, none unread" {
			t.Errorf("bell after reading = %q", got)
		}

		asker.follow(200, chromedp.Click(chromedp.Search(
			fmt.Sprintf(`//li[@id=%q]//button[contains(normalize-space(), "Mark as solution")]`, replyAnchor))))
		if got := asker.text(".solution-box h2"); got != "✓ Solution" {
			t.Errorf("solution box heading = %q", got)
		}
		if got := asker.text(".solution-box .post-body"); !strings.Contains(got, "UTF-8 with BOM") {
			t.Errorf("solution box shows %q, want ren's reply", got)
		}
		if got := asker.text(".solution-box p.muted"); !strings.Contains(got, "Accepted answer by ren") {
			t.Errorf("solution box credit = %q", got)
		}
		if got := asker.text("h1 .solved-badge"); got != "Solved" {
			t.Errorf("title badge = %q, want Solved", got)
		}
		if n := asker.count("#" + replyAnchor + ".accepted .solved-badge"); n != 1 {
			t.Error("ren's reply is not marked as the accepted one")
		}
		if n := asker.count(`button.accept`); n != 0 {
			t.Errorf("%d Mark as solution buttons remain", n)
		}
		asker.shot("solved")

		asker.open("/")
		filter := func(label string) chromedp.Search {
			return chromedp.Search(fmt.Sprintf(`//nav[contains(@class,"list-filters")]/a[normalize-space()=%q]`, label))
		}
		listed := func(b *browser) []string {
			return evalJS[[]string](b, `[...document.querySelectorAll(".thread-list .thread-title")].map(a => a.textContent.trim())`)
		}
		asker.follow(200, chromedp.Click(filter("Solved")))
		if got := asker.location().Query().Get("show"); got != "solved" {
			t.Errorf("the Solved filter led to show=%q", got)
		}
		if got := listed(asker); len(got) != 1 || got[0] != title {
			t.Errorf("Solved lists %q, want only %q", got, title)
		}
		if got := asker.text(".thread-list .thread-item .solved-badge"); got != "✓ Solved" {
			t.Errorf("badge in the Solved list = %q", got)
		}
		if got := attr(asker, filter("Solved"), "aria-current"); got != "page" {
			t.Error("the Solved filter is not marked current")
		}
		asker.follow(200, chromedp.Click(filter("Unsolved")))
		if got := asker.location().Query().Get("show"); got != "unsolved" {
			t.Errorf("the Unsolved filter led to show=%q", got)
		}
		if got := listed(asker); len(got) != 1 || got[0] != other.Title {
			t.Errorf("Unsolved lists %q, want only %q", got, other.Title)
		}
		asker.shot("filter-unsolved")

		// The helper hears that their reply was accepted.
		helper.open("/")
		if got := attr(helper, bell, "aria-label"); got != "1 unread notification" {
			t.Errorf("helper's bell = %q", got)
		}
		helper.follow(200, chromedp.Click(bell))
		if got, want := helper.text(".notifications li.unread a.thread-title"), "aiko accepted your reply to “"+title+"” as the solution"; got != want {
			t.Errorf("helper's notification = %q, want %q", got, want)
		}
	})
}

// pwned is what every payload tries to make the page's title.
const pwned = "pwned"

// hostileBodies are posts that try to run script in every context a post
// reaches: raw HTML, Markdown links and images, attributes, URLs and CSS.
// Each is its own post, so that one swallowed payload cannot hide another.
var hostileBodies = []string{
	`<script>document.title='pwned'</script>`,
	`<img src=x onerror="document.title='pwned'">`,
	`<svg onload="document.title='pwned'">`,
	`[click](javascript:document.title='pwned')`,
	`![x](x" onerror="document.title='pwned')`,
	`<a href="javascript:document.title='pwned'">a</a>`,
	`<iframe src="javascript:document.title='pwned'"></iframe>`,
	`<div style="background:url(javascript:document.title='pwned')">x</div>`,
	"[data](data:text/html;base64,PHNjcmlwdD5kb2N1bWVudC50aXRsZT0ncHduZWQnPC9zY3JpcHQ+)\n\n" +
		"![data](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImRvY3VtZW50LnRpdGxlPSdwd25lZCciLz4=)\n\n" +
		`<a href="data:text/html,<script>document.title='pwned'</script>">d</a>`,
	`<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object><embed src="javascript:alert(1)">`,
	"<javascript:document.title='pwned'>",
	"[ref][1]\n\n[1]: javascript:document.title='pwned'",
	"[x](&#106;avascript:document.title='pwned') [y](JaVaScRiPt:alert(1)) [z](java\tscript:alert(1)) [w](vbscript:msgbox(1))",
	`[t](https://example.com/ "a\" onmouseover=\"document.title='pwned'")`,
	`<details open ontoggle="document.title='pwned'"><summary>s</summary>x</details>`,
	`<img src=x onerror=alert(1)> <a href="javascript:confirm(1)">c</a> <body onload=alert(1)>`,
	`<math><mtext><table><mglyph><style><img src=x onerror="document.title='pwned'">`,
	`<meta http-equiv="refresh" content="0;url=javascript:document.title='pwned'"><base href="javascript:/"><form action="javascript:alert(1)"><button>go</button></form>`,
	"`<script>document.title='pwned'</script>`\n\n```html\n<img src=x onerror=\"document.title='pwned'\">\n```",
}

const (
	// hostileName signs in through the development form, whose field holds
	// 30 characters; the server must not rely on that limit.
	hostileName = `<script>document.title='pwned'</script>`
	// hostileTitle leaves an attribute and opens a tag.
	hostileTitle = `"><img src=x onerror=document.title='pwned'>`
	// victimTitle tries to close the page's <title> element.
	victimTitle = `</title><script>document.title='pwned'</script> invoice`
)

// inert checks that the page the browser shows runs no script of a post:
// the title is untouched, no dialog opened, no script URL or event handler
// attribute exists, no active element sits in text a person posted, and the
// only scripts are the forum's own files and its structured data (JSON).
func (b *browser) inert(what string, dialogs *dialogWatch) {
	b.t.Helper()
	if title := evalJS[string](b, "document.title"); title == pwned {
		b.t.Errorf("%s: a payload ran: document.title = %q", what, title)
	}
	dialogs.check(b.t, what)
	found := evalJS[[]string](b, `(() => {
		const out = [];
		const bad = /^(javascript|vbscript|livescript):/;
		const urlAttrs = new Set(["href", "src", "action", "formaction", "data", "poster", "background",
			"xlink:href", "srcset", "srcdoc", "ping", "cite", "longdesc", "codebase", "content"]);
		const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "");
		for (const el of document.querySelectorAll("*")) {
			for (const a of el.attributes) {
				// Browsers skip control characters and spaces in a URL's scheme.
				const v = a.value.replace(/[\u0000-\u0020]/g, "").toLowerCase();
				if (a.name.startsWith("on")) out.push(name(el) + " has " + a.name);
				if (bad.test(v) || v.includes("url=javascript:") || v.includes("url(javascript:")) out.push(name(el) + " " + a.name + "=" + a.value);
				if (urlAttrs.has(a.name) && v.startsWith("data:") && a.name !== "content") out.push(name(el) + " " + a.name + " is a data: URI");
			}
		}
		for (const s of document.scripts) {
			// Structured data is data: the browser runs none of it. It must
			// be whole JSON, or a post's text broke out of it.
			if (s.type === "application/ld+json" && !s.src) {
				try { JSON.parse(s.text); } catch (e) { out.push("structured data that is not JSON: " + s.text.slice(0, 60)); }
				continue;
			}
			const u = s.src && new URL(s.src);
			if (!u || u.origin !== location.origin || s.text.trim() !== "") out.push("script " + (s.src || s.text.slice(0, 60)));
		}
		const userText = ".post-body, .privacy-text, .snippet, [data-similar], .thread-title, h1, .author, .notifications";
		const active = "script, iframe, frame, object, embed, applet, svg, math, style, link, meta, base, form, button, textarea, select, template, [style], input:not([type=checkbox])";
		for (const el of document.querySelectorAll(":is(" + userText + ") :is(" + active + ")")) out.push("in posted text: " + el.outerHTML.slice(0, 120));
		for (const el of document.querySelectorAll("head meta[http-equiv], base")) out.push("in the page: " + el.outerHTML.slice(0, 120));
		return out;
	})()`)
	for _, f := range found {
		b.t.Errorf("%s: %s", what, f)
	}
}

// notWebLinks are the links in posts that lead anywhere but a web page.
func (b *browser) notWebLinks() []string {
	return evalJS[[]string](b, `[...document.querySelectorAll(".post-body a[href]")]
		.filter(a => a.protocol !== "http:" && a.protocol !== "https:").map(a => a.getAttribute("href"))`)
}

// dialogWatch fails the test for any alert, confirm or prompt a page opens,
// and dismisses it, since an open dialog stalls the page.
type dialogWatch struct {
	mu   sync.Mutex
	seen []string
}

func watchDialogs(b *browser) *dialogWatch {
	t := b.t
	t.Helper()
	d := &dialogWatch{}
	ctx, cancel := context.WithCancel(b.ctx)
	events := chromedp.Events(ctx, page.JavascriptDialogOpening)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev, err := range events {
			if err != nil {
				return
			}
			d.mu.Lock()
			d.seen = append(d.seen, fmt.Sprintf("%s(%q) on %s", ev.Type, ev.Message, ev.URL))
			d.mu.Unlock()
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		d.check(t, "at the end")
	})
	return d
}

func (d *dialogWatch) check(t *testing.T, what string) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, s := range d.seen {
		t.Errorf("%s: a dialog opened: %s", what, s)
	}
	d.seen = nil
}

func TestBrowserHostileContentRunsNoScript(t *testing.T) {
	eachDialect(t, func(t *testing.T, srv *Server, b *browser) {
		dialogs := watchDialogs(b)

		// A victim with a question whose title and body are hostile too.
		yui := seedUser(t, srv, "yui")
		victimThread := seedThread(t, srv, yui, "billing", victimTitle, hostileBodies[0])
		for _, body := range hostileBodies[1:4] {
			seedReply(t, srv, yui, victimThread.ID, body)
		}

		// The attacker signs in with a name that is a script. The field's
		// maxlength is the browser's business; set the value past it.
		b.open("/login")
		b.do(chromedp.WaitVisible(chromedp.ID("username")), chromedp.SetValue(chromedp.ID("username"), hostileName))
		b.follow(200, chromedp.Click(chromedp.CSS(".dev-login button[type=submit]")))
		username := b.text(".site-header .me-name")
		if username == "" || strings.ContainsAny(username, "<>'=/") {
			t.Fatalf("signed in as %q", username)
		}
		b.inert("home after a hostile sign-in", dialogs)

		// Asking through the composer: the similar threads script puts the
		// server's HTML into the page, here with the victim's hostile title,
		// and the preview script does the same with the body.
		b.open("/new")
		b.chooseCategory("Billing")
		b.do(chromedp.SendKeys(chromedp.ID("title"), "pwned invoice"))
		b.within("the similar threads for a hostile title never appeared",
			chromedp.WaitVisible(chromedp.CSS("[data-similar] section.similar a")))
		if got := b.text("[data-similar] section.similar a"); got != victimTitle {
			t.Errorf("similar thread shown as %q, want the title as text", got)
		}
		b.inert("composer with similar threads", dialogs)
		b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("title").value = ""`), chromedp.SendKeys(chromedp.ID("title"), hostileTitle))
		question := strings.Join(hostileBodies[4:10], "\n\n")
		b.do(chromedp.SetValue(chromedp.ID("body"), question))
		b.do(chromedp.Click(byText("button", "Preview")))
		b.within("the preview never appeared", chromedp.WaitVisible(chromedp.CSS("form .preview .post-body")))
		if got := b.location().Path; got != "/new" {
			t.Errorf("the preview left the composer for %s", got)
		}
		b.inert("composer with a preview", dialogs)
		// The base64 of the data: URIs looks like a key to the privacy
		// check, which shows the body back with the matches highlighted:
		// one more place the text is put into a page.
		b.problems.expect("status of 422")
		b.follow(422, chromedp.Click(byText("button", "Post your question")))
		b.within("no privacy check", chromedp.WaitVisible(chromedp.CSS(".privacy-check .privacy-text")))
		b.inert("privacy check", dialogs)
		b.follow(200, chromedp.Click(byText("button", "Post anyway")))
		hostileThread := b.location().Path
		if !strings.HasPrefix(hostileThread, "/t/") {
			t.Fatalf("asking led to %s: %q", hostileThread, evalJS[[]string](b, `[...document.querySelectorAll(".field-error, .privacy-check")].map(e => e.textContent.trim())`))
		}
		if got := b.text("#thread-title > span"); got != hostileTitle {
			t.Errorf("h1 = %q, want the title as text", got)
		}

		// The victim answers with more payloads, through the store, which
		// renders and sanitizes as the form does; the attacker is notified.
		hostileID := threadIDFromPath(t, hostileThread)
		for _, body := range hostileBodies[10:] {
			seedReply(t, srv, yui, hostileID, body)
		}
		// The attacker replies in the victim's thread through the form, so
		// the victim's notifications carry the hostile name.
		b.open(fmt.Sprintf("/t/%d", victimThread.ID))
		b.do(chromedp.SetValue(chromedp.ID("body"), hostileBodies[1]+"\n\n@"+username+" "+hostileBodies[3]))
		b.follow(200, chromedp.Click(byText("button", "Post reply")))
		if got := b.text("ol.posts > li.post:last-child .author"); got != hostileName {
			t.Errorf("the attacker's name shows as %q, want it as text", got)
		}

		pages := []string{hostileThread, b.location().Path, "/", "/?show=unsolved", "/search?q=pwned",
			"/search?q=" + url.QueryEscape(hostileName), "/u/" + username, "/notifications"}
		for _, path := range pages {
			b.open(path)
			b.inert(path, dialogs)
		}
		b.open("/search?q=pwned")
		if n := b.count(".search-results > li"); n < 2 {
			t.Errorf("searching for pwned found %d results, want both threads", n)
		}
		if n := b.count(".search-results mark"); n == 0 {
			t.Error("no match is marked in the search results")
		}
		b.shot("hostile-search")

		for _, path := range []string{hostileThread, fmt.Sprintf("/t/%d", victimThread.ID)} {
			b.open(path)
			if n := b.count("ol.posts > li.post"); n < 4 {
				t.Fatalf("%s shows %d posts", path, n)
			}
			// Every link in a post must lead to a web page; click any that
			// does not, to show what it would do.
			odd := b.notWebLinks()
			for _, href := range odd {
				t.Errorf("%s: a post links to %q", path, href)
			}
			for i := range odd {
				_, _ = chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
					`[...document.querySelectorAll(".post-body a[href]")].filter(a => a.protocol !== "http:" && a.protocol !== "https:")[%d].click()`, i)))
				b.inert(fmt.Sprintf("%s after clicking %q", path, odd[i]), dialogs)
			}
		}
		b.open(hostileThread)
		if got := evalJS[[]string](b, `[...document.querySelectorAll(".post-body code")].map(c => c.textContent.trim())`); !slices.Contains(got, hostileBodies[0]) {
			t.Errorf("code in a post = %q, want the script shown as text", got)
		}
		b.shot("hostile-thread")

		// The victim reads the notification of the attacker's reply.
		victim := b.newPerson()
		victimDialogs := watchDialogs(victim)
		victim.signInAs("yui")
		victim.open("/notifications")
		victim.inert("victim's notifications", victimDialogs)
		if got, want := victim.text(".notifications li a.thread-title"), hostileName+" replied to “"+victimTitle+"”"; got != want {
			t.Errorf("victim's notification = %q, want %q", got, want)
		}
		victim.open(fmt.Sprintf("/t/%d", victimThread.ID))
		victim.inert("victim's thread", victimDialogs)
		if got := evalJS[string](victim, "document.title"); !strings.HasPrefix(got, victimTitle) {
			t.Errorf("document.title = %q, want the thread's title as text", got)
		}

		// The policy forbids inline script, so a payload that got past the
		// sanitizer would still not run.
		csp := evalJS[string](b, `fetch(location.pathname, {credentials: "same-origin"}).then(r => r.headers.get("Content-Security-Policy") || "")`, chromedp.EvalAwaitPromise)
		scriptSrc := cspDirective(csp, "script-src")
		if scriptSrc == "" {
			scriptSrc = cspDirective(csp, "default-src")
		}
		if scriptSrc == "" || strings.Contains(scriptSrc, "'unsafe-inline'") || strings.Contains(scriptSrc, "'unsafe-eval'") ||
			strings.Contains(scriptSrc, "data:") || strings.Contains(scriptSrc, "*") {
			t.Errorf("script-src %q of policy %q lets inline script run", scriptSrc, csp)
		}
		checkInlineScriptBlocked(t, b, hostileThread)
	})
}

// checkInlineScriptBlocked adds an inline script to a page, in a tab of its
// own whose console is not the test's, and requires the policy to refuse it.
func checkInlineScriptBlocked(t *testing.T, b *browser, path string) {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	defer cancel()
	// The tab opens within the test's time, as newChromium's does; the
	// wait below is for the page.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, waitTimeout)
	defer cancelTimeout()
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+path)); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`new Promise(resolve => {
		document.addEventListener("securitypolicyviolation", e => resolve("blocked by " + e.violatedDirective), {once: true});
		const s = document.createElement("script");
		s.textContent = "document.title = 'pwned'";
		document.head.append(s);
		setTimeout(() => resolve(document.title), 2000);
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "blocked by script-src") {
		t.Errorf("an inline script was not refused by the policy: %q", got)
	}
}

func cspDirective(policy, name string) string {
	for _, d := range strings.Split(policy, ";") {
		fields := strings.Fields(d)
		if len(fields) > 0 && strings.EqualFold(fields[0], name) {
			return strings.Join(fields[1:], " ")
		}
	}
	return ""
}

func threadIDFromPath(t *testing.T, path string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(path, "/t/%d/", &id); err != nil {
		t.Fatalf("no thread id in %s: %v", path, err)
	}
	return id
}
