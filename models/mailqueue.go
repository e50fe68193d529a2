package models

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"hiroba/migrations"
)

// Mail is one email waiting in, or sent from, the queue. Sending happens
// outside of requests; the queue lives in the database so that nothing is
// lost when the process stops.
//
// Claiming rows is one UPDATE … RETURNING on both databases; PostgreSQL
// adds a locking clause (see ClaimMail).
type Mail struct {
	ID      int64
	UserID  *int64
	To      string `gorm:"column:to_addr"`
	Subject string
	Body    string
	// Headers are extra header fields (List-Unsubscribe, …).
	Headers       map[string]string `gorm:"serializer:json"`
	Attempts      int
	NextAttemptAt time.Time
	ClaimedUntil  *time.Time
	SentAt        *time.Time
	FailedAt      *time.Time // set when the sender gave up
	LastError     string
	CreatedAt     time.Time
}

// TableName names the queue's table.
func (Mail) TableName() string { return "mail_queue" }

// EnqueueMail adds a message to the queue, due at once.
func (s *Store) EnqueueMail(ctx context.Context, m *Mail) error {
	if err := s.db.WithContext(ctx).Create(m).Error; err != nil {
		return fmt.Errorf("models: enqueue mail: %w", err)
	}
	return nil
}

// ClaimMail takes up to limit messages that are due, for lease: until then
// no other sender picks them. A claim counts as an attempt, so a sender that
// dies mid-send still moves the message towards its backoff.
//
// A claim is one statement. On PostgreSQL the rows it picks are locked with
// SKIP LOCKED, so instances sharing the database never wait on each other
// and never take the same message: each passes over rows another is
// claiming and takes the next due ones. A row another instance claimed and
// committed meanwhile is checked again under the lock and left alone, its
// lease no longer expired. (Without the lock, a second claim would wait for
// the first and then take the same rows again: only the outer id test is
// checked again after the wait.) SQLite has one writer at a time, so the
// same statement without the locking clause is already atomic.
func (s *Store) ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Mail, error) {
	if limit <= 0 {
		return nil, nil
	}
	now = now.UTC()
	lock := ""
	if s.dialect == migrations.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var claimed []Mail
	err := s.db.WithContext(ctx).Raw(`UPDATE mail_queue SET claimed_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM mail_queue
			WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
			  AND (claimed_until IS NULL OR claimed_until < ?)
			ORDER BY next_attempt_at, id LIMIT ?`+lock+`)
		RETURNING *`, now.Add(lease), now, now, limit).Scan(&claimed).Error
	if err != nil {
		return nil, fmt.Errorf("models: claim mail: %w", err)
	}
	// RETURNING gives rows in no promised order; senders take the oldest
	// due first.
	sort.Slice(claimed, func(i, j int) bool {
		a, b := claimed[i], claimed[j]
		if !a.NextAttemptAt.Equal(b.NextAttemptAt) {
			return a.NextAttemptAt.Before(b.NextAttemptAt)
		}
		return a.ID < b.ID
	})
	for i := range claimed {
		claimed[i].utc()
	}
	return claimed, nil
}

// utc puts the message's times in UTC, however the driver read them back.
func (m *Mail) utc() {
	m.NextAttemptAt, m.CreatedAt = m.NextAttemptAt.UTC(), m.CreatedAt.UTC()
	for _, t := range []**time.Time{&m.ClaimedUntil, &m.SentAt, &m.FailedAt} {
		if *t != nil {
			u := (**t).UTC()
			*t = &u
		}
	}
}

// MailSent records a delivery.
func (s *Store) MailSent(ctx context.Context, id int64, now time.Time) error {
	err := s.db.WithContext(ctx).Model(&Mail{}).Where("id = ?", id).
		Updates(map[string]any{"sent_at": now.UTC(), "claimed_until": nil, "last_error": ""}).Error
	if err != nil {
		return fmt.Errorf("models: mark mail %d sent: %w", id, err)
	}
	return nil
}

// MailFailed records a failed attempt: the message is due again at next,
// or, when giveUp, never again (it stays in the table to be looked at).
func (s *Store) MailFailed(ctx context.Context, id int64, now, next time.Time, giveUp bool, reason string) error {
	up := map[string]any{"claimed_until": nil, "last_error": reason, "next_attempt_at": next.UTC()}
	if giveUp {
		up["failed_at"] = now.UTC()
	}
	if err := s.db.WithContext(ctx).Model(&Mail{}).Where("id = ?", id).Updates(up).Error; err != nil {
		return fmt.Errorf("models: mark mail %d failed: %w", id, err)
	}
	return nil
}

