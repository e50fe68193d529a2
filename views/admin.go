package views

// The data of the admin pages for categories and the support dashboard,
// and the few helpers that write their figures.

import (
	"fmt"
	"math"
	"time"

	"hiroba/models"
)

// AdminCategoriesData fills /admin/categories: every category with its
// counts, and the form for a new one (as typed, when it was refused).
type AdminCategoriesData struct {
	Base
	Categories []models.CategoryStat
	Form       models.CategoryInput
	Errors     map[string]string
}

// AdminCategoryData fills the page that renames and describes a category.
type AdminCategoryData struct {
	Base
	Category models.Category
	Form     models.CategoryInput
	Errors   map[string]string
}

// AdminMergeData fills the page that merges a category into another: the
// choice of the other, then (Into set) the confirmation.
type AdminMergeData struct {
	Base
	From    models.CategoryStat
	Into    *models.CategoryStat
	Targets []models.Category
	Error   string
}

// AdminDashboardData fills /admin/dashboard.
type AdminDashboardData struct {
	Base
	Dashboard models.Dashboard
}

// AdminSection names the admin page being shown, for the admin menu.
type AdminSection string

// The admin pages, in the menu's order.
const (
	AdminSettings   AdminSection = "/admin/settings"
	AdminCategories AdminSection = "/admin/categories"
	AdminDashboard  AdminSection = "/admin/dashboard"
	AdminRules      AdminSection = "/admin/rules"
	AdminWords      AdminSection = "/admin/words"
	AdminAudit      AdminSection = "/admin/audit"
	AdminReview     AdminSection = "/review"
)

// adminSections are the admin menu's entries: the address and the catalog
// key of each page's name.
var adminSections = []struct {
	Section AdminSection
	Label   string
}{
	{AdminSettings, "settings.title"},
	{AdminCategories, "categories.title"},
	{AdminDashboard, "dashboard.title"},
	{AdminRules, "rules.title"},
	{AdminWords, "words.title"},
	{AdminAudit, "audit.title"},
	{AdminReview, "nav.review"},
}

// sharePercent writes a share, 0 to 1, as a whole percentage.
func sharePercent(t Translator, share float64) string {
	return t.T("dashboard.percent", "Count", int(math.Round(share*100)))
}

// waitText writes how long a first reply took: minutes, hours and minutes,
// or days and hours.
func waitText(t Translator, d time.Duration) string {
	d = d.Round(time.Minute)
	switch {
	case d < time.Hour:
		return t.T("dashboard.minutes", "Count", int(d/time.Minute))
	case d < 48*time.Hour:
		return t.T("dashboard.hours_minutes", "Hours", int(d/time.Hour), "Minutes", int(d%time.Hour/time.Minute))
	}
	return t.T("dashboard.days_hours", "Days", int(d/(24*time.Hour)), "Hours", int(d%(24*time.Hour)/time.Hour))
}

// weekLabel is the date a week starts on, in the zone it was counted in.
func weekLabel(t Translator, start time.Time) string {
	if t.Lang() == "ja" {
		return start.Format("2006年1月2日")
	}
	return start.Format("Jan 2, 2006")
}

// zoneName names the zone the dashboard's weeks start in.
func zoneName(z *time.Location) string {
	if z == nil {
		return "UTC"
	}
	return z.String()
}

// bar is one bar of the dashboard's chart, in the SVG's units.
type bar struct {
	X, Y, W, H int
	Answered   int // the height of the part answered within a day
}

// chartBars lays out one bar per week, as tall as its questions, the part
// answered within a day drawn over it.
func chartBars(weeks []models.DashboardWeek) []bar {
	most := 1
	for _, w := range weeks {
		most = max(most, w.Questions)
	}
	bars := make([]bar, len(weeks))
	for i, w := range weeks {
		h := w.Questions * chartHeight / most
		a := w.AnsweredIn24h * chartHeight / most
		bars[i] = bar{X: i * chartStep, Y: chartHeight - h, W: chartStep - 6, H: h, Answered: a}
	}
	return bars
}

const (
	chartHeight = 100
	chartStep   = 30
)

func chartWidth(n int) string { return fmt.Sprint(n * chartStep) }
func itoa(n int) string       { return fmt.Sprint(n) }
