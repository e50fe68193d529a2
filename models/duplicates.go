package models

// Duplicates and merges. A question asked again can be closed as a
// duplicate of the one asked first: it stays readable, says at the top where
// the answers are, takes no more replies and leaves search and the similar
// threads. A moderator can go further and merge it: every post of it moves
// into the original, in time order among the original's own, and its
// address sends readers there. A merge records exactly what it moved, so
// that Unmerge puts back exactly that and nothing else.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// Why a thread cannot be closed as a duplicate of another, or merged into
// it. The first two are about the input (IsInvalid), for the form to say.
var (
	ErrSameThread          = fmt.Errorf("a thread cannot be a duplicate of itself: %w", errInvalid)
	ErrOriginalUnavailable = fmt.Errorf("the original is not open to everyone: %w", errInvalid)
	ErrMerged              = fmt.Errorf("the thread was merged into another: %w", ErrConflict)
)

// NotifyMerged tells an asker that a moderator merged their question into
// another thread; the notification's post is their question, in its new place.
const NotifyMerged NotificationKind = "merged"

// maxDuplicateChain bounds how far a chain of duplicates is followed to its
// original: a longer one is treated as a loop.
const maxDuplicateChain = 16

// mergeChunk is how many post ids one statement of a merge names, well
// under both databases' limits on parameters.
const mergeChunk = 500

// ThreadMerge is one merge of a thread into another, as it was done and, once
// undone, when.
type ThreadMerge struct {
	ID           int64
	FromThreadID int64
	IntoThreadID int64
	MergedBy     *int64
	MergedAt     time.Time
	UndoneAt     *time.Time
	Moved        MergeRecord `gorm:"serializer:json"`

	From  Thread `gorm:"foreignKey:FromThreadID"`
	Into  Thread `gorm:"foreignKey:IntoThreadID"`
	Mover User   `gorm:"foreignKey:MergedBy"`
}

// Undone reports whether the merge was undone.
func (m ThreadMerge) Undone() bool { return m.UndoneAt != nil }

// MergeRecord is exactly what a merge changed, kept as JSON on its row.
type MergeRecord struct {
	// Posts are the posts that moved, each with the thread and position
	// it had; Into are the original's own posts with the positions they
	// had before the merge renumbered them.
	Posts []PostPlace `json:"posts"`
	Into  []PostPlace `json:"into"`
	// MeToos are the users whose "me too" on the merged thread was added
	// to the original; Watches the watches added there. Either is only
	// what was added: someone who was there already is not listed.
	MeToos  []int64      `json:"me_toos"`
	Watches []MovedWatch `json:"watches"`
	// FromState and IntoState are what the threads' rows said before.
	FromState MergedThreadState `json:"from_state"`
	IntoState MergedThreadState `json:"into_state"`
}

// PostPlace is where a post was: its thread and its position there.
type PostPlace struct {
	ID       int64 `json:"id"`
	Thread   int64 `json:"thread"`
	Position int   `json:"position"`
}

// MovedWatch is a watch a merge added to the original.
type MovedWatch struct {
	UserID    int64      `json:"user_id"`
	Level     WatchLevel `json:"level"`
	CreatedAt time.Time  `json:"created_at"`
}

// MergedThreadState is what a merge changes of a thread's row that cannot
// be counted again from its posts.
type MergedThreadState struct {
	PostCount    int       `json:"post_count"`
	LastPostedAt time.Time `json:"last_posted_at"`
	LastPosterID int64     `json:"last_poster_id"`
	DuplicateOf  *int64    `json:"duplicate_of,omitempty"`
	// Counted says the thread counted in its category's threads, as a
	// thread with a published question does.
	Counted bool `json:"counted"`
}

// Duplicate reports whether the thread was closed as a duplicate of another
// (merged threads are too).
func (t Thread) Duplicate() bool { return t.DuplicateOf != nil }

// Merged reports whether the thread's posts were merged into another.
func (t Thread) Merged() bool { return t.MergedInto != nil }

// MayCloseAsDuplicate reports whether the user may close the thread as a
// duplicate, or undo that: its asker or a moderator, who may open it.
func (v *User) MayCloseAsDuplicate(th Thread) bool {
	return v != nil && (v.ID == th.UserID || v.CanModerate()) && v.CanView(th)
}

