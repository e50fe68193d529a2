package models

// Replies commit in batches (group commit). Each CreateReply queues its
// reply; a writer takes the replies waiting and stores them in one
// transaction, so that one commit (one WAL flush; on SQLite one turn of
// the write lock) serves many replies, and what they all read alike (the
// rules, the watched words, their authors and threads) is read once.
//
// Each reply is judged and stored as if alone: its posting rules run in
// the batch's transaction after the replies before it, so they see them
// (the same author's duplicate, the wait between posts). The rules only
// read, so a reply they refuse has written nothing and the batch goes on
// without it. A reply that fails once it writes takes the transaction
// with it: nothing of the batch was stored, and each of its replies is
// written again alone, so that only the failing one fails. Every caller
// hears its own outcome, and the pages its reply changed are dropped once
// the batch has committed, before it hears it.
//
// A batch is what queued while the previous one was being written, up to
// maxReplyBatch: nothing waits on purpose, so a lone reply is written at
// once, alone, as before.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"hiroba/migrations"
	"hiroba/models/database"
)

// maxReplyBatch bounds a batch, and with it how long its last reply
// waits for the first.
const maxReplyBatch = 64

// replyLanesPostgres is how many batches PostgreSQL writes at once, each
// for the threads of its own lane (a thread's id modulo the lanes). A
// batch holds the rows of its threads until it commits: two batches
// sharing threads would wait for each other whole, one behind the other,
// so each thread has one lane. SQLite has one lane: it writes one
// transaction at a time anyway.
const replyLanesPostgres = 8

// replyQueue gathers the replies waiting to be written, in lanes.
type replyQueue struct {
	mu    sync.Mutex
	lanes []replyLane
	// held stops new batches from starting, for tests to gather one.
	held bool
}

// replyLane is the replies waiting for one writer, and whether it runs.
type replyLane struct {
	waiting []*replyJob
	writing bool
}

// replyJob is one reply on its way through a batch.
type replyJob struct {
	ctx  context.Context
	in   NewReply
	html string
	now  time.Time

	taken     bool // in a batch: its caller waits for the outcome
	abandoned bool // its caller left before a batch took it

	post    Post
	changes *changeSet
	err     error
	done    chan struct{}
}

func newReplyQueue(dialect string) *replyQueue {
	lanes := 1
	if dialect == migrations.Postgres {
		lanes = replyLanesPostgres
	}
	return &replyQueue{lanes: make([]replyLane, lanes)}
}

// lane is the lane of a thread's replies.
func (q *replyQueue) lane(threadID int64) int {
	return int(uint64(threadID) % uint64(len(q.lanes)))
}

// queueReply has the reply written in a batch and waits for its outcome.
// A caller whose context ends before a batch takes its reply leaves, and
// the reply is never written; once taken, the reply's outcome is waited
// for, so that what the caller hears is what happened.
func (s *Store) queueReply(ctx context.Context, job *replyJob) error {
	q := s.replies
	job.done = make(chan struct{})
	n := q.lane(job.in.ThreadID)
	q.mu.Lock()
	l := &q.lanes[n]
	l.waiting = append(l.waiting, job)
	start := !q.held && !l.writing
	l.writing = l.writing || start
	q.mu.Unlock()
	if start {
		go s.writeReplies(n)
	}
	select {
	case <-job.done:
		return job.err
	case <-ctx.Done():
	}
	q.mu.Lock()
	if !job.taken {
		job.abandoned = true
		q.mu.Unlock()
		return fmt.Errorf("models: wait to write: %w", database.MarkUnavailable(ctx.Err()))
	}
	q.mu.Unlock()
	<-job.done
	return job.err
}

// writeReplies writes a lane's batches until none of its replies waits.
func (s *Store) writeReplies(lane int) {
	for {
		// The write slot first: on SQLite the replies that queue while
		// another write holds it join this batch.
		s.writes <- struct{}{}
		batch := s.replies.take(lane)
		if len(batch) > 0 {
			s.writeBatch(batch)
		}
		<-s.writes
		if len(batch) == 0 {
			return
		}
	}
}

