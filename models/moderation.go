package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// audit records a moderator or admin action in the same transaction as the
// action itself, so the log never misses one.
func (s *Store) audit(actor User, action, targetType string, targetID int64, reason string) error {
	entry := AuditEntry{ActorID: &actor.ID, Action: action, TargetType: targetType, TargetID: targetID, Reason: cleanText(reason), CreatedAt: time.Now().UTC()}
	return s.db.Omit("Actor").Create(&entry).Error
}

// logEntry is what the audit log records of one action.
type logEntry struct {
	action, targetType string
	targetID           int64
	reason             string
}

// moderated runs a moderator's or admin's change in one transaction with
// its entry in the audit log, so the log never misses an action nor records
// one that failed. The caller has checked that the actor may act. A change
// that turns out to change nothing returns a zero entry and is not logged.
func (s *Store) moderated(ctx context.Context, actor User, change func(tx *Store) (logEntry, error)) error {
	return s.Tx(ctx, func(tx *Store) error {
		e, err := change(tx)
		if err != nil || e.action == "" {
			return err
		}
		return tx.audit(actor, e.action, e.targetType, e.targetID, e.reason)
	})
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
	var ids []int64
	for _, e := range entries {
		if e.TargetType == "user" {
			ids = append(ids, e.TargetID)
		}
	}
	if len(ids) == 0 {
		return entries, p, nil
	}
	var users []User
	if err := db.Select("id", "username").Where("id IN ?", ids).Find(&users).Error; err != nil {
		return nil, p, fmt.Errorf("models: audit log users: %w", err)
	}
	for i := range entries {
		for _, u := range users {
			if entries[i].TargetType == "user" && entries[i].TargetID == u.ID {
				entries[i].TargetName = u.Username
			}
		}
	}
	return entries, p, nil
}

// ThreadAction is something a moderator does to a thread.
type ThreadAction string

// The thread actions.
const (
	ThreadHide    ThreadAction = "hide"
	ThreadUnhide  ThreadAction = "unhide"
	ThreadClose   ThreadAction = "close"
	ThreadReopen  ThreadAction = "reopen"
	ThreadPin     ThreadAction = "pin"      // first in its category
	ThreadPinSite ThreadAction = "pin_site" // first in its category and on the home page
	ThreadUnpin   ThreadAction = "unpin"
	ThreadMove    ThreadAction = "move"
)

// threadChange is what each thread action sets on the row at a moment; a
// move is the one action with more to it, and has none.
func threadChange(action ThreadAction, now time.Time) map[string]any {
	switch action {
	case ThreadHide:
		return map[string]any{"hidden_at": now}
	case ThreadUnhide:
		return map[string]any{"hidden_at": nil}
	case ThreadClose:
		return map[string]any{"closed_at": now}
	case ThreadReopen:
		return map[string]any{"closed_at": nil}
	case ThreadPin:
		return map[string]any{"pinned_at": now, "pinned_globally": false}
	case ThreadPinSite:
		return map[string]any{"pinned_at": now, "pinned_globally": true}
	case ThreadUnpin:
		return map[string]any{"pinned_at": nil, "pinned_globally": false}
	}
	return nil
}

// Valid reports whether the action is one a moderator can take.
func (a ThreadAction) Valid() bool {
	return a == ThreadMove || threadChange(a, time.Time{}) != nil
}

// ModerateThread applies a moderator action to a thread and logs it.
// categoryID is the destination of a move.
func (s *Store) ModerateThread(ctx context.Context, actor User, threadID int64, action ThreadAction, categoryID int64, reason string) error {
	if err := actor.mayModerate(); err != nil {
		return err
	}
	if !action.Valid() {
		return fmt.Errorf("models: thread action %q: %w", action, errInvalid)
	}
	err := s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		var th Thread
		if err := tx.db.Take(&th, threadID).Error; err != nil {
			return logEntry{}, err
		}
		tx.touchThread(th)
		tx.touch(UserKey(th.UserID))
		if action == ThreadHide || action == ThreadUnhide {
			if err := tx.touchPosters(threadID); err != nil {
				return logEntry{}, err
			}
		}
		if action == ThreadMove {
			if categoryID == th.CategoryID {
				return logEntry{}, nil
			}
			if err := tx.retitle(&th, "", categoryID); err != nil {
				return logEntry{}, err
			}
		} else if err := tx.db.Model(&Thread{}).Where("id = ?", threadID).Updates(threadChange(action, time.Now().UTC())).Error; err != nil {
			return logEntry{}, err
		}
		return logEntry{"thread." + string(action), "thread", threadID, reason}, nil
	})
	if err != nil {
		return fmt.Errorf("models: %s thread %d: %w", action, threadID, notFoundErr(err))
	}
	return nil
}

