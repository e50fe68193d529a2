package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// NotificationKind says what happened.
type NotificationKind string

// The kinds of notification.
const (
	NotifyReply    NotificationKind = "reply"    // a reply in a thread the user watches
	NotifyMention  NotificationKind = "mention"  // @username in a post
	NotifySolution NotificationKind = "solution" // the user's reply was accepted
)

// maxMentions bounds how many people one post can notify by name, so a post
// listing half the forum's usernames is not a way to message everyone.
const maxMentions = 20

// Notification tells a user about a post: a reply in a thread they watch, a
// mention of them, or their reply accepted as the solution.
type Notification struct {
	ID        int64
	UserID    int64
	Kind      NotificationKind
	ThreadID  int64
	PostID    int64
	ActorID   int64
	CreatedAt time.Time
	ReadAt    *time.Time
	// DigestedAt is set once the email digest dealt with the notification,
	// whether it went into an email (MailID) or not.
	DigestedAt *time.Time
	MailID     *int64

	Thread Thread `gorm:"foreignKey:ThreadID"`
	Post   Post   `gorm:"foreignKey:PostID"`
	Actor  User   `gorm:"foreignKey:ActorID"`
}

// Unread reports whether the user has not seen the notification yet.
func (n Notification) Unread() bool { return n.ReadAt == nil }

// WatchLevel is how a user follows a thread.
type WatchLevel string

// The levels; a user with no row neither watches nor muted the thread.
const (
	Watching    WatchLevel = "watching"
	Muted       WatchLevel = "muted"
	NotWatching WatchLevel = ""
)

// ThreadWatch is one user's choice about one thread.
type ThreadWatch struct {
	UserID    int64
	ThreadID  int64
	Level     WatchLevel
	CreatedAt time.Time
	UpdatedAt time.Time
}

// NotificationPrefs is how a user wants to be told. A user who never chose
// has the defaults: every kind by email, in English.
type NotificationPrefs struct {
	UserID        int64
	EmailEnabled  bool
	EmailReply    bool
	EmailMention  bool
	EmailSolution bool
	Lang          string
	UpdatedAt     time.Time
}

// TableName keeps the table's name plain; GORM would pluralise "prefs".
func (NotificationPrefs) TableName() string { return "notification_prefs" }

// DefaultNotificationPrefs are the preferences of a user who never chose.
func DefaultNotificationPrefs(userID int64) NotificationPrefs {
	return NotificationPrefs{UserID: userID, EmailEnabled: true, EmailReply: true, EmailMention: true, EmailSolution: true, Lang: "en"}
}

// Emails reports whether the user wants email about a kind of notification.
func (p NotificationPrefs) Emails(kind NotificationKind) bool {
	if !p.EmailEnabled {
		return false
	}
	switch kind {
	case NotifyReply, NotifyHandOff:
		return p.EmailReply
	case NotifyResolved: // news of a thread they took part in, as a reply is
		return p.EmailReply
	case NotifyMention:
		return p.EmailMention
	case NotifySolution:
		return p.EmailSolution
	case NotifyMerged: // about their own question, as a reply would be
		return p.EmailReply
	}
	return false
}

// notifyPost runs in the transaction that stores a post. The author comes
// to watch the thread (a thread they muted stays muted). A public post then
// tells each person it mentions, and in a reply every watcher; nobody hears
// of their own post, nobody is told twice about one post, and a user who
// muted the thread hears nothing of it. A post held for review is not news
// yet: whoever publishes it calls notifyPost again.
func (s *Store) notifyPost(post Post) error {
	if err := s.autoWatch(post.UserID, post.ThreadID, post.CreatedAt); err != nil {
		return err
	}
	if !post.Public() {
		return nil
	}
	levels, err := s.watchLevels(post.ThreadID)
	if err != nil {
		return err
	}
	told := map[int64]bool{post.UserID: true}
	var out []Notification
	add := func(userID int64, kind NotificationKind) {
		if told[userID] || levels[userID] == Muted {
			return
		}
		told[userID] = true
		out = append(out, Notification{UserID: userID, Kind: kind, ThreadID: post.ThreadID, PostID: post.ID, ActorID: post.UserID, CreatedAt: post.CreatedAt})
	}
	if names := s.md.Mentions(post.Source); len(names) > 0 {
		if len(names) > maxMentions {
			names = names[:maxMentions]
		}
		var ids []int64
		if err := s.db.Model(&User{}).Where("username IN ?", names).Order("id").Pluck("id", &ids).Error; err != nil {
			return err
		}
		for _, id := range ids {
			add(id, NotifyMention)
		}
	}
	if post.Position > 1 {
		for userID, level := range levels {
			if level == Watching {
				add(userID, NotifyReply)
			}
		}
	}
	return s.insertNotifications(out)
}

