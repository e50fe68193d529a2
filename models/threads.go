package models

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"
)

// PostsPerPage is how many posts a thread page shows. Page URLs stay stable
// because a post's page follows from its position alone.
const PostsPerPage = 50

// LastPage asks ThreadPage for a thread's last page, wherever that is.
const LastPage = -1

// NewThread is a question as the composer submits it, already validated.
type NewThread struct {
	UserID     int64
	CategoryID int64
	Title      string
	Body       string
}

// CreateThread stores a thread with its first post, and counts it in its
// category, in one transaction.
func (s *Store) CreateThread(ctx context.Context, in NewThread) (Thread, error) {
	html, err := s.md.Render(ctx, in.Body)
	if err != nil {
		return Thread{}, fmt.Errorf("models: render question: %w", err)
	}
	now := time.Now().UTC()
	th := Thread{
		CategoryID: in.CategoryID, UserID: in.UserID, Title: in.Title, Slug: Slugify(in.Title),
		PostCount: 1, LastPostedAt: now, LastPosterID: in.UserID, CreatedAt: now, UpdatedAt: now,
	}
	var post Post
	err = s.Tx(ctx, func(tx *Store) error {
		var author User
		if err := tx.db.Take(&author, in.UserID).Error; err != nil {
			return err
		}
		if err := tx.refuseArchived(in.CategoryID); err != nil {
			return err
		}
		status, reasons, err := tx.checkPost(ctx, author, true, draft{title: in.Title, source: in.Body, html: html}, now)
		if err != nil {
			return err
		}
		if status == StatusHeld {
			th.HiddenAt = &now // the thread appears once a moderator approves its question
		}
		if err := tx.db.Omit("Category", "User", "LastPoster").Create(&th).Error; err != nil {
			return err
		}
		post = Post{ThreadID: th.ID, UserID: in.UserID, Position: 1, Source: in.Body, HTML: html, CreatedAt: now, UpdatedAt: now,
			Status: status, ReviewReasons: strings.Join(reasons, "\n")}
		if err := tx.db.Omit("User", "Thread").Create(&post).Error; err != nil {
			return err
		}
		th.FirstPostID, th.FirstPostStatus = post.ID, status
		if err := tx.attachImages(post, false); err != nil {
			return err
		}
		tx.touchThread(th)
		tx.touch(UserKey(in.UserID), KeyCategories)
		if err := tx.notifyPost(post); err != nil {
			return err
		}
		if status != StatusPublished {
			return nil
		}
		res := tx.db.Exec(`UPDATE categories SET thread_count = thread_count + 1 WHERE id = ?`, in.CategoryID)
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		return res.Error
	})
	s.reportPost(PostKindQuestion, post.Status, err)
	if err != nil {
		return Thread{}, fmt.Errorf("models: create thread: %w", err)
	}
	return th, nil
}

// ThreadShow narrows a list of threads to where help is needed.
type ThreadShow string

// The lists a visitor can pick; each has an index behind it.
const (
	ShowLatest     ThreadShow = "latest"
	ShowUnanswered ThreadShow = "unanswered" // no replies yet: where helpers go first
	ShowUnsolved   ThreadShow = "unsolved"
	ShowSolved     ThreadShow = "solved"
)

// ThreadSort orders a list of threads.
type ThreadSort string

// The orders a list can take.
const (
	SortActivity ThreadSort = "activity"
	SortCreated  ThreadSort = "newest"
	SortHelpful  ThreadSort = "helpful"
	// SortAffected puts first the questions most people said they have
	// too (SetMeToo): during an outage, the one everyone is hitting.
	SortAffected ThreadSort = "affected"
)

// ThreadFilter selects a list of threads.
type ThreadFilter struct {
	CategoryID int64 // 0: every category
	UserID     int64 // 0: every author
	// Viewer is who is looking: threads out of public view are listed
	// only to those who may open them (a held question on its asker's own
	// profile). Nil lists public threads only, as every list but a
	// profile does, for moderators too.
	Viewer  *User
	Show    ThreadShow
	Sort    ThreadSort
	Page    int
	PerPage int
	// Pins puts the threads pinned where the list is shown at the top of
	// its first page, whatever the order, and out of the pages that
	// follow: a category's pins (site-wide ones included) on its list,
	// site-wide pins on the list across every category (CategoryID 0).
	// Show still applies to them; lists of one author leave it off.
	Pins bool
}

