package models

import (
	"context"
	"fmt"
	"time"
)

// audit records a moderator or admin action in the same transaction as the
// action itself, so the log never misses one.
func (s *Store) audit(actor User, action, targetType string, targetID int64, reason string) error {
	entry := AuditEntry{ActorID: &actor.ID, Action: action, TargetType: targetType, TargetID: targetID, Reason: cleanText(reason), CreatedAt: time.Now().UTC()}
	return s.db.Omit("Actor").Create(&entry).Error
}

// AuditLog lists moderator actions, newest first.
func (s *Store) AuditLog(ctx context.Context, page, perPage int) ([]AuditEntry, Pagination, error) {
	page, perPage = clampPage(page, perPage)
	p := Pagination{Page: page, PerPage: perPage}
	db := s.db.WithContext(ctx)
	if err := db.Model(&AuditEntry{}).Count(&p.TotalItems).Error; err != nil {
		return nil, p, err
	}
	var entries []AuditEntry
	err := db.Joins("Actor").Order("audit_log.created_at DESC, audit_log.id DESC").Limit(perPage).Offset(p.offset()).Find(&entries).Error
	if err != nil {
		return nil, p, fmt.Errorf("models: audit log: %w", err)
	}
	return entries, p, nil
}

// ThreadAction is something a moderator does to a thread.
type ThreadAction string

// The thread actions.
const (
	ThreadHide   ThreadAction = "hide"
	ThreadUnhide ThreadAction = "unhide"
	ThreadClose  ThreadAction = "close"
	ThreadReopen ThreadAction = "reopen"
	ThreadPin    ThreadAction = "pin"
	ThreadUnpin  ThreadAction = "unpin"
	ThreadMove   ThreadAction = "move"
)

// ModerateThread applies a moderator action to a thread and logs it.
// categoryID is the destination of a move.
func (s *Store) ModerateThread(ctx context.Context, actor User, threadID int64, action ThreadAction, categoryID int64, reason string) error {
	if !actor.CanModerate() {
		return ErrForbidden
	}
	err := s.Tx(ctx, func(tx *Store) error {
		var th Thread
		if err := tx.db.Take(&th, threadID).Error; err != nil {
			return err
		}
		now := time.Now().UTC()
		set := map[string]any{}
		switch action {
		case ThreadHide:
			set["hidden_at"] = now
		case ThreadUnhide:
			set["hidden_at"] = nil
		case ThreadClose:
			set["closed_at"] = now
		case ThreadReopen:
			set["closed_at"] = nil
		case ThreadPin:
			set["pinned_at"] = now
		case ThreadUnpin:
			set["pinned_at"] = nil
		case ThreadMove:
			if categoryID == th.CategoryID {
				return nil
			}
			if err := tx.retitle(&th, "", categoryID); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unknown thread action %q", action)
		}
		if len(set) > 0 {
			if err := tx.db.Model(&Thread{}).Where("id = ?", threadID).Updates(set).Error; err != nil {
				return err
			}
		}
		return tx.audit(actor, "thread."+string(action), "thread", threadID, reason)
	})
	if err != nil {
		return fmt.Errorf("models: %s thread %d: %w", action, threadID, notFoundErr(err))
	}
	return nil
}

// SetPostHidden hides a post pending review, or shows it again.
func (s *Store) SetPostHidden(ctx context.Context, actor User, postID int64, hidden bool, reason string) error {
	if !actor.CanModerate() {
		return ErrForbidden
	}
	err := s.Tx(ctx, func(tx *Store) error {
		var at any
		action := "post.unhide"
		if hidden {
			at, action = time.Now().UTC(), "post.hide"
		}
		res := tx.db.Model(&Post{}).Where("id = ?", postID).Update("hidden_at", at)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return tx.audit(actor, action, "post", postID, reason)
	})
	if err != nil {
		return fmt.Errorf("models: hide post %d: %w", postID, err)
	}
	return nil
}

// UserAction is something a moderator does to a user.
type UserAction string

// The user actions.
const (
	UserSilence   UserAction = "silence"
	UserSuspend   UserAction = "suspend"
	UserRestore   UserAction = "restore" // lifts silence and suspension
	UserPurge     UserAction = "purge"   // delete a spammer: suspend and delete every post
	UserUnpurge   UserAction = "unpurge" // undo a purge: restore the posts moderation deleted
	UserGrantMod  UserAction = "grant_moderator"
	UserGrantAdm  UserAction = "grant_admin"
	UserRevokeAll UserAction = "revoke_roles"
)

