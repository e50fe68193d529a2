package views

import "hiroba/models"

// The pages of merging threads.
const (
	ThreadMergePage  Page = "thread_merge"  // a moderator merges a thread: the original, then the confirmation
	ThreadMergesPage Page = "thread_merges" // every merge, with undo
)

// DupesData is what a thread page shows about duplicates: where a duplicate's
// answer is, and the forms that close a thread as a duplicate, undo that,
// or merge it.
type DupesData struct {
	// Original is the thread a duplicate sends readers to; nil for a
	// thread that is none, or whose original the reader may not open.
	Original *models.Thread
	// MayClose: the reader may close the thread as a duplicate (its asker
	// or a moderator); MayReopen: may undo that.
	MayClose, MayReopen bool
	// Merges are the merges into this thread not undone, for moderators.
	Merges []models.ThreadMerge
	// Form is the close-as-duplicate form as it was sent, when it comes
	// back with Errors["original"].
	Form DupeForm
}

// DupeForm is a form naming another thread, as sent: the number or address
// typed, and the reason it was refused.
type DupeForm struct {
	Original string
	Errors   map[string]string
}

// ThreadMergeData fills the page that merges a thread into another: the
// field naming the original (Preview nil), then what the merge will do.
type ThreadMergeData struct {
	Base
	From    models.Thread
	Into    string               // the number or address typed
	Preview *models.MergePreview // set once the original is known: the confirmation
	Error   string
}

// ThreadMergesData fills the list of merges.
type ThreadMergesData struct {
	Base
	Merges []models.ThreadMerge
	Pages  models.Pagination
}
