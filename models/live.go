package models

// What a reader who keeps a thread open is told as it changes (the live
// events of handlers/live). The events carry state, never changes: each
// one is read again from here, so a reader who missed some — a dropped
// connection, a message lost between instances — is told the right count
// by the next one.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ThreadSince is a thread as its live readers follow it: the thread (what
// CanView and CanRead need of it), its me-too count, and the posts written
// after a given one, each with what CanRead needs.
type ThreadSince struct {
	Thread Thread
	MeToos int
	// Posts are those with an id above the one asked for, oldest first:
	// id, author, position, status, hidden and deleted only.
	Posts []Post
}

var (
	threadSinceThreadSQL = "SELECT " + threadColumns("t") + ", t.me_too_count FROM threads t WHERE t.id = ?"
	threadSincePostsSQL  = "SELECT id, user_id, position, status, hidden_at, deleted_at FROM posts" +
		" WHERE thread_id = ? AND id > ? ORDER BY id"
)

// ThreadSince reads a thread and its posts after the post id after, for
// every live reader of the thread at once; NewReplies then says what each
// may see. A thread that does not exist is not found; who may see it is
// the caller's question (CanView).
func (s *Store) ThreadSince(ctx context.Context, threadID, after int64) (ThreadSince, error) {
	var out ThreadSince
	db := s.db.WithContext(ctx)
	rows, err := db.Raw(threadSinceThreadSQL, threadID).Rows()
	if err != nil {
		return ThreadSince{}, fmt.Errorf("models: live state of thread %d: %w", threadID, err)
	}
	found := false
	if err := scanRows(rows, func() []any { found = true; return append(out.Thread.targets(), &out.MeToos) }); err != nil {
		return ThreadSince{}, fmt.Errorf("models: live state of thread %d: %w", threadID, err)
	}
	if !found {
		return ThreadSince{}, fmt.Errorf("models: live state of thread %d: %w", threadID, ErrNotFound)
	}
	rows, err = db.Raw(threadSincePostsSQL, threadID, after).Rows()
	if err != nil {
		return ThreadSince{}, fmt.Errorf("models: new posts of thread %d: %w", threadID, err)
	}
	err = scanRows(rows, func() []any {
		out.Posts = append(out.Posts, Post{ThreadID: threadID})
		p := &out.Posts[len(out.Posts)-1]
		return []any{&p.ID, &p.UserID, &p.Position, &p.Status, &p.HiddenAt, &p.DeletedAt}
	})
	if err != nil {
		return ThreadSince{}, fmt.Errorf("models: new posts of thread %d: %w", threadID, err)
	}
	return out, nil
}

// NewReplies are the posts after the post id after that the viewer (nil: a
// visitor) may read, by the one visibility rule: how many, the first (where
// the reader would start) and the newest. Nothing when the viewer may not
// see the thread.
func (t ThreadSince) NewReplies(v *User, after int64) (n int, first, newest Post) {
	if !v.CanView(t.Thread) {
		return 0, Post{}, Post{}
	}
	for _, p := range t.Posts {
		if p.ID <= after || !v.CanRead(p, t.Thread) {
			continue
		}
		if n == 0 {
			first = p
		}
		n++
		newest = p
	}
	return n, first, newest
}

// LastReadablePostID is the newest post of the thread the viewer may read,
// 0 when none: where a page the viewer is shown now ends, for the live
// events that say what came after it.
func (s *Store) LastReadablePostID(ctx context.Context, viewer *User, threadID int64) (int64, error) {
	visible, args := visiblePostSQL(viewer, "p", "t")
	var id sql.NullInt64
	err := s.db.WithContext(ctx).
		Raw("SELECT MAX(p.id) FROM posts p JOIN threads t ON t.id = p.thread_id WHERE p.thread_id = ? AND "+visible,
			append([]any{threadID}, args...)...).
		Row().Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("models: last post of thread %d: %w", threadID, err)
	}
	return id.Int64, nil
}
