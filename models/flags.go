package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm/clause"
)

// FlagInput is a report of a post.
type FlagInput struct {
	PostID int64
	Reason FlagReason
	Note   string
}

// FlagPost records a user's report. Each user flags a post once; new
// accounts may not flag. When distinct flaggers reach the threshold, or a
// moderator flags, the post is hidden pending review. hidden reports that;
// post is the post as it now is, with its thread, also when the user had
// flagged it already (ErrConflict).
func (s *Store) FlagPost(ctx context.Context, user User, in FlagInput) (post Post, hidden bool, err error) {
	switch in.Reason {
	case FlagSpam, FlagInappropriate, FlagOffTopic, FlagOther:
	default:
		return Post{}, false, fmt.Errorf("models: flag reason %q: %w", in.Reason, errInvalid)
	}
	if !storable(in.Note) {
		return Post{}, false, fmt.Errorf("models: flag note: %w", errInvalid)
	}
	if err := user.MayAct(time.Now()); err != nil {
		return Post{}, false, err
	}
	rules, err := s.Rules(ctx)
	if err != nil {
		return Post{}, false, err
	}
	err = s.Tx(ctx, func(tx *Store) error {
		if err := tx.mayFlag(user, rules, time.Now().UTC()); err != nil {
			return err
		}
		if post, err = tx.readablePost(user, in.PostID); err != nil {
			return err
		}
		if post.UserID == user.ID {
			return ErrForbidden
		}
		res := tx.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&Flag{
			PostID: in.PostID, UserID: user.ID, Reason: in.Reason, Note: strings.TrimSpace(in.Note), CreatedAt: time.Now().UTC(),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrConflict // flagged already
		}
		var open int64
		if err := tx.db.Model(&Flag{}).Where("post_id = ? AND resolved_at IS NULL", in.PostID).Count(&open).Error; err != nil {
			return err
		}
		if post.HiddenAt == nil && (user.CanModerate() || int(open) >= rules.FlagThreshold) {
			now := time.Now().UTC()
			hidden, post.HiddenAt = true, &now
			tx.touchThread(post.Thread)
			tx.touch(UserKey(post.UserID))
			return tx.db.Model(&Post{}).Where("id = ?", in.PostID).Update("hidden_at", now).Error
		}
		tx.touch() // a flag alone is for moderators' eyes
		return nil
	})
	if errors.Is(err, ErrConflict) {
		return post, false, fmt.Errorf("models: flag post %d: %w", in.PostID, err)
	}
	if err != nil {
		return Post{}, false, fmt.Errorf("models: flag post %d: %w", in.PostID, notFoundErr(err))
	}
	return post, hidden, nil
}

// ErrNewAccount refuses what new accounts may not do yet, such as flag.
var ErrNewAccount = fmt.Errorf("new account: %w", ErrForbidden)

// MayFlag reports whether the user may flag posts at all: nil, a
// *RestrictedError, or ErrNewAccount. Pages ask it to offer the flag only
// to those FlagPost accepts, by the same rule.
func (s *Store) MayFlag(ctx context.Context, user User) error {
	rules, err := s.Rules(ctx)
	if err != nil {
		return err
	}
	read := *s // the same store, its reads bound to the request
	read.db = s.db.WithContext(ctx)
	return read.mayFlag(user, rules, time.Now().UTC())
}

// mayFlag keeps flags from suspended and silenced users and from new
// accounts, which spammers make by the dozen to hide honest posts.
func (s *Store) mayFlag(user User, rules Rules, now time.Time) error {
	if err := user.MayAct(now); err != nil {
		return err
	}
	if user.CanModerate() {
		return nil
	}
	newcomer, err := s.isNewAccount(user, rules, now)
	if err != nil {
		return err
	}
	if newcomer {
		return ErrNewAccount
	}
	return nil
}

// ReviewItem is one post waiting for a moderator, with what put it there.
type ReviewItem struct {
	Post    Post
	Flags   []Flag
	Reasons []string
	Edit    *PendingEdit // an edit the rules held, shown beside the public text
}

// ReviewQueue lists posts held for approval, hidden by flags, or carrying
// open flags, oldest first.
func (s *Store) ReviewQueue(ctx context.Context, limit int) ([]ReviewItem, error) {
	var posts []Post
	db := s.db.WithContext(ctx)
	err := db.Joins("User").Joins("Thread").
		Where(`posts.deleted_at IS NULL AND (posts.status = ? OR posts.hidden_at IS NOT NULL
			OR EXISTS (SELECT 1 FROM flags f WHERE f.post_id = posts.id AND f.resolved_at IS NULL)
			OR EXISTS (SELECT 1 FROM pending_edits e WHERE e.post_id = posts.id))`, StatusHeld).
		Order("posts.created_at, posts.id").Limit(limit).Find(&posts).Error
	if err != nil {
		return nil, fmt.Errorf("models: review queue: %w", err)
	}
	items := make([]ReviewItem, len(posts))
	ids := make([]int64, len(posts))
	for i, p := range posts {
		items[i] = ReviewItem{Post: p, Reasons: p.Reasons()}
		ids[i] = p.ID
	}
	if len(ids) == 0 {
		return items, nil
	}
	var edits []PendingEdit
	if err := db.Where("post_id IN ?", ids).Find(&edits).Error; err != nil {
		return nil, fmt.Errorf("models: review edits: %w", err)
	}
	for _, e := range edits {
		for i := range items {
			if items[i].Post.ID == e.PostID {
				items[i].Edit = &e
			}
		}
	}
	var flags []Flag
	if err := db.Joins("User").Where("flags.post_id IN ? AND flags.resolved_at IS NULL", ids).Order("flags.created_at").Find(&flags).Error; err != nil {
		return nil, fmt.Errorf("models: review flags: %w", err)
	}
	for _, f := range flags {
		for i := range items {
			if items[i].Post.ID == f.PostID {
				items[i].Flags = append(items[i].Flags, f)
			}
		}
	}
	return items, nil
}

