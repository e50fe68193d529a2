package models

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// PendingEdit is an edit of a public post that the posting rules held for a
// moderator. Until it is approved the post keeps its public text; the
// author sees the edit waiting in the edit form.
type PendingEdit struct {
	PostID     int64 `gorm:"primaryKey"`
	UserID     int64
	Source     string
	HTML       string `gorm:"column:html"`
	Title      string
	CategoryID *int64
	Reasons    string
	CreatedAt  time.Time
}

// HTMLSafe is the edit as stored HTML, rendered and sanitized when written.
func (e PendingEdit) HTMLSafe() template.HTML { return template.HTML(e.HTML) }

// ReasonList lists what held the edit.
func (e PendingEdit) ReasonList() []string { return strings.Split(e.Reasons, "\n") }

func (e PendingEdit) edit() PostEdit {
	in := PostEdit{Body: e.Source, Title: e.Title}
	if e.CategoryID != nil {
		in.CategoryID = *e.CategoryID
	}
	return in
}

// holdEdit keeps an edit aside for review; a newer held edit replaces an
// older one that was still waiting.
func (s *Store) holdEdit(editor User, post Post, in PostEdit, html string, reasons []string, now time.Time) error {
	e := PendingEdit{PostID: post.ID, UserID: editor.ID, Source: in.Body, HTML: html, Title: in.Title,
		Reasons: strings.Join(reasons, "\n"), CreatedAt: now}
	if in.CategoryID != 0 {
		e.CategoryID = &in.CategoryID
	}
	return s.db.Clauses(clause.OnConflict{UpdateAll: true}).Create(&e).Error
}

// PendingEditOf returns the edit of a post waiting for a moderator, or nil.
func (s *Store) PendingEditOf(ctx context.Context, postID int64) (*PendingEdit, error) {
	var e PendingEdit
	err := s.db.WithContext(ctx).Where("post_id = ?", postID).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("models: pending edit of post %d: %w", postID, err)
	}
	return &e, nil
}

// settlePendingEdit applies (approve) or drops a held edit of a post, in
// the transaction of a review decision. It reports whether there was one.
func (s *Store) settlePendingEdit(post *Post, approve bool, now time.Time) (bool, error) {
	var e PendingEdit
	err := s.db.Where("post_id = ?", post.ID).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := s.db.Where("post_id = ?", post.ID).Delete(&PendingEdit{}).Error; err != nil {
		return true, err
	}
	if !approve {
		return true, nil
	}
	var editor User
	if err := s.db.Take(&editor, e.UserID).Error; err != nil {
		return true, err
	}
	if err := s.db.Take(&post.Thread, post.ThreadID).Error; err != nil {
		return true, err
	}
	return true, s.applyEdit(editor, post, e.edit(), e.HTML, now)
}
