package models

// People's data: deleting an account and downloading everything stored
// about a user.
//
// A deleted account keeps its row, because threads, posts and revisions
// reference it and stay readable: the row is emptied of everything that
// says who the person was (name, email, avatar, time zone, moderation
// note), its role becomes RoleDeleted, and every page names the author
// "deleted user" (views.Translator.Author). The username stays on the row,
// reserved: nobody can sign up as "alice" and seem to have written what
// the old alice wrote or be the one her old @mentions name. It is shown
// nowhere public; moderators still see it on /mod/u/.
//
// Votes stay: post_votes.user_id cannot be empty and is part of the key,
// and the counters they add up to are what readers found helpful at the
// time. They point at a row that no longer says who anyone is. Flags stay
// for the same reason: they are part of a moderation record, and a flag's
// weight on a post it helped hide should not vanish with its author.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"gorm.io/gorm"
)

// RoleDeleted is the role of an account its owner, or a moderator on their
// request, deleted.
const RoleDeleted Role = "deleted"

// Deleted reports whether the account was deleted.
func (u User) Deleted() bool { return u.Role == RoleDeleted }

// PersonalData says, for every column of every table that names a user,
// which part of the download (ExportUser) holds what it records. A table
// with a column referencing users that is not listed here fails
// TestExportCoversEveryUserColumn, so the download cannot fall behind the
// schema. DeleteAccount removes the tables in accountRemoves and empties
// the user's row; the rest stays, as the file's comment explains.
var PersonalData = map[string]string{
	"identities.user_id":         "identities",
	"sessions.user_id":           "sessions",
	"threads.user_id":            "threads",
	"threads.last_poster_id":     "posts", // their latest reply; the reply is in posts
	"posts.user_id":              "posts",
	"posts.deleted_by":           "posts_deleted",
	"post_revisions.user_id":     "revisions",
	"post_revisions.hidden_by":   "revisions_hidden",
	"post_votes.user_id":         "votes",
	"flags.user_id":              "flags",
	"notifications.user_id":      "notifications",
	"notifications.actor_id":     "posts", // others told of their post; the post is in posts
	"notification_prefs.user_id": "notification_prefs",
	"thread_watches.user_id":     "watches",
	"mail_queue.user_id":         "mail",
	"kept_replies.user_id":       "kept_replies",
	"uploads.user_id":            "uploads",
	"pending_edits.user_id":      "pending_edits",
	"purged_items.user_id":       "posts", // their posts a moderator removed; in posts, with deleted_at
	"audit_log.actor_id":         "moderation",
	"thread_me_toos.user_id":     "me_toos",
	"known_issues.opened_by":     "moderation", // a moderator's known issues are in the audit log
	"known_issues.resolved_by":   "moderation",
	"thread_merges.merged_by":    "moderation",
}

// accountRemoves are the tables whose rows for the user go with the
// account: how they sign in, what they are told, what they chose and what
// waits for them. Mail is also matched by address below.
var accountRemoves = []string{
	"identities", "sessions", "notifications", "notification_prefs",
	"thread_watches", "kept_replies", "pending_edits",
}

// DeleteAccount deletes a user's account, at their own request (actor is
// the user) or a moderator's on theirs, and logs it with the reason. Their
// posts stay, shown as a deleted user's; see the file's comment.
func (s *Store) DeleteAccount(ctx context.Context, actor User, userID int64, reason string) error {
	if actor.ID != userID {
		if err := actor.mayModerate(); err != nil {
			return err
		}
	}
	err := s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		var target User
		if err := tx.db.Take(&target, userID).Error; err != nil {
			return logEntry{}, err
		}
		if target.Deleted() {
			return logEntry{}, gorm.ErrRecordNotFound
		}
		if actor.ID != userID && target.CanModerate() && !actor.CanAdmin() {
			return logEntry{}, ErrForbidden // moderators do not act on each other; admins do
		}
		if err := tx.deleteAccount(target); err != nil {
			return logEntry{}, err
		}
		return logEntry{"user.delete", "user", userID, reason}, nil
	})
	if err != nil {
		return fmt.Errorf("models: delete account %d: %w", userID, notFoundErr(err))
	}
	return nil
}