// ThreadList is one page of threads, most recently active first. Pinned
// are the pins on a first page, newest pin first; the pagination counts
// the rest.
type ThreadList struct {
	Pinned  []Thread
	Threads []Thread
	Pagination
}

// Threads lists threads by last activity with their category, author and
// last poster, in one query plus a count, and one more for the pins on a
// first page.
func (s *Store) Threads(ctx context.Context, f ThreadFilter) (ThreadList, error) {
	page, per := clampPage(f.Page, f.PerPage)
	list := ThreadList{Pagination: Pagination{Page: page, PerPage: per}}
	q := s.db.WithContext(ctx).Model(&Thread{})
	if f.CategoryID != 0 {
		q = q.Where("threads.category_id = ?", f.CategoryID)
	}
	if f.UserID != 0 {
		q = q.Where("threads.user_id = ?", f.UserID)
	}
	visible, args := visibleThreadSQL(f.Viewer, "threads")
	q = q.Where(visible, args...)
	// A merged thread's posts are listed with the thread they went to.
	q = q.Where("threads.merged_into IS NULL")
	switch f.Show {
	case ShowUnanswered:
		q = q.Where("threads.reply_count = 0")
	case ShowUnsolved:
		q = q.Where("threads.solution_post_id IS NULL")
	case ShowSolved:
		q = q.Where("threads.solution_post_id IS NOT NULL")
	}
	order := "threads.last_posted_at DESC, threads.id DESC"
	switch f.Sort {
	case SortCreated:
		order = "threads.created_at DESC, threads.id DESC"
	case SortHelpful:
		order = "threads.helpful_count DESC, threads.last_posted_at DESC, threads.id DESC"
	case SortAffected:
		order = "threads.me_too_count DESC, threads.last_posted_at DESC, threads.id DESC"
	}
	if f.Pins {
		// Moderators pin a handful of threads, so the pins are one small
		// read of their own index, and the rest of the list keeps its own.
		pinned, args := "threads.pinned_at IS NOT NULL", []any{}
		if f.CategoryID == 0 {
			pinned, args = pinned+" AND threads.pinned_globally = ?", append(args, true)
		}
		if page == 1 {
			err := q.Session(&gorm.Session{}).Where(pinned, args...).
				Joins("Category").Joins("User").Joins("LastPoster").
				Order("threads.pinned_at DESC, threads.id DESC").Find(&list.Pinned).Error
			if err != nil {
				return ThreadList{}, fmt.Errorf("models: pinned threads: %w", err)
			}
		}
		q = q.Where("NOT ("+pinned+")", args...)
	}
	if err := q.Session(&gorm.Session{}).Count(&list.TotalItems).Error; err != nil {
		return ThreadList{}, fmt.Errorf("models: count threads: %w", err)
	}
	err := q.Joins("Category").Joins("User").Joins("LastPoster").
		Order(order).
		Limit(per).Offset(list.offset()).Find(&list.Threads).Error
	if err != nil {
		return ThreadList{}, fmt.Errorf("models: list threads: %w", err)
	}
	return list, nil
}

// ThreadView is one page of a thread.
type ThreadView struct {
	Thread Thread
	Posts  []Post
	Pagination
}

// PageOfPosition is the thread page a post at a position appears on.
func PageOfPosition(position int) int {
	if position < 1 {
		return 1
	}
	return (position-1)/PostsPerPage + 1
}

// Slugify makes the readable part of a thread URL from its title. Letters of
// any script are kept, so Japanese titles give Japanese slugs.
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	n := 0
	for _, r := range strings.ToLower(title) {
		if n >= 60 {
			break
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
			n++
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
			n++
		}
	}
	slug := strings.Trim(b.String(), "-")
	if slug == "" {
		return "thread"
	}
	return slug
}
