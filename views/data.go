package views

import (
	"html/template"
	"time"

	"hiroba/models"
)

// HelpLinks are the official channels for what only the vendor can do.
type HelpLinks struct {
	HelpCenter  string
	Status      string
	ContactForm string
}

// Base is what every page needs: who is looking, in which language, and the
// notices the site always shows.
type Base struct {
	Translator
	Title     string
	SiteName  string
	User      *models.User
	CSRFToken string
	Path      string // the current path with its query, for "come back here" links
	Help      HelpLinks
	DevSignIn bool
	Flash     string
	Now       time.Time
	Unread    int // unread notifications, on the bell
	// Tagline and Notice are the admin's wording for the description
	// and the notice's second sentence; "" keeps the catalog's.
	Tagline string
	Notice  string
	// Meta is for search engines and link previews: the canonical
	// address, a description, structured data.
	Meta PageMeta

	// Zone is the reader's time zone, for every time shown; nil is UTC.
	Zone *time.Location
	// Theme is the colour scheme chosen in the footer, "light" or "dark";
	// "" follows the device.
	Theme string
	// OwnSearch is set on the search page, whose own form is the only
	// search box, so a phone shows its results sooner.
	OwnSearch bool
	// Horizon learns when the page's relative times would read
	// differently, for the page cache; nil: nobody asks.
	Horizon *Horizon
	// Alternates are the feeds of what the page lists, for feed readers
	// to find from the page (<link rel="alternate">).
	Alternates []Alternate
	// KnownIssues are the banners at the top of the page: the known
	// issues open or lately resolved that the reader has not dismissed.
	KnownIssues []models.KnownIssue
}

// pageTitle is the window's title: the page's, then the site's.
func pageTitle(b Base) string {
	if b.Title == "" {
		return b.SiteName
	}
	return b.Title + " · " + b.SiteName
}

// TaglineText describes the site, for search engines and link previews.
func (b Base) TaglineText() string { return or(b.Tagline, b.T("site.tagline")) }

// NoticeText is what the community cannot do for a reader, after the
// notice's first sentence, which always says this is not official support.
func (b Base) NoticeText() string { return or(b.Notice, b.T("notice.no_account_access")) }

// Alternate is another form of a page's content: an Atom feed of it.
type Alternate struct {
	Title string
	Href  string // absolute
	Type  string // a media type, such as AtomType
}

// AtomType is the media type of an Atom feed.
const AtomType = "application/atom+xml"

// OtherLanguages lists the languages the footer offers to switch to.
func (b Base) OtherLanguages() []string {
	var out []string
	for _, l := range Languages {
		if l != b.lang {
			out = append(out, l)
		}
	}
	return out
}

// Clock writes times for this reader, in their language and zone.
func (b Base) Clock() Clock {
	return Clock{Translator: b.Translator, Zone: b.Zone, Now: b.Now, Horizon: b.Horizon}
}

// Time renders a moment for the page; see Clock.Time.
func (b Base) Time(t time.Time) template.HTML { return b.Clock().Time(t) }

// Ago says how long ago a moment was; see Clock.Ago.
func (b Base) Ago(t time.Time) string { return b.Clock().Ago(t) }

// Date is a moment's date and time in the reader's zone; see Clock.Date.
func (b Base) Date(t time.Time) string { return b.Clock().Date(t) }

// PostStatus says where a post that is not public stands, for the author
// and moderators who are shown it; "" for a public post.
func (b Base) PostStatus(p models.Post) string {
	switch {
	case p.Deleted() && p.DeletedBy != nil && *p.DeletedBy == p.UserID:
		return b.T("post.deleted_by_author")
	case p.Deleted():
		return b.T("post.deleted_by_moderator")
	case p.Public():
		return ""
	case p.HiddenAt != nil:
		return b.T("post.status_hidden")
	case p.Status == models.StatusHeld:
		return b.T("post.status_held")
	}
	return b.T("post.status_rejected")
}

// ListData fills the home page and a category page.
type ListData struct {
	Base
	Categories []models.Category
	Category   *models.Category
	List       models.ThreadList
	ListPath   string // the list's address with its filter and order, for pagination
	BasePath   string // the list's address alone, for the filter links
	Show       string
	Sort       string
}

