package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// MarkSolution accepts a reply as the thread's solution. Only the asker or a
// moderator may; the question itself and deleted posts cannot be chosen.
// Marking another reply moves the mark.
func (s *Store) MarkSolution(ctx context.Context, actor User, threadID, postID int64) (Post, error) {
	var post Post
	err := s.Tx(ctx, func(tx *Store) error {
		var th Thread
		if err := tx.db.Take(&th, threadID).Error; err != nil {
			return err
		}
		if th.UserID != actor.ID && !actor.CanModerate() {
			return ErrForbidden
		}
		if err := tx.db.Where("id = ? AND thread_id = ?", postID, threadID).Take(&post).Error; err != nil {
			return err
		}
		if post.Position == 1 || !post.Public() {
			return ErrConflict
		}
		now := time.Now().UTC()
		if err := tx.db.Model(&Thread{}).Where("id = ?", threadID).
			Updates(map[string]any{"solution_post_id": postID, "solved_at": now}).Error; err != nil {
			return err
		}
		return tx.notifySolution(actor, post)
	})
	if err != nil {
		return Post{}, fmt.Errorf("models: mark solution %d of thread %d: %w", postID, threadID, notFoundErr(err))
	}
	return post, nil
}

// ClearSolution takes the mark away, leaving the thread unsolved.
func (s *Store) ClearSolution(ctx context.Context, actor User, threadID int64) error {
	err := s.Tx(ctx, func(tx *Store) error {
		var th Thread
		if err := tx.db.Take(&th, threadID).Error; err != nil {
			return err
		}
		if th.UserID != actor.ID && !actor.CanModerate() {
			return ErrForbidden
		}
		return tx.db.Model(&Thread{}).Where("id = ?", threadID).
			Updates(map[string]any{"solution_post_id": nil, "solved_at": nil}).Error
	})
	if err != nil {
		return fmt.Errorf("models: clear solution of thread %d: %w", threadID, notFoundErr(err))
	}
	return nil
}

// SolutionPost loads the accepted reply of a thread, to show it under the
// question wherever it sits in the thread.
func (s *Store) SolutionPost(ctx context.Context, th Thread) (*Post, error) {
	if th.SolutionPostID == nil {
		return nil, nil
	}
	var p Post
	err := s.db.WithContext(ctx).Joins("User").Where("posts.id = ? AND posts.deleted_at IS NULL AND posts.hidden_at IS NULL AND posts.status = ?", *th.SolutionPostID, StatusPublished).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("models: solution of thread %d: %w", th.ID, err)
	}
	return &p, nil
}

// notFoundErr maps GORM's not-found to ours, leaving other errors as they are.
func notFoundErr(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}
