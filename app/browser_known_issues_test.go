package app

import (
	"testing"

	"github.com/chromedp/chromedp"

	"hiroba/migrations"
	"hiroba/models"
)

// A reader dismisses a known issue's banner: with the page's script it goes
// at once, without leaving the page, focus moves on rather than to the top,
// and the next page remembers; the community notice stays throughout.
func TestBrowserDismissKnownIssue(t *testing.T) {
	t.Parallel()
	srv, base := startServer(t, testConfig(t, migrations.SQLite))
	b := newChromium(t)
	b.base = base
	ctx := t.Context()
	mori := seedUser(t, srv, "mori")
	if err := srv.Store.GrantRole(ctx, "mori", models.RoleModerator); err != nil {
		t.Fatal(err)
	}
	mori.Role = models.RoleModerator
	for _, title := range []string{"Sign-in fails after the update", "Invoice emails are delayed"} {
		if _, err := srv.Store.OpenKnownIssue(ctx, mori, models.KnownIssueInput{
			TitleEN: title, TitleJA: title + "（日本語）", BodyEN: "We are on it.", BodyJA: "対応中です。",
			Severity: models.KnownIssueMajor, CategoryID: 1,
		}); err != nil {
			t.Fatal(err)
		}
	}

	b.open("/c/billing")
	if n := b.count(`.known-issue[role="status"]`); n != 2 {
		t.Fatalf("%d banners, want 2", n)
	}
	b.do(chromedp.Click(chromedp.CSS(".known-issue-dismiss button")))
	b.within("the first banner stayed", chromedp.WaitNotPresent(chromedp.CSS(`[data-known-issue="2"]`)))
	if got := b.location().Path; got != "/c/billing" {
		t.Errorf("dismissing led to %s", got)
	}
	if got := evalJS[string](b, `document.activeElement.closest(".known-issue") ? document.activeElement.closest(".known-issue").dataset.knownIssue : document.activeElement.id`); got != "1" {
		t.Errorf("focus went to %q, want the next banner's button", got)
	}
	b.do(chromedp.Click(chromedp.CSS(".known-issue-dismiss button")))
	b.within("the last banner stayed", chromedp.WaitNotPresent(chromedp.CSS(".known-issues")))
	if got := evalJS[string](b, "document.activeElement.id"); got != "main" {
		t.Errorf("focus went to %q, want the page's main content", got)
	}
	if n := b.count(".community-notice"); n != 1 {
		t.Error("the community notice went with the banners")
	}
	b.open("/")
	if n := b.count(".known-issue"); n != 0 {
		t.Errorf("%d banners came back on the next page", n)
	}
	if n := b.count(".community-notice"); n != 1 {
		t.Error("no community notice on the next page")
	}
}
