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
	CreatedAt time.Time
	UpdatedAt time.Time
}

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
}

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
	Slug         string
	PostCount    int
	ReplyCount   int
	LastPostedAt time.Time
	LastPosterID int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
	SearchTitle  string `json:"-"`

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
	CreatedAt time.Time
	UpdatedAt time.Time
	EditedAt  *time.Time
	// SearchBody is the text the search index holds; see hooks.go.
	SearchBody string `json:"-"`

	User   User   `gorm:"foreignKey:UserID"`
	Thread Thread `gorm:"foreignKey:ThreadID"`
}

// PostRevision is what a post said before an edit.
type PostRevision struct {
	ID        int64
	PostID    int64
	UserID    int64
	Source    string
	CreatedAt time.Time
}

// HTMLSafe is the post as stored HTML. It was sanitized when the post was
// written, which is the only reason it may skip template escaping.
func (p Post) HTMLSafe() template.HTML { return template.HTML(p.HTML) }

// SnippetHTML is a search snippet as HTML: search.Snippet escaped the text
// and added only <mark> tags.
func (r SearchResult) SnippetHTML() template.HTML { return template.HTML(r.Snippet) }