// take takes a lane's next batch; its writer, taking none, ends.
func (q *replyQueue) take(lane int) []*replyJob {
	q.mu.Lock()
	defer q.mu.Unlock()
	l := &q.lanes[lane]
	if q.held {
		l.writing = false
		return nil
	}
	var batch []*replyJob
	n := 0
	for _, job := range l.waiting {
		if len(batch) == maxReplyBatch {
			break
		}
		n++
		if !job.abandoned {
			job.taken = true
			batch = append(batch, job)
		}
	}
	l.waiting = l.waiting[n:]
	if len(batch) == 0 {
		l.waiting = nil
		l.writing = false
	}
	return batch
}

// hold stops batches from starting until release; replies queue meanwhile.
func (q *replyQueue) hold() {
	q.mu.Lock()
	q.held = true
	q.mu.Unlock()
}

// waiting counts the replies queued, those whose callers left included.
func (q *replyQueue) waiting() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, l := range q.lanes {
		n += len(l.waiting)
	}
	return n
}

// releaseReplies lets the replies held write.
func (s *Store) releaseReplies() {
	q := s.replies
	var start []int
	q.mu.Lock()
	q.held = false
	for i := range q.lanes {
		if l := &q.lanes[i]; len(l.waiting) > 0 && !l.writing {
			l.writing = true
			start = append(start, i)
		}
	}
	q.mu.Unlock()
	for _, lane := range start {
		go s.writeReplies(lane)
	}
}

// writeBatch writes a batch and tells each caller its outcome.
func (s *Store) writeBatch(batch []*replyJob) {
	ctx := batchContext(batch)
	defer ctx.cancel()
	err := s.commitReplies(ctx, batch)
	if err != nil && len(batch) > 1 && !ctx.committing && ctx.Err() == nil && !errors.Is(err, ErrUnavailable) {
		// The transaction itself failed before its commit, so nothing
		// of it was stored: write each reply alone, so that a reply
		// whose failure took the transaction with it fails alone.
		for _, job := range batch {
			job.post, job.changes, job.err = Post{}, nil, nil
			s.writeBatch([]*replyJob{job})
		}
		return
	}
	for _, job := range batch {
		if err != nil && job.err == nil {
			job.err = err
		}
		if job.err == nil {
			s.announce(job.changes)
		}
		close(job.done)
	}
}

// batchCtx is the context a batch's statements run in: no caller's
// cancellation ends it, so one caller leaving does not abort the others'
// replies, and it lasts until the latest of their deadlines.
type batchCtx struct {
	context.Context
	cancel     context.CancelFunc
	committing bool // COMMIT was sent: its outcome may be unknown
}

func batchContext(batch []*replyJob) *batchCtx {
	base := context.WithoutCancel(batch[0].ctx)
	var latest time.Time
	for _, job := range batch {
		d, ok := job.ctx.Deadline()
		if !ok {
			ctx, cancel := context.WithCancel(base)
			return &batchCtx{Context: ctx, cancel: cancel}
		}
		if d.After(latest) {
			latest = d
		}
	}
	ctx, cancel := context.WithDeadline(base, latest)
	return &batchCtx{Context: ctx, cancel: cancel}
}

// commitReplies stores a batch in one transaction. A reply the rules
// refuse, or whose thread is gone, has written nothing: that is its job's
// error, and the others go on. Any other error is the transaction's,
// returned with nothing of the batch stored.
func (s *Store) commitReplies(ctx *batchCtx, batch []*replyJob) (err error) {
	tx := s.db.WithContext(ctx).Begin()
	if tx.Error != nil {
		return tx.Error
	}
	defer func() {
		// No request's recovery runs on the writer: a panic in one
		// reply fails the batch's callers, not the process.
		if p := recover(); p != nil {
			tx.Rollback()
			err = fmt.Errorf("models: write replies: panic: %v", p)
		}
	}()
	reads, err := s.onTx(ctx, tx).readBatch(batch)
	if err != nil {
		tx.Rollback()
		return err
	}
	for _, job := range batch {
		cs := &changeSet{}
		js := &Store{db: tx.WithContext(withChanges(ctx, cs)), dialect: s.dialect, search: s.search, md: s.md, changes: cs, reads: reads}
		job.post = newReplyPost(job.in, job.html, job.now)
		th, err := js.judgeReply(ctx, job.in, job.now, &job.post)
		if err == nil {
			err = js.storeReply(job.in, job.now, th, &job.post)
		} else if refusal(err) {
			job.err = err
			continue
		}
		if err != nil {
			tx.Rollback()
			return err
		}
		job.changes = cs
	}
	if err := s.onTx(ctx, tx).finishBatch(reads); err != nil {
		tx.Rollback()
		return err
	}
	ctx.committing = true
	return tx.Commit().Error
}

