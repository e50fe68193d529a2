package models

import "context"

// SetMeTooCount sets a thread's me-too count as the me-too writes keep it,
// for the live reads' tests, which read it and do not write it.
func (s *Store) SetMeTooCount(ctx context.Context, threadID int64, n int) error {
	return s.db.WithContext(ctx).Exec("UPDATE threads SET me_too_count = ? WHERE id = ?", n, threadID).Error
}
