package models

// Earlier versions of a post, and who may read each one. The history page
// is public for a public post, but an earlier version is not always fit to
// be: an author who pasted an email address ("Post anyway") and then edited
// it out must not find it still on show. So, within a post the viewer may
// read (visibility.go):
//   - the post's author and moderators read every earlier version;
//   - everyone else reads a version only when the personal-data guard finds
//     nothing in its title or text and nobody hid it; otherwise they learn
//     only that an earlier version exists.
//
// The guard is asked when the history is read rather than when a version is
// written, so versions written before the guard existed are covered too,
// and a better guard covers the past without a migration.

import (
	"context"
	"fmt"
	"time"

	"hiroba/models/guard"
)

// RevisionView is an earlier version of a post as one viewer may see it.
type RevisionView struct {
	PostRevision
	// Personal: the personal-data guard finds something in its title or
	// text, so only the post's author and moderators may read it.
	Personal bool
	// Withheld: the viewer may not read this version; Source, Title and
	// CategoryID are empty, and the page says only that it exists.
	Withheld bool
	// MayToggle: the viewer may hide this version from the public, or show
	// it again when it is hidden.
	MayToggle bool
}

// CanManageRevisions reports whether the viewer may read every earlier
// version of a post (loaded with its thread) and hide one from the public:
// the post's author or a moderator, while they may read the post.
func (v *User) CanManageRevisions(p Post) bool {
	return v.ownsOrModerates(p, p.Thread)
}

// CanReadRevision reports whether the viewer may read an earlier version of
// a post (loaded with its thread); personal is whether the guard finds
// personal data in it.
func (v *User) CanReadRevision(r PostRevision, p Post, personal bool) bool {
	if v.CanManageRevisions(p) {
		return true
	}
	return v.CanRead(p, p.Thread) && !personal && r.HiddenAt == nil
}

// canToggleRevision reports whether the user may hide the version, or show
// it again: an author may not show again what a moderator hid.
func (v *User) canToggleRevision(r PostRevision, p Post) bool {
	if !v.CanManageRevisions(p) {
		return false
	}
	return r.HiddenAt == nil || v.CanModerate() || r.HiddenBy == nil || *r.HiddenBy == v.ID
}

// Revisions lists what a post said before each edit, newest first, with
// nothing withheld: for moderation and tests. Pages use History.
func (s *Store) Revisions(ctx context.Context, postID int64) ([]PostRevision, error) {
	var revs []PostRevision
	err := s.db.WithContext(ctx).Joins("User").Where("post_revisions.post_id = ?", postID).
		Order("post_revisions.created_at DESC, post_revisions.id DESC").Find(&revs).Error
	if err != nil {
		return nil, fmt.Errorf("models: revisions of post %d: %w", postID, err)
	}
	return revs, nil
}

// History lists the earlier versions of a post, newest first, as the viewer
// may see them. The post must have been loaded for the viewer (PostByID),
// with its thread. g finds personal data; nil finds none.
func (s *Store) History(ctx context.Context, viewer *User, post Post, g *guard.Guard) ([]RevisionView, error) {
	if !viewer.CanRead(post, post.Thread) {
		return nil, fmt.Errorf("models: history of post %d: %w", post.ID, ErrNotFound)
	}
	revs, err := s.Revisions(ctx, post.ID)
	if err != nil {
		return nil, err
	}
	out := make([]RevisionView, len(revs))
	for i, r := range revs {
		personal := g != nil && (len(g.Check(r.Source)) > 0 || len(g.Check(r.Title)) > 0)
		rv := RevisionView{PostRevision: r, Personal: personal, MayToggle: viewer.canToggleRevision(r, post)}
		if !viewer.CanReadRevision(r, post, personal) {
			// Nothing of it leaves the store: not the text, not the
			// title, not whether the guard found something.
			rv = RevisionView{Withheld: true, PostRevision: PostRevision{ID: r.ID, PostID: r.PostID, CreatedAt: r.CreatedAt}}
		}
		out[i] = rv
	}
	return out, nil
}

// SetRevisionHidden hides an earlier version of a post from the public, or
// shows it again, and records it in the audit log. The post's author may,
// even while silenced (it protects them), and so may a moderator; a post
// the actor may not read is not found. Hiding what is hidden changes
// nothing and logs nothing.
func (s *Store) SetRevisionHidden(ctx context.Context, actor User, postID, revID int64, hidden bool) error {
	action := "revision.unhide"
	if hidden {
		action = "revision.hide"
	}
	now := time.Now().UTC()
	if err := actor.MayManageOwn(now); err != nil {
		return fmt.Errorf("models: %s %d: %w: %w", action, revID, ErrForbidden, err)
	}
	err := s.Tx(ctx, func(tx *Store) error {
		post, err := tx.readablePost(actor, postID)
		if err != nil {
			return err
		}
		if !actor.CanManageRevisions(post) {
			return ErrForbidden
		}
		var rev PostRevision
		if err := tx.db.Where("id = ? AND post_id = ?", revID, postID).Take(&rev).Error; err != nil {
			return err
		}
		if (rev.HiddenAt != nil) == hidden {
			return nil
		}
		if !actor.canToggleRevision(rev, post) {
			return ErrForbidden
		}
		updates := map[string]any{"hidden_at": nil, "hidden_by": nil}
		if hidden {
			updates = map[string]any{"hidden_at": now, "hidden_by": actor.ID}
		}
		if err := tx.db.Model(&PostRevision{}).Where("id = ?", rev.ID).Updates(updates).Error; err != nil {
			return err
		}
		tx.touch(ThreadKey(post.ThreadID))
		return tx.audit(actor, action, "revision", rev.ID, fmt.Sprintf("post #%d", postID))
	})
	if err != nil {
		return fmt.Errorf("models: %s %d: %w", action, revID, notFoundErr(err))
	}
	return nil
}
