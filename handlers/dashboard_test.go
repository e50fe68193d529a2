package handlers_test

import (
	"net/http"
	"testing"

	"hiroba/models"
)

// TestDashboardPage shows this week's figures in the table, the chart
// hidden from screen readers, in English and in Japanese, in the reader's
// zone. The figures themselves are the store's test (models).
func TestDashboardPage(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		askAndAnswer(t, f) // one question in billing, replied to at once
		admin := f.browser()
		admin.signIn("ada")
		grant(t, f, "ada", models.RoleAdmin)
		p := admin.get("/admin/dashboard")
		expect(t, p, http.StatusOK, "Support dashboard", `<svg class="chart" aria-hidden="true"`,
			"Replied within 24 h", "Median time to first reply", "1 (100%)", "0 (0%)", "0 min",
			"Billing &amp; subscriptions", "Weeks start on Monday, in UTC")
		admin.lang = "ja"
		expect(t, admin.get("/admin/dashboard"), http.StatusOK, "サポートダッシュボード", "24時間以内に返信",
			"最初の返信までの時間（中央値）", "解決済み", "1（100%）", "0分", "Asia/Tokyo")
	})
}