// ModerateUser applies a moderator action to a user for a period and logs
// it. The reason is shown to the user.
func (s *Store) ModerateUser(ctx context.Context, actor User, userID int64, action UserAction, until time.Time, reason string) error {
	if !actor.CanModerate() || ((action == UserGrantMod || action == UserGrantAdm || action == UserRevokeAll) && !actor.CanAdmin()) {
		return ErrForbidden
	}
	err := s.Tx(ctx, func(tx *Store) error {
		var target User
		if err := tx.db.Take(&target, userID).Error; err != nil {
			return err
		}
		if target.CanModerate() && !actor.CanAdmin() {
			return ErrForbidden // moderators do not act on each other; admins do
		}
		now := time.Now().UTC()
		set := map[string]any{}
		switch action {
		case UserSilence:
			set["silenced_until"], set["moderation_reason"] = until.UTC(), cleanText(reason)
		case UserSuspend:
			set["suspended_until"], set["moderation_reason"] = until.UTC(), cleanText(reason)
		case UserRestore:
			set["silenced_until"], set["suspended_until"], set["moderation_reason"] = nil, nil, ""
		case UserPurge:
			set["suspended_until"], set["moderation_reason"] = now.AddDate(100, 0, 0), cleanText(reason)
			if err := tx.purgePosts(actor, userID, now); err != nil {
				return err
			}
		case UserUnpurge:
			set["suspended_until"], set["moderation_reason"] = nil, ""
			if err := tx.unpurgePosts(userID); err != nil {
				return err
			}
		case UserGrantMod:
			set["role"] = RoleModerator
		case UserGrantAdm:
			set["role"] = RoleAdmin
		case UserRevokeAll:
			set["role"] = RoleMember
		default:
			return fmt.Errorf("unknown user action %q", action)
		}
		if err := tx.db.Model(&User{}).Where("id = ?", userID).Updates(set).Error; err != nil {
			return err
		}
		return tx.audit(actor, "user."+string(action), "user", userID, reason)
	})
	if err != nil {
		return fmt.Errorf("models: %s user %d: %w", action, userID, notFoundErr(err))
	}
	return nil
}

// purgePosts soft-deletes every live post of a spammer at once, and fixes
// the counters of the threads they replied to.
func (s *Store) purgePosts(actor User, userID int64, now time.Time) error {
	// One statement for every thread they replied to, however many.
	if err := s.db.Exec(`UPDATE threads SET reply_count = reply_count - (
			SELECT COUNT(*) FROM posts p WHERE p.thread_id = threads.id AND p.user_id = ?
			AND p.deleted_at IS NULL AND p.position > 1 AND p.status = ?)
		WHERE id IN (SELECT thread_id FROM posts WHERE user_id = ? AND deleted_at IS NULL AND position > 1 AND status = ?)`,
		userID, StatusPublished, userID, StatusPublished).Error; err != nil {
		return err
	}
	if err := s.db.Exec(`UPDATE threads SET hidden_at = ? WHERE user_id = ? AND hidden_at IS NULL`, now, userID).Error; err != nil {
		return err
	}
	return s.db.Model(&Post{}).Where("user_id = ? AND deleted_at IS NULL", userID).
		Updates(map[string]any{"deleted_at": now, "deleted_by": actor.ID}).Error
}

// unpurgePosts restores what a purge removed: posts deleted by someone other
// than their author, and the spammer's threads.
func (s *Store) unpurgePosts(userID int64) error {
	purged := `p.user_id = ? AND p.deleted_at IS NOT NULL AND p.deleted_by <> p.user_id AND p.position > 1 AND p.status = ?`
	if err := s.db.Exec(`UPDATE threads SET reply_count = reply_count + (
			SELECT COUNT(*) FROM posts p WHERE p.thread_id = threads.id AND `+purged+`)
		WHERE id IN (SELECT p.thread_id FROM posts p WHERE `+purged+`)`,
		userID, StatusPublished, userID, StatusPublished).Error; err != nil {
		return err
	}
	if err := s.db.Exec(`UPDATE threads SET hidden_at = NULL WHERE user_id = ?`, userID).Error; err != nil {
		return err
	}
	return s.db.Model(&Post{}).Where("user_id = ? AND deleted_at IS NOT NULL AND deleted_by <> user_id", userID).
		Updates(map[string]any{"deleted_at": nil, "deleted_by": nil}).Error
}

// GrantRole sets a user's role from the command line, where there is no
// actor to log but the change is still recorded.
func (s *Store) GrantRole(ctx context.Context, username string, role Role) error {
	switch role {
	case RoleMember, RoleModerator, RoleAdmin:
	default:
		return fmt.Errorf("models: unknown role %q (want member, moderator or admin)", role)
	}
	return s.Tx(ctx, func(tx *Store) error {
		var u User
		if err := tx.db.Where("username = ?", username).Take(&u).Error; err != nil {
			return notFound(err, "user %q", username)
		}
		if err := tx.db.Model(&User{}).Where("id = ?", u.ID).Update("role", role).Error; err != nil {
			return err
		}
		entry := AuditEntry{Action: "user.role." + string(role), TargetType: "user", TargetID: u.ID, Reason: "command line", CreatedAt: time.Now().UTC()}
		return tx.db.Omit("Actor").Create(&entry).Error
	})
}
