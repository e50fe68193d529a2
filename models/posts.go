package models

import (
	"context"
	"fmt"
	"strings"
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
// on the thread (KeepReply) is forgotten with it.
func (s *Store) CreateReply(ctx context.Context, in NewReply) (Post, error) {
	html, err := s.md.Render(ctx, in.Body)
	if err != nil {
		return Post{}, fmt.Errorf("models: render reply: %w", err)
	}
	now := time.Now().UTC()
	post := Post{ThreadID: in.ThreadID, UserID: in.UserID, Source: in.Body, HTML: html, CreatedAt: now, UpdatedAt: now}
	err = s.Tx(ctx, func(tx *Store) error {
		var author User
		if err := tx.db.Take(&author, in.UserID).Error; err != nil {
			return err
		}
		var th Thread
		if err := tx.db.Take(&th, in.ThreadID).Error; err != nil {
			return err
		}
		if th.Hidden() && !author.CanModerate() {
			return ErrNotFound
		}
		// An archived category is read-only for everyone, moderators too.
		if err := tx.refuseArchived(th.CategoryID); err != nil {
			return err
		}
		if th.Closed() && !author.CanModerate() {
			return &RefusedError{Reason: RefuseClosed}
		}
		status, reasons, err := tx.checkPost(ctx, author, false, draft{source: in.Body, html: html}, now)
		if err != nil {
			return err
		}
		post.Status, post.ReviewReasons = status, strings.Join(reasons, "\n")
		// The position comes from the thread's counter in the same statement
		// that bumps it; a held reply takes its place but is not yet news.
		bump := `UPDATE threads SET post_count = post_count + 1, reply_count = reply_count + 1,
			    last_posted_at = ?, last_poster_id = ?, updated_at = ? WHERE id = ? RETURNING post_count`
		args := []any{now, in.UserID, now, in.ThreadID}
		if status != StatusPublished {
			bump = `UPDATE threads SET post_count = post_count + 1 WHERE id = ? RETURNING post_count`
			args = []any{in.ThreadID}
		}
		var positions []int
		if err := tx.db.Raw(bump, args...).Scan(&positions).Error; err != nil {
			return err
		}
		if len(positions) == 0 {
			return ErrNotFound
		}
		post.Position = positions[0]
		if err := tx.db.Omit("User", "Thread").Create(&post).Error; err != nil {
			return err
		}
		post.Thread = th
		tx.touchThread(th)
		tx.touch(UserKey(in.UserID))
		// A reply the author had kept waiting here has now gone out: drop
		// it in this transaction rather than in a write of its own, which
		// on SQLite would wait for the write lock a second time.
		if err := tx.forgetKeptReply(in.UserID, in.ThreadID); err != nil {
			return err
		}
		return tx.notifyPost(post)
	})
	s.reportPost(PostKindReply, post.Status, err)
	if err != nil {
		return Post{}, fmt.Errorf("models: reply to thread %d: %w", in.ThreadID, notFoundErr(err))
	}
	return post, nil
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