// Heading names the list as filtered: "Unanswered threads in Billing",
// "Solved threads"; a category's unfiltered list is named for the category.
func (d ListData) Heading() string {
	show := d.Show
	if show == "" {
		show = string(models.ShowLatest)
	}
	if d.Category == nil {
		return d.T("list.heading_" + show)
	}
	if show == string(models.ShowLatest) {
		return d.Category.Name(d.Lang())
	}
	return d.T("list.heading_in_"+show, "Category", d.Category.Name(d.Lang()))
}

// The filters and orders the list offers, in the order of their links.
var (
	listShows = []string{"latest", "unanswered", "unsolved", "solved"}
	listSorts = []string{"activity", "newest", "helpful", "affected"}
)

// ListLink is the address of the list with another filter or order.
func (d ListData) ListLink(show, sort string) string {
	return ListPath(d.BasePath, show, sort)
}

// ThreadRow is one line of a list of threads, with all it shows decided
// once, in Go, as the thread page's posts are (see thread_rows.go): asked
// of the template, each method call and each field found through the
// embedded Base is a reflective search, thirty times a page.
type ThreadRow struct {
	Pinned       bool // pinned where the list is shown: listed first, and marked
	Path         string
	Title        string
	TitleLang    string
	Solved       bool
	Category     string // the category's name in the reader's language
	CategorySlug string
	AskedBy      string
	Replies      string
	MeToo        string        // how many have the problem too; "" when nobody said so
	Activity     template.HTML // when it was last active, for this reader
	// ByOther: the last post is not the asker's; LastPoster wrote it.
	ByOther    bool
	LastPoster string
	// AskerStaff and LastPosterStaff: they work for the vendor, and the
	// list says so beside their names.
	AskerStaff, LastPosterStaff bool
	// Thumb is the address of a small copy of the question's first image,
	// with its size; empty when it shows none.
	Thumb                   string
	ThumbWidth, ThumbHeight int
}

// ListLabels are the words every line of a list says, translated once.
type ListLabels struct {
	Pinned, Solved, LastActivity, Staff string
}

// ListLabels translates the list lines' words for this page.
func (d ListData) ListLabels() ListLabels {
	return ListLabels{Pinned: d.T("thread.pinned"), Solved: d.T("thread.solved"), LastActivity: d.T("thread.last_activity"), Staff: d.T("user.staff")}
}

// Rows are the list's lines: its pins first, then the page of threads.
func (d ListData) Rows() []ThreadRow {
	rows := make([]ThreadRow, 0, len(d.List.Pinned)+len(d.List.Threads))
	clock, lang := d.Clock(), d.Lang()
	row := func(th *models.Thread, pinned bool) ThreadRow {
		r := ThreadRow{
			Pinned: pinned, Path: ThreadPath(th.ID, th.Slug), Title: th.Title, TitleLang: th.TitleLang,
			Solved: th.Solved(), Category: th.Category.Name(lang), CategorySlug: th.Category.Slug,
			AskedBy:  d.T("thread.asked_by", "Name", d.AuthorName(th.User)),
			Replies:  d.T("thread.replies", "Count", th.ReplyCount),
			Activity: clock.Time(th.LastPostedAt),
			ByOther:  th.LastPosterID != th.UserID, LastPoster: d.AuthorName(th.LastPoster),
			AskerStaff: th.User.Staff, LastPosterStaff: th.LastPoster.Staff,
		}
		if th.MeTooCount > 0 {
			r.MeToo = d.T("list.me_too", "Count", th.MeTooCount)
		}
		if th.Thumb != "" {
			r.Thumb, r.ThumbWidth, r.ThumbHeight = models.UploadPrefix+th.Thumb, th.ThumbWidth, th.ThumbHeight
		}
		return r
	}
	for i := range d.List.Pinned {
		rows = append(rows, row(&d.List.Pinned[i], true))
	}
	for i := range d.List.Threads {
		rows = append(rows, row(&d.List.Threads[i], false))
	}
	return rows
}

