package app

import (
	"testing"

	"github.com/chromedp/chromedp"

	"hiroba/migrations"
)

// On a shared computer, a draft belongs to the person who typed it: the
// next person to sign in does not find it, and signing out removes it (and
// any draft saved before drafts were per user).
func TestBrowserDraftsLeaveWithTheirUser(t *testing.T) {
	t.Parallel()
	_, base := startServer(t, testConfig(t, migrations.SQLite))
	b := newChromium(t)
	b.base = base
	draftKeys := `Object.keys(localStorage).filter(function (k) { return k.indexOf("draft") >= 0; }).sort().join(" ")`

	b.open("/")
	evalJS[bool](b, `localStorage.setItem("hiroba:draft:new", JSON.stringify({body: "someone else's old draft"})), true`)
	b.signInAs("hana")
	b.open("/new")
	if got := b.value("#body"); got != "" {
		t.Errorf("an old, un-keyed draft filled hana's composer: %q", got)
	}
	b.do(chromedp.SendKeys(chromedp.ID("body"), "My card was charged twice"))
	want := "hiroba:u" + evalJS[string](b, "document.body.dataset.user") + ":draft:new"
	if got := evalJS[string](b, draftKeys); got != want {
		t.Fatalf("draft keys while hana types: %q", got)
	}
	b.open("/new")
	if got := b.value("#body"); got != "My card was charged twice" {
		t.Fatalf("hana's draft did not survive a reload: %q", got)
	}

	b.signOut()
	if got := evalJS[string](b, draftKeys); got != "" {
		t.Errorf("drafts left in localStorage after sign-out: %q", got)
	}
	b.open("/login")
	b.signIn("ken")
	b.open("/new")
	if got := b.value("#body"); got != "" {
		t.Errorf("ken's composer shows hana's draft: %q", got)
	}
}
