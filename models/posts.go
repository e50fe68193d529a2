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
// never take the same place. The post comes back with its thread, so the
// page it lands on needs no other read. A reply the author had kept waiting
// on the thread (KeepReply) is forgotten with it. Replies commit in batches
// (reply_batches.go); inside a transaction, a reply is part of it.
func (s *Store) CreateReply(ctx context.Context, in NewReply) (Post, error) {
	html, err := s.md.Render(ctx, in.Body)
	if err != nil {
		return Post{}, fmt.Errorf("models: render reply: %w", err)
	}
	now := time.Now().UTC()
	job := &replyJob{ctx: ctx, in: in, html: html, now: now}
	if s.replies == nil {
		job.post = newReplyPost(in, html, now)
		err = s.insertReply(ctx, in, now, &job.post)
	} else {
		err = s.queueReply(ctx, job)
	}
	s.reportPost(PostKindReply, job.post.Status, err)
	if err != nil {
		return Post{}, fmt.Errorf("models: reply to thread %d: %w", in.ThreadID, notFoundErr(err))
	}
	return job.post, nil
}

// UserPosts lists a user's replies (not the questions that opened threads)
// that the viewer may read, newest first, each with its thread.
func (s *Store) UserPosts(ctx context.Context, viewer *User, userID int64, page, perPage int) ([]Post, Pagination, error) {
	page, perPage = clampPage(page, perPage)
	p := Pagination{Page: page, PerPage: perPage}
	visible, args := visiblePostSQL(viewer, "posts", `"Thread"`)
	q := s.db.WithContext(ctx).Model(&Post{}).Joins("Thread").
		Where("posts.user_id = ? AND posts.position > 1", userID).Where(visible, args...)
	if err := q.Session(&gorm.Session{}).Count(&p.TotalItems).Error; err != nil {
		return nil, p, fmt.Errorf("models: count posts of user %d: %w", userID, err)
	}
	var posts []Post
	err := q.Order("posts.created_at DESC, posts.id DESC").
		Limit(perPage).Offset(p.offset()).Find(&posts).Error
	if err != nil {
		return nil, p, fmt.Errorf("models: posts of user %d: %w", userID, err)
	}
	return posts, p, nil
}
