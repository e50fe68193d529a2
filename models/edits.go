package models

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// PostByID loads a post with its thread (and the thread's category) and
// author. A post the viewer may not read is not found.
func (s *Store) PostByID(ctx context.Context, viewer *User, id int64) (Post, error) {
	var p Post
	err := s.db.WithContext(ctx).Joins("User").Joins("Thread").Where("posts.id = ?", id).Take(&p).Error
	if err != nil {
		return Post{}, notFound(err, "post %d", id)
	}
	if !viewer.CanRead(p, p.Thread) {
		return Post{}, fmt.Errorf("models: post %d: %w", id, ErrNotFound)
	}
	if err := s.db.WithContext(ctx).Take(&p.Thread.Category, p.Thread.CategoryID).Error; err != nil {
		return Post{}, notFound(err, "category of post %d", id)
	}
	return p, nil
}

// PostEdit is a change to a post. Title and CategoryID apply only to a
// question (the first post), and only when set.
type PostEdit struct {
	Body       string
	Title      string
	CategoryID int64
}

// EditPost changes a post, keeping what it said before as a revision, so
// nothing a user wrote is lost. Only the author or a moderator may edit, and
// an edit meets the same posting rules as a new post: refused with the
// reason, or — when the rules hold it — kept aside for a moderator while the
// post goes on saying what it said. held reports that.
func (s *Store) EditPost(ctx context.Context, actor User, postID int64, in PostEdit) (post Post, held bool, err error) {
	html, err := s.md.Render(ctx, in.Body)
	if err != nil {
		return Post{}, false, fmt.Errorf("models: render edit: %w", err)
	}
	err = s.Tx(ctx, func(tx *Store) error {
		if post, err = tx.readablePost(actor, postID); err != nil {
			return err
		}
		if post.Deleted() {
			return ErrConflict
		}
		if !actor.CanEdit(post, post.Thread) {
			return ErrForbidden
		}
		// What is archived stays as it is; a moderator may still edit,
		// to take out what must not stay public.
		if !actor.CanModerate() {
			if err := tx.refuseArchived(post.Thread.CategoryID); err != nil {
				return err
			}
		}
		now := time.Now().UTC()
		d := draft{source: in.Body, html: html}
		if post.Position == 1 {
			d.title = in.Title
		}
		status, reasons, err := tx.checkEdit(ctx, actor, post.ID, d, now)
		if err != nil {
			return err
		}
		if status == StatusHeld && post.Public() {
			held = true
			tx.touch() // kept aside: the page goes on showing what it showed
			return tx.holdEdit(actor, post, in, html, reasons, now)
		}
		if err := tx.db.Where("post_id = ?", post.ID).Delete(&PendingEdit{}).Error; err != nil {
			return err // this edit supersedes one that was waiting
		}
		if status == StatusHeld {
			// Not public yet: it waits for a moderator, with these reasons too.
			post.ReviewReasons = strings.TrimSpace(post.ReviewReasons + "\n" + strings.Join(reasons, "\n"))
		}
		return tx.applyEdit(actor, &post, in, html, now)
	})
	if err != nil {
		return Post{}, false, fmt.Errorf("models: edit post %d: %w", postID, notFoundErr(err))
	}
	return post, held, nil
}