// notifySolution runs in the transaction that marks a reply as the
// solution and tells the reply's author, unless they marked it themselves
// or muted the thread. Marking the same reply again tells nobody twice.
func (s *Store) notifySolution(actor User, post Post) error {
	if post.UserID == actor.ID {
		return nil
	}
	levels, err := s.watchLevels(post.ThreadID)
	if err != nil {
		return err
	}
	if levels[post.UserID] == Muted {
		return nil
	}
	return s.insertNotifications([]Notification{{
		UserID: post.UserID, Kind: NotifySolution, ThreadID: post.ThreadID, PostID: post.ID,
		ActorID: actor.ID, CreatedAt: time.Now().UTC(),
	}})
}

// insertNotifications writes notifications in one statement. A notification
// that exists already (same user, post and kind) is left as it is.
func (s *Store) insertNotifications(list []Notification) error {
	if len(list) == 0 {
		return nil
	}
	if s.reads != nil {
		// In a batch of replies, at the batch's end (finishBatch).
		s.reads.notifications = append(s.reads.notifications, list...)
		return nil
	}
	var sql strings.Builder
	sql.WriteString(`INSERT INTO notifications (user_id, kind, thread_id, post_id, actor_id, created_at) VALUES `)
	args := make([]any, 0, len(list)*6)
	for i, n := range list {
		if i > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString("(?, ?, ?, ?, ?, ?)")
		args = append(args, n.UserID, string(n.Kind), n.ThreadID, n.PostID, n.ActorID, n.CreatedAt.UTC())
	}
	sql.WriteString(" ON CONFLICT DO NOTHING")
	return s.db.Exec(sql.String(), args...).Error
}

