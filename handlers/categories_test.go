package handlers_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"hiroba/models"
)

// TestCategoryPagesAreForAdminsOnly: members and moderators are refused
// every page and action, and an admin's form without its token is too.
func TestCategoryPagesAreForAdminsOnly(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		member, mod, admin := f.browser(), f.browser(), f.browser()
		member.signIn("ken")
		mod.signIn("mo")
		grant(t, f, "mo", models.RoleModerator)
		admin.signIn("ada")
		grant(t, f, "ada", models.RoleAdmin)
		gets := []string{"/admin/categories", "/admin/categories/1/edit", "/admin/categories/1/merge", "/admin/dashboard"}
		posts := map[string]url.Values{
			"/admin/categories":           {"name_en": {"Pwned"}, "name_ja": {"Pwned"}},
			"/admin/categories/1/edit":    {"name_en": {"Pwned"}, "name_ja": {"Pwned"}},
			"/admin/categories/1/move":    {"direction": {"down"}},
			"/admin/categories/1/archive": {"action": {"archive"}},
			"/admin/categories/1/merge":   {"into": {"2"}, "confirm": {"yes"}},
		}
		for _, b := range []*browser{member, mod} {
			for _, p := range gets {
				expect(t, b.get(p), http.StatusForbidden)
			}
			for p, form := range posts {
				b.get("/")
				expect(t, b.post(p, form), http.StatusForbidden)
			}
		}
		for p, form := range posts {
			form.Set("_csrf", "forged")
			expect(t, admin.postRaw(p, form), http.StatusForbidden)
		}
		// Nothing changed.
		cats, err := f.srv.Store.Categories(context.Background())
		if err != nil || len(cats) != 6 || cats[0].Slug != "account" || cats[0].NameEN != "Account & login" || cats[0].Archived() {
			t.Fatalf("categories changed: %+v %v", cats, err)
		}
		for _, p := range gets {
			expect(t, admin.get(p), http.StatusOK, `class="admin-menu"`, `href="/admin/dashboard"`, `href="/admin/categories"`)
		}
		// The account menu and every admin page link the new pages.
		for _, p := range []string{"/", "/admin/settings", "/admin/rules", "/admin/words", "/admin/audit"} {
			expect(t, admin.get(p), http.StatusOK, `href="/admin/categories"`, `href="/admin/dashboard"`)
		}
		refuse(t, member.get("/"), `href="/admin/categories"`)
	})
}

// homeOrder is the categories' slugs in the order the home page lists them.
func homeOrder(t *testing.T, b *browser) []string {
	t.Helper()
	p := b.get("/")
	expect(t, p, http.StatusOK)
	var slugs []string
	for _, m := range regexp.MustCompile(`href="/c/([a-z0-9-]+)"`).FindAllStringSubmatch(p.Body, -1) {
		if !strings.Contains(strings.Join(slugs, " "), m[1]) {
			slugs = append(slugs, m[1])
		}
	}
	return slugs
}