// CloseAsDuplicate closes a thread as a duplicate of an original: moderators
// may, and the asker of the thread. The original is followed to the thread
// it is itself a duplicate of, if it is one, and must be open to everyone.
// The thread keeps its posts and its address, takes no more replies, and
// leaves search and the similar threads.
func (s *Store) CloseAsDuplicate(ctx context.Context, actor User, threadID, originalID int64) error {
	if err := actor.MayAct(time.Now()); err != nil {
		return err
	}
	err := s.Tx(ctx, func(tx *Store) error {
		th, err := tx.duplicateOwnThread(actor, threadID)
		if err != nil {
			return err
		}
		orig, err := tx.originalFor(th.ID, originalID)
		if err != nil {
			return err
		}
		if th.DuplicateOf != nil && *th.DuplicateOf == orig.ID {
			return nil // closed so already, by a page from before
		}
		if err := tx.mayUndoClose(actor, th); err != nil {
			return err // pointing it elsewhere undoes the close there is
		}
		if err := tx.db.Model(&Thread{}).Where("id = ?", th.ID).
			Updates(map[string]any{"duplicate_of": orig.ID, "updated_at": time.Now().UTC()}).Error; err != nil {
			return err
		}
		tx.touchThread(th)
		tx.touch(UserKey(th.UserID))
		return tx.audit(actor, "thread.duplicate", "thread", th.ID, threadReason(orig.ID))
	})
	if err != nil {
		return fmt.Errorf("models: close thread %d as a duplicate of %d: %w", threadID, originalID, notFoundErr(err))
	}
	return nil
}

// ReopenDuplicate undoes CloseAsDuplicate: the thread takes replies again and
// comes back to search. An asker cannot undo what a moderator decided; a
// merged thread is unmerged instead (Unmerge).
func (s *Store) ReopenDuplicate(ctx context.Context, actor User, threadID int64) error {
	if err := actor.MayAct(time.Now()); err != nil {
		return err
	}
	err := s.Tx(ctx, func(tx *Store) error {
		th, err := tx.duplicateOwnThread(actor, threadID)
		if err != nil || th.DuplicateOf == nil {
			return err
		}
		if err := tx.mayUndoClose(actor, th); err != nil {
			return err
		}
		if err := tx.db.Model(&Thread{}).Where("id = ?", th.ID).
			Updates(map[string]any{"duplicate_of": nil, "updated_at": time.Now().UTC()}).Error; err != nil {
			return err
		}
		tx.touchThread(th)
		tx.touch(UserKey(th.UserID))
		return tx.audit(actor, "thread.unduplicate", "thread", th.ID, threadReason(*th.DuplicateOf))
	})
	if err != nil {
		return fmt.Errorf("models: reopen duplicate thread %d: %w", threadID, notFoundErr(err))
	}
	return nil
}

// mayUndoClose refuses an asker who would undo or change a close as a
// duplicate that a moderator made: as with a hidden version of a post, the
// author does not overrule a moderator. The audit log says who closed it.
func (s *Store) mayUndoClose(actor User, th Thread) error {
	if th.DuplicateOf == nil || actor.CanModerate() {
		return nil
	}
	if byModerator, err := closedByModerator(s.db, th.ID); err != nil || byModerator {
		return cmp.Or(err, ErrForbidden)
	}
	return nil
}

// closedByModerator reports whether the latest close of a thread as a
// duplicate was a moderator's.
func closedByModerator(db *gorm.DB, threadID int64) (bool, error) {
	var by []User
	err := db.Model(&AuditEntry{}).Select("users.role").Joins("JOIN users ON users.id = audit_log.actor_id").
		Where("audit_log.action = ? AND audit_log.target_type = ? AND audit_log.target_id = ?", "thread.duplicate", "thread", threadID).
		Order("audit_log.id DESC").Limit(1).Scan(&by).Error
	return len(by) > 0 && by[0].CanModerate(), err
}

// MayReopenDuplicate reports whether the user may undo a thread's close as a
// duplicate, for the page to offer it: a moderator, or its asker unless a
// moderator closed it.
func (s *Store) MayReopenDuplicate(ctx context.Context, actor User, th Thread) (bool, error) {
	if !th.Duplicate() || th.Merged() || !actor.MayCloseAsDuplicate(th) {
		return false, nil
	}
	if actor.CanModerate() {
		return true, nil
	}
	byModerator, err := closedByModerator(s.db.WithContext(ctx), th.ID)
	if err != nil {
		return false, fmt.Errorf("models: who closed thread %d: %w", th.ID, err)
	}
	return !byModerator, nil
}

// duplicateOwnThread loads a thread the actor may close as a duplicate, or
// reopen: not a merged one, and for an asker not one in an archived category.
func (s *Store) duplicateOwnThread(actor User, threadID int64) (Thread, error) {
	th, err := s.visibleThread(actor, threadID)
	if err != nil {
		return Thread{}, err
	}
	if !actor.MayCloseAsDuplicate(th) {
		return Thread{}, ErrForbidden
	}
	if th.Merged() {
		return Thread{}, ErrMerged
	}
	if !actor.CanModerate() {
		if err := s.refuseArchived(th.CategoryID); err != nil {
			return Thread{}, err
		}
	}
	return th, nil
}

