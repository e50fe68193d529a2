package models

// Who may see what. This file is the forum's one answer to "may this viewer
// read this thread, this post?": every read path asks it — the Go methods
// for one thread or post, the SQL scopes for lists — and the visibility
// matrix test holds both to the same table.
//
// The rule, for a viewer who is not a moderator (moderators see everything,
// with its status):
//   - a thread out of public view (held with its question, or hidden by a
//     moderator) is seen only by its asker;
//   - a post is seen when its thread is, and it is public (published, not
//     hidden, not deleted) — or the viewer wrote it and has not deleted it,
//     so an author knows where a held, hidden or rejected post stands.
//
// A purged spammer is covered by the same two lines: the purge deletes every
// post and hides every thread of the account. A suspended author's public
// posts stay readable: suspension stops acting, not what was already said.

// CanView reports whether the viewer (nil: an anonymous visitor) may open a
// thread at all. Anyone who may not gets "not found", never a redirect, a
// title or a count.
func (v *User) CanView(th Thread) bool {
	if !th.Hidden() {
		return true
	}
	return v != nil && (v.CanModerate() || v.ID == th.UserID)
}

// CanRead reports whether the viewer may read a post's text in its thread th.
func (v *User) CanRead(p Post, th Thread) bool {
	if v != nil && v.CanModerate() {
		return true
	}
	if !v.CanView(th) {
		return false
	}
	return p.Public() || (v != nil && v.ID == p.UserID && !p.Deleted())
}

// CanEdit reports whether the user may change or delete a post: its author
// or a moderator, while it is not deleted and they may read it.
func (v *User) CanEdit(p Post, th Thread) bool { return !p.Deleted() && v.ownsOrModerates(p, th) }

// ownsOrModerates reports whether the user wrote a post or moderates it,
// and may read it: who may change a post or manage its history.
func (v *User) ownsOrModerates(p Post, th Thread) bool {
	return v != nil && (v.ID == p.UserID || v.CanModerate()) && v.CanRead(p, th)
}

// CanAccept reports whether the user may mark or clear a thread's solution:
// its asker or a moderator.
func (v *User) CanAccept(th Thread) bool {
	return v != nil && (v.ID == th.UserID || v.CanModerate()) && v.CanView(th)
}

// publicPostSQL is Post.Public as SQL over the posts alias p.
func publicPostSQL(p string) string {
	return p + ".status = '" + string(StatusPublished) + "' AND " + p + ".hidden_at IS NULL AND " + p + ".deleted_at IS NULL"
}

// visibleThreadSQL is CanView as SQL over the threads alias t.
func visibleThreadSQL(v *User, t string) (string, []any) {
	switch {
	case v != nil && v.CanModerate():
		return "1 = 1", nil
	case v == nil:
		return t + ".hidden_at IS NULL", nil
	}
	return "(" + t + ".hidden_at IS NULL OR " + t + ".user_id = ?)", []any{v.ID}
}

// visiblePostSQL is CanRead as SQL over the posts alias p in the threads
// alias t (joined on p.thread_id).
func visiblePostSQL(v *User, p, t string) (string, []any) {
	if v != nil && v.CanModerate() {
		return "1 = 1", nil
	}
	thread, args := visibleThreadSQL(v, t)
	post := "(" + publicPostSQL(p) + ")"
	if v != nil {
		post = "(" + post + " OR (" + p + ".user_id = ? AND " + p + ".deleted_at IS NULL))"
		args = append(args, v.ID)
	}
	return thread + " AND " + post, args
}

// readablePost loads a post and its thread for an action on it, as not
// found when the actor may not read it: nobody votes on, flags or changes
// what they cannot see.
func (s *Store) readablePost(actor User, postID int64) (Post, error) {
	var post Post
	if err := s.db.Joins("Thread").Where("posts.id = ?", postID).Take(&post).Error; err != nil {
		return Post{}, err
	}
	if !actor.CanRead(post, post.Thread) {
		return Post{}, ErrNotFound
	}
	return post, nil
}

// visibleThread loads a thread for an action on it, as not found when the
// actor may not open it.
func (s *Store) visibleThread(actor User, threadID int64) (Thread, error) {
	var th Thread
	if err := s.db.Take(&th, threadID).Error; err != nil {
		return Thread{}, err
	}
	if !actor.CanView(th) {
		return Thread{}, ErrNotFound
	}
	return th, nil
}
