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
	if err := actor.MayAct(time.Now()); err != nil {
		return Post{}, err
	}
	var post Post
	err := s.Tx(ctx, func(tx *Store) error {
		th, err := tx.acceptableThread(actor, threadID)
		if err != nil {
			return err
		}
		if err := tx.db.Where("id = ? AND thread_id = ?", postID, threadID).Take(&post).Error; err != nil {
			return err
		}
		post.Thread = th
		if post.Position == 1 || !post.Public() {
			return ErrConflict
		}
		now := time.Now().UTC()
		tx.touchThread(th)
		tx.touch(UserKey(post.UserID))
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
	if err := actor.MayAct(time.Now()); err != nil {
		return err
	}
	err := s.Tx(ctx, func(tx *Store) error {
		th, err := tx.acceptableThread(actor, threadID)
		if err != nil {
			return err
		}
		tx.touchThread(th)
		if th.SolutionPostID != nil {
			var was Post
			if err := tx.db.Select("id", "user_id").Take(&was, *th.SolutionPostID).Error; err == nil {
				tx.touch(UserKey(was.UserID))
			}
		}
		return tx.db.Model(&Thread{}).Where("id = ?", threadID).
			Updates(map[string]any{"solution_post_id": nil, "solved_at": nil}).Error
	})
	if err != nil {
		return fmt.Errorf("models: clear solution of thread %d: %w", threadID, notFoundErr(err))
	}
	return nil
}

// acceptableThread loads a thread whose solution the actor may change: the
// asker's or, for a moderator, any.
func (s *Store) acceptableThread(actor User, threadID int64) (Thread, error) {
	th, err := s.visibleThread(actor, threadID)
	if err != nil {
		return Thread{}, err
	}
	if !actor.CanAccept(th) {
		return Thread{}, ErrForbidden
	}
	return th, nil
}

// SolutionPost loads the accepted reply of a thread, to show it under the
// question wherever it sits in the thread.
func (s *Store) SolutionPost(ctx context.Context, th Thread) (*Post, error) {
	if th.SolutionPostID == nil {
		return nil, nil
	}
	var p Post
	// Shown to everyone under the question: only ever a public post.
	err := s.db.WithContext(ctx).Joins("User").Where("posts.id = ? AND "+publicPostSQL("posts"), *th.SolutionPostID).Take(&p).Error
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