// originalFor is the thread that thread threadID becomes a duplicate of when
// originalID is named: originalID itself, or the original it is a duplicate
// of (or was merged into), followed to the end. It must be open to
// everyone — a link to a page nobody may read answers nothing — and must
// not lead back to the thread.
func (s *Store) originalFor(threadID, originalID int64) (Thread, error) {
	id := originalID
	for range maxDuplicateChain {
		if id == threadID {
			return Thread{}, ErrSameThread
		}
		var th Thread
		if err := s.db.Take(&th, id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return Thread{}, ErrOriginalUnavailable
		} else if err != nil {
			return Thread{}, err
		}
		next := th.MergedInto
		if next == nil {
			next = th.DuplicateOf
		}
		if next == nil {
			var anyone *User
			if !anyone.CanView(th) {
				return Thread{}, ErrOriginalUnavailable
			}
			return th, nil
		}
		id = *next
	}
	return Thread{}, ErrOriginalUnavailable // a loop, or a chain nobody should follow
}

// DuplicateOriginal is the thread a duplicate's page sends readers to: the
// end of its chain of originals that the viewer may open, nil when there is
// none (the original was hidden since).
func (s *Store) DuplicateOriginal(ctx context.Context, viewer *User, th Thread) (*Thread, error) {
	if th.DuplicateOf == nil {
		return nil, nil
	}
	db := s.db.WithContext(ctx)
	id := *th.DuplicateOf
	for range maxDuplicateChain {
		var orig Thread
		if err := db.Take(&orig, id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil
		} else if err != nil {
			return nil, fmt.Errorf("models: original of thread %d: %w", th.ID, err)
		}
		next := orig.MergedInto
		if next == nil {
			next = orig.DuplicateOf
		}
		if next == nil || *next == th.ID {
			if orig.ID == th.ID || !viewer.CanView(orig) {
				return nil, nil
			}
			return &orig, nil
		}
		id = *next
	}
	return nil, nil
}

// MergePreview is what a merge would do, for a moderator to confirm.
type MergePreview struct {
	From, Into Thread // Into is the original the merge goes to, followed to its end
	Posts      int    // posts that would move, the question included
	MeToos     int    // "me too"s that would be added to Into
	Watches    int    // watchers Into would gain
}

// PreviewMerge checks a merge as MergeThreads would and says what it would
// move, without changing anything.
func (s *Store) PreviewMerge(ctx context.Context, actor User, fromID, intoID int64) (MergePreview, error) {
	if err := actor.mayModerate(); err != nil {
		return MergePreview{}, err
	}
	var p MergePreview
	err := s.Tx(ctx, func(tx *Store) error {
		var err error
		if p.From, p.Into, err = tx.mergeable(fromID, intoID); err != nil {
			return err
		}
		var n int64
		if err := tx.db.Model(&Post{}).Where("thread_id = ?", fromID).Count(&n).Error; err != nil {
			return err
		}
		p.Posts = int(n)
		meToos, err := tx.newMeToos(fromID, p.Into.ID)
		p.MeToos = len(meToos)
		if err != nil {
			return err
		}
		watches, err := tx.newWatches(fromID, p.Into.ID)
		p.Watches = len(watches)
		return err
	})
	if err != nil {
		return MergePreview{}, fmt.Errorf("models: preview merging thread %d into %d: %w", fromID, intoID, notFoundErr(err))
	}
	return p, nil
}

// mergeable loads the two threads of a merge, the original followed to its
// end, or says why they cannot be merged.
func (s *Store) mergeable(fromID, intoID int64) (from, into Thread, err error) {
	if err := s.db.Take(&from, fromID).Error; err != nil {
		return Thread{}, Thread{}, err
	}
	if from.Merged() {
		return Thread{}, Thread{}, ErrMerged
	}
	into, err = s.originalFor(fromID, intoID)
	return from, into, err
}