func TestCreateRenameAndReorderCategories(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		admin := f.browser()
		admin.signIn("ada")
		grant(t, f, "ada", models.RoleAdmin)
		admin.get("/admin/categories")

		// A refused form keeps what was typed, the reason by the field.
		p := admin.post("/admin/categories", url.Values{"name_en": {""}, "name_ja": {"ハードウェア"}, "description_en": {"Devices & cables"}})
		expect(t, p, http.StatusUnprocessableEntity, "Nothing was saved", `id="name_en-error"`, "Enter a name.",
			`value="ハードウェア"`, "Devices &amp; cables")
		refuse(t, p, `id="name_ja-error"`)

		p = admin.post("/admin/categories", url.Values{"name_en": {"Hardware & devices"}, "name_ja": {"ハードウェア"},
			"description_en": {"Devices & cables"}, "description_ja": {"機器とケーブル"}})
		expect(t, p, http.StatusSeeOther)
		expect(t, admin.get("/admin/categories"), http.StatusOK, "The category was created.", "hardware-devices", "Hardware &amp; devices")
		// The same English name again gets an address of its own.
		admin.post("/admin/categories", url.Values{"name_en": {"Hardware & devices"}, "name_ja": {"ハードウェア2"}})
		if _, err := f.srv.Store.CategoryBySlug(context.Background(), "hardware-devices-2"); err != nil {
			t.Fatalf("second slug: %v", err)
		}
		hw, err := f.srv.Store.CategoryBySlug(context.Background(), "hardware-devices")
		if err != nil {
			t.Fatal(err)
		}
		id := "/admin/categories/" + strconv.FormatInt(hw.ID, 10)
		visitor := f.browser()
		expect(t, visitor.get("/c/hardware-devices"), http.StatusOK, "Hardware &amp; devices", "Devices &amp; cables")

		// Renamed: the address stays, the names change everywhere.
		expect(t, admin.get(id+"/edit"), http.StatusOK, `value="Hardware &amp; devices"`)
		p = admin.post(id+"/edit", url.Values{"name_en": {strings.Repeat("x", 81)}, "name_ja": {"機器"}})
		expect(t, p, http.StatusUnprocessableEntity, `id="name_en-error"`, "This is too long.", `value="機器"`)
		expect(t, admin.post(id+"/edit", url.Values{"name_en": {"Devices"}, "name_ja": {"機器"}, "description_en": {"Phones and routers"}, "description_ja": {"電話とルーター"}}), http.StatusSeeOther)
		expect(t, visitor.get("/c/hardware-devices"), http.StatusOK, "Devices", "Phones and routers")
		visitor.lang = "ja"
		expect(t, visitor.get("/c/hardware-devices"), http.StatusOK, "機器", "電話とルーター")

		// Reordered: the home page follows.
		before := homeOrder(t, f.browser())
		if before[0] != "account" || before[1] != "billing" {
			t.Fatalf("home order %v", before)
		}
		admin.get("/admin/categories")
		expect(t, admin.post("/admin/categories/2/move", url.Values{"direction": {"up"}}), http.StatusSeeOther)
		after := homeOrder(t, f.browser())
		if after[0] != "billing" || after[1] != "account" {
			t.Errorf("home order after moving billing up: %v", after)
		}
		admin.get("/admin/categories")
		admin.post(id+"/move", url.Values{"direction": {"up"}})
		if got := homeOrder(t, f.browser()); len(got) < 8 || got[5] != "hardware-devices" || got[6] != "lounge" {
			t.Errorf("home order after moving the new category up: %v", got)
		}
		// Moving the first up changes nothing.
		admin.get("/admin/categories")
		expect(t, admin.post("/admin/categories/2/move", url.Values{"direction": {"up"}}), http.StatusSeeOther)
		if got := homeOrder(t, f.browser()); got[0] != "billing" {
			t.Errorf("home order: %v", got)
		}

		// Every change is in the audit log, in both languages.
		expect(t, admin.get("/admin/audit"), http.StatusOK, "Created a category", "Renamed or described a category", "Moved a category up", "Category #")
		admin.lang = "ja"
		expect(t, admin.get("/admin/audit"), http.StatusOK, "カテゴリーを作成", "カテゴリーを上へ移動")
		expect(t, admin.get("/admin/categories"), http.StatusOK, "新しいカテゴリー", "公開スレッド", "上へ", "アーカイブ", "統合", "名前（日本語）")
	})
}

