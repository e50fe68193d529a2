package models

import (
	"strings"
	"time"
)

// PostStatus is where a post stands with moderation.
type PostStatus string

// The states of a post.
const (
	StatusPublished PostStatus = "published"
	StatusHeld      PostStatus = "held"
	StatusRejected  PostStatus = "rejected"
)

// Public reports whether everyone may read the post.
func (p Post) Public() bool {
	return (p.Status == StatusPublished || p.Status == "") && p.HiddenAt == nil && p.DeletedAt == nil
}

// Reasons lists what put the post in review.
func (p Post) Reasons() []string {
	if p.ReviewReasons == "" {
		return nil
	}
	return strings.Split(p.ReviewReasons, "\n")
}

// Closed reports whether the thread takes no more replies.
func (t Thread) Closed() bool { return t.ClosedAt != nil }

// Pinned reports whether the thread is listed first.
func (t Thread) Pinned() bool { return t.PinnedAt != nil }

// Hidden reports whether the thread is out of public view.
func (t Thread) Hidden() bool { return t.HiddenAt != nil }

// Suspended reports whether the user is suspended now.
func (u User) Suspended(now time.Time) bool {
	return u.SuspendedUntil != nil && now.Before(*u.SuspendedUntil)
}

// Silenced reports whether the user may not post now (suspension included).
func (u User) Silenced(now time.Time) bool {
	return u.Suspended(now) || (u.SilencedUntil != nil && now.Before(*u.SilencedUntil))
}

// FlagReason is why someone flagged a post.
type FlagReason string

// The reasons a flag may give.
const (
	FlagSpam          FlagReason = "spam"
	FlagInappropriate FlagReason = "inappropriate"
	FlagOffTopic      FlagReason = "off_topic"
	FlagOther         FlagReason = "other"
)

// Flag is one user's report of a post.
type Flag struct {
	ID         int64
	PostID     int64
	UserID     int64
	Reason     FlagReason
	Note       string
	CreatedAt  time.Time
	ResolvedAt *time.Time

	User User `gorm:"foreignKey:UserID"`
}

// AuditEntry records one moderator action: who, what, when and why.
type AuditEntry struct {
	ID         int64
	ActorID    *int64
	Action     string
	TargetType string
	TargetID   int64
	Reason     string
	CreatedAt  time.Time

	Actor User `gorm:"foreignKey:ActorID"`
	// TargetName is the username of a user the entry is about, so the log
	// names people rather than numbers; filled by AuditLog.
	TargetName string `gorm:"-"`
}

// TableName keeps the log's table name singular in meaning.
func (AuditEntry) TableName() string { return "audit_log" }

// WatchAction is what happens to a post containing a watched word or domain.
type WatchAction string

// The actions a watched word can take.
const (
	WatchBlock    WatchAction = "block"    // refused with a clear message
	WatchHold     WatchAction = "hold"     // saved, held for a moderator
	WatchNofollow WatchAction = "nofollow" // published; links already carry nofollow
)

// WatchedWord is a word or domain admins watch for.
type WatchedWord struct {
	ID        int64
	Pattern   string
	Kind      string // word or domain
	Action    WatchAction
	CreatedAt time.Time
}

// Setting is one admin-editable value.
type Setting struct {
	Key       string `gorm:"primaryKey"`
	Value     string
	UpdatedAt time.Time
}
