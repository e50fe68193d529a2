package handlers_test

import (
	"net/http"
	"net/url"
	"testing"

	"hiroba/app"
	"hiroba/models"
)

// Moderators and admins reading in Japanese see words, not the codes the
// forum stores: review reasons, flag reasons, audit actions, targets and
// the reasons the forum writes itself; durations as they are typed.
func TestModerationPagesSpeakJapanese(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, helper, thread := askAndAnswer(t, f)
		newcomerRules(t, f)
		spammer := f.browser()
		spammer.signIn("fresh")
		spammer.get(thread)
		spammer.post("/t/1/replies", url.Values{"body": {"[a](https://a.example/1) [b](https://b.example/2) [c](https://c.example/3)"}})
		grant(t, f, "ken", models.RoleModerator) // ken flags as a moderator; no newcomer limit
		helper.get("/p/1/flag")
		helper.post("/p/1/flag", url.Values{"reason": {"spam"}})

		admin := f.browser()
		admin.signIn("root")
		grant(t, f, "root", models.RoleAdmin)
		admin.lang = "ja"
		review := admin.get("/review")
		expect(t, review, http.StatusOK, "新しいアカウントによるリンク 3 件", "ken さんが報告(スパム・宣伝)")
		refuse(t, review, "links:3", "(spam)", "review.")

		admin.get("/admin/rules")
		admin.post("/admin/rules", url.Values{
			"new_account_age": {"24h"}, "new_account_min_posts": {"3"}, "new_max_links": {"2"}, "new_max_images": {"0"},
			"new_max_threads_per_day": {"3"}, "new_max_replies_per_day": {"10"}, "new_cooldown": {"1m30s"},
			"cooldown": {"5s"}, "duplicate_window": {"1h30m"}, "flag_threshold": {"3"}, "uploads_per_day": {"30"},
			"flood_threshold": {"10"}, "flood_window": {"15m"},
		})
		rules := admin.get("/admin/rules")
		expect(t, rules, http.StatusOK, `value="24h"`, `value="1m30s"`, `value="1h30m"`)
		refuse(t, rules, "0m0s", "h0m")

		audit := admin.get("/admin/audit")
		expect(t, audit, http.StatusOK,
			"管理者に設定", `<a href="/mod/u/root">root</a>`, "サーバー上の hiroba admin コマンドで変更", "フォーラム自体",
			"スパム対策ルールを変更", "新規アカウントとみなす期間: 24h", // the rules as saved, labelled
			"モデレーターに設定")
		refuse(t, audit, "user.role.admin", "user #", "command line", "rules.update", "24h0m0s", "<code>")
	})
}

// With no official help links configured, the notice says where to go
// instead, and every admin page tells the admin which settings to set.
// The footer names the site by its configured name.
func TestHelpLinksMissing(t *testing.T) {
	eachDialectWith(t, func(c *app.Config) { c.SiteName = "Acme Community" }, func(t *testing.T, f *forum) {
		home := f.browser().get("/")
		expect(t, home, http.StatusOK, "contact the company directly through its own website or app",
			"Acme Community is run by and for the product")
		refuse(t, home, "Hiroba is run by", "HIROBA_HELP_URL")
		admin := f.browser()
		admin.signIn("root")
		grant(t, f, "root", models.RoleAdmin)
		for _, path := range []string{"/admin/audit", "/admin/words", "/admin/rules"} {
			expect(t, admin.get(path), http.StatusOK, "HIROBA_HELP_URL", "HIROBA_STATUS_URL", "HIROBA_CONTACT_URL")
		}
		admin.lang = "ja"
		expect(t, admin.get("/admin/rules"), http.StatusOK, "公式サポートへのリンクが設定されていない", "Acme Communityは製品のユーザーが運営する")
	})
}

// Once a help link is configured, admin pages stop asking for it.
func TestHelpLinksConfigured(t *testing.T) {
	eachDialectWith(t, func(c *app.Config) { c.HelpCenterURL = "https://help.example/" }, func(t *testing.T, f *forum) {
		admin := f.browser()
		admin.signIn("root")
		grant(t, f, "root", models.RoleAdmin)
		page := admin.get("/admin/rules")
		expect(t, page, http.StatusOK, `href="https://help.example/"`)
		refuse(t, page, "HIROBA_HELP_URL")
	})
}
