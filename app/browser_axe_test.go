// The accessibility check: axe-core over every page people reach, signed
// out and in each role, in both languages, on a desktop and on a phone.
//
// Run it alone with
//
//	go test ./app -run TestBrowserAxe -count=1 -v
//
// and narrow it with a subtest name, for instance
// -run 'TestBrowserAxe/member/ja'. A failure names the rule, its
// impact, the page, the state, the language, the width and the elements;
// with HIROBA_SCREENSHOTS=DIR each page is also saved as a picture.
//
// Each identity and language is a subtest with a tab of its own, which it
// signs in once. Each page is loaded once, at the desktop's size, brought
// into its state, and checked three times: on the desktop; on the desktop
// in the dark scheme (the colour-contrast rule only: the theme follows the
// device, and nothing else differs); and after the viewport turns into the
// phone's, which re-lays the same document out by its media queries. One
// load per page keeps the matrix short on a busy machine; a reader can
// rerun one subtest alone.
//
// axe-core is vendored under testdata/axe (MPL-2.0, licence beside it). To
// update it, run `npm pack axe-core@4` in a temporary directory and copy
// package/axe.min.js and the licence files over.
//
// To check a page that is new, add a row to axeCases; the fixture in
// seedAxeForum has a thread, a paged thread, a solution, an edit, a flag,
// a me-too, a watched word, an audit entry, notifications and a flood of
// alike questions to point it at.
package app

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hiroba/handlers"
	"hiroba/migrations"
	"hiroba/models"
	"hiroba/models/modeltest"
	"hiroba/views"
)

// axeIdentities are the people the matrix signs in as; "" is a visitor.
const (
	axeAnonymous = ""
	axeMember    = "hana"
	axeModerator = "mori"
	axeAdmin     = "aoi"
)

// axeRoles names each identity as a reader of the report does.
var axeRoles = []struct{ name, user string }{
	{"anonymous", axeAnonymous},
	{"member", axeMember},
	{"moderator", axeModerator},
	{"admin", axeAdmin},
}

// axeScreens are the ways each page is looked at, in this order, on the
// one load of the page: a desktop, the same desktop in the dark scheme, and
// a phone.
var axeScreens = []axeScreen{
	{name: "desktop", width: 1280, height: 800},
	{name: "desktop, dark", width: 1280, height: 800, dark: true},
	{name: "phone", width: 360, height: 740, phone: true},
}

type axeScreen struct {
	name          string
	width, height int64
	phone, dark   bool
}

// show makes the tab look like the screen.
func (s axeScreen) show(b *browser) {
	b.t.Helper()
	opts := []chromedp.EmulateViewportOption{}
	if s.phone {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulatePortrait)
	}
	b.do(chromedp.EmulateViewport(s.width, s.height, opts...))
	scheme := "light"
	if s.dark {
		scheme = "dark"
	}
	b.device(scheme)
}

// rules is what axe checks on the screen: everything, or in the dark scheme
// only the colours.
func (s axeScreen) rules() string {
	if s.dark {
		return `{runOnly: ["color-contrast"], resultTypes: ["violations"]}`
	}
	return `{resultTypes: ["violations"]}`
}

// axeForum is what the fixture made, for the cases to point at.
type axeForum struct {
	short, paged   models.Thread
	duplicate      models.Thread // ken's, closed as a duplicate of short
	mergedInto     models.Thread // ken's, with hana's question merged into it
	question       models.Post   // hana's, edited, so it has a history with a diff
	reply          models.Post   // ken's reply to it, which hana may flag
	unsubscribeURL string

	affected models.Thread // ken's question, which hana has too
	// openIssue and resolvedIssue are known issues, whose banners every
	// page shows.
	openIssue, resolvedIssue models.KnownIssue
}

// axeCase is one page in one state. as says who looks at it; path is where
// the page is; then, when set, brings the loaded page into its state (a
// refused form, a preview); want is an element the state must show, so a
// state that silently failed to appear cannot pass as accessible.
type axeCase struct {
	page, state string
	as          []string
	path        func(f axeForum) string
	status      int64 // the page's status as it loads; 0 is 200
	then        func(b *browser)
	want        string
}