// SetPostHidden hides a post pending review, or shows it again. It returns
// the post as it now is, with its thread, for the page to go back to.
func (s *Store) SetPostHidden(ctx context.Context, actor User, postID int64, hidden bool, reason string) (Post, error) {
	if err := actor.mayModerate(); err != nil {
		return Post{}, err
	}
	var post Post
	err := s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		if err := tx.db.Joins("Thread").Where("posts.id = ?", postID).Take(&post).Error; err != nil {
			return logEntry{}, err
		}
		tx.touchThread(post.Thread)
		tx.touch(UserKey(post.UserID))
		var at any
		action := "post.unhide"
		post.HiddenAt = nil
		if hidden {
			now := time.Now().UTC()
			at, action, post.HiddenAt = now, "post.hide", &now
		}
		return logEntry{action, "post", postID, reason}, tx.db.Model(&Post{}).Where("id = ?", postID).Update("hidden_at", at).Error
	})
	if err != nil {
		return Post{}, fmt.Errorf("models: hide post %d: %w", postID, notFoundErr(err))
	}
	return post, nil
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
	// UserGrantStaff marks someone who works for the vendor, beside any
	// role; UserRevokeStaff takes the mark away. Admins only.
	UserGrantStaff  UserAction = "grant_staff"
	UserRevokeStaff UserAction = "revoke_staff"
	// UserDelete deletes the account at its owner's request: see
	// DeleteAccount.
	UserDelete UserAction = "delete"
)

// Valid reports whether the action is one a moderator or admin can take.
func (a UserAction) Valid() bool {
	switch a {
	case UserSilence, UserSuspend, UserRestore, UserPurge, UserUnpurge, UserGrantMod, UserGrantAdm, UserRevokeAll, UserDelete,
		UserGrantStaff, UserRevokeStaff:
		return true
	}
	return false
}

// TakesPeriod reports whether the action lasts for a number of days.
func (a UserAction) TakesPeriod() bool { return a == UserSilence || a == UserSuspend }

// AppliesTo reports whether the action changes anything for the user as
// they stand now: there is no suspension to lift on an account that has
// none, and no purge to undo where nothing was purged. Role changes are
// not standing and always apply.
func (a UserAction) AppliesTo(u User, purged bool, now time.Time) bool {
	if u.Deleted() {
		return false // nothing is left to act on
	}
	restricted := u.Silenced(now)
	switch a {
	case UserSilence:
		return !purged && !restricted
	case UserSuspend:
		return !purged && !u.Suspended(now)
	case UserRestore:
		return !purged && restricted
	case UserPurge:
		return !purged
	case UserUnpurge:
		return purged
	case UserGrantStaff:
		return !u.Staff
	case UserRevokeStaff:
		return u.Staff
	}
	return a.Valid()
}

// Purged reports whether the user's posts were purged, a purge that
// UserUnpurge can undo.
func (s *Store) Purged(ctx context.Context, userID int64) (bool, error) {
	var n int64
	if err := s.db.WithContext(ctx).Table("purged_items").Where("user_id = ?", userID).Limit(1).Count(&n).Error; err != nil {
		return false, fmt.Errorf("models: purged %d: %w", userID, err)
	}
	return n > 0, nil
}

// ModerateUser applies a moderator action to a user for a period and logs
// it. The reason is shown to the user.
func (s *Store) ModerateUser(ctx context.Context, actor User, userID int64, action UserAction, until time.Time, reason string) error {
	if err := actor.mayModerate(); err != nil {
		return err
	}
	if !action.Valid() {
		return fmt.Errorf("models: user action %q: %w", action, errInvalid)
	}
	roles := map[UserAction]Role{UserGrantMod: RoleModerator, UserGrantAdm: RoleAdmin, UserRevokeAll: RoleMember}
	role, grants := roles[action]
	staff := action == UserGrantStaff || action == UserRevokeStaff
	if (grants || staff) && !actor.CanAdmin() {
		return ErrForbidden
	}
	if action == UserDelete {
		return s.DeleteAccount(ctx, actor, userID, reason)
	}
	err := s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		var target User
		if err := tx.db.Take(&target, userID).Error; err != nil {
			return logEntry{}, err
		}
		if target.Deleted() {
			return logEntry{}, gorm.ErrRecordNotFound
		}
		if target.CanModerate() && !actor.CanAdmin() {
			return logEntry{}, ErrForbidden // moderators do not act on each other; admins do
		}
		set, err := tx.userChange(actor, userID, action, until, reason)
		switch {
		case grants:
			set, err = map[string]any{"role": role}, nil
		case staff:
			set, err = map[string]any{"staff": action == UserGrantStaff}, nil
		}
		if err != nil {
			return logEntry{}, err
		}
		if err := tx.db.Model(&User{}).Where("id = ?", userID).Updates(set).Error; err != nil {
			return logEntry{}, err
		}
		tx.touch(UserKey(userID))
		if action == UserPurge || action == UserUnpurge || staff {
			// Posts in any number of threads, and the threads' counts (or
			// the staff mark beside every post): rare enough to drop every
			// page rather than trace them.
			tx.touch(KeyAll)
		}
		return logEntry{"user." + string(action), "user", userID, reason}, nil
	})
	if err != nil {
		return fmt.Errorf("models: %s user %d: %w", action, userID, notFoundErr(err))
	}
	return nil
}