// UnsentMail lists the messages not delivered yet, oldest first, including
// those the sender gave up on.
func (s *Store) UnsentMail(ctx context.Context) ([]Mail, error) {
	var list []Mail
	if err := s.db.WithContext(ctx).Where("sent_at IS NULL").Order("id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("models: unsent mail: %w", err)
	}
	return list, nil
}

// PruneMail forgets messages delivered or given up before a moment.
func (s *Store) PruneMail(ctx context.Context, before time.Time) (int64, error) {
	before = before.UTC()
	res := s.db.WithContext(ctx).Where("sent_at < ? OR failed_at < ?", before, before).Delete(&Mail{})
	if res.Error != nil {
		return 0, fmt.Errorf("models: prune mail: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// Digest is what one email tells one user: their notifications since the
// last email, each with its thread, post and actor.
type Digest struct {
	User  User
	Prefs NotificationPrefs
	Items []Notification
}

// DueDigests lists users with notifications not yet dealt with by email and
// no email in the last window: the batching rule is at most one email per
// user per window, holding what arrives meanwhile for the next one.
func (s *Store) DueDigests(ctx context.Context, now time.Time, window time.Duration, limit int) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Raw(`SELECT DISTINCT n.user_id FROM notifications n
		WHERE n.digested_at IS NULL
		  AND NOT EXISTS (SELECT 1 FROM mail_queue m WHERE m.user_id = n.user_id AND m.created_at > ?)
		ORDER BY n.user_id LIMIT ?`, now.UTC().Add(-window), limit).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("models: due digests: %w", err)
	}
	return ids, nil
}

var errDigestTaken = errors.New("digest taken by another sender")

// TakeDigest deals with a user's pending notifications in one transaction:
// it marks them digested, keeps those the user still wants by email (unread,
// about a post they may read, younger than maxAge, of a kind they want, and only if
// they have an address), and if any remain, queues the email compose makes
// of them. It reports whether an email was queued. When another instance
// took the same notifications first, or the user had an email within the
// window after all, it does nothing.
func (s *Store) TakeDigest(ctx context.Context, userID int64, now time.Time, window, maxAge time.Duration, compose func(Digest) (Mail, error)) (bool, error) {
	now = now.UTC()
	queued := false
	err := s.Tx(ctx, func(tx *Store) error {
		var recent int64
		if err := tx.db.Model(&Mail{}).Where("user_id = ? AND created_at > ?", userID, now.Add(-window)).Count(&recent).Error; err != nil {
			return err
		}
		if recent > 0 {
			return nil
		}
		var pending []Notification
		err := tx.db.Joins("Thread").Joins("Post").Joins("Actor").
			Where("notifications.user_id = ? AND notifications.digested_at IS NULL", userID).
			Order("notifications.created_at, notifications.id").Find(&pending).Error
		if err != nil || len(pending) == 0 {
			return err
		}
		ids := make([]int64, len(pending))
		for i, n := range pending {
			ids[i] = n.ID
		}
		res := tx.db.Model(&Notification{}).Where("id IN ? AND digested_at IS NULL", ids).Update("digested_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != int64(len(ids)) {
			return errDigestTaken
		}
		d := Digest{}
		if err := tx.db.Take(&d.User, userID).Error; err != nil {
			return err
		}
		if d.Prefs, err = tx.notificationPrefs(ctx, userID); err != nil {
			return err
		}
		if d.User.Email == "" {
			return nil
		}
		for _, n := range pending {
			if n.Unread() && d.User.CanRead(n.Post, n.Thread) && now.Sub(n.CreatedAt) <= maxAge && d.Prefs.Emails(n.Kind) {
				d.Items = append(d.Items, n)
			}
		}
		if len(d.Items) == 0 {
			return nil
		}
		m, err := compose(d)
		if err != nil {
			return err
		}
		m.UserID, m.To, m.CreatedAt = &userID, d.User.Email, now
		if m.NextAttemptAt.IsZero() {
			m.NextAttemptAt = now
		}
		if err := tx.db.Create(&m).Error; err != nil {
			return err
		}
		kept := make([]int64, len(d.Items))
		for i, n := range d.Items {
			kept[i] = n.ID
		}
		queued = true
		return tx.db.Model(&Notification{}).Where("id IN ?", kept).Update("mail_id", m.ID).Error
	})
	if errors.Is(err, errDigestTaken) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("models: email digest for user %d: %w", userID, err)
	}
	return queued, nil
}