func fixed(path string) func(axeForum) string { return func(axeForum) string { return path } }

var (
	everyone = []string{axeAnonymous, axeMember, axeModerator, axeAdmin}
	members  = []string{axeMember, axeModerator, axeAdmin}
	staff    = []string{axeModerator, axeAdmin}
)

// axeCases is the table of pages and states. The state of a plain page is
// the role it is seen in; forms in a particular state name that state.
var axeCases = []axeCase{
	{page: "home", as: everyone, path: fixed("/"), want: ".thread-list"},
	{page: "category filter", as: []string{axeAnonymous, axeMember}, path: fixed("/c/billing?show=unsolved"), want: ".thread-list"},
	{page: "thread, short", as: everyone, path: func(f axeForum) string { return views.ThreadPath(f.short.ID, f.short.Slug) }, want: ".solution-box"},
	{page: "thread, short", state: "new replies", as: []string{axeMember}, path: func(f axeForum) string { return views.ThreadPath(f.short.ID, f.short.Slug) }, then: func(b *browser) {
		// A reply the reader sent from another tab: the page announces it.
		evalJS[bool](b, `(async () => {
			const form = document.querySelector('form[action$="/replies"]'), data = new FormData(form);
			data.set("body", "It works again after a restart, thanks.");
			return (await fetch(form.getAttribute("action"), {method: "POST", body: data, credentials: "same-origin"})).ok;
		})()`, chromedp.EvalAwaitPromise)
		b.waitLong("the new reply was never announced", chromedp.WaitVisible(chromedp.CSS(".live-bar .live-replies")))
	}, want: ".live-bar .live-replies"},
	{page: "thread, paged", as: everyone, path: func(f axeForum) string {
		return views.PagePath(views.ThreadPath(f.paged.ID, f.paged.Slug), 2)
	}, want: `a[rel="prev"] ~ a[rel="next"]`},
	{page: "thread with me-toos", as: []string{axeAnonymous}, path: func(f axeForum) string { return views.ThreadPath(f.affected.ID, f.affected.Slug) }, want: `.me-too a[href^="/login"]`},
	{page: "thread with me-toos", state: "pressed", as: []string{axeMember}, path: func(f axeForum) string { return views.ThreadPath(f.affected.ID, f.affected.Slug) }, want: `.me-too button[aria-pressed="true"]`},
	{page: "thread with me-toos", state: "not pressed", as: staff, path: func(f axeForum) string { return views.ThreadPath(f.affected.ID, f.affected.Slug) }, want: `.me-too button[aria-pressed="false"]`},
	{page: "search with results", as: []string{axeAnonymous, axeMember}, path: fixed("/search?q=invoice"), want: ".search-results mark"},
	{page: "search without results", as: []string{axeAnonymous, axeMember}, path: fixed("/search?q=zyzzyva"), want: ".no-results"},
	{page: "profile", as: everyone, path: fixed("/u/" + axeMember), want: ".profile-header h1"},
	{page: "login", as: []string{axeAnonymous}, path: fixed("/login"), want: "#username"},
	{page: "not found", as: []string{axeAnonymous, axeMember}, path: fixed("/no-such-page"), status: 404, want: ".error-page h1"},
	{page: "history with a diff", as: []string{axeAnonymous, axeMember, axeModerator}, path: func(f axeForum) string {
		return fmt.Sprintf("/p/%d/history", f.question.ID)
	}, want: ".diff"},
	{page: "unsubscribe", as: []string{axeAnonymous}, path: func(f axeForum) string { return f.unsubscribeURL }, want: "form button[type=submit]"},
	{page: "unsubscribe", state: "bad link", as: []string{axeAnonymous}, path: fixed("/unsubscribe?token=1.nope"), status: 400, want: ".field-error"},

	{page: "composer", as: members, path: fixed("/new"), want: "#title"},
	{page: "composer", state: "refused", as: []string{axeMember}, path: fixed("/new"), then: func(b *browser) {
		b.do(chromedp.SendKeys(chromedp.ID("title"), "請求書"), chromedp.SetValue(chromedp.ID("body"), axeMarkdown))
		b.problems.expect("status of 422")
		b.follow(422, chromedp.Click(chromedp.CSS(".composer .actions button.primary")))
	}, want: `#title[aria-invalid="true"] ~ #title-error`},
	{page: "composer", state: "preview", as: []string{axeMember}, path: fixed("/new"), then: func(b *browser) {
		b.do(chromedp.SetValue(chromedp.ID("body"), axeMarkdown))
		b.do(chromedp.Click(chromedp.CSS(`.composer button[value="preview"]`)))
		b.waitLong("the preview never appeared", chromedp.WaitVisible(chromedp.CSS(".composer .preview .post-body pre")))
	}, want: ".preview .post-body table"},
	{page: "composer", state: "similar threads", as: []string{axeMember}, path: fixed("/new"), then: func(b *browser) {
		b.do(chromedp.SendKeys(chromedp.ID("title"), "invoice never arrives"))
		b.waitLong("the similar threads never appeared", chromedp.WaitVisible(chromedp.CSS("[data-similar] a")))
	}, want: "[data-similar] a"},
	{page: "composer", state: "privacy check", as: []string{axeMember}, path: fixed("/new"), then: func(b *browser) {
		b.chooseCategoryValue(1)
		b.do(chromedp.SendKeys(chromedp.ID("title"), "Charged twice this month"),
			chromedp.SetValue(chromedp.ID("body"), "Please write to me at hana.sato@example.com or call 090-1234-5678."))
		b.problems.expect("status of 422")
		b.follow(422, chromedp.Click(chromedp.CSS(".composer .actions button.primary")))
	}, want: ".privacy-check .privacy-text"},
	{page: "edit", as: []string{axeMember, axeModerator}, path: func(f axeForum) string { return fmt.Sprintf("/p/%d/edit", f.question.ID) }, want: "#body"},
	{page: "flag", as: []string{axeMember}, path: func(f axeForum) string { return fmt.Sprintf("/p/%d/flag", f.reply.ID) }, want: "fieldset legend"},
	{page: "notifications", as: []string{axeMember}, path: fixed("/notifications"), want: ".notifications li"},
	{page: "notification settings", as: []string{axeMember}, path: fixed("/settings/notifications"), want: "form input[type=checkbox]"},

	{page: "thread, duplicate", as: everyone, path: func(f axeForum) string { return views.ThreadPath(f.duplicate.ID, f.duplicate.Slug) }, want: ".duplicate-note a"},
	{page: "thread, merged into", as: staff, path: func(f axeForum) string { return views.ThreadPath(f.mergedInto.ID, f.mergedInto.Slug) }, want: ".merges-here form"},
	{page: "thread, close as duplicate", state: "refused", as: []string{axeMember}, path: func(f axeForum) string { return views.ThreadPath(f.short.ID, f.short.Slug) }, then: func(b *browser) {
		b.do(chromedp.SetValue(chromedp.ID("dupe-original"), "the other one"))
		b.problems.expect("status of 422")
		b.follow(422, chromedp.Click(chromedp.CSS(`form[action$="/duplicate"] .actions button`)))
	}, want: `#dupe-original[aria-invalid="true"] ~ #dupe-original-error`},
	{page: "merge a thread", as: staff, path: func(f axeForum) string { return fmt.Sprintf("/mod/t/%d/merge", f.duplicate.ID) }, want: "#merge-into"},
	{page: "merge a thread", state: "confirm", as: staff, path: func(f axeForum) string { return fmt.Sprintf("/mod/t/%d/merge", f.duplicate.ID) }, then: func(b *browser) {
		b.do(chromedp.SetValue(chromedp.ID("merge-into"), "1")) // the first thread: short
		b.follow(200, chromedp.Click(chromedp.CSS(".composer .actions button")))
	}, want: `input[name="confirm"]`},
	{page: "merged threads", as: staff, path: fixed("/mod/merges"), want: "table.merges tbody form"},

	{page: "review queue", as: staff, path: fixed("/review"), want: ".review-item form"},
	{page: "review queue", state: "a flood", as: staff, path: fixed("/review"), want: ".flood form button"},
	{page: "moderate a user", as: staff, path: fixed("/mod/u/mio"), want: ".user-standing .status-note"},
	{page: "audit log", as: []string{axeAdmin}, path: fixed("/admin/audit"), want: "table.audit tbody td"},
	{page: "watched words", as: []string{axeAdmin}, path: fixed("/admin/words"), want: "table tbody td"},
	{page: "rules", as: []string{axeAdmin}, path: fixed("/admin/rules"), want: "#main form"},
	{page: "categories", as: []string{axeAdmin}, path: fixed("/admin/categories"), want: "table.audit tbody .category-actions form"},
	{page: "categories", state: "refused", as: []string{axeAdmin}, path: fixed("/admin/categories"), then: func(b *browser) {
		b.do(chromedp.SetValue(chromedp.ID("name_en"), "   "), chromedp.SetValue(chromedp.ID("name_ja"), "ハードウェア"))
		b.problems.expect("status of 422")
		b.follow(422, chromedp.Click(chromedp.CSS(`form[action="/admin/categories"] .actions button.primary`)))
	}, want: `#name_en[aria-invalid="true"] ~ #name_en-error`},
	{page: "edit a category", as: []string{axeAdmin}, path: fixed("/admin/categories/1/edit"), want: "#name_ja"},
	{page: "merge a category", as: []string{axeAdmin}, path: fixed("/admin/categories/6/merge"), want: "select#into"},
	{page: "merge a category", state: "confirm", as: []string{axeAdmin}, path: fixed("/admin/categories/6/merge"), then: func(b *browser) {
		b.follow(200, chromedp.Click(chromedp.CSS(".composer .actions button")))
	}, want: `input[name="confirm"]`},
	{page: "support dashboard", as: []string{axeAdmin}, path: fixed("/admin/dashboard"), want: "table.dashboard tbody td"},
	{page: "site settings", as: []string{axeAdmin}, path: fixed("/admin/settings"), want: "#site_name"},

	// Every page above shows the fixture's known issues in banners; these
	// are the pages that run them, and the composer's notice of them.
	{page: "known issues", as: staff, path: fixed("/mod/known-issues"), want: "table.audit tbody th a"},
	{page: "known issues", state: "refused", as: staff, path: fixed("/mod/known-issues"), then: func(b *browser) {
		b.do(chromedp.SetValue(chromedp.ID("title_en"), "Exports time out"), chromedp.SetValue(chromedp.ID("title_ja"), "   "),
			chromedp.SetValue(chromedp.ID("body_en"), "Exports stop after a minute."), chromedp.SetValue(chromedp.ID("body_ja"), "エクスポートが1分で止まります。"))
		b.problems.expect("status of 422")
		b.follow(422, chromedp.Click(chromedp.CSS(`form[action="/mod/known-issues"] .actions button.primary`)))
	}, want: `#title_ja[aria-invalid="true"] ~ #title_ja-error`},
	{page: "known issue, open", as: staff, path: func(f axeForum) string { return views.KnownIssuePath(f.openIssue.ID) }, want: "#resolution_ja"},
	{page: "known issue, resolved", as: staff, path: func(f axeForum) string { return views.KnownIssuePath(f.resolvedIssue.ID) }, want: ".known-resolution"},
	{page: "composer", state: "known issue", as: []string{axeMember}, path: fixed("/new"), want: ".incident-notice a"},
	{page: "composer", state: "similar known issue", as: []string{axeMember}, path: fixed("/new"), then: func(b *browser) {
		b.do(chromedp.SendKeys(chromedp.ID("title"), "sign-in fails after the update"))
		b.waitLong("the similar threads never appeared", chromedp.WaitVisible(chromedp.CSS("[data-similar] .known-badge")))
	}, want: "[data-similar] .known-badge"},
}