// ReviewDecision is a moderator's answer to a review item.
type ReviewDecision string

// The decisions.
const (
	ReviewApprove          ReviewDecision = "approve"          // publish, clear flags
	ReviewReject           ReviewDecision = "reject"           // keep out of view
	ReviewDeleteAndSuspend ReviewDecision = "delete_suspend"   // delete and suspend the author
	suspendOnReject                       = 7 * 24 * time.Hour // how long delete-and-suspend lasts
)

// Valid reports whether the decision is one the review queue offers.
func (d ReviewDecision) Valid() bool {
	return d == ReviewApprove || d == ReviewReject || d == ReviewDeleteAndSuspend
}

// Review applies a decision to a post in the queue and logs it.
func (s *Store) Review(ctx context.Context, actor User, postID int64, decision ReviewDecision, reason string) error {
	if err := actor.mayModerate(); err != nil {
		return err
	}
	if !decision.Valid() {
		return fmt.Errorf("models: review decision %q: %w", decision, errInvalid)
	}
	err := s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		var post Post
		if err := tx.db.Take(&post, postID).Error; err != nil {
			return logEntry{}, err
		}
		// Every decision can change the thread, its lists and counts (an
		// approved question joins its category) and the author's profile.
		if err := tx.touchThreadID(post.ThreadID); err != nil {
			return logEntry{}, err
		}
		tx.touch(UserKey(post.UserID), KeyCategories)
		return logEntry{"review." + string(decision), "post", postID, reason}, tx.decide(actor, post, decision, reason)
	})
	if errors.Is(err, ErrForbidden) {
		return err
	}
	if err != nil {
		return fmt.Errorf("models: review post %d: %w", postID, notFoundErr(err))
	}
	return nil
}

// decide carries out a review decision on a post.
func (s *Store) decide(actor User, post Post, decision ReviewDecision, reason string) error {
	now := time.Now().UTC()
	flags := s.db.Model(&Flag{}).Where("post_id = ? AND resolved_at IS NULL", post.ID).Update("resolved_at", now)
	if flags.Error != nil {
		return flags.Error
	}
	// A post counts in its thread once published; a published post that
	// was hidden, or edited while hidden, still counts.
	counted := post.Status == StatusPublished || strings.Contains(post.ReviewReasons, "edited_after_hidden")
	// A public post in the queue only for an edit the rules held: the
	// decision is about the edit, and the post stays as it is.
	onlyEdit := post.Public() && flags.RowsAffected == 0
	switch decision {
	case ReviewApprove:
		post.HiddenAt = nil // approved as a whole, edit included
		if _, err := s.settlePendingEdit(&post, true, now); err != nil {
			return err
		}
		if !counted {
			if err := s.publishHeld(post, now); err != nil {
				return err
			}
		}
		if err := s.db.Model(&Post{}).Where("id = ?", post.ID).Updates(map[string]any{"hidden_at": nil, "status": StatusPublished}).Error; err != nil {
			return err
		}
		if !counted {
			// Now public: tell watchers and mentioned users, as on posting.
			post.Status, post.HiddenAt = StatusPublished, nil
			if err := s.notifyPost(post); err != nil {
				return err
			}
		}
	case ReviewReject:
		if hadEdit, err := s.settlePendingEdit(&post, false, now); err != nil || (hadEdit && onlyEdit) {
			return err
		}
		if err := s.db.Model(&Post{}).Where("id = ?", post.ID).Update("status", StatusRejected).Error; err != nil {
			return err
		}
		if counted && post.Position > 1 {
			if err := s.db.Exec(`UPDATE threads SET reply_count = reply_count - 1 WHERE id = ?`, post.ThreadID).Error; err != nil {
				return err
			}
		}
	case ReviewDeleteAndSuspend:
		if _, err := s.settlePendingEdit(&post, false, now); err != nil {
			return err
		}
		if err := s.db.Model(&Post{}).Where("id = ?", post.ID).Updates(map[string]any{"deleted_at": now, "deleted_by": actor.ID}).Error; err != nil {
			return err
		}
		if counted && post.Position > 1 {
			if err := s.db.Exec(`UPDATE threads SET reply_count = reply_count - 1 WHERE id = ?`, post.ThreadID).Error; err != nil {
				return err
			}
		}
		res := s.db.Model(&User{}).Where("id = ? AND role = ?", post.UserID, RoleMember).
			Updates(map[string]any{"suspended_until": now.Add(suspendOnReject), "moderation_reason": cleanText(reason)})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected > 0 {
			if err := s.endSessions(post.UserID); err != nil {
				return err
			}
		}
	}
	return nil
}

// publishHeld makes a held post count where a published one would: a held
// question's thread appears in lists; a held reply bumps its thread.
func (s *Store) publishHeld(post Post, now time.Time) error {
	if post.Position == 1 {
		if err := s.db.Exec(`UPDATE threads SET hidden_at = NULL WHERE id = ?`, post.ThreadID).Error; err != nil {
			return err
		}
		return s.db.Exec(`UPDATE categories SET thread_count = thread_count + 1 WHERE id = (SELECT category_id FROM threads WHERE id = ?)`, post.ThreadID).Error
	}
	return s.db.Exec(`UPDATE threads SET reply_count = reply_count + 1, last_posted_at = ?, last_poster_id = ? WHERE id = ?`,
		now, post.UserID, post.ThreadID).Error
}
