package models

import (
	"context"
	"time"
)

// SayMeTooForTest records "I have this problem too" as the me-too part of
// the forum stores it, for tests of what reads the table.
func (s *Store) SayMeTooForTest(ctx context.Context, threadID, userID int64) error {
	return s.db.WithContext(ctx).Exec(`INSERT INTO thread_me_toos (thread_id, user_id, created_at) VALUES (?, ?, ?)`,
		threadID, userID, time.Now().UTC()).Error
}

// BackdateResolutionForTest moves a known issue's resolution into the past.
func (s *Store) BackdateResolutionForTest(ctx context.Context, id int64, by time.Duration) error {
	return s.db.WithContext(ctx).Model(&KnownIssue{}).Where("id = ?", id).Update("resolved_at", time.Now().UTC().Add(-by)).Error
}
