package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"testing"

	"hiroba/models"
)

// actionButtons lists the user actions a page offers.
var actionButtons = regexp.MustCompile(`name="action" value="([a-z_]+)"`)

func offered(p page) []string {
	var out []string
	for _, m := range actionButtons.FindAllStringSubmatch(p.Body, -1) {
		out = append(out, m[1])
	}
	return out
}

// The page of actions on a user says where the user stands and offers
// only the actions that apply; only those that last ask for days.
func TestModerateUserShowsStandingAndApplicableActions(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		askAndAnswer(t, f)
		mod := f.browser()
		mod.signIn("mo")
		grant(t, f, "mo", models.RoleModerator)
		step := func(want []string, shows ...string) page {
			t.Helper()
			p := mod.get("/mod/u/ken")
			expect(t, p, http.StatusOK, shows...)
			if got := offered(p); !slices.Equal(got, want) {
				t.Errorf("offered %v, want %v", got, want)
			}
			return p
		}
		act := func(action string, form url.Values) {
			t.Helper()
			form.Set("action", action)
			if p := mod.post("/mod/u/ken", form); p.Status != http.StatusSeeOther {
				t.Fatalf("%s: %d\n%s", action, p.Status, p.Body)
			}
		}
		p := step([]string{"silence", "suspend", "purge", "delete"}, "Member", "No limits: this account may read", `id="days"`)
		refuse(t, p, "Lift silence and suspension", "Undo delete spammer")

		act("silence", url.Values{"days": {"3"}, "reason": {"Links again"}})
		p = step([]string{"suspend", "restore", "purge", "delete"}, "Silenced until", "Links again")
		refuse(t, p, "No limits")

		act("restore", url.Values{"reason": {"Talked it through"}}) // no days asked, none sent
		step([]string{"silence", "suspend", "purge", "delete"}, "No limits")

		act("purge", url.Values{"reason": {"Spam ring"}})
		p = step([]string{"unpurge", "delete"}, "Deleted as a spammer")
		refuse(t, p, `id="days"`, "Lift silence and suspension") // nothing here takes days

		// A stale page's action that no longer applies changes nothing.
		r := mod.post("/mod/u/ken", url.Values{"action": {"purge"}, "reason": {"again"}})
		expect(t, r, http.StatusConflict, "That action does not apply to this account as it stands now.")

		mod.lang = "ja"
		expect(t, mod.get("/mod/u/ken"), http.StatusOK, "アカウントの状態", "スパマーとして削除済みです。", "スパマー削除を取り消す")
		mod.lang = ""
		act("unpurge", url.Values{"reason": {"Mistake"}})
		step([]string{"silence", "suspend", "purge", "delete"}, "No limits")

		// Moderators do not act on each other: no actions, and why.
		grant(t, f, "ken", models.RoleModerator)
		p = step(nil, "Moderators do not act on each other")
		refuse(t, p, "<form method=\"post\" action=\"/mod/u/ken\"")
	})
}