// userChange does what a limit on an account does beyond its own columns
// (ending sessions, purging posts) and returns the columns to set.
func (s *Store) userChange(actor User, userID int64, action UserAction, until time.Time, reason string) (map[string]any, error) {
	now := time.Now().UTC()
	switch action {
	case UserSilence:
		return map[string]any{"silenced_until": until.UTC(), "moderation_reason": cleanText(reason)}, nil
	case UserSuspend:
		return map[string]any{"suspended_until": until.UTC(), "moderation_reason": cleanText(reason)}, s.endSessions(userID)
	case UserRestore:
		return map[string]any{"silenced_until": nil, "suspended_until": nil, "moderation_reason": ""}, nil
	case UserPurge:
		if err := s.endSessions(userID); err != nil {
			return nil, err
		}
		return map[string]any{"suspended_until": now.AddDate(100, 0, 0), "moderation_reason": cleanText(reason)}, s.purgePosts(actor, userID, now)
	case UserUnpurge:
		return map[string]any{"suspended_until": nil, "moderation_reason": ""}, s.unpurgePosts(userID)
	case UserGrantMod, UserGrantAdm, UserRevokeAll, UserGrantStaff, UserRevokeStaff:
		return nil, nil
	}
	return nil, fmt.Errorf("user action %q: %w", action, errInvalid)
}

// purgePosts soft-deletes every live post of a spammer and hides their
// threads at once, fixes the counters of the threads they replied to, and
// records exactly what it changed, for unpurgePosts.
func (s *Store) purgePosts(actor User, userID int64, now time.Time) error {
	if err := s.db.Exec(`INSERT INTO purged_items (user_id, target_type, target_id, created_at)
		SELECT ?, 'post', id, ? FROM posts WHERE user_id = ? AND deleted_at IS NULL
		ON CONFLICT DO NOTHING`, userID, now, userID).Error; err != nil {
		return err
	}
	if err := s.db.Exec(`INSERT INTO purged_items (user_id, target_type, target_id, created_at)
		SELECT ?, 'thread', id, ? FROM threads WHERE user_id = ? AND hidden_at IS NULL
		ON CONFLICT DO NOTHING`, userID, now, userID).Error; err != nil {
		return err
	}
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

// unpurgePosts undoes a purge: it restores the posts and shows the threads
// the purge recorded, and nothing else — a post a moderator deleted, or a
// thread one hid, for another reason before the purge stays as it was.
func (s *Store) unpurgePosts(userID int64) error {
	purged := `p.user_id = ? AND p.deleted_at IS NOT NULL AND p.position > 1 AND p.status = ?
		AND p.id IN (SELECT target_id FROM purged_items WHERE user_id = ? AND target_type = 'post')`
	args := []any{userID, StatusPublished, userID}
	if err := s.db.Exec(`UPDATE threads SET reply_count = reply_count + (
			SELECT COUNT(*) FROM posts p WHERE p.thread_id = threads.id AND `+purged+`)
		WHERE id IN (SELECT p.thread_id FROM posts p WHERE `+purged+`)`, append(args, args...)...).Error; err != nil {
		return err
	}
	if err := s.db.Exec(`UPDATE threads SET hidden_at = NULL
		WHERE id IN (SELECT target_id FROM purged_items WHERE user_id = ? AND target_type = 'thread')`, userID).Error; err != nil {
		return err
	}
	if err := s.db.Exec(`UPDATE posts SET deleted_at = NULL, deleted_by = NULL
		WHERE id IN (SELECT target_id FROM purged_items WHERE user_id = ? AND target_type = 'post')`, userID).Error; err != nil {
		return err
	}
	return s.db.Exec(`DELETE FROM purged_items WHERE user_id = ?`, userID).Error
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
		if u.Deleted() {
			return fmt.Errorf("models: user %q deleted their account: %w", username, ErrNotFound)
		}
		if err := tx.db.Model(&User{}).Where("id = ?", u.ID).Update("role", role).Error; err != nil {
			return err
		}
		tx.touch(UserKey(u.ID))
		entry := AuditEntry{Action: "user.role." + string(role), TargetType: "user", TargetID: u.ID, Reason: "command line", CreatedAt: time.Now().UTC()}
		return tx.db.Omit("Actor").Create(&entry).Error
	})
}