// axeMarkdown has what overflows on a phone: a long line of code and a
// wide table.
const axeMarkdown = "The export fails with:\n\n" +
	"```\n2026-03-14T09:12:44Z ERROR export: invoice_pdf_renderer: template \"invoice-ja\" missing field \"billing_address_line_2\" (account 4411)\n```\n\n" +
	"| Plan | Month | Invoices | Emails sent | Emails opened | Bounced | Status |\n" +
	"|------|-------|----------|-------------|---------------|---------|--------|\n" +
	"| Team | March | 3 | 3 | 0 | 0 | missing |\n" +
	"| Team | February | 3 | 3 | 3 | 0 | ok |\n\n" +
	"Run `hiroba-cli invoices resend --month=2026-03` to try again."

func TestBrowserAxe(t *testing.T) {
	t.Parallel()
	source, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, migrations.SQLite) // the pages do not depend on the database
	cfg.HelpCenterURL, cfg.StatusURL, cfg.ContactURL = "https://help.example.com/", "https://status.example.com/", "https://help.example.com/contact"
	// Every identity signs in once per language and width; the previews
	// and refused forms of the matrix are not a flood.
	cfg.Limits.SignIn.Limit, cfg.Limits.Post.Limit, cfg.Limits.PostIP.Limit, cfg.Limits.Search.Limit = 1000, 1000, 1000, 1000
	srv, base := startServer(t, cfg)
	forum := seedAxeForum(t, srv, cfg)
	start := time.Now()
	t.Cleanup(func() { t.Logf("the matrix took %v", time.Since(start).Round(time.Millisecond)) })

	for _, role := range axeRoles {
		for _, lang := range views.Languages {
			t.Run(role.name+"/"+lang, func(t *testing.T) {
				t.Parallel()
				b := newChromium(t)
				b.base = base
				if role.user != axeAnonymous {
					b.signInAs(role.user)
				}
				b.open("/lang/" + lang + "?next=/")
				for _, c := range axeCases {
					if !slices.Contains(c.as, role.user) {
						continue
					}
					state := c.state
					if state == "" {
						state = role.name
					} else {
						state = role.name + ", " + state
					}
					b.axePage(c, forum, fmt.Sprintf("%s [%s, %s", c.page, state, lang), lang, string(source))
				}
			})
		}
	}
}

