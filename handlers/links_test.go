package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"hiroba/models"
	"hiroba/models/modeltest"
)

// newcomerRules are the forum's defaults without the waits, so that one
// test can post several times.
func newcomerRules(t *testing.T, f *forum) {
	t.Helper()
	rules := models.DefaultRules
	rules.NewCooldown, rules.Cooldown = 0, 0
	if err := f.srv.Store.SetRules(context.Background(), rules); err != nil {
		t.Fatal(err)
	}
}

// A new account's links are counted whatever form they take: a link
// without its scheme leaves the forum as surely as one with it.
func TestNewAccountLinksCountInEveryForm(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, _, thread := askAndAnswer(t, f)
		newcomerRules(t, f)
		spammer := f.browser()
		spammer.signIn("fresh")
		for _, body := range []string{
			"[a](//a.example/1) [b](//b.example/2) [c](//c.example/3) [d](//d.example/4)",
			"Write to [a](mailto:a@a.example), [b](mailto:b@b.example) or [c](mailto:c@c.example)",
			"![pixel](https://img.example/x.gif)",
		} {
			spammer.get(thread)
			p := spammer.post("/t/1/replies", url.Values{"body": {body}})
			if p.Status != http.StatusSeeOther {
				t.Fatalf("%q: %d\n%s", body, p.Status, p.Body)
			}
			expect(t, spammer.get(p.Location), http.StatusOK, "Your post is waiting for a moderator")
			page := f.browser().get(thread)
			refuse(t, page, "a.example", "img.example")
		}
	})
}

// eachDialectUnlimited is eachDialect without request budgets, for tests
// that post more often than a person would.
func eachDialectUnlimited(t *testing.T, fn func(t *testing.T, f *forum)) {
	t.Parallel()
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, newForumWith(t, d, unlimited))
		})
	}
}

// A blocked domain is blocked however its name is spelled, as long as a
// browser would go there: full-width letters, ideographic full stops, a
// trailing dot, escapes, Unicode or punycode.
func TestBlockedDomainsMatchAsBrowsersResolve(t *testing.T) {
	eachDialectUnlimited(t, func(t *testing.T, f *forum) {
		_, helper, thread := askAndAnswer(t, f)
		admin := f.browser()
		admin.signIn("root")
		grant(t, f, "root", models.RoleAdmin)
		for _, domain := range []string{"spam.example", "例え.jp"} {
			admin.get("/admin/words")
			if r := admin.post("/admin/words", url.Values{"pattern": {domain}, "kind": {"domain"}, "action": {"block"}}); r.Status != http.StatusSeeOther {
				t.Fatalf("watch %q: %d", domain, r.Status)
			}
		}
		for _, body := range []string{
			"[x](https://spam。example/x)",
			"[x](https://spam．example/x)",
			"[x](https://spam｡example/x)",
			"[x](https://ＳＰＡＭ.example/x)",
			"[x](https://spam.example./x)",
			"[x](//www.spam.example/x)",
			"[x](https://user@spam%E3%80%82example:8443/x)",
			"![x](https://cdn.spam。example/p.gif)",
			"[x](https://xn--r8jz45g.jp/)",
			"[x](https://例え。JP/)",
		} {
			helper.get(thread)
			p := helper.post("/t/1/replies", url.Values{"body": {body}})
			expect(t, helper.follow(p.Location), http.StatusOK, "which this forum does not allow", escaped(body))
		}
		// A name that only ends the same way is another site.
		helper.get(thread)
		if p := helper.post("/t/1/replies", url.Values{"body": {"[x](https://notspam.example/x)"}}); !replied(p) {
			t.Errorf("look-alike refused: %d %q", p.Status, p.Location)
		}
	})
}
