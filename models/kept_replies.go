package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// A reply the forum refused goes back to its author on the thread's own
// address (redirect after post), so that reloading the page shows it again
// rather than sending it again. Between the refusal and that page the reply
// waits in kept_replies (migration 0011), where every instance finds it.

// KeptReply is a refused reply as its author wrote it, with the reason
// shown beside it.
type KeptReply struct {
	UserID    int64 `gorm:"primaryKey;autoIncrement:false"`
	ThreadID  int64 `gorm:"primaryKey;autoIncrement:false"`
	Body      string
	Reason    string
	CreatedAt time.Time
}

// keptReplyTTL is how long a refused reply waits to be shown again.
const keptReplyTTL = time.Hour

// KeepReply keeps a user's refused reply to a thread, replacing one kept
// before. Text that cannot be stored is invalid (see IsInvalid).
func (s *Store) KeepReply(ctx context.Context, userID, threadID int64, body, reason string) error {
	if !storable(body) || !storable(reason) {
		return fmt.Errorf("models: keep reply: %w", errInvalid)
	}
	now := time.Now().UTC()
	return s.Tx(ctx, func(tx *Store) error {
		// Expired replies go as new ones come, so the table stays small.
		if err := tx.db.Where("created_at < ?", now.Add(-keptReplyTTL)).Delete(&KeptReply{}).Error; err != nil {
			return fmt.Errorf("models: expire kept replies: %w", err)
		}
		r := KeptReply{UserID: userID, ThreadID: threadID, Body: body, Reason: reason, CreatedAt: now}
		if err := tx.db.Clauses(clause.OnConflict{UpdateAll: true}).Create(&r).Error; err != nil {
			return fmt.Errorf("models: keep reply: %w", err)
		}
		return nil
	})
}

// KeptReplyOf returns the user's refused reply to a thread, if one waits.
func (s *Store) KeptReplyOf(ctx context.Context, userID, threadID int64) (KeptReply, bool, error) {
	var r KeptReply
	err := s.db.WithContext(ctx).
		Where("user_id = ? AND thread_id = ? AND created_at >= ?", userID, threadID, time.Now().UTC().Add(-keptReplyTTL)).
		Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return KeptReply{}, false, nil
	}
	if err != nil {
		return KeptReply{}, false, fmt.Errorf("models: kept reply: %w", err)
	}
	return r, true, nil
}

// forgetKeptReply drops a kept reply once its author sent it again, in the
// transaction that stores the reply.
func (s *Store) forgetKeptReply(userID, threadID int64) error {
	err := s.db.Where("user_id = ? AND thread_id = ?", userID, threadID).Delete(&KeptReply{}).Error
	if err != nil {
		return fmt.Errorf("models: forget kept reply: %w", err)
	}
	return nil
}