// axePage loads a case's page, brings it into its state, checks that the
// state is there and in the language, and reports what axe finds.
func (b *browser) axePage(c axeCase, f axeForum, what, lang, source string) {
	t := b.t
	t.Helper()
	status := c.status
	if status == 0 {
		status = 200
	} else {
		b.problems.expect(fmt.Sprintf("status of %d", status))
	}
	axeScreens[0].show(b)
	where := fmt.Sprintf("%s, %s]", what, axeScreens[0].name)
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.base+c.path(f)))
	if err != nil {
		t.Fatalf("%s: open: %v", where, err)
	}
	if resp.Status != status {
		t.Fatalf("%s: status %d, want %d", where, resp.Status, status)
	}
	if c.then != nil {
		c.then(b)
	}
	if got := evalJS[string](b, "document.documentElement.lang"); got != lang {
		t.Errorf("%s: the page is in %q", where, got)
	}
	if n := b.count(c.want); n == 0 {
		t.Fatalf("%s: the page shows no %s, so it is not in the state the case names", where, c.want)
	}
	// The page's policy forbids inline script; the protocol's evaluation
	// is not the page's script and is not subject to it.
	b.do(chromedp.Evaluate[chromedp.Void]("if (!window.axe) {\n" + source + "\n}\n0"))
	for _, screen := range axeScreens {
		screen.show(b)
		where := fmt.Sprintf("%s, %s %d×%d]", what, screen.name, screen.width, screen.height)
		b.shot(shotName(where))
		b.axeRun(where, screen.rules())
	}
}

