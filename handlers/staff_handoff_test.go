package handlers_test

import (
	"net/http"
	"net/url"
	"testing"

	"hiroba/app"
	"hiroba/models"
)

func TestAdminsMarkStaffAndReadersSeeIt(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, _, thread := askAndAnswer(t, f) // ken answers hana
		admin, mod := f.browser(), f.browser()
		admin.signIn("ada")
		grant(t, f, "ada", models.RoleAdmin)
		mod.signIn("mo")
		grant(t, f, "mo", models.RoleModerator)

		// A moderator is not offered the mark, and cannot send it.
		p := mod.get("/mod/u/ken")
		expect(t, p, http.StatusOK)
		refuse(t, p, `value="grant_staff"`)
		expect(t, mod.post("/mod/u/ken", url.Values{"action": {"grant_staff"}, "reason": {"works there"}}), http.StatusForbidden)

		expect(t, admin.get("/mod/u/ken"), http.StatusOK, `value="grant_staff"`, "Mark as staff")
		expect(t, admin.post("/mod/u/ken", url.Values{"action": {"grant_staff"}, "reason": {"support team"}}), http.StatusSeeOther)

		visitor := f.browser()
		expect(t, visitor.get(thread), http.StatusOK, `<span class="badge staff">Staff</span>`)
		expect(t, visitor.get("/"), http.StatusOK, `<span class="badge staff">Staff</span>`)
		visitor.lang = "ja"
		expect(t, visitor.get(thread), http.StatusOK, `<span class="badge staff">スタッフ</span>`)
		expect(t, admin.get("/admin/audit"), http.StatusOK, "Marked as staff")

		expect(t, admin.get("/mod/u/ken"), http.StatusOK, `value="revoke_staff"`)
		expect(t, admin.post("/mod/u/ken", url.Values{"action": {"revoke_staff"}, "reason": {"left the company"}}), http.StatusSeeOther)
		refuse(t, f.browser().get(thread), `badge staff`)
	})
}

func TestAskersAreOfferedOfficialSupport(t *testing.T) {
	contact := func(c *app.Config) { c.ContactURL = "https://acme.example/contact?ref={thread_url}&subject={title}" }
	eachDialectWith(t, contact, func(t *testing.T, f *forum) {
		asker, helper, thread := askAndAnswer(t, f)
		p := asker.get(thread)
		expect(t, p, http.StatusOK, "Contact official support about this",
			`href="https://acme.example/contact?ref=http%3A%2F%2F127.0.0.1%3A8080%2Ft%2F1%2Fcharged-twice-for-one-plan&amp;subject=Charged+twice+for+one+plan"`,
			"never here")
		// Only the asker is offered it, and only where a contact address is set.
		refuse(t, helper.get(thread), "Contact official support about this")
		refuse(t, f.browser().get(thread), "Contact official support about this")
	})
}

func TestNoOfficialSupportOfferWithoutAContactAddress(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		asker, _, thread := askAndAnswer(t, f)
		refuse(t, asker.get(thread), "Contact official support about this")
	})
}
