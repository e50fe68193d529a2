package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// A reply the forum refused goes back to its author on the thread's own
// address (redirect after post), so that reloading the page shows it again
// rather than sending it again. Between the refusal and that page the
// reply waits in the settings table, under a key of its own, where every
// instance finds it; it needs no table of its own for what lives an hour.

// KeptReply is a refused reply as its author wrote it, with the reason
// shown beside it.
type KeptReply struct {
	Body   string `json:"body"`
	Reason string `json:"reason"`
}

// keptReplyTTL is how long a refused reply waits to be shown again.
const keptReplyTTL = time.Hour

const keptReplyPrefix = "kept_reply:"

func keptReplyKey(userID, threadID int64) string {
	return fmt.Sprintf("%s%d:%d", keptReplyPrefix, userID, threadID)
}

// KeepReply keeps a user's refused reply to a thread, replacing one kept
// before. Text that cannot be stored is invalid (see IsInvalid).
func (s *Store) KeepReply(ctx context.Context, userID, threadID int64, r KeptReply) error {
	if !storable(r.Body) || !storable(r.Reason) {
		return fmt.Errorf("models: keep reply: %w", errInvalid)
	}
	value, err := json.Marshal(r)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	return s.Tx(ctx, func(tx *Store) error {
		// Expired replies go as new ones come, so the table stays small.
		if err := tx.db.Where("key LIKE ? AND updated_at < ?", keptReplyPrefix+"%", now.Add(-keptReplyTTL)).Delete(&Setting{}).Error; err != nil {
			return fmt.Errorf("models: expire kept replies: %w", err)
		}
		st := Setting{Key: keptReplyKey(userID, threadID), Value: string(value), UpdatedAt: now}
		if err := tx.db.Clauses(clause.OnConflict{UpdateAll: true}).Create(&st).Error; err != nil {
			return fmt.Errorf("models: keep reply: %w", err)
		}
		return nil
	})
}

// KeptReplyOf returns the user's refused reply to a thread, if one waits.
func (s *Store) KeptReplyOf(ctx context.Context, userID, threadID int64) (KeptReply, bool, error) {
	var st Setting
	err := s.db.WithContext(ctx).Where("key = ? AND updated_at >= ?", keptReplyKey(userID, threadID), time.Now().UTC().Add(-keptReplyTTL)).Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return KeptReply{}, false, nil
	}
	if err != nil {
		return KeptReply{}, false, fmt.Errorf("models: kept reply: %w", err)
	}
	var r KeptReply
	if err := json.Unmarshal([]byte(st.Value), &r); err != nil {
		return KeptReply{}, false, fmt.Errorf("models: kept reply: %w", err)
	}
	return r, true, nil
}

// ForgetKeptReply drops a kept reply once its author sent it again.
func (s *Store) ForgetKeptReply(ctx context.Context, userID, threadID int64) error {
	if err := s.db.WithContext(ctx).Where("key = ?", keptReplyKey(userID, threadID)).Delete(&Setting{}).Error; err != nil {
		return fmt.Errorf("models: forget kept reply: %w", err)
	}
	return nil
}