// MergeThreads merges a thread into another (moderators only). Every post of
// from, its question included, which becomes a reply, moves into the
// original, where the posts are numbered again in the order they were
// written; each keeps its author, times, history and votes. Those who said
// "me too" on from and those who watch it are added to the original where
// they were not already. From then redirects to the original, is closed as
// its duplicate and leaves the lists; its asker is told. Everything moved is
// recorded on the merge, for Unmerge.
func (s *Store) MergeThreads(ctx context.Context, actor User, fromID, intoID int64) (ThreadMerge, error) {
	if err := actor.mayModerate(); err != nil {
		return ThreadMerge{}, err
	}
	var m ThreadMerge
	err := s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		// Writing both rows first holds off replies to either, which take
		// their positions from the thread's row, until the merge commits.
		if err := tx.lockThreads(fromID, intoID); err != nil {
			return logEntry{}, err
		}
		from, into, err := tx.mergeable(fromID, intoID)
		if err != nil {
			return logEntry{}, err
		}
		if into.ID != intoID {
			if err := tx.lockThreads(into.ID); err != nil {
				return logEntry{}, err
			}
		}
		now := time.Now().UTC()
		m = ThreadMerge{FromThreadID: from.ID, IntoThreadID: into.ID, MergedBy: &actor.ID, MergedAt: now}
		if err := tx.mergePosts(from, into, &m.Moved); err != nil {
			return logEntry{}, err
		}
		if err := tx.moveNotifications(m.Moved.Posts, into.ID); err != nil {
			return logEntry{}, err
		}
		if m.Moved.MeToos, err = tx.newMeToos(from.ID, into.ID); err != nil {
			return logEntry{}, err
		}
		if m.Moved.Watches, err = tx.newWatches(from.ID, into.ID); err != nil {
			return logEntry{}, err
		}
		for _, uid := range m.Moved.MeToos {
			if err := tx.db.Exec(`INSERT INTO thread_me_toos (thread_id, user_id, created_at)
				SELECT ?, user_id, created_at FROM thread_me_toos WHERE thread_id = ? AND user_id = ?`, into.ID, from.ID, uid).Error; err != nil {
				return logEntry{}, err
			}
		}
		for _, w := range m.Moved.Watches {
			if err := tx.db.Exec(`INSERT INTO thread_watches (user_id, thread_id, level, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
				w.UserID, into.ID, string(w.Level), w.CreatedAt.UTC(), now).Error; err != nil {
				return logEntry{}, err
			}
		}
		if err := tx.mergeCounters(from, into, &m.Moved, now); err != nil {
			return logEntry{}, err
		}
		if err := tx.db.Omit("From", "Into", "Mover").Create(&m).Error; err != nil {
			return logEntry{}, err
		}
		if err := tx.notifyMerged(actor, from, into, m.Moved, now); err != nil {
			return logEntry{}, err
		}
		tx.touchThread(from)
		tx.touchThread(into)
		tx.touch(UserKey(from.UserID), UserKey(into.UserID), KeyCategories)
		m.From, m.Into = from, into
		return logEntry{"thread.merge", "thread", from.ID, threadReason(into.ID)}, nil
	})
	if err != nil {
		return ThreadMerge{}, fmt.Errorf("models: merge thread %d into %d: %w", fromID, intoID, notFoundErr(err))
	}
	return m, nil
}

// lockThreads writes the threads' rows, in id order, so that the
// transaction holds them until it ends (PostgreSQL; SQLite has one writer).
func (s *Store) lockThreads(ids ...int64) error {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	for _, id := range ids {
		if err := s.db.Exec(`UPDATE threads SET updated_at = updated_at WHERE id = ?`, id).Error; err != nil {
			return err
		}
	}
	return nil
}

// movingPost is a post as a merge orders it.
type movingPost struct {
	ID        int64
	ThreadID  int64
	Position  int
	CreatedAt time.Time
}

func (s *Store) postsOf(threadID int64) ([]movingPost, error) {
	var posts []movingPost
	err := s.db.Model(&Post{}).Select("id", "thread_id", "position", "created_at").
		Where("thread_id = ?", threadID).Order("position").Scan(&posts).Error
	return posts, err
}

// mergePosts moves every post of from into into, numbering into's posts
// again: its question first, then every other post in the order written.
// It records where each post was.
func (s *Store) mergePosts(from, into Thread, rec *MergeRecord) error {
	moving, err := s.postsOf(from.ID)
	if err != nil {
		return err
	}
	staying, err := s.postsOf(into.ID)
	if err != nil {
		return err
	}
	for _, p := range moving {
		rec.Posts = append(rec.Posts, PostPlace{ID: p.ID, Thread: p.ThreadID, Position: p.Position})
	}
	for _, p := range staying {
		rec.Into = append(rec.Into, PostPlace{ID: p.ID, Thread: p.ThreadID, Position: p.Position})
	}
	all := append(slices.Clone(staying), moving...)
	// The question stays first, whatever the times say: a reply of from
	// may be older than into's question.
	slices.SortStableFunc(all, func(a, b movingPost) int {
		aq, bq := a.ThreadID == into.ID && a.Position == 1, b.ThreadID == into.ID && b.Position == 1
		switch {
		case aq != bq:
			if aq {
				return -1
			}
			return 1
		case !a.CreatedAt.Equal(b.CreatedAt):
			return a.CreatedAt.Compare(b.CreatedAt)
		}
		if a.ThreadID != b.ThreadID { // the same moment: the original's post first
			if a.ThreadID == into.ID {
				return -1
			}
			return 1
		}
		return a.Position - b.Position
	})
	places := make([]PostPlace, len(all))
	for i, p := range all {
		places[i] = PostPlace{ID: p.ID, Thread: into.ID, Position: i + 1}
	}
	return s.placePosts(slices.Concat(rec.Posts, rec.Into), places)
}

// placePosts moves posts from where they are (was) to where they go
// (places), as few as change. Positions are unique within a thread at
// every statement, so the posts that move first step aside to negative
// positions, which no post holds otherwise.
func (s *Store) placePosts(was, places []PostPlace) error {
	before := make(map[int64]PostPlace, len(was))
	for _, p := range was {
		before[p.ID] = p
	}
	var changed []PostPlace
	for _, p := range places {
		if b, ok := before[p.ID]; !ok || b.Thread != p.Thread || b.Position != p.Position {
			changed = append(changed, p)
		}
	}
	for start := 0; start < len(changed); start += mergeChunk {
		chunk := changed[start:min(start+mergeChunk, len(changed))]
		if err := s.setPlaces(chunk, func(i int, _ PostPlace) (any, int) { return nil, -(start + i + 1) }); err != nil {
			return err
		}
	}
	for start := 0; start < len(changed); start += mergeChunk {
		chunk := changed[start:min(start+mergeChunk, len(changed))]
		if err := s.setPlaces(chunk, func(_ int, p PostPlace) (any, int) { return p.Thread, p.Position }); err != nil {
			return err
		}
	}
	return nil
}

// setPlaces writes the thread (nil: unchanged) and position place gives each
// post, in one statement.
func (s *Store) setPlaces(posts []PostPlace, place func(int, PostPlace) (any, int)) error {
	// The casts give PostgreSQL the parameters' types, which a CASE of
	// parameters alone leaves unknown.
	sql := "UPDATE posts SET position = CASE id"
	var args []any
	ids := make([]int64, len(posts))
	threads := "thread_id = CASE id"
	var threadArgs []any
	moves := false
	for i, p := range posts {
		thread, pos := place(i, p)
		sql += " WHEN ? THEN CAST(? AS INTEGER)"
		args = append(args, p.ID, pos)
		ids[i] = p.ID
		if thread != nil {
			moves = true
			threads += " WHEN ? THEN CAST(? AS BIGINT)"
			threadArgs = append(threadArgs, p.ID, thread)
		}
	}
	sql += " ELSE position END"
	if moves {
		sql += ", " + threads + " ELSE thread_id END"
		args = append(args, threadArgs...)
	}
	sql += " WHERE id IN ?"
	return s.db.Exec(sql, append(args, ids)...).Error
}

// newMeToos are the users who said "me too" on from and not on into.
func (s *Store) newMeToos(fromID, intoID int64) ([]int64, error) {
	var ids []int64
	err := s.db.Table("thread_me_toos").Where("thread_id = ?", fromID).
		Where("user_id NOT IN (SELECT user_id FROM thread_me_toos WHERE thread_id = ?)", intoID).
		Order("user_id").Pluck("user_id", &ids).Error
	return ids, err
}

// newWatches are from's watchers with no choice made on into. A mute is a
// choice about from alone and stays there.
func (s *Store) newWatches(fromID, intoID int64) ([]MovedWatch, error) {
	var rows []MovedWatch
	err := s.db.Model(&ThreadWatch{}).Select("user_id", "level", "created_at").
		Where("thread_id = ? AND level = ?", fromID, Watching).
		Where("user_id NOT IN (SELECT user_id FROM thread_watches WHERE thread_id = ?)", intoID).
		Order("user_id").Scan(&rows).Error
	return rows, err
}

// mergeCounters brings both threads' rows in line with the merge: counts
// from their posts, into's last activity, from's state, and the category
// count from leaves.
func (s *Store) mergeCounters(from, into Thread, rec *MergeRecord, now time.Time) error {
	var question Post
	if err := s.db.Select("id", "status").Where("id = ?", firstPostID(rec.Posts)).Take(&question).Error; err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return err
	}
	counted := question.ID != 0 && question.Status == StatusPublished
	rec.FromState = MergedThreadState{PostCount: from.PostCount, LastPostedAt: from.LastPostedAt, LastPosterID: from.LastPosterID, DuplicateOf: from.DuplicateOf, Counted: counted}
	rec.IntoState = MergedThreadState{PostCount: into.PostCount, LastPostedAt: into.LastPostedAt, LastPosterID: into.LastPosterID}
	if err := s.recount(from.ID, into.ID); err != nil {
		return err
	}
	if err := s.latestActivity(into.ID, into.LastPostedAt, into.LastPosterID, rec.Posts); err != nil {
		return err
	}
	if counted {
		if err := s.db.Exec(`UPDATE categories SET thread_count = thread_count - 1 WHERE id = ?`, from.CategoryID).Error; err != nil {
			return err
		}
	}
	return s.db.Model(&Thread{}).Where("id = ?", from.ID).
		Updates(map[string]any{"merged_into": into.ID, "duplicate_of": into.ID, "updated_at": now}).Error
}

// firstPostID is the id of the post recorded at position 1, 0 if none.
func firstPostID(places []PostPlace) int64 {
	for _, p := range places {
		if p.Position == 1 {
			return p.ID
		}
	}
	return 0
}

// recount sets the counters of threads from their rows: the post count to
// the last position (a reply takes the next), replies to the published ones
// left, helpful votes to their posts' and "me too"s to their rows.
func (s *Store) recount(ids ...int64) error {
	return s.db.Exec(`UPDATE threads SET
		post_count = (SELECT COALESCE(MAX(p.position), 0) FROM posts p WHERE p.thread_id = threads.id),
		reply_count = (SELECT COUNT(*) FROM posts p WHERE p.thread_id = threads.id AND p.position > 1
			AND p.status = ? AND p.deleted_at IS NULL),
		helpful_count = (SELECT COALESCE(SUM(p.helpful_count), 0) FROM posts p WHERE p.thread_id = threads.id),
		me_too_count = (SELECT COUNT(*) FROM thread_me_toos m WHERE m.thread_id = threads.id)
		WHERE id IN ?`, StatusPublished, ids).Error
}

// latestActivity sets a thread's last activity to the newest public post
// among posts that came since its recorded activity (at, by), or to that.
func (s *Store) latestActivity(threadID int64, at time.Time, by int64, since []PostPlace) error {
	ids := make([]int64, len(since))
	for i, p := range since {
		ids[i] = p.ID
	}
	for start := 0; start < len(ids); start += mergeChunk {
		var newest []Post
		err := s.db.Select("user_id", "created_at").
			Where("id IN ? AND thread_id = ? AND "+publicPostSQL("posts")+" AND created_at > ?", ids[start:min(start+mergeChunk, len(ids))], threadID, at).
			Order("created_at DESC, id DESC").Limit(1).Find(&newest).Error
		if err != nil {
			return err
		}
		if len(newest) > 0 {
			at, by = newest[0].CreatedAt, newest[0].UserID
		}
	}
	return s.db.Exec(`UPDATE threads SET last_posted_at = ?, last_poster_id = ? WHERE id = ?`, at.UTC(), by, threadID).Error
}

// notifyMerged tells from's asker where their question went, unless they
// merged it themselves. Their question is the notification's post.
func (s *Store) notifyMerged(actor User, from, into Thread, rec MergeRecord, now time.Time) error {
	question := firstPostID(rec.Posts)
	if from.UserID == actor.ID || question == 0 {
		return nil
	}
	return s.insertNotifications([]Notification{{
		UserID: from.UserID, Kind: NotifyMerged, ThreadID: into.ID, PostID: question, ActorID: actor.ID, CreatedAt: now,
	}})
}

// moveNotifications points the notifications about posts at the thread the
// posts are in now, so that a notification's link and its thread agree.
func (s *Store) moveNotifications(posts []PostPlace, threadID int64) error {
	for start := 0; start < len(posts); start += mergeChunk {
		chunk := posts[start:min(start+mergeChunk, len(posts))]
		ids := make([]int64, len(chunk))
		for i, p := range chunk {
			ids[i] = p.ID
		}
		if err := s.db.Exec(`UPDATE notifications SET thread_id = ? WHERE post_id IN ?`, threadID, ids).Error; err != nil {
			return err
		}
	}
	return nil
}

// Unmerge undoes a merge (moderators only): the posts it moved go back to
// their thread and positions, the original's remaining posts get back the
// positions they had, the "me too"s and watches it added are taken away,
// and the counters are counted again. A merge of the original into a third
// thread since must be undone first.
func (s *Store) Unmerge(ctx context.Context, actor User, mergeID int64) error {
	if err := actor.mayModerate(); err != nil {
		return err
	}
	err := s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		var m ThreadMerge
		if err := tx.db.Take(&m, mergeID).Error; err != nil {
			return logEntry{}, err
		}
		if err := tx.lockThreads(m.FromThreadID, m.IntoThreadID); err != nil {
			return logEntry{}, err
		}
		if err := tx.db.Take(&m, mergeID).Error; err != nil { // as it is now that it is held
			return logEntry{}, err
		}
		if m.Undone() {
			return logEntry{}, nil // undone already, by a page from before
		}
		var from, into Thread
		if err := tx.db.Take(&from, m.FromThreadID).Error; err != nil {
			return logEntry{}, err
		}
		if err := tx.db.Take(&into, m.IntoThreadID).Error; err != nil {
			return logEntry{}, err
		}
		if into.Merged() {
			return logEntry{}, ErrMerged
		}
		if err := tx.unmergePosts(into, m.Moved); err != nil {
			return logEntry{}, err
		}
		rec := m.Moved
		if len(rec.MeToos) > 0 {
			if err := tx.db.Exec(`DELETE FROM thread_me_toos WHERE thread_id = ? AND user_id IN ?`, into.ID, rec.MeToos).Error; err != nil {
				return logEntry{}, err
			}
		}
		if len(rec.Watches) > 0 {
			ids := make([]int64, len(rec.Watches))
			for i, w := range rec.Watches {
				ids[i] = w.UserID
			}
			if err := tx.db.Exec(`DELETE FROM thread_watches WHERE thread_id = ? AND user_id IN ?`, into.ID, ids).Error; err != nil {
				return logEntry{}, err
			}
		}
		now := time.Now().UTC()
		if err := tx.recount(from.ID, into.ID); err != nil {
			return logEntry{}, err
		}
		// From took nothing while merged: its row is as it was. Into may
		// have had replies since, which stay its last activity.
		st := rec.FromState
		if err := tx.db.Model(&Thread{}).Where("id = ?", from.ID).Updates(map[string]any{
			"merged_into": nil, "duplicate_of": st.DuplicateOf, "updated_at": now,
			"last_posted_at": st.LastPostedAt.UTC(), "last_poster_id": st.LastPosterID,
		}).Error; err != nil {
			return logEntry{}, err
		}
		if err := tx.db.Exec(`UPDATE threads SET post_count = ? WHERE id = ? AND post_count < ?`, st.PostCount, from.ID, st.PostCount).Error; err != nil {
			return logEntry{}, err
		}
		var since []PostPlace
		had := map[int64]bool{}
		for _, p := range rec.Into {
			had[p.ID] = true
		}
		remaining, err := tx.postsOf(into.ID)
		if err != nil {
			return logEntry{}, err
		}
		for _, p := range remaining {
			if !had[p.ID] {
				since = append(since, PostPlace{ID: p.ID})
			}
		}
		if err := tx.latestActivity(into.ID, rec.IntoState.LastPostedAt, rec.IntoState.LastPosterID, since); err != nil {
			return logEntry{}, err
		}
		if st.Counted {
			if err := tx.db.Exec(`UPDATE categories SET thread_count = thread_count + 1 WHERE id = ?`, from.CategoryID).Error; err != nil {
				return logEntry{}, err
			}
		}
		if question := firstPostID(rec.Posts); question != 0 {
			if err := tx.db.Exec(`DELETE FROM notifications WHERE user_id = ? AND post_id = ? AND kind = ?`,
				from.UserID, question, string(NotifyMerged)).Error; err != nil {
				return logEntry{}, err
			}
		}
		if err := tx.db.Model(&ThreadMerge{}).Where("id = ?", m.ID).Update("undone_at", now).Error; err != nil {
			return logEntry{}, err
		}
		tx.touchThread(from)
		tx.touchThread(into)
		tx.touch(UserKey(from.UserID), UserKey(into.UserID), KeyCategories)
		return logEntry{"thread.unmerge", "thread", from.ID, threadReason(into.ID)}, nil
	})
	if err != nil {
		return fmt.Errorf("models: undo merge %d: %w", mergeID, notFoundErr(err))
	}
	return nil
}

// unmergePosts moves the posts a merge moved back where they were, and
// gives into's own posts their positions from before; a post written in
// into since comes after them, in the order it has.
func (s *Store) unmergePosts(into Thread, rec MergeRecord) error {
	current, err := s.postsOf(into.ID)
	if err != nil {
		return err
	}
	here := make(map[int64]bool, len(current))
	was := make([]PostPlace, len(current))
	for i, p := range current {
		here[p.ID] = true
		was[i] = PostPlace{ID: p.ID, Thread: p.ThreadID, Position: p.Position}
	}
	var places []PostPlace
	back := map[int64]bool{}
	for _, p := range rec.Posts {
		if here[p.ID] {
			places = append(places, p)
			back[p.ID] = true
		}
	}
	old := map[int64]int{}
	last := 0
	for _, p := range rec.Into {
		old[p.ID] = p.Position
		last = max(last, p.Position)
	}
	for _, p := range current {
		switch {
		case back[p.ID]:
		case old[p.ID] != 0:
			places = append(places, PostPlace{ID: p.ID, Thread: into.ID, Position: old[p.ID]})
		default:
			last++
			places = append(places, PostPlace{ID: p.ID, Thread: into.ID, Position: last})
		}
	}
	if err := s.placePosts(was, places); err != nil {
		return err
	}
	var moved []PostPlace
	for _, p := range rec.Posts {
		if back[p.ID] {
			moved = append(moved, p)
		}
	}
	if len(moved) == 0 {
		return nil
	}
	return s.moveNotifications(moved, moved[0].Thread)
}

// threadReason is how an audit entry names the other thread of an action.
func threadReason(id int64) string { return "thread #" + strconv.FormatInt(id, 10) }

// ThreadMerges lists merges for moderators, newest first, with both threads
// and who merged.
func (s *Store) ThreadMerges(ctx context.Context, actor User, page, perPage int) ([]ThreadMerge, Pagination, error) {
	page, perPage = clampPage(page, perPage)
	p := Pagination{Page: page, PerPage: perPage}
	if !actor.CanModerate() {
		return nil, p, ErrForbidden
	}
	db := s.db.WithContext(ctx)
	if err := db.Model(&ThreadMerge{}).Count(&p.TotalItems).Error; err != nil {
		return nil, p, fmt.Errorf("models: count merges: %w", err)
	}
	var list []ThreadMerge
	err := db.Joins("From").Joins("Into").Joins("Mover").
		Order("thread_merges.merged_at DESC, thread_merges.id DESC").Limit(perPage).Offset(p.offset()).Find(&list).Error
	if err != nil {
		return nil, p, fmt.Errorf("models: merges: %w", err)
	}
	return list, p, nil
}

// MergesInto lists the merges into a thread not undone, oldest first, for
// moderators on its page.
func (s *Store) MergesInto(ctx context.Context, actor User, threadID int64) ([]ThreadMerge, error) {
	if !actor.CanModerate() {
		return nil, ErrForbidden
	}
	var list []ThreadMerge
	err := s.db.WithContext(ctx).Joins("From").Joins("Mover").
		Where("thread_merges.into_thread_id = ? AND thread_merges.undone_at IS NULL", threadID).
		Order("thread_merges.id").Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("models: merges into thread %d: %w", threadID, err)
	}
	return list, nil
}

// MergedError is ThreadPage's answer for a merged thread: where the posts
// of the page asked for are now, for the page to redirect there. It is
// ErrNotFound to a caller that does not redirect.
type MergedError struct {
	ThreadID int64
	Slug     string
	Position int   // of the page's first post in its new thread
	PostID   int64 // that post; 0 when none was found and the thread's first page is meant
}

func (e *MergedError) Error() string {
	return fmt.Sprintf("models: merged into thread %d", e.ThreadID)
}

// Is makes a merged thread not found where nobody redirects.
func (e *MergedError) Is(target error) bool { return target == ErrNotFound }

// mergedPlace is where page page of merged thread th went: the new place of
// the first post that page showed, in whichever thread holds it now.
func (s *Store) mergedPlace(ctx context.Context, viewer *User, th Thread, page int) error {
	db := s.db.WithContext(ctx)
	var merges []ThreadMerge
	if err := db.Where("from_thread_id = ? AND undone_at IS NULL", th.ID).Order("id DESC").Limit(1).Find(&merges).Error; err != nil {
		return fmt.Errorf("models: merge of thread %d: %w", th.ID, err)
	}
	if len(merges) > 0 {
		first := (max(page, 1)-1)*PostsPerPage + 1
		var pick PostPlace
		for _, p := range merges[0].Moved.Posts {
			if p.Position >= first && p.Position < first+PostsPerPage && (pick.ID == 0 || p.Position < pick.Position) {
				pick = p
			}
		}
		if pick.ID == 0 {
			pick = PostPlace{ID: firstPostID(merges[0].Moved.Posts)}
		}
		var post Post
		err := db.Joins("Thread").Where("posts.id = ?", pick.ID).Take(&post).Error
		if err == nil && viewer.CanView(post.Thread) && !post.Thread.Merged() {
			return &MergedError{ThreadID: post.ThreadID, Slug: post.Thread.Slug, Position: post.Position, PostID: post.ID}
		}
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("models: merged post %d: %w", pick.ID, err)
		}
	}
	orig, err := s.DuplicateOriginal(ctx, viewer, th)
	if err != nil {
		return err
	}
	if orig == nil {
		return fmt.Errorf("models: thread %d merged out of reach: %w", th.ID, ErrNotFound)
	}
	return &MergedError{ThreadID: orig.ID, Slug: orig.Slug, Position: 1}
}

// notDuplicateSQL keeps duplicates (merged threads among them) out of a
// query over the threads alias t.
func notDuplicateSQL(t string) string {
	return t + ".duplicate_of IS NULL AND " + t + ".merged_into IS NULL"
}