// TestArchivedCategoryTakesNoPosts: once archived, a category refuses new
// threads and replies, each with the reason and the text kept; the
// composer no longer offers it, its page says so; opened again, it takes
// them again.
func TestArchivedCategoryTakesNoPosts(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		asker, helper, thread := askAndAnswer(t, f) // in billing, id 2
		admin := f.browser()
		admin.signIn("ada")
		grant(t, f, "ada", models.RoleAdmin)
		admin.get("/admin/categories")
		expect(t, admin.post("/admin/categories/2/archive", url.Values{"action": {"archive"}}), http.StatusSeeOther)
		expect(t, admin.get("/admin/categories"), http.StatusOK, "The category is archived", "Archived", `Unarchive<span class="visually-hidden">: Billing`)

		expect(t, f.browser().get("/c/billing"), http.StatusOK, "This category is archived.", "Charged twice for one plan")
		refuse(t, f.browser().get("/c/billing"), "/new?category=billing")

		// The thread says so and offers no reply form; a reply sent anyway
		// is refused, and comes back with its text and the reason.
		page := helper.get(thread)
		expect(t, page, http.StatusOK, "This category is archived. Its threads can be read")
		refuse(t, page, `action="/t/1/replies"`)
		sent := helper.post("/t/1/replies", url.Values{"body": {"One more idea about refunds."}})
		if replied(sent) {
			t.Fatalf("a reply went into an archived category: %q", sent.Location)
		}
		kept := helper.get(sent.Location)
		expect(t, kept, http.StatusOK, "This category is archived", "One more idea about refunds.")
		// Moderators too: archived is read-only.
		grant(t, f, "ada", models.RoleAdmin)
		admin.get(thread)
		if replied(admin.post("/t/1/replies", url.Values{"body": {"An admin reply."}})) {
			t.Error("an admin replied in an archived category")
		}

		// The composer offers it no more, and a question sent to it anyway
		// comes back with its text.
		compose := asker.get("/new")
		expect(t, compose, http.StatusOK, "Account &amp; login")
		refuse(t, compose, "Billing &amp; subscriptions")
		p := asker.post("/new", url.Values{"category": {"2"}, "title": {"Refund for an archived plan"}, "body": {"Where is my refund?"}})
		expect(t, p, http.StatusUnprocessableEntity, "This category is archived", "Refund for an archived plan", "Where is my refund?")
		asker.lang = "ja"
		asker.get("/new")
		p = asker.post("/new", url.Values{"category": {"2"}, "title": {"返金について"}, "body": {"返金はどこですか"}})
		expect(t, p, http.StatusUnprocessableEntity, "アーカイブされている", "返金について")
		// The store refuses it too, whatever the form.
		u, err := f.srv.Store.UserByUsername(context.Background(), "hana")
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.srv.Store.CreateThread(context.Background(), models.NewThread{UserID: u.ID, CategoryID: 2, Title: "Direct", Body: "Direct"})
		var refused *models.RefusedError
		if !errors.As(err, &refused) || refused.Reason != models.RefuseArchived {
			t.Errorf("CreateThread in an archived category: %v", err)
		}
		// Nor may a moderator move a thread into it.
		asker.lang = ""
		asker.get("/new")
		moved := asker.post("/new", url.Values{"category": {"1"}, "title": {"Login loop"}, "body": {"It loops."}})
		expect(t, moved, http.StatusSeeOther)
		admin.get("/t/2")
		expect(t, admin.post("/mod/t/2", url.Values{"action": {"move"}, "category": {"2"}}), http.StatusUnprocessableEntity, "archived")

		// Opened again, it takes replies.
		admin.get("/admin/categories")
		expect(t, admin.post("/admin/categories/2/archive", url.Values{"action": {"unarchive"}}), http.StatusSeeOther)
		helper.get(thread)
		if !replied(helper.post("/t/1/replies", url.Values{"body": {"One more idea about refunds."}})) {
			t.Error("a reply was refused after the category was opened again")
		}
		expect(t, admin.get("/admin/audit"), http.StatusOK, "Archived a category", "Unarchived a category")
	})
}

