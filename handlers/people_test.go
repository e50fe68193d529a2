package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hiroba/models"
)

func TestDataDownloadIsPrivateAndNotKept(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		asker, helper, _ := askAndAnswer(t, f)
		visitor := f.browser()
		p := visitor.get("/settings/data")
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/login") {
			t.Fatalf("visitor: %d %q, want a redirect to sign in", p.Status, p.Location)
		}
		expect(t, asker.get("/settings/notifications"), http.StatusOK, `action="/settings/data"`, "Download my data", `action="/settings/account/delete"`)
		p = asker.get("/settings/data")
		expect(t, p, http.StatusOK, "Two charges this month.", `"username":"hana"`)
		refuse(t, p, "Billing refunds duplicates", `"username":"ken"`)
		if cc := p.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", cc)
		}
		want := `attachment; filename="hiroba-hana-` + time.Now().UTC().Format("2006-01-02") + `.json"`
		if cd := p.Header.Get("Content-Disposition"); cd != want {
			t.Errorf("Content-Disposition = %q, want %q", cd, want)
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(p.Body), &doc); err != nil {
			t.Fatalf("download is not JSON: %v", err)
		}
		// Each person gets their own, whatever was fetched before.
		expect(t, helper.get("/settings/data"), http.StatusOK, `"username":"ken"`)
	})
}

func TestDeletingYourAccount(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		asker, helper, thread := askAndAnswer(t, f)
		ctx := context.Background()
		ken, err := f.srv.Store.UserByUsername(ctx, "ken")
		if err != nil {
			t.Fatal(err)
		}
		helper.get("/settings/notifications")
		p := helper.post("/settings/account/delete", url.Values{"confirm": {"hana"}})
		expect(t, p, http.StatusUnprocessableEntity, "That is not your username. Nothing was deleted.", `aria-invalid="true"`)
		if u, _ := f.srv.Store.UserByUsername(ctx, "ken"); u.Deleted() {
			t.Fatal("a wrong confirmation deleted the account")
		}
		expect(t, helper.get("/notifications"), http.StatusOK) // still signed in

		p = helper.post("/settings/account/delete", url.Values{"confirm": {"ken"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d\n%s", p.Status, p.Body)
		}
		if helper.cookies["hiroba_session"] != "" {
			t.Error("the session cookie outlived the account")
		}
		if p := helper.get("/notifications"); p.Status != http.StatusSeeOther {
			t.Errorf("after deletion /notifications: %d, want a redirect to sign in", p.Status)
		}

		// The answer stays, by a deleted user, on every page that names it.
		visitor := f.browser()
		page := visitor.get(thread)
		expect(t, page, http.StatusOK, "Billing refunds duplicates within a week.", "deleted user")
		refuse(t, page, `href="/u/ken"`, ">ken<", `class="author" href=""`)
		expect(t, page, http.StatusOK, `<span class="author">deleted user</span>`)
		expect(t, visitor.get("/u/ken"), http.StatusNotFound)
		search := visitor.get("/search?q=" + url.QueryEscape("refunds"))
		expect(t, search, http.StatusOK, "deleted user")
		expect(t, visitor.get("/search?q=refunds&author=ken"), http.StatusOK, "No user is called")
		visitor.lang = "ja"
		expect(t, visitor.get(thread), http.StatusOK, "削除されたユーザー")

		// Ken answered last: the list names the last poster.
		hanaAsks := asker.get("/")
		expect(t, hanaAsks, http.StatusOK, "deleted user")

		// Signing in again as ken is someone new: the name stays reserved.
		again := f.browser()
		again.signIn("ken")
		p = again.get("/")
		expect(t, p, http.StatusOK, `href="/u/ken2"`)
		fresh, err := f.srv.Store.UserByUsername(ctx, "ken2")
		if err != nil || fresh.ID == ken.ID {
			t.Errorf("new sign-in: %+v %v", fresh, err)
		}
	})
}

func TestModeratorDeletesAnAccountOnRequest(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, helper, _ := askAndAnswer(t, f)
		mod := f.browser()
		mod.signIn("mo")
		grant(t, f, "mo", models.RoleModerator)
		expect(t, mod.get("/mod/u/ken"), http.StatusOK, `value="delete"`)
		p := mod.post("/mod/u/ken", url.Values{"action": {"delete"}, "reason": {""}})
		expect(t, p, http.StatusUnprocessableEntity, "Say why the account is being deleted")
		p = mod.post("/mod/u/ken", url.Values{"action": {"delete"}, "reason": {"Asked by email on 3 March"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d\n%s", p.Status, p.Body)
		}
		expect(t, mod.get("/mod/u/ken"), http.StatusOK, "This account was deleted.", "Deleted account")
		if p := helper.get("/notifications"); p.Status != http.StatusSeeOther {
			t.Errorf("the deleted account's browser is still signed in: %d", p.Status)
		}
		admin := f.browser()
		admin.signIn("root")
		grant(t, f, "root", models.RoleAdmin)
		expect(t, admin.get("/admin/audit"), http.StatusOK, "Deleted the account", "Asked by email on 3 March")
	})
}