// axeRun runs axe over the page as it is and reports each violation.
func (b *browser) axeRun(where, options string) {
	t := b.t
	t.Helper()
	type node struct{ Target, Summary string }
	type violation struct {
		ID, Impact, Help string
		Nodes            []node
	}
	found := evalJS[[]violation](b, `axe.run(document, `+options+`).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help,
		nodes: v.nodes.map(n => ({
			target: n.target.map(s => Array.isArray(s) ? s.join(" >>> ") : s).join(" "),
			summary: (n.failureSummary || "").replace(/\s+/g, " ").trim(),
		})),
	})))`, chromedp.EvalAwaitPromise)
	for _, v := range found {
		var nodes strings.Builder
		for i, n := range v.Nodes {
			if i == 10 {
				fmt.Fprintf(&nodes, "\n\t… and %d more", len(v.Nodes)-i)
				break
			}
			fmt.Fprintf(&nodes, "\n\t%s\n\t\t%s", n.Target, n.Summary)
		}
		t.Errorf("axe: %s (%s) on %s: %s%s", v.ID, v.Impact, where, v.Help, nodes.String())
	}
}

// waitLong waits for what the page's script does. The bound is for a hang,
// not for speed: a busy machine may take many seconds to answer a fetch.
func (b *browser) waitLong(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// shotName makes a file name of a run's description.
func shotName(where string) string {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(where))
	for strings.Contains(name, "--") {
		name = strings.ReplaceAll(name, "--", "-")
	}
	return "axe-" + strings.Trim(name, "-")
}

