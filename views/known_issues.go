package views

import (
	"strconv"

	"hiroba/models"
)

// The moderators' pages of known issues: the list with the form that opens
// one, and one issue's page with the forms that change and resolve it.
const (
	KnownIssuesPage Page = "known_issues"
	KnownIssuePage  Page = "known_issue"
)

// KnownIssuesPath is where moderators run known issues.
const KnownIssuesPath = "/mod/known-issues"

// KnownIssuePath is one known issue's page.
func KnownIssuePath(id int64) string { return KnownIssuesPath + "/" + strconv.FormatInt(id, 10) }

// DismissPath is where a reader's browser says it has seen a banner.
func DismissPath(id int64) string { return "/known-issues/" + strconv.FormatInt(id, 10) + "/dismiss" }

// KnownIssueForm is the form that opens or changes a known issue, as typed.
type KnownIssueForm struct {
	Input models.KnownIssueInput
	// Incident is "new" (a new thread in Input.CategoryID) or
	// "existing" (the thread Thread names); only opening asks.
	Incident string
	Thread   string            // the existing thread as typed: 12, #12 or its address
	Errors   map[string]string // the reason beside each refused field
}

// ResolveForm is the form that resolves a known issue, as typed.
type ResolveForm struct {
	ResolutionEN, ResolutionJA string
	Errors                     map[string]string
}

// KnownIssuesData fills the list of known issues and the form to open one.
type KnownIssuesData struct {
	Base
	Issues     []models.KnownIssue
	Categories []models.Category // those a new incident thread may go in
	Form       KnownIssueForm
}

// KnownIssueData fills one known issue's page.
type KnownIssueData struct {
	Base
	Issue   models.KnownIssue
	Form    KnownIssueForm
	Resolve ResolveForm
}

// banners are the known issues this page shows at its top. A resolved
// one's banner goes at a set time: a cache keeps the page no longer.
func (b Base) banners() []models.KnownIssue {
	for _, k := range b.KnownIssues {
		if until := k.ShownUntil(); !until.IsZero() {
			b.Horizon.see(until)
		}
	}
	return b.KnownIssues
}

// DismissToken is what the dismissal cookie holds for an issue in the
// state it is in: dismissing an open issue's banner leaves its "resolved"
// banner to be seen once it is.
func DismissToken(k models.KnownIssue) string {
	t := strconv.FormatInt(k.ID, 10)
	if k.Resolved() {
		t += "r"
	}
	return t
}

// severityLabel is the catalog key naming a severity.
func severityLabel(s string) string { return "known.severity_" + s }
