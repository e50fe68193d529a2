package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hiroba/models"
)

// rulesForm is a valid rules form with every budget left to the server;
// tests change the fields they exercise.
func rulesForm() url.Values {
	return url.Values{"new_account_age": {"0s"}, "new_account_min_posts": {"0"}, "new_max_links": {"2"},
		"new_max_images": {"0"}, "new_max_threads_per_day": {"3"}, "new_max_replies_per_day": {"10"}, "new_cooldown": {"0s"},
		"cooldown": {"0s"}, "duplicate_window": {"5m"}, "flag_threshold": {"3"}, "uploads_per_day": {"30"},
		"flood_threshold": {"10"}, "flood_window": {"15m"}}
}

// An admin changes a request budget on the rules page: a form that cannot
// be read comes back as typed with the reason beside the field, nothing is
// stored; a good one is audit-logged and the new budget is enforced from
// the next request, without a restart.
func TestAdminChangesABudget(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		admin := f.browser()
		admin.signIn("root")
		grant(t, f, "root", models.RoleAdmin)
		// Left to the server, a budget shows its value as the placeholder.
		expect(t, admin.get("/admin/rules"), http.StatusOK, "Request budgets",
			`name="limit_post" type="text" value="" placeholder="10/1m"`, "Questions, replies and edits per person")

		bad := rulesForm()
		bad.Set("limit_post", "ten a minute")
		bad.Set("limit_vote", "5/0s")
		p := admin.post("/admin/rules", bad)
		expect(t, p, http.StatusUnprocessableEntity, "Nothing was saved",
			`value="ten a minute" placeholder="10/1m" aria-invalid="true" aria-describedby="budgets-help limit_post-error"`,
			`<p class="field-error" id="limit_post-error">Write a count and a period such as 10/1m`,
			`value="5/0s"`, `id="limit_vote-error"`)
		refuse(t, p, `id="limit_flag-error"`)
		admin.lang = "ja"
		expect(t, admin.post("/admin/rules", bad), http.StatusUnprocessableEntity,
			"一人あたりの質問・返信・編集", "10/1m(1分に10回)のように", `value="ten a minute"`)
		admin.lang = ""
		if r, _ := f.srv.Store.Rules(context.Background()); r.Budgets != (models.Budgets{}) {
			t.Fatalf("a refused form stored budgets: %+v", r.Budgets)
		}

		good := rulesForm()
		good.Set("limit_post", " 2/1m ")
		p = admin.post("/admin/rules", good)
		if p.Status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", p.Status, p.Body)
		}
		expect(t, admin.get("/admin/rules"), http.StatusOK, `name="limit_post" type="text" value="2/1m"`)
		log, _, err := f.srv.Store.AuditLog(context.Background(), 1, 1)
		if err != nil || len(log) != 1 || log[0].Action != "rules.update" || !strings.Contains(log[0].Reason, `"budgets":{"post":"2/1m"}`) {
			t.Errorf("audit log: %+v, %v; want the budget's change", log, err)
		}

		// Two posts go through under the new budget; the third waits, with its text.
		hana := f.browser()
		hana.signIn("hana")
		hana.get("/new")
		thread := strings.Split(hana.post("/new", url.Values{"category": {"2"}, "title": {"Charged twice for one plan"}, "body": {"Two charges."}}).Location, "#")[0]
		hana.get(thread)
		if p := hana.post("/t/1/replies", url.Values{"body": {"The second charge is pending."}}); !replied(p) {
			t.Fatalf("second post under a budget of 2: %d %q", p.Status, p.Location)
		}
		p = hana.post("/t/1/replies", url.Values{"body": {"A third post in a minute."}})
		if !strings.Contains(p.Location, "reply=kept") {
			t.Fatalf("third post under a budget of 2: %d %q", p.Status, p.Location)
		}
		expect(t, hana.get(p.Location), http.StatusOK, "A third post in a minute.</textarea>", "You are posting quickly.")

		// Cleared, the budget is the server's again, counted afresh: hana
		// may post at once.
		admin.get("/admin/rules")
		if p := admin.post("/admin/rules", rulesForm()); p.Status != http.StatusSeeOther {
			t.Fatalf("clear: %d\n%s", p.Status, p.Body)
		}
		hana.get(thread)
		if p := hana.post("/t/1/replies", url.Values{"body": {"Posted once the budget is back."}}); !replied(p) {
			t.Fatalf("post after the budget was cleared: %d %q", p.Status, p.Location)
		}
	})
}