// autoWatch makes a user watch a thread unless they already chose a level.
func (s *Store) autoWatch(userID, threadID int64, now time.Time) error {
	return s.db.Exec(`INSERT INTO thread_watches (user_id, thread_id, level, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, userID, threadID, string(Watching), now.UTC(), now.UTC()).Error
}

func (s *Store) watchLevels(threadID int64) (map[int64]WatchLevel, error) {
	var rows []ThreadWatch
	if err := s.db.Select("user_id", "level").Where("thread_id = ?", threadID).Find(&rows).Error; err != nil {
		return nil, err
	}
	levels := make(map[int64]WatchLevel, len(rows))
	for _, w := range rows {
		levels[w.UserID] = w.Level
	}
	return levels, nil
}

// WatchLevel says how a user follows a thread.
func (s *Store) WatchLevel(ctx context.Context, userID, threadID int64) (WatchLevel, error) {
	var levels []string
	err := s.db.WithContext(ctx).Model(&ThreadWatch{}).Where("user_id = ? AND thread_id = ?", userID, threadID).
		Limit(1).Pluck("level", &levels).Error
	if err != nil {
		return NotWatching, fmt.Errorf("models: watch level of thread %d: %w", threadID, err)
	}
	if len(levels) == 0 {
		return NotWatching, nil
	}
	return WatchLevel(levels[0]), nil
}

// SetWatch records how a user follows a thread; NotWatching forgets the
// choice, so posting there again makes them watch it.
//
// Watching is a notification setting, so a silenced user may change it; a
// thread the user may not open cannot be watched.
func (s *Store) SetWatch(ctx context.Context, user User, threadID int64, level WatchLevel) error {
	if err := user.MayManageOwn(time.Now()); err != nil {
		return err
	}
	userID := user.ID
	err := s.Tx(ctx, func(tx *Store) error {
		if _, err := tx.visibleThread(user, threadID); err != nil {
			return err
		}
		switch level {
		case NotWatching:
			return tx.db.Where("user_id = ? AND thread_id = ?", userID, threadID).Delete(&ThreadWatch{}).Error
		case Watching, Muted:
			now := time.Now().UTC()
			return tx.db.Exec(`INSERT INTO thread_watches (user_id, thread_id, level, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (user_id, thread_id) DO UPDATE SET level = excluded.level, updated_at = excluded.updated_at`,
				userID, threadID, string(level), now, now).Error
		default:
			return fmt.Errorf("unknown watch level %q", level)
		}
	})
	if err != nil {
		return fmt.Errorf("models: watch thread %d: %w", threadID, notFoundErr(err))
	}
	return nil
}

// UnreadCount is the number on the bell: the unread notifications the
// list would show, so reading the list always empties it.
func (s *Store) UnreadCount(ctx context.Context, user User) (int, error) {
	var n int64
	err := s.unreadOf(ctx, user).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("models: count unread notifications: %w", err)
	}
	return int(n), nil
}

// unreadOf selects a user's unread notifications about posts they may read.
func (s *Store) unreadOf(ctx context.Context, user User) *gorm.DB {
	return s.notificationsOf(ctx, user).Where("notifications.read_at IS NULL")
}

// notificationsOf selects a user's notifications about posts they may read.
func (s *Store) notificationsOf(ctx context.Context, user User) *gorm.DB {
	visible, args := visiblePostSQL(&user, `"Post"`, `"Thread"`)
	return s.db.WithContext(ctx).Model(&Notification{}).Joins("Thread").Joins("Post").
		Where("notifications.user_id = ?", user.ID).Where(visible, args...)
}

// NotificationList is one page of a user's notifications.
type NotificationList struct {
	Items []Notification
	Pagination
}

// Notifications lists a user's notifications about what they may still
// read, newest first, each with its thread, post and actor, in one query and
// a count over the same rows.
func (s *Store) Notifications(ctx context.Context, user User, page, perPage int) (NotificationList, error) {
	page, perPage = clampPage(page, perPage)
	list := NotificationList{Pagination: Pagination{Page: page, PerPage: perPage}}
	q := s.notificationsOf(ctx, user)
	if err := q.Session(&gorm.Session{}).Count(&list.TotalItems).Error; err != nil {
		return list, fmt.Errorf("models: count notifications: %w", err)
	}
	err := q.Joins("Actor").Order("notifications.created_at DESC, notifications.id DESC").
		Limit(perPage).Offset(list.offset()).Find(&list.Items).Error
	if err != nil {
		return list, fmt.Errorf("models: list notifications: %w", err)
	}
	return list, nil
}

// MarkNotificationsRead marks some of a user's notifications read; only
// the user's own are touched.
func (s *Store) MarkNotificationsRead(ctx context.Context, userID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	err := s.db.WithContext(ctx).Model(&Notification{}).
		Where("user_id = ? AND id IN ? AND read_at IS NULL", userID, ids).
		Update("read_at", time.Now().UTC()).Error
	if err != nil {
		return fmt.Errorf("models: mark notifications read: %w", err)
	}
	return nil
}

// MarkAllNotificationsRead empties the bell.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, userID int64) error {
	err := s.db.WithContext(ctx).Model(&Notification{}).
		Where("user_id = ? AND read_at IS NULL", userID).
		Update("read_at", time.Now().UTC()).Error
	if err != nil {
		return fmt.Errorf("models: mark all notifications read: %w", err)
	}
	return nil
}

// NotificationPrefs loads a user's preferences, the defaults if they never
// chose.
func (s *Store) NotificationPrefs(ctx context.Context, userID int64) (NotificationPrefs, error) {
	p, err := s.notificationPrefs(ctx, userID)
	if err != nil {
		return p, fmt.Errorf("models: notification preferences: %w", err)
	}
	return p, nil
}

func (s *Store) notificationPrefs(ctx context.Context, userID int64) (NotificationPrefs, error) {
	var rows []NotificationPrefs
	if err := s.db.WithContext(ctx).Where("user_id = ?", userID).Limit(1).Find(&rows).Error; err != nil {
		return NotificationPrefs{}, err
	}
	if len(rows) == 0 {
		return DefaultNotificationPrefs(userID), nil
	}
	return rows[0], nil
}

// SaveNotificationPrefs stores a user's preferences.
func (s *Store) SaveNotificationPrefs(ctx context.Context, p NotificationPrefs) error {
	err := s.db.WithContext(ctx).Exec(`INSERT INTO notification_prefs
		(user_id, email_enabled, email_reply, email_mention, email_solution, lang, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET email_enabled = excluded.email_enabled,
			email_reply = excluded.email_reply, email_mention = excluded.email_mention,
			email_solution = excluded.email_solution, lang = excluded.lang, updated_at = excluded.updated_at`,
		p.UserID, p.EmailEnabled, p.EmailReply, p.EmailMention, p.EmailSolution, p.Lang, time.Now().UTC()).Error
	if err != nil {
		return fmt.Errorf("models: save notification preferences: %w", err)
	}
	return nil
}

// RememberLanguage records the language a user reads the site in, for their
// email, the first time it is known; a choice made on the preferences page
// is never overwritten.
func (s *Store) RememberLanguage(ctx context.Context, userID int64, lang string) error {
	err := s.db.WithContext(ctx).Exec(`INSERT INTO notification_prefs (user_id, lang, updated_at)
		VALUES (?, ?, ?) ON CONFLICT (user_id) DO NOTHING`, userID, lang, time.Now().UTC()).Error
	if err != nil {
		return fmt.Errorf("models: remember language: %w", err)
	}
	return nil
}

// UnsubscribeEmail turns every notification email off for a user.
func (s *Store) UnsubscribeEmail(ctx context.Context, userID int64) error {
	now := time.Now().UTC()
	err := s.db.WithContext(ctx).Exec(`INSERT INTO notification_prefs (user_id, email_enabled, updated_at)
		VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET email_enabled = excluded.email_enabled, updated_at = excluded.updated_at`,
		userID, false, now).Error
	if err != nil {
		return fmt.Errorf("models: unsubscribe user %d: %w", userID, err)
	}
	return nil
}

// NotificationRecipient loads a user with their preferences, for the pages
// where they manage their email.
func (s *Store) NotificationRecipient(ctx context.Context, userID int64) (User, NotificationPrefs, error) {
	var u User
	if err := s.db.WithContext(ctx).Take(&u, userID).Error; err != nil {
		return User{}, NotificationPrefs{}, notFound(err, "user %d", userID)
	}
	p, err := s.NotificationPrefs(ctx, userID)
	return u, p, err
}