// ThreadData fills a thread page.
type ThreadData struct {
	Base
	View       models.ThreadView
	Reply      PostForm
	Solution   *models.Post      // the accepted reply, shown under the question
	Voted      map[int64]bool    // posts the viewer found helpful
	Categories []models.Category // for a moderator moving the thread
	Watching   string            // the viewer's watch level: "watching", "muted" or ""
	Mod        ModForm           // the moderation form, when it comes back
	MayFlag    bool              // the viewer may flag posts (models.Store.MayFlag)
	MeToo      bool              // the viewer said they have the problem too
	// HandOff is the asker's link to official support about this thread
	// (see HandOff); "" shows nothing.
	HandOff string
	// Dupes is what the page shows about duplicates (duplicates.go).
	Dupes DupesData
	// Live lets the page's script follow the thread (see liveBar).
	Live LiveThread
}

// ModForm is a moderator's form on a thread as it was sent, with the
// reason beside each control ("action", "category") that was refused.
type ModForm struct {
	Reason string
	Errors map[string]string
}

// CanAccept reports whether the viewer may mark or unmark the solution.
func (d ThreadData) CanAccept() bool { return d.User.CanAccept(d.View.Thread) }

// MeTooOpen reports whether the thread takes me-toos: not closed, nor in
// an archived category (models.Store.SetMeToo).
func (d ThreadData) MeTooOpen() bool {
	th := d.View.Thread
	return !th.Closed() && !th.Category.Archived()
}

// MayMeToo reports whether the viewer may say they have the problem too, or
// take it back: a member other than the asker, while the thread takes them.
func (d ThreadData) MayMeToo() bool {
	return d.User != nil && d.User.ID != d.View.Thread.UserID && d.MeTooOpen()
}

// CanChange reports whether the viewer may edit or delete a post.
func (d ThreadData) CanChange(p models.Post) bool { return d.User.CanEdit(p, d.View.Thread) }

// EditData fills the edit page.
type EditData struct {
	Base
	Post       models.Post
	Categories []models.Category
	Form       PostForm
	// Images are the uploads the post shows, for a moderator to remove one.
	Images []models.Upload
}

// HistoryData fills a post's history page: the post as it is, then each
// earlier version, newest first (see NewHistory).
type HistoryData struct {
	Base
	Post      models.Post
	Revisions []HistoryEntry
}

// PostForm is what a user typed into a composer, with the reason beside
// each field that was refused, so nothing typed is lost.
type PostForm struct {
	CategoryID int64
	Title      string
	Body       string
	Errors     map[string]string
	Preview    template.HTML
	Privacy    *PrivacyCheck // personal data found; the author decides
	Pending    bool          // the text is an edit still waiting for a moderator
	// ImagesAdded counts the images this submission attached, which bring
	// the form back to check their descriptions before posting.
	ImagesAdded int
}

// PrivacyCheck shows an author the personal data found in their post, each
// match highlighted, before anything is published.
type PrivacyCheck struct {
	Title  template.HTML // the title with matches marked, when it has any
	Body   template.HTML // the body with matches marked, when it has any
	Images []ImageCheck  // the images in whose text something was found
	Kinds  []string      // what was found: email, api_key, card, …
}

// ImageCheck is an image shown in a privacy check, with what was found in
// it outlined.
type ImageCheck struct {
	URL           string
	Width, Height int
	Boxes         []ImageBox
}

// ImageBox is where in an image the guard found something, in its pixels.
type ImageBox struct {
	Kind                string
	X, Y, Width, Height int
}

// ComposeData fills the new-question page.
type ComposeData struct {
	Base
	Categories []models.Category
	Form       PostForm
	Similar    []models.SearchResult // shown on the "check before you post" step
	Checked    bool                  // the similar threads were looked for
	// Incidents are the open known issues, shown above the title so that
	// reports of them go to their threads.
	Incidents []models.KnownIssue
}

// ProfileData fills a user's page.
type ProfileData struct {
	Base
	Profile   models.User
	Threads   models.ThreadList
	Replies   []models.Post
	RepliesOf models.Pagination
}

// ProviderLink is one way to sign in.
type ProviderLink struct {
	ID    string
	Label string
}