// refusal reports whether a reply's judgement refused it (the rules, its
// thread closed or gone), rather than failed: nothing was written, and the
// transaction goes on.
func refusal(err error) bool {
	var refused *RefusedError
	return errors.As(err, &refused) || errors.Is(err, ErrNotFound) || errors.Is(err, gorm.ErrRecordNotFound)
}

// batchReads is what a batch's replies read once for all of them, none of
// them changing it: the rules, the watched words, the authors and the
// threads as the batch began; and what they write once for all of them:
// the kept replies they replace and their notifications.
type batchReads struct {
	rules   *Rules
	watched []WatchedWord
	loaded  bool // watched was read
	users   map[int64]User
	threads map[int64]Thread

	sent          []NewReply // stored, so their kept copies go
	notifications []Notification
}

// onTx is a store on the transaction tx, for the batch's own
// statements.
func (s *Store) onTx(ctx context.Context, tx *gorm.DB) *Store {
	return &Store{db: tx.WithContext(ctx), dialect: s.dialect, search: s.search, md: s.md}
}

// readBatch reads the authors and threads of a batch's replies.
func (s *Store) readBatch(batch []*replyJob) (*batchReads, error) {
	var userIDs, threadIDs []int64
	for _, job := range batch {
		userIDs = append(userIDs, job.in.UserID)
		threadIDs = append(threadIDs, job.in.ThreadID)
	}
	var users []User
	if err := s.db.Where("id IN ?", uniq(userIDs)).Find(&users).Error; err != nil {
		return nil, err
	}
	var threads []Thread
	if err := s.db.Where("id IN ?", uniq(threadIDs)).Find(&threads).Error; err != nil {
		return nil, err
	}
	r := &batchReads{users: make(map[int64]User, len(users)), threads: make(map[int64]Thread, len(threads))}
	for _, u := range users {
		r.users[u.ID] = u
	}
	for _, th := range threads {
		r.threads[th.ID] = th
	}
	return r, nil
}

// finishBatch writes what the batch's replies left to its end: their kept
// copies go, and their notifications are inserted, in a few statements.
func (s *Store) finishBatch(r *batchReads) error {
	if len(r.sent) > 0 {
		var where strings.Builder
		args := make([]any, 0, 2*len(r.sent))
		for i, in := range r.sent {
			if i > 0 {
				where.WriteString(" OR ")
			}
			where.WriteString("(user_id = ? AND thread_id = ?)")
			args = append(args, in.UserID, in.ThreadID)
		}
		if err := s.db.Where(where.String(), args...).Delete(&KeptReply{}).Error; err != nil {
			return fmt.Errorf("models: forget kept replies: %w", err)
		}
	}
	// Within both databases' limits on a statement's parameters.
	for list := r.notifications; len(list) > 0; {
		n := min(len(list), 1000)
		if err := s.insertNotifications(list[:n]); err != nil {
			return err
		}
		list = list[n:]
	}
	return nil
}

