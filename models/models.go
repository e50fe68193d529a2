// Package models holds the forum's data and every query over it. Nothing here
// knows about HTTP: handlers call Store methods named for what they do.
package models

import (
	"html/template"
	"time"
)

// User is a person who has signed in at least once. Email is private: it is
// kept for account matching and never shown on a page.
type User struct {
	ID        int64
	Username  string
	Name      string
	Email     string
	AvatarURL string
	Role      Role
	// Staff marks someone who works for the vendor (an admin's mark,
	// beside any role): readers see it by their name.
	Staff bool
	// Moderation: a silenced user may read and vote but not post; a
	// suspended one may not sign in to act at all. The reason is shown to them.
	SilencedUntil    *time.Time
	SuspendedUntil   *time.Time
	ModerationReason string
	EmailVerified    bool
	CreatedAt        time.Time
	UpdatedAt        time.Time

	// TimeZone is the IANA zone the user reads times in; "" when they never
	// chose, and their browser or language decides.
	TimeZone string
}

// Role is what a user may do beyond their own posts.
type Role string

// The roles, from least to most trusted.
const (
	RoleMember    Role = "member"
	RoleModerator Role = "moderator"
	RoleAdmin     Role = "admin"
)

// CanModerate reports whether the user acts for the community on others' posts.
func (u User) CanModerate() bool { return u.Role == RoleModerator || u.Role == RoleAdmin }

// DisplayName is the name shown beside a post.
func (u User) DisplayName() string {
	if u.Name != "" {
		return u.Name
	}
	return u.Username
}

// Identity is one OAuth login of a user: a user may sign in through several
// providers, each identity belongs to exactly one user.
type Identity struct {
	ID             int64
	UserID         int64
	Provider       string
	ProviderUserID string
	Email          string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Session is a signed-in browser. Only a hash of the cookie's token is
// stored, so a copy of the database does not let anyone sign in.
type Session struct {
	ID        int64
	TokenHash string
	UserID    int64
	ExpiresAt time.Time
	CreatedAt time.Time
}

// Category groups threads; names come in every language the site speaks.
type Category struct {
	ID            int64
	Slug          string
	NameEN        string `gorm:"column:name_en"`
	NameJA        string `gorm:"column:name_ja"`
	DescriptionEN string `gorm:"column:description_en"`
	DescriptionJA string `gorm:"column:description_ja"`
	Position      int
	ThreadCount   int
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// ArchivedAt is set while the category is archived: read-only, it
	// takes no new threads and no replies (see Store.SetCategoryArchived).
	ArchivedAt *time.Time
}

// Archived reports whether the category takes no new threads or replies.
func (c Category) Archived() bool { return c.ArchivedAt != nil }

// Name is the category's name in a language, English when there is none.
func (c Category) Name(lang string) string {
	if lang == "ja" && c.NameJA != "" {
		return c.NameJA
	}
	return c.NameEN
}

// Description is the category's description in a language.
func (c Category) Description(lang string) string {
	if lang == "ja" && c.DescriptionJA != "" {
		return c.DescriptionJA
	}
	return c.DescriptionEN
}

// Thread is a question and its replies. The counters and last activity are
// kept on the row, in the same transaction as each post, so a list of threads
// is one indexed query.
type Thread struct {
	ID           int64
	CategoryID   int64
	UserID       int64
	Title        string
	TitleLang    string // "ja", "en" or ""; see DetectLanguage
	Slug         string
	PostCount    int
	ReplyCount   int
	LastPostedAt time.Time
	LastPosterID int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
	SearchTitle  string `json:"-"`
	// SolutionPostID is the reply the asker accepted; nil while unsolved.
	SolutionPostID *int64
	SolvedAt       *time.Time
	HelpfulCount   int
	HiddenAt       *time.Time // hidden by a moderator, or held with its question
	ClosedAt       *time.Time // no more replies
	PinnedAt       *time.Time // listed first in its category
	PinnedGlobally bool       // and on the home page
	// Thumb is the upload-store name of the small copy of the first image
	// the question shows, with its size; empty when it shows none.
	Thumb       string
	ThumbWidth  int
	ThumbHeight int
	// MeTooCount is how many people said "I have this problem too"
	// (thread_me_toos), kept with each one so lists can sort by it.
	MeTooCount int
	// DuplicateOf is the original of a thread closed as its duplicate;
	// MergedInto is set too once its posts were merged there (duplicates.go).
	DuplicateOf *int64
	MergedInto  *int64
	// FirstPostID is set by CreateThread for the caller; it is not stored.
	FirstPostID     int64      `gorm:"-"`
	FirstPostStatus PostStatus `gorm:"-"`

	Category   Category `gorm:"foreignKey:CategoryID"`
	User       User     `gorm:"foreignKey:UserID"`
	LastPoster User     `gorm:"foreignKey:LastPosterID"`
}

// Post is one message in a thread; the first post is the question. HTML is
// rendered and sanitized once, when the post is written.
type Post struct {
	ID        int64
	ThreadID  int64
	UserID    int64
	Position  int
	Source    string
	HTML      string `gorm:"column:html"`
	Lang      string // "ja", "en" or ""; see DetectLanguage
	CreatedAt time.Time
	UpdatedAt time.Time
	EditedAt  *time.Time
	// DeletedAt is set when the author or a moderator deletes the post; the
	// text stays, for moderators and for undoing.
	DeletedAt    *time.Time
	DeletedBy    *int64
	HelpfulCount int
	// Status is published, held (awaiting a moderator) or rejected; only
	// published posts are public. ReviewReasons says what put it in review.
	Status        PostStatus
	ReviewReasons string
	HiddenAt      *time.Time // hidden pending review (flags or a moderator)
	// SearchBody is the text the search index holds; see hooks.go.
	SearchBody string `json:"-"`

	User   User   `gorm:"foreignKey:UserID"`
	Thread Thread `gorm:"foreignKey:ThreadID"`
}

// PostRevision is what a post said before an edit. For a question, Title and
// CategoryID keep the thread's title and category of that moment.
type PostRevision struct {
	ID         int64
	PostID     int64
	UserID     int64
	Source     string
	Title      string
	CategoryID *int64
	CreatedAt  time.Time
	HiddenAt   *time.Time // hidden from the public by the author or a moderator
	HiddenBy   *int64

	User User `gorm:"foreignKey:UserID"`
}

// PostVote is one user's "helpful" on one post.
type PostVote struct {
	PostID    int64
	UserID    int64
	CreatedAt time.Time
}

// Solved reports whether the thread has an accepted solution.
func (t Thread) Solved() bool { return t.SolutionPostID != nil }

// Deleted reports whether the post was deleted.
func (p Post) Deleted() bool { return p.DeletedAt != nil }

// Edited reports whether the post was changed after it was written.
func (p Post) Edited() bool { return p.EditedAt != nil }

// HTMLSafe is the post as stored HTML. It was sanitized when the post was
// written, which is the only reason it may skip template escaping.
func (p Post) HTMLSafe() template.HTML { return template.HTML(p.HTML) }

// SnippetHTML is a search snippet as HTML: search.Snippet escaped the text
// and added only <mark> tags.
func (r SearchResult) SnippetHTML() template.HTML { return template.HTML(r.Snippet) }