// LoginData fills the sign-in page.
type LoginData struct {
	Base
	Providers []ProviderLink
	Dev       bool
	Next      string
	Username  string
	Error     string
}

// ErrorData fills an error page.
type ErrorData struct {
	Base
	Status  int
	Message string
}

// PreviewData fills the preview fragment.
type PreviewData struct {
	Base
	HTML template.HTML
}

// SearchForm is the search page's query, echoed back into its controls.
type SearchForm struct {
	Q, Category, Author, From, To, Sort string
	Errors                              map[string]string
}

// Filtered reports whether any filter or order was chosen: the filters
// then show open.
func (f SearchForm) Filtered() bool {
	return f.Category != "" || f.Author != "" || f.From != "" || f.To != "" || f.Sort != ""
}

// SearchData fills the search page.
type SearchData struct {
	Base
	Categories []models.Category
	Form       SearchForm
	Searched   bool
	Results    models.SearchResults
	ListPath   string
}

// SimilarData fills the list of threads that look like a question being asked.
type SimilarData struct {
	Base
	Similar []models.SearchResult
}

// CanSee reports whether the viewer may read a post's text (see
// models.User.CanRead): a post that is not public shows to its author, to
// know where it stands, and to moderators.
func (d ThreadData) CanSee(p models.Post) bool { return d.User.CanRead(p, d.View.Thread) }

// Listed reports whether a post takes a place on the page at all: held and
// rejected posts are invisible to everyone but their author and moderators.
func (d ThreadData) Listed(p models.Post) bool {
	return d.CanSee(p) || p.Deleted() || (p.HiddenAt != nil && p.Status == models.StatusPublished)
}

// CanFlag reports whether the viewer may flag a post.
func (d ThreadData) CanFlag(p models.Post) bool {
	return d.MayFlag && d.User != nil && d.User.ID != p.UserID && p.Public()
}

// FlagData fills the flag form.
type FlagData struct {
	Base
	Post   models.Post
	Reason string // what was chosen, when the form comes back
	Note   string
	Error  string
	// Refused says why the viewer may not flag at all; the page then has
	// no form to fill in.
	Refused string
}

// ReviewData fills the review queue.
type ReviewData struct {
	Base
	Floods []models.Flood // bursts of alike new questions, shown first
	Items  []models.ReviewItem
	Form   ReviewForm // a decision that came back
}

// ReviewForm is a decision on one queued post as it was sent, with the
// reason it was refused; or FloodError, why a flood's questions could not
// open a known issue.
type ReviewForm struct {
	PostID     int64
	Reason     string
	Error      string
	FloodError string
}

// ModUserData fills the page of actions on a user.
type ModUserData struct {
	Base
	Target models.User
	Days   string // as typed, when the form comes back
	Reason string
	Error  string // beside the days
	// ActionError is beside the actions: the one sent is not one of them.
	ActionError string
	Purged      bool   // the user's posts were purged (see models.Store.Purged)
	Sent        string // the action sent, when the form comes back
}

// AuditData fills the audit log.
type AuditData struct {
	Base
	Entries []models.AuditEntry
	Pages   models.Pagination
}

// WordForm is a watched word being added.
type WordForm struct {
	Pattern, Kind, Action, Error string
}

// WordsData fills the watched words page.
type WordsData struct {
	Base
	Words []models.WatchedWord
	Form  WordForm
}

// RulesData fills the spam defaults page.
type RulesData struct {
	Base
	Fields []RuleField
	Error  string
}

// RuleField is one setting of the rules form, as stored or as typed.
type RuleField struct {
	Name    string
	Value   string
	Invalid bool
	Error   string // why the value typed cannot be used
	// Budget marks a request budget; Placeholder is the server's budget,
	// in force while the field is empty.
	Budget      bool
	Placeholder string
}

// SiteSettingsData fills /admin/settings: the stored settings (or the form
// as sent back), what an empty field means, and the reasons beside the
// fields that were refused.
type SiteSettingsData struct {
	Base
	Form     models.SiteSettings
	Defaults models.SiteSettings
	Errors   map[string]string
	// DaysTyped is the days field as typed, when it was not a number.
	DaysTyped string
}
