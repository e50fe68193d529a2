package models

// The reads of what the forum publishes to machines: the sitemap search
// engines crawl and the Atom feeds readers subscribe to. Both show what an
// anonymous visitor may read, and nothing else, whoever asks: they ask the
// rule in visibility.go with a nil viewer.

import (
	"context"
	"fmt"
	"time"
)

// sitemapBatch is how many threads one read of the sitemap takes: the
// memory a sitemap page costs, however many threads it lists.
const sitemapBatch = 1000

// SitemapThread is what the sitemap says of a thread.
type SitemapThread struct {
	ID           int64
	Slug         string
	LastPostedAt time.Time
}

// sitemapThreadSQL selects the threads the sitemap lists, over the threads
// alias t: those an anonymous visitor may open, but not merged ones, whose
// address redirects to where their posts went.
func sitemapThreadSQL(t string) (string, []any) {
	visible, args := visibleThreadSQL(nil, t)
	return visible + " AND " + t + ".merged_into IS NULL", args
}

// PublicThreadCount counts the threads an anonymous visitor may open, as
// the sitemap lists them.
func (s *Store) PublicThreadCount(ctx context.Context) (int64, error) {
	visible, args := sitemapThreadSQL("t")
	var n int64
	if err := s.db.WithContext(ctx).Raw("SELECT COUNT(*) FROM threads t WHERE "+visible, args...).Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("models: count public threads: %w", err)
	}
	return n, nil
}

// SitemapPageStart is the id of the first thread on a page of the sitemap,
// the public threads in id order perPage at a time. Page 1 always exists,
// empty on an empty forum (it starts at 0); a later page past the last
// thread is not found.
func (s *Store) SitemapPageStart(ctx context.Context, page, perPage int) (int64, error) {
	if page < 1 || perPage < 1 {
		return 0, fmt.Errorf("models: sitemap page %d: %w", page, ErrNotFound)
	}
	visible, args := sitemapThreadSQL("t")
	// An index-only walk of the ids: the page's own rows are then read by
	// key, never by offset.
	var ids []int64
	err := s.db.WithContext(ctx).Raw("SELECT t.id FROM threads t WHERE "+visible+" ORDER BY t.id LIMIT 1 OFFSET ?",
		append(args, (page-1)*perPage)...).Scan(&ids).Error
	switch {
	case err != nil:
		return 0, fmt.Errorf("models: sitemap page %d: %w", page, err)
	case len(ids) == 1:
		return ids[0], nil
	case page == 1:
		return 0, nil
	}
	return 0, fmt.Errorf("models: sitemap page %d: %w", page, ErrNotFound)
}

// EachSitemapThread calls fn with up to limit public threads in id order,
// from the id from on. The threads are read by key in batches of a fixed
// size, each batch read and its rows closed before fn sees them: a page of
// fifty thousand threads costs one batch of memory, and a reader slow to
// take the response never holds a database connection.
func (s *Store) EachSitemapThread(ctx context.Context, from int64, limit int, fn func(SitemapThread) error) error {
	return s.eachSitemapThread(ctx, from, limit, sitemapBatch, fn)
}

func (s *Store) eachSitemapThread(ctx context.Context, from int64, limit, batch int, fn func(SitemapThread) error) error {
	visible, args := sitemapThreadSQL("t")
	query := "SELECT t.id, t.slug, t.last_posted_at FROM threads t WHERE " + visible + " AND t.id >= ? ORDER BY t.id LIMIT ?"
	buf := make([]SitemapThread, 0, min(batch, limit))
	for limit > 0 {
		rows, err := s.db.WithContext(ctx).Raw(query, append(args[:len(args):len(args)], from, min(batch, limit))...).Rows()
		if err != nil {
			return fmt.Errorf("models: sitemap threads from %d: %w", from, err)
		}
		buf = buf[:0]
		var th SitemapThread
		err = scanRows(rows, func() []any { return []any{&th.ID, &th.Slug, &th.LastPostedAt} }, func() { buf = append(buf, th) })
		if err != nil {
			return fmt.Errorf("models: sitemap threads from %d: %w", from, err)
		}
		for _, th := range buf {
			if err := fn(th); err != nil {
				return err
			}
		}
		if len(buf) < min(batch, limit) {
			return nil
		}
		limit -= len(buf)
		from = buf[len(buf)-1].ID + 1
	}
	return nil
}