// TestMergeCategories: a merge asks to confirm, then moves every thread,
// counts them in their new category and removes the old one.
func TestMergeCategories(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, _, thread := askAndAnswer(t, f) // in billing, id 2
		asker := f.browser()
		asker.signIn("hana")
		asker.get("/new")
		asker.post("/new", url.Values{"category": {"2"}, "title": {"Invoice address"}, "body": {"How do I change it?"}})
		asker.post("/new", url.Values{"category": {"3"}, "title": {"API key rotation"}, "body": {"How often?"}})
		admin := f.browser()
		admin.signIn("ada")
		grant(t, f, "ada", models.RoleAdmin)
		// Hidden threads move too, and count in all threads, not public ones.
		admin.get(thread)
		expect(t, admin.post("/mod/t/2", url.Values{"action": {"hide"}}), http.StatusSeeOther)

		expect(t, admin.get("/admin/categories/2/merge"), http.StatusOK, "Merge “Billing &amp; subscriptions”", "2 threads move", `name="into"`)
		p := admin.post("/admin/categories/2/merge", url.Values{"into": {"3"}})
		expect(t, p, http.StatusOK, "2 threads will move from “Billing &amp; subscriptions” to “API &amp; developers”", `name="confirm" value="yes"`)
		// Nothing moved before the confirmation.
		if _, err := f.srv.Store.CategoryByID(context.Background(), 2); err != nil {
			t.Fatalf("billing went before the merge was confirmed: %v", err)
		}
		expect(t, admin.post("/admin/categories/2/merge", url.Values{"into": {"2"}, "confirm": {"yes"}}), http.StatusUnprocessableEntity, "Choose the category")
		expect(t, admin.post("/admin/categories/2/merge", url.Values{"into": {"3"}, "confirm": {"yes"}}), http.StatusSeeOther)

		expect(t, f.browser().get("/c/billing"), http.StatusNotFound)
		api := f.browser().get("/c/api")
		expect(t, api, http.StatusOK, "Charged twice for one plan", "API key rotation")
		refuse(t, api, "Invoice address") // hidden: moved, still hidden
		expect(t, f.browser().get(thread), http.StatusOK, "API &amp; developers")
		stats, err := f.srv.Store.CategoryStats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range stats {
			if s.Slug == "billing" {
				t.Errorf("billing is still listed")
			}
			if s.Slug == "api" && (s.PublicThreads != 2 || s.AllThreads != 3 || s.ThreadCount != 3) {
				// The stored count, as every list shows it, counts a thread
				// whose question was published, hidden later or not.
				t.Errorf("api counts: public %d, all %d, stored %d; want 2, 3, 3", s.PublicThreads, s.AllThreads, s.ThreadCount)
			}
		}
		expect(t, admin.get("/admin/categories"), http.StatusOK, "The categories were merged.")
		expect(t, admin.get("/admin/audit"), http.StatusOK, "Merged a category into this one", "Billing &amp; subscriptions → API &amp; developers")
	})
}

// TestCategoryChangesReachKeptPages: with anonymous pages kept for an hour,
// every category change is on the pages visitors get at once.
func TestCategoryChangesReachKeptPages(t *testing.T) {
	t.Parallel()
	f := cachedForum(t)
	_, _, thread := askAndAnswer(t, f)
	admin := f.browser()
	admin.signIn("ada")
	grant(t, f, "ada", models.RoleAdmin)
	keep := func(path string) {
		t.Helper()
		f.browser().get(path)
		if _, hit := f.served(path); !hit {
			t.Fatalf("%s was not kept", path)
		}
	}
	for _, p := range []string{"/", "/c/billing", "/c/api", thread} {
		keep(p)
	}
	admin.get("/admin/categories")
	admin.post("/admin/categories/2/move", url.Values{"direction": {"up"}})
	if got := homeOrder(t, f.browser()); got[0] != "billing" {
		t.Errorf("kept home page after a move: %v", got)
	}
	keep("/c/billing")
	admin.get("/admin/categories")
	admin.post("/admin/categories/2/archive", url.Values{"action": {"archive"}})
	expect(t, f.browser().get("/c/billing"), http.StatusOK, "This category is archived.")

	keep("/c/billing")
	keep(thread)
	admin.get("/admin/categories/2/edit")
	admin.post("/admin/categories/2/edit", url.Values{"name_en": {"Payments"}, "name_ja": {"支払い"}})
	expect(t, f.browser().get("/c/billing"), http.StatusOK, "Payments")
	expect(t, f.browser().get(thread), http.StatusOK, "Payments")

	keep("/c/api")
	keep(thread)
	admin.get("/admin/categories/2/merge")
	admin.post("/admin/categories/2/merge", url.Values{"into": {"3"}, "confirm": {"yes"}})
	expect(t, f.browser().get("/c/api"), http.StatusOK, "Charged twice for one plan")
	expect(t, f.browser().get(thread), http.StatusOK, "API &amp; developers")
	expect(t, f.browser().get("/c/billing"), http.StatusNotFound)

	admin.get("/admin/categories")
	admin.post("/admin/categories", url.Values{"name_en": {"Hardware"}, "name_ja": {"ハードウェア"}})
	expect(t, f.browser().get("/"), http.StatusOK, `href="/c/hardware"`)
}
