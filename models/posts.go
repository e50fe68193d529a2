package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// NewReply is a reply as the thread page submits it, already validated.
type NewReply struct {
	ThreadID int64
	UserID   int64
	Body     string
}

// CreateReply appends a post to a thread. The post's position comes from the
// thread's counter, bumped in the same statement, so two replies at once can
// never take the same place.
func (s *Store) CreateReply(ctx context.Context, in NewReply) (Post, error) {
	html, err := s.md.Render(in.Body)
	if err != nil {
		return Post{}, fmt.Errorf("models: render reply: %w", err)
	}
	now := time.Now().UTC()
	post := Post{ThreadID: in.ThreadID, UserID: in.UserID, Source: in.Body, HTML: html, CreatedAt: now, UpdatedAt: now}
	err = s.Tx(ctx, func(tx *Store) error {
		var positions []int
		err := tx.db.Raw(`UPDATE threads
			SET post_count = post_count + 1, reply_count = reply_count + 1,
			    last_posted_at = ?, last_poster_id = ?, updated_at = ?
			WHERE id = ? RETURNING post_count`, now, in.UserID, now, in.ThreadID).Scan(&positions).Error
		if err != nil {
			return err
		}
		if len(positions) == 0 {
			return ErrNotFound
		}
		post.Position = positions[0]
		return tx.db.Omit("User", "Thread").Create(&post).Error
	})
	if err != nil {
		return Post{}, fmt.Errorf("models: reply to thread %d: %w", in.ThreadID, err)
	}
	return post, nil
}

// UserPosts lists a user's replies (not the questions that opened threads),
// newest first, each with its thread.
func (s *Store) UserPosts(ctx context.Context, userID int64, page, perPage int) ([]Post, Pagination, error) {
	page, perPage = clampPage(page, perPage)
	p := Pagination{Page: page, PerPage: perPage}
	q := s.db.WithContext(ctx).Model(&Post{}).Where("posts.user_id = ? AND posts.position > 1", userID)
	if err := q.Session(&gorm.Session{}).Count(&p.TotalItems).Error; err != nil {
		return nil, p, fmt.Errorf("models: count posts of user %d: %w", userID, err)
	}
	var posts []Post
	err := q.Joins("Thread").Order("posts.created_at DESC, posts.id DESC").
		Limit(perPage).Offset(p.offset()).Find(&posts).Error
	if err != nil {
		return nil, p, fmt.Errorf("models: posts of user %d: %w", userID, err)
	}
	return posts, p, nil
}
