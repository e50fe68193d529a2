package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// ToggleHelpful adds the user's "helpful" vote to a post, or takes it back
// if it was there. Nobody votes for their own posts, nor for one they may
// not read. The post's and the thread's counters move in the same
// transaction. It returns the post, with its thread and its new count, and
// whether the vote is now there.
func (s *Store) ToggleHelpful(ctx context.Context, actor User, postID int64) (post Post, voted bool, err error) {
	if err := actor.MayAct(time.Now()); err != nil {
		return Post{}, false, err
	}
	userID := actor.ID
	err = s.Tx(ctx, func(tx *Store) error {
		if post, err = tx.readablePost(actor, postID); err != nil {
			return err
		}
		if post.UserID == userID {
			return ErrForbidden
		}
		if !post.Public() {
			return ErrConflict
		}
		// Counts on the thread and the lists sorted by them.
		tx.touchThread(post.Thread)
		tx.touch(UserKey(post.UserID))
		res := tx.db.Where("post_id = ? AND user_id = ?", postID, userID).Delete(&PostVote{})
		if res.Error != nil {
			return res.Error
		}
		delta := -1
		if res.RowsAffected == 0 {
			res = tx.db.Clauses(clause.OnConflict{DoNothing: true}).
				Create(&PostVote{PostID: postID, UserID: userID, CreatedAt: time.Now().UTC()})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return nil // a concurrent request of the same user voted first
			}
			delta, voted = 1, true
		}
		if err := tx.db.Exec(`UPDATE posts SET helpful_count = helpful_count + ? WHERE id = ?`, delta, postID).Error; err != nil {
			return err
		}
		if err := tx.db.Exec(`UPDATE threads SET helpful_count = helpful_count + ? WHERE id = ?`, delta, post.ThreadID).Error; err != nil {
			return err
		}
		return tx.db.Model(&Post{}).Select("helpful_count").Where("id = ?", postID).Scan(&post.HelpfulCount).Error
	})
	if err != nil {
		return Post{}, false, fmt.Errorf("models: helpful vote on post %d: %w", postID, notFoundErr(err))
	}
	return post, voted, nil
}

// VotedPosts returns which of the posts the user found helpful, so a page
// can show the state of each button in one query.
func (s *Store) VotedPosts(ctx context.Context, userID int64, postIDs []int64) (map[int64]bool, error) {
	voted := map[int64]bool{}
	if userID == 0 || len(postIDs) == 0 {
		return voted, nil
	}
	var ids []int64
	err := s.db.WithContext(ctx).Model(&PostVote{}).Where("user_id = ? AND post_id IN ?", userID, postIDs).Pluck("post_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("models: votes of user %d: %w", userID, err)
	}
	for _, id := range ids {
		voted[id] = true
	}
	return voted, nil
}
