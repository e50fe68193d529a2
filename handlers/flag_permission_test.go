package handlers_test

import (
	"net/http"
	"net/url"
	"testing"

	"hiroba/models/modeltest"
)

// New accounts may not flag. They are not offered the action; reaching
// the flag page anyway, they read why before typing anything; a form sent
// from a stale page says why and gives the note back.
func TestNewAccountsAreNotOfferedTheFlag(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, _, thread := askAndAnswer(t, f)
		newcomerRules(t, f)
		fresh := f.browser()
		fresh.signIn("fresh")
		page := fresh.get(thread)
		expect(t, page, http.StatusOK, "Billing refunds duplicates")
		refuse(t, page, `href="/p/2/flag"`, `href="/p/1/flag"`)

		form := fresh.get("/p/2/flag")
		expect(t, form, http.StatusForbidden, "New accounts cannot flag posts yet.")
		refuse(t, form, `action="/p/2/flag"`, `name="note"`, "You cannot do that.")

		fresh.lang = "ja"
		expect(t, fresh.get("/p/2/flag"), http.StatusForbidden, "新しいアカウントはまだ報告できません。")
		fresh.lang = ""

		sent := fresh.post("/p/2/flag", url.Values{"reason": {"spam"}, "note": {"Looks like an <ad>"}})
		expect(t, sent, http.StatusForbidden, "New accounts cannot flag posts yet.", escaped("Looks like an <ad>"))
		refuse(t, sent, "You cannot do that.")

		// The same account, once the rules no longer count it as new, is
		// offered the flag and may use it.
		modeltest.Relax(t, f.srv.Store)
		expect(t, fresh.get(thread), http.StatusOK, `href="/p/2/flag"`)
		expect(t, fresh.get("/p/2/flag"), http.StatusOK, `action="/p/2/flag"`)
		if p := fresh.post("/p/2/flag", url.Values{"reason": {"spam"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("flag by an established member: %d\n%s", p.Status, p.Body)
		}
	})
}