func uniq(ids []int64) []int64 {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// replyAuthor is the author of a reply, from the batch when there is one.
func (s *Store) replyAuthor(id int64) (User, error) {
	if s.reads != nil {
		u, ok := s.reads.users[id]
		if !ok {
			return User{}, gorm.ErrRecordNotFound
		}
		return u, nil
	}
	var u User
	err := s.db.Take(&u, id).Error
	return u, err
}

// replyThread is the thread of a reply, from the batch when there is one.
func (s *Store) replyThread(id int64) (Thread, error) {
	if s.reads != nil {
		th, ok := s.reads.threads[id]
		if !ok {
			return Thread{}, gorm.ErrRecordNotFound
		}
		return th, nil
	}
	var th Thread
	err := s.db.Take(&th, id).Error
	return th, err
}

// newReplyPost is a reply as written, before the rules and the thread have
// their say.
func newReplyPost(in NewReply, html string, now time.Time) Post {
	return Post{ThreadID: in.ThreadID, UserID: in.UserID, Source: in.Body, HTML: html, CreatedAt: now, UpdatedAt: now}
}

// insertReply stores one reply in the transaction s runs in: the rules,
// the thread's counters, the post, the kept reply it replaces and the
// notifications. post holds the reply as written; it comes back stored.
func (s *Store) insertReply(ctx context.Context, in NewReply, now time.Time, post *Post) error {
	th, err := s.judgeReply(ctx, in, now, post)
	if err != nil {
		return err
	}
	return s.storeReply(in, now, th, post)
}

// judgeReply reads what a reply is judged by and decides it: refused, held
// or published. It writes nothing, so a reply refused leaves the
// transaction as it was.
func (s *Store) judgeReply(ctx context.Context, in NewReply, now time.Time, post *Post) (Thread, error) {
	author, err := s.replyAuthor(in.UserID)
	if err != nil {
		return Thread{}, err
	}
	th, err := s.replyThread(in.ThreadID)
	if err != nil {
		return Thread{}, err
	}
	if th.Hidden() && !author.CanModerate() {
		return Thread{}, ErrNotFound
	}
	// An archived category is read-only for everyone, moderators too.
	if err := s.refuseArchived(th.CategoryID); err != nil {
		return Thread{}, err
	}
	if th.Closed() && !author.CanModerate() {
		return Thread{}, &RefusedError{Reason: RefuseClosed}
	}
	if th.Duplicate() {
		// Answers belong with the original, for moderators too.
		return Thread{}, &RefusedError{Reason: RefuseClosed}
	}
	status, reasons, err := s.checkPost(ctx, author, false, draft{source: in.Body, html: post.HTML}, now)
	if err != nil {
		return Thread{}, err
	}
	post.Status, post.ReviewReasons = status, strings.Join(reasons, "\n")
	return th, nil
}

// storeReply writes a judged reply to its thread.
func (s *Store) storeReply(in NewReply, now time.Time, th Thread, post *Post) error {
	// The position comes from the thread's counter in the same statement
	// that bumps it; a held reply takes its place but is not yet news.
	bump := `UPDATE threads SET post_count = post_count + 1, reply_count = reply_count + 1,
		    last_posted_at = ?, last_poster_id = ?, updated_at = ? WHERE id = ? RETURNING post_count`
	args := []any{now, in.UserID, now, in.ThreadID}
	if post.Status != StatusPublished {
		bump = `UPDATE threads SET post_count = post_count + 1 WHERE id = ? RETURNING post_count`
		args = []any{in.ThreadID}
	}
	var positions []int
	if err := s.db.Raw(bump, args...).Scan(&positions).Error; err != nil {
		return err
	}
	if len(positions) == 0 {
		return ErrNotFound
	}
	post.Position = positions[0]
	if err := s.db.Omit("User", "Thread").Create(post).Error; err != nil {
		return err
	}
	post.Thread = th
	if err := s.attachImages(*post, false); err != nil {
		return err
	}
	s.touchThread(th)
	s.touch(UserKey(in.UserID))
	// A reply the author had kept waiting here has now gone out: drop it
	// in this transaction rather than in a write of its own, which on
	// SQLite would wait for the write lock a second time. In a batch, it
	// goes with the others at the batch's end.
	if s.reads != nil {
		s.reads.sent = append(s.reads.sent, in)
	} else if err := s.forgetKeptReply(in.UserID, in.ThreadID); err != nil {
		return err
	}
	return s.notifyPost(*post)
}

// batchRules is Rules, read once per batch of replies.
func (s *Store) batchRules(ctx context.Context) (Rules, error) {
	if s.reads == nil {
		return s.Rules(ctx)
	}
	if s.reads.rules == nil {
		r, err := s.Rules(ctx)
		if err != nil {
			return r, err
		}
		s.reads.rules = &r
	}
	return *s.reads.rules, nil
}

// watchedWords lists the watched words, read once per batch of replies.
func (s *Store) watchedWords() ([]WatchedWord, error) {
	if s.reads != nil && s.reads.loaded {
		return s.reads.watched, nil
	}
	var watched []WatchedWord
	if err := s.db.Find(&watched).Error; err != nil {
		return nil, err
	}
	if s.reads != nil {
		s.reads.watched, s.reads.loaded = watched, true
	}
	return watched, nil
}