// CategoryActivity is when each category's public threads were last
// active, by category id; a category with none is left out.
func (s *Store) CategoryActivity(ctx context.Context) (map[int64]time.Time, error) {
	visible, args := visibleThreadSQL(nil, "n")
	// Each category's most recently active public thread, found on the
	// (category_id, last_posted_at) index: a handful of index probes, not a
	// scan of every thread.
	newest := "SELECT (SELECT n.id FROM threads n WHERE n.category_id = c.id AND " + visible +
		" ORDER BY n.last_posted_at DESC, n.id DESC LIMIT 1) FROM categories c"
	rows, err := s.db.WithContext(ctx).Raw("SELECT t.category_id, t.last_posted_at FROM threads t WHERE t.id IN ("+newest+")", args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("models: category activity: %w", err)
	}
	out := map[int64]time.Time{}
	var id int64
	var at time.Time
	if err := scanRows(rows, func() []any { return []any{&id, &at} }, func() { out[id] = at }); err != nil {
		return nil, fmt.Errorf("models: category activity: %w", err)
	}
	return out, nil
}

// QuestionFeed selects the questions a feed lists.
type QuestionFeed struct {
	CategoryID int64 // 0: every category
	// Solved lists solved threads only, most recently active first;
	// otherwise the newest threads come first.
	Solved bool
	Limit  int
}

// FeedQuestions lists the questions of public threads, each with its
// thread (and category) and author, in one query. A thread whose question
// is not public itself (hidden for review, say) is left out: a feed shows
// the question's text, so it shows only text everyone may read.
func (s *Store) FeedQuestions(ctx context.Context, f QuestionFeed) ([]Post, error) {
	visible, args := visiblePostSQL(nil, "p", "t")
	q := "SELECT " + postColumns("p") + ", " + userColumns("u") + ", " + threadColumns("t") + ", " + categoryColumns("c") +
		" FROM threads t JOIN posts p ON p.thread_id = t.id AND p.position = 1 JOIN users u ON u.id = p.user_id" +
		" JOIN categories c ON c.id = t.category_id WHERE " + visible
	if f.CategoryID != 0 {
		q += " AND t.category_id = ?"
		args = append(args, f.CategoryID)
	}
	if f.Solved {
		q += " AND t.solution_post_id IS NOT NULL ORDER BY t.last_posted_at DESC, t.id DESC"
	} else {
		q += " ORDER BY t.created_at DESC, t.id DESC"
	}
	posts, err := s.feedPosts(ctx, q+" LIMIT ?", append(args, feedLimit(f.Limit)), true)
	if err != nil {
		return nil, fmt.Errorf("models: feed questions: %w", err)
	}
	return posts, nil
}

// FeedReplies loads a thread an anonymous visitor may open, and its newest
// public replies, newest first, with their authors. A thread out of public
// view is not found.
func (s *Store) FeedReplies(ctx context.Context, threadID int64, limit int) (Thread, []Post, error) {
	var th Thread
	if err := s.db.WithContext(ctx).Joins("Category").Where("threads.id = ?", threadID).Take(&th).Error; err != nil {
		return Thread{}, nil, notFound(err, "thread %d", threadID)
	}
	var anonymous *User
	if !anonymous.CanView(th) {
		return Thread{}, nil, fmt.Errorf("models: thread %d: %w", threadID, ErrNotFound)
	}
	visible, args := visiblePostSQL(nil, "p", "t")
	q := "SELECT " + postColumns("p") + ", " + userColumns("u") +
		" FROM posts p JOIN threads t ON t.id = p.thread_id JOIN users u ON u.id = p.user_id" +
		" WHERE p.thread_id = ? AND p.position > 1 AND " + visible + " ORDER BY p.position DESC LIMIT ?"
	posts, err := s.feedPosts(ctx, q, append(append([]any{threadID}, args...), feedLimit(limit)), false)
	if err != nil {
		return Thread{}, nil, fmt.Errorf("models: feed replies of thread %d: %w", threadID, err)
	}
	for i := range posts {
		posts[i].Thread = th
	}
	return th, posts, nil
}

// feedPosts runs a feed's query: posts with their authors, and with their
// threads and categories when withThread.
func (s *Store) feedPosts(ctx context.Context, query string, args []any, withThread bool) ([]Post, error) {
	rows, err := s.db.WithContext(ctx).Raw(query, args...).Rows()
	if err != nil {
		return nil, err
	}
	var posts []Post
	err = scanRows(rows, func() []any {
		posts = append(posts, Post{})
		p := &posts[len(posts)-1]
		targets := append(p.targets(), p.User.targets()...)
		if withThread {
			targets = append(append(targets, p.Thread.targets()...), p.Thread.Category.targets()...)
		}
		return targets
	})
	return posts, err
}

// maxFeedEntries bounds a feed, whatever its reader asks.
const maxFeedEntries = 100

func feedLimit(n int) int {
	if n < 1 || n > maxFeedEntries {
		return maxFeedEntries
	}
	return n
}