func (s *Store) deleteAccount(u User) error {
	for _, table := range accountRemoves {
		if err := s.db.Exec("DELETE FROM "+table+" WHERE user_id = ?", u.ID).Error; err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
	}
	q := s.db.Where("user_id = ?", u.ID)
	if u.Email != "" {
		q = q.Or("to_addr = ?", u.Email)
	}
	if err := q.Delete(&Mail{}).Error; err != nil {
		return fmt.Errorf("mail_queue: %w", err)
	}
	err := s.db.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{
		"name": "", "email": "", "avatar_url": "", "email_verified": false, "time_zone": "",
		"silenced_until": nil, "suspended_until": nil, "moderation_reason": "",
		"role": RoleDeleted, "updated_at": time.Now().UTC(),
	}).Error
	if err != nil {
		return fmt.Errorf("users: %w", err)
	}
	// Their name was beside posts in any number of threads, lists and
	// searches: rare, and wide.
	s.touch(UserKey(u.ID), KeyAll)
	return nil
}

// The download's records: what each table holds about the user, without
// what would let anyone act as them (session tokens, unsubscribe links in
// mail headers and bodies).
type (
	exportUser struct {
		ID               int64      `json:"id"`
		Username         string     `json:"username"`
		Name             string     `json:"name"`
		Email            string     `json:"email"`
		EmailVerified    bool       `json:"email_verified"`
		AvatarURL        string     `json:"avatar_url"`
		Role             Role       `json:"role"`
		TimeZone         string     `json:"time_zone"`
		SilencedUntil    *time.Time `json:"silenced_until"`
		SuspendedUntil   *time.Time `json:"suspended_until"`
		ModerationReason string     `json:"moderation_reason"`
		CreatedAt        time.Time  `json:"created_at"`
		UpdatedAt        time.Time  `json:"updated_at"`
	}
	exportIdentity struct {
		Provider       string    `json:"provider"`
		ProviderUserID string    `json:"subject"`
		Email          string    `json:"email"`
		CreatedAt      time.Time `json:"created_at"`
		UpdatedAt      time.Time `json:"updated_at"`
	}
	exportSession struct {
		CreatedAt time.Time `json:"created_at"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	exportThread struct {
		ID         int64      `json:"id"`
		CategoryID int64      `json:"category_id"`
		Title      string     `json:"title"`
		Slug       string     `json:"slug"`
		CreatedAt  time.Time  `json:"created_at"`
		HiddenAt   *time.Time `json:"hidden_at"`
		ClosedAt   *time.Time `json:"closed_at"`
	}
	exportPost struct {
		ID        int64      `json:"id"`
		ThreadID  int64      `json:"thread_id"`
		Position  int        `json:"position"`
		Source    string     `json:"source"`
		Status    PostStatus `json:"status"`
		CreatedAt time.Time  `json:"created_at"`
		EditedAt  *time.Time `json:"edited_at"`
		DeletedAt *time.Time `json:"deleted_at"`
		HiddenAt  *time.Time `json:"hidden_at"`
	}
	exportRevision struct {
		ID        int64      `json:"id"`
		PostID    int64      `json:"post_id"`
		UserID    int64      `json:"edited_by"`
		Source    string     `json:"source"`
		Title     string     `json:"title"`
		CreatedAt time.Time  `json:"created_at"`
		HiddenAt  *time.Time `json:"hidden_at"`
	}
	exportID struct {
		ID int64 `json:"id"`
	}
	exportVote struct {
		PostID    int64     `json:"post_id"`
		CreatedAt time.Time `json:"created_at"`
	}
	exportFlag struct {
		PostID     int64      `json:"post_id"`
		Reason     FlagReason `json:"reason"`
		Note       string     `json:"note"`
		CreatedAt  time.Time  `json:"created_at"`
		ResolvedAt *time.Time `json:"resolved_at"`
	}
	exportNotification struct {
		Kind      NotificationKind `json:"kind"`
		ThreadID  int64            `json:"thread_id"`
		PostID    int64            `json:"post_id"`
		CreatedAt time.Time        `json:"created_at"`
		ReadAt    *time.Time       `json:"read_at"`
	}
	exportPrefs struct {
		EmailEnabled  bool      `json:"email_enabled"`
		EmailReply    bool      `json:"email_reply"`
		EmailMention  bool      `json:"email_mention"`
		EmailSolution bool      `json:"email_solution"`
		Lang          string    `json:"lang"`
		UpdatedAt     time.Time `json:"updated_at"`
	}
	exportWatch struct {
		ThreadID  int64      `json:"thread_id"`
		Level     WatchLevel `json:"level"`
		CreatedAt time.Time  `json:"created_at"`
	}
	exportMeToo struct {
		ThreadID  int64     `json:"thread_id"`
		CreatedAt time.Time `json:"created_at"`
	}
	exportMail struct {
		To        string     `gorm:"column:to_addr" json:"to"`
		Subject   string     `json:"subject"`
		CreatedAt time.Time  `json:"created_at"`
		SentAt    *time.Time `json:"sent_at"`
		FailedAt  *time.Time `json:"failed_at"`
	}
	// An upload is listed by its name: the image is at /u/{hash}.{ext} for
	// as long as a post shows it.
	exportUpload struct {
		Hash      string    `json:"hash"`
		Ext       string    `json:"ext"`
		Width     int       `json:"width"`
		Height    int       `json:"height"`
		Bytes     int64     `json:"bytes"`
		CreatedAt time.Time `json:"created_at"`
	}
	exportKept struct {
		ThreadID  int64     `json:"thread_id"`
		Body      string    `json:"body"`
		Reason    string    `json:"reason"`
		CreatedAt time.Time `json:"created_at"`
	}
	exportPending struct {
		PostID    int64     `json:"post_id"`
		Source    string    `json:"source"`
		Title     string    `json:"title"`
		CreatedAt time.Time `json:"created_at"`
	}
	exportAudit struct {
		Action     string    `json:"action"`
		TargetType string    `json:"target_type"`
		TargetID   int64     `json:"target_id"`
		Reason     string    `json:"reason"`
		CreatedAt  time.Time `json:"created_at"`
	}
)

// exportSection is one part of the download: its name in the file, the
// query that reads it and what to scan each row into.
type exportSection struct {
	name  string
	query func(db *gorm.DB, id int64) *gorm.DB
	row   func() any
	one   bool // an object, or null; otherwise an array
}

var exportSections = []exportSection{
	{name: "user", one: true, row: func() any { return &exportUser{} },
		query: func(db *gorm.DB, id int64) *gorm.DB { return db.Model(&User{}).Where("id = ?", id) }},
	{name: "identities", row: func() any { return &exportIdentity{} },
		query: func(db *gorm.DB, id int64) *gorm.DB {
			return db.Model(&Identity{}).Where("user_id = ?", id).Order("id")
		}},
	{name: "sessions", row: func() any { return &exportSession{} },
		query: func(db *gorm.DB, id int64) *gorm.DB { return db.Model(&Session{}).Where("user_id = ?", id).Order("id") }},
	{name: "notification_prefs", one: true, row: func() any { return &exportPrefs{} },
		query: func(db *gorm.DB, id int64) *gorm.DB { return db.Model(&NotificationPrefs{}).Where("user_id = ?", id) }},
	{name: "threads", row: func() any { return &exportThread{} },
		query: func(db *gorm.DB, id int64) *gorm.DB { return db.Model(&Thread{}).Where("user_id = ?", id).Order("id") }},
	{name: "posts", row: func() any { return &exportPost{} },
		query: func(db *gorm.DB, id int64) *gorm.DB { return db.Model(&Post{}).Where("user_id = ?", id).Order("id") }},
	// Every earlier version of their posts, whoever edited it, and their
	// edits of other people's posts.
	{name: "revisions", row: func() any { return &exportRevision{} },
		query: func(db *gorm.DB, id int64) *gorm.DB {
			return db.Model(&PostRevision{}).
				Where("user_id = ? OR post_id IN (SELECT id FROM posts WHERE user_id = ?)", id, id).Order("post_id, id")
		}},
	{name: "pending_edits", row: func() any { return &exportPending{} },
		query: func(db *gorm.DB, id int64) *gorm.DB {
			return db.Model(&PendingEdit{}).Where("user_id = ?", id).Order("post_id")
		}},
	{name: "uploads", row: func() any { return &exportUpload{} },
		query: func(db *gorm.DB, id int64) *gorm.DB { return db.Model(&Upload{}).Where("user_id = ?", id).Order("id") }},
	{name: "kept_replies", row: func() any { return &exportKept{} },
		query: func(db *gorm.DB, id int64) *gorm.DB {
			return db.Model(&KeptReply{}).Where("user_id = ?", id).Order("thread_id")
		}},
	{name: "votes", row: func() any { return &exportVote{} },
		query: func(db *gorm.DB, id int64) *gorm.DB {
			return db.Model(&PostVote{}).Where("user_id = ?", id).Order("post_id")
		}},
	{name: "flags", row: func() any { return &exportFlag{} },
		query: func(db *gorm.DB, id int64) *gorm.DB { return db.Model(&Flag{}).Where("user_id = ?", id).Order("id") }},
	{name: "me_toos", row: func() any { return &exportMeToo{} },
		query: func(db *gorm.DB, id int64) *gorm.DB {
			return db.Table("thread_me_toos").Where("user_id = ?", id).Order("thread_id")
		}},
	{name: "watches", row: func() any { return &exportWatch{} },
		query: func(db *gorm.DB, id int64) *gorm.DB {
			return db.Model(&ThreadWatch{}).Where("user_id = ?", id).Order("thread_id")
		}},
	{name: "notifications", row: func() any { return &exportNotification{} },
		query: func(db *gorm.DB, id int64) *gorm.DB {
			return db.Model(&Notification{}).Where("user_id = ?", id).Order("id")
		}},
	{name: "mail", row: func() any { return &exportMail{} },
		query: func(db *gorm.DB, id int64) *gorm.DB { return db.Model(&Mail{}).Where("user_id = ?", id).Order("id") }},
	// What moderators did about them, and what they did as a moderator.
	{name: "moderation", row: func() any { return &exportAudit{} },
		query: func(db *gorm.DB, id int64) *gorm.DB {
			return db.Model(&AuditEntry{}).
				Where("actor_id = ? OR (target_type = 'user' AND target_id = ?)", id, id).Order("id")
		}},
	{name: "posts_deleted", row: func() any { return &exportID{} },
		query: func(db *gorm.DB, id int64) *gorm.DB {
			return db.Model(&Post{}).Select("id").Where("deleted_by = ? AND user_id <> ?", id, id).Order("id")
		}},
	{name: "revisions_hidden", row: func() any { return &exportID{} },
		query: func(db *gorm.DB, id int64) *gorm.DB {
			return db.Model(&PostRevision{}).Select("id").Where("hidden_by = ?", id).Order("id")
		}},
}

// ExportSections names the parts of the download, in order.
func ExportSections() []string {
	out := make([]string, len(exportSections))
	for i, sec := range exportSections {
		out[i] = sec.name
	}
	return out
}

// ExportUser writes everything stored about a user as one JSON object, row
// by row: a prolific user's download costs the memory of one row.
func (s *Store) ExportUser(ctx context.Context, userID int64, now time.Time, w io.Writer) error {
	db := s.db.WithContext(ctx)
	head, _ := json.Marshal(map[string]any{"format": "hiroba-export-1", "exported_at": now.UTC()})
	if _, err := w.Write(head[:len(head)-1]); err != nil { // the object stays open
		return err
	}
	enc := json.NewEncoder(w)
	for _, sec := range exportSections {
		if _, err := fmt.Fprintf(w, ",\n%q:", sec.name); err != nil {
			return err
		}
		if err := s.exportSection(db, sec, userID, w, enc); err != nil {
			return fmt.Errorf("models: export user %d: %s: %w", userID, sec.name, err)
		}
	}
	_, err := io.WriteString(w, "}\n")
	return err
}

func (s *Store) exportSection(db *gorm.DB, sec exportSection, userID int64, w io.Writer, enc *json.Encoder) error {
	rows, err := sec.query(db, userID).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		v := sec.row()
		if err := db.ScanRows(rows, v); err != nil {
			return err
		}
		sep := ","
		switch {
		case sec.one && n > 0:
			return fmt.Errorf("more than one row")
		case n == 0 && sec.one:
			sep = ""
		case n == 0:
			sep = "["
		}
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
		if err := enc.Encode(v); err != nil {
			return err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	end := "]"
	switch {
	case sec.one && n == 0:
		end = "null"
	case sec.one:
		end = ""
	case n == 0:
		end = "[]"
	}
	_, err = io.WriteString(w, end)
	return err
}
