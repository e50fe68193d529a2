package models

import (
	"context"
	"time"
)

// Backdate sets when a thread and its question were written, or (post) when
// a post was, for fixtures of times past.
func (s *Store) Backdate(ctx context.Context, table string, id int64, at time.Time) error {
	db := s.db.WithContext(ctx)
	switch table {
	case "threads":
		if err := db.Exec(`UPDATE posts SET created_at = ? WHERE thread_id = ? AND position = 1`, at.UTC(), id).Error; err != nil {
			return err
		}
		return db.Exec(`UPDATE threads SET created_at = ? WHERE id = ?`, at.UTC(), id).Error
	default:
		return db.Exec(`UPDATE posts SET created_at = ? WHERE id = ?`, at.UTC(), id).Error
	}
}