// chooseCategoryValue picks the composer's category by its place in the list.
func (b *browser) chooseCategoryValue(i int) {
	b.t.Helper()
	v := evalJS[string](b, fmt.Sprintf(`document.querySelectorAll("#category option")[%d].value`, i))
	b.do(chromedp.SetValue(chromedp.ID("category"), v))
}

// seedAxeForum fills the forum with a little of everything the pages show.
func seedAxeForum(t *testing.T, srv *Server, cfg Config) axeForum {
	t.Helper()
	ctx := t.Context()
	hana, ken, mio := seedUser(t, srv, axeMember), seedUser(t, srv, "ken"), seedUser(t, srv, "mio")
	mori, aoi := seedUser(t, srv, axeModerator), seedUser(t, srv, axeAdmin)
	for name, role := range map[string]models.Role{axeModerator: models.RoleModerator, axeAdmin: models.RoleAdmin} {
		if err := srv.Store.GrantRole(ctx, name, role); err != nil {
			t.Fatal(err)
		}
	}
	mori.Role, aoi.Role = models.RoleModerator, models.RoleAdmin

	var f axeForum
	f.short = seedThread(t, srv, hana, "billing", "The March invoice never arrives", axeMarkdown)
	f.reply = seedReply(t, srv, ken, f.short.ID, "Check **Billing › Invoices**; the download works: https://example.com/account/billing/invoices?period=2026-03&format=pdf")
	seedReply(t, srv, mio, f.short.ID, "Same here since the update.")
	if _, err := srv.Store.MarkSolution(ctx, hana, f.short.ID, f.reply.ID); err != nil {
		t.Fatal(err)
	}
	question, err := srv.Store.PostByID(ctx, &hana, f.short.FirstPostID)
	if err != nil {
		t.Fatal(err)
	}
	if f.question, _, err = srv.Store.EditPost(ctx, hana, question.ID, models.PostEdit{
		Body: strings.Replace(axeMarkdown, "The export fails", "Since the update the export fails", 1),
	}); err != nil {
		t.Fatal(err)
	}
	f.affected = seedThread(t, srv, ken, "using", "請求書のメールが届きません", "3月から請求書のメールが届きません。invoice")
	if _, err := srv.Store.SetMeToo(ctx, hana, f.affected.ID, true); err != nil {
		t.Fatal(err)
	}
	spam := seedThread(t, srv, mio, "using", "Cheap invoices here", "Visit my shop for invoices.")
	if _, _, err := srv.Store.FlagPost(ctx, mori, models.FlagInput{PostID: spam.FirstPostID, Reason: models.FlagSpam, Note: "An advert."}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Store.ModerateUser(ctx, mori, mio.ID, models.UserSilence, time.Now().Add(24*time.Hour), "Adverts in replies."); err != nil {
		t.Fatal(err)
	}
	if err := srv.Store.AddWatchedWord(ctx, aoi, models.WatchedWord{Pattern: "cheap-pills", Kind: "word", Action: models.WatchHold}); err != nil {
		t.Fatal(err)
	}

	// A flood of alike questions, which the review queue shows first (the
	// window is set with the rules, at the end).
	for i, title := range []string{"Login loop after update", "ログインできません ループします", "Can't sign in, keeps redirecting", "Endless login loop on the app"} {
		seedThread(t, srv, seedUser(t, srv, fmt.Sprintf("asker%d", i)), "using", title, "Since ten minutes ago the sign-in page sends me back to itself.")
	}

	// A thread of three pages: the middle one has both neighbours.
	cat, err := srv.Store.CategoryBySlug(ctx, "billing")
	if err != nil {
		t.Fatal(err)
	}
	long := models.ImportedThread{CategoryID: cat.ID, Title: "Invoices in yen and in dollars, a long discussion"}
	when := time.Now().Add(-48 * time.Hour)
	for i := range 2*models.PostsPerPage + 10 {
		author := []models.User{hana, ken}[i%2]
		long.Posts = append(long.Posts, models.ImportedPost{UserID: author.ID, Body: fmt.Sprintf("Post %d: `amount = %d`", i+1, i*100), CreatedAt: when.Add(time.Duration(i) * time.Minute)})
	}
	imported, err := srv.Store.ImportThreads(ctx, []models.ImportedThread{long})
	if err != nil {
		t.Fatal(err)
	}
	f.paged = imported[0]
	f.openIssue, f.resolvedIssue = seedKnownIssues(t, srv, mori)

	// A question asked again, closed as a duplicate by its asker; another
	// merged by a moderator.
	f.duplicate = seedThread(t, srv, ken, "billing", "March invoice missing", "I cannot find the March invoice anywhere.")
	if err := srv.Store.CloseAsDuplicate(ctx, ken, f.duplicate.ID, f.short.ID); err != nil {
		t.Fatal(err)
	}
	f.mergedInto = seedThread(t, srv, ken, "using", "CSV export fails with an error", "The export stops with `invoice_pdf_renderer` in the log.")
	merged := seedThread(t, srv, hana, "using", "Export error since the update", "Same error as everyone, I think.")
	if _, err := srv.Store.MergeThreads(ctx, mori, merged.ID, f.mergedInto.ID); err != nil {
		t.Fatal(err)
	}
	// Last, when nothing more is posted: the test server's relaxed rules,
	// with a flood window long enough that a slow run still finds it.
	rules := modeltest.PermissiveRules
	rules.FloodThreshold, rules.FloodWindow = 3, models.Duration(24*time.Hour)
	if err := srv.Store.SetRules(ctx, rules); err != nil {
		t.Fatal(err)
	}
	f.unsubscribeURL = "/unsubscribe?token=" + url.QueryEscape(handlers.UnsubscribeToken([]byte(cfg.SessionSecret), hana.ID))
	return f
}

// seedKnownIssues opens a critical and a major known issue and resolves a
// minor one, so that every page shows a banner of each kind.
func seedKnownIssues(t *testing.T, srv *Server, mod models.User) (open, resolved models.KnownIssue) {
	t.Helper()
	ctx := t.Context()
	issue := func(sev, en, ja string, category int64) models.KnownIssue {
		t.Helper()
		k, err := srv.Store.OpenKnownIssue(ctx, mod, models.KnownIssueInput{
			TitleEN: en, TitleJA: ja, BodyEN: "We are looking into it; the status page has the details.", BodyJA: "調査中です。詳しくはステータスページをご覧ください。",
			Severity: sev, StatusURL: "https://status.example.com/incidents/7", CategoryID: category,
		})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	open = issue(models.KnownIssueCritical, "Sign-in fails after the update", "更新後にログインできない", 1)
	issue(models.KnownIssueMajor, "Invoice emails are delayed", "請求書メールの遅延", 2)
	slow := issue(models.KnownIssueMinor, "Search is slow", "検索が遅い", 4)
	resolved, err := srv.Store.ResolveKnownIssue(ctx, mod, slow.ID, "A busy index was rebuilt; search is fast again.", "インデックスを再構築し、検索は元の速さに戻りました。")
	if err != nil {
		t.Fatal(err)
	}
	return open, resolved
}