// applyEdit writes an edit of post (loaded with its thread) by editor,
// keeping the text it replaces as a revision.
func (s *Store) applyEdit(editor User, post *Post, in PostEdit, html string, now time.Time) error {
	th := post.Thread
	rev := PostRevision{PostID: post.ID, UserID: editor.ID, Source: post.Source, CreatedAt: now}
	if post.Position == 1 {
		rev.Title, rev.CategoryID = th.Title, &th.CategoryID
	}
	if err := s.db.Omit("User").Create(&rev).Error; err != nil {
		return err
	}
	post.Source, post.HTML, post.EditedAt, post.UpdatedAt = in.Body, html, &now, now
	if post.HiddenAt != nil && !editor.CanModerate() {
		// Editing a hidden post sends it back to a moderator rather
		// than straight back onto the page.
		post.HiddenAt, post.Status = nil, StatusHeld
		post.ReviewReasons = strings.TrimSpace(post.ReviewReasons + "\nedited_after_hidden")
	}
	if err := s.db.Omit("User", "Thread").Save(post).Error; err != nil {
		return err
	}
	s.touchThread(th)
	s.touch(UserKey(post.UserID))
	if post.Position == 1 && (in.Title != "" || in.CategoryID != 0) {
		if err := s.retitle(&th, in.Title, in.CategoryID); err != nil {
			return err
		}
		post.Thread = th
	}
	// After the thread's row is written, which would put its old
	// thumbnail back.
	return s.attachImages(*post, true)
}

// retitle changes a thread's title and category, moving the category counts.
func (s *Store) retitle(th *Thread, title string, categoryID int64) error {
	if categoryID != 0 && categoryID != th.CategoryID {
		if err := s.refuseArchived(categoryID); err != nil {
			return err // no thread moves into an archived category
		}
		res := s.db.Exec(`UPDATE categories SET thread_count = thread_count + 1 WHERE id = ?`, categoryID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		if err := s.db.Exec(`UPDATE categories SET thread_count = thread_count - 1 WHERE id = ?`, th.CategoryID).Error; err != nil {
			return err
		}
		// The list it leaves, and every list's counts; the list it joins
		// is touched with the thread below.
		s.touch(CategoryKey(th.CategoryID), KeyCategories)
		th.CategoryID = categoryID
	}
	if title != "" {
		th.Title, th.Slug = title, Slugify(title)
	}
	th.UpdatedAt = time.Now().UTC()
	s.touchThread(*th)
	// The me-too count moves under other requests while this one runs
	// (SetMeToo adds to it in place): writing back the count read at the
	// start would lose theirs.
	return s.db.Omit("Category", "User", "LastPoster", "MeTooCount").Save(th).Error
}

// DeletePost soft-deletes a post: it shows as deleted, its text stays for
// moderators, it leaves search, and the thread's counters and solution follow.
func (s *Store) DeletePost(ctx context.Context, actor User, postID int64) (Post, error) {
	if err := actor.MayAct(time.Now()); err != nil {
		return Post{}, err
	}
	var post Post
	err := s.Tx(ctx, func(tx *Store) error {
		var err error
		if post, err = tx.readablePost(actor, postID); err != nil {
			return err
		}
		if post.Deleted() {
			return nil
		}
		if !actor.CanEdit(post, post.Thread) {
			return ErrForbidden
		}
		// What is archived stays as it is; a moderator may still edit,
		// to take out what must not stay public.
		if !actor.CanModerate() {
			if err := tx.refuseArchived(post.Thread.CategoryID); err != nil {
				return err
			}
		}
		now := time.Now().UTC()
		tx.touchThread(post.Thread)
		tx.touch(UserKey(post.UserID))
		post.DeletedAt, post.DeletedBy = &now, &actor.ID
		if err := tx.db.Model(&Post{}).Where("id = ?", post.ID).
			Updates(map[string]any{"deleted_at": now, "deleted_by": actor.ID}).Error; err != nil {
			return err
		}
		if post.Position > 1 {
			if err := tx.db.Exec(`UPDATE threads SET reply_count = reply_count - 1 WHERE id = ?`, post.ThreadID).Error; err != nil {
				return err
			}
		}
		return tx.db.Exec(`UPDATE threads SET solution_post_id = NULL, solved_at = NULL WHERE id = ? AND solution_post_id = ?`,
			post.ThreadID, post.ID).Error
	})
	if err != nil {
		return Post{}, fmt.Errorf("models: delete post %d: %w", postID, notFoundErr(err))
	}
	return post, nil
}
