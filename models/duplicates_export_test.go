package models

import (
	"context"
	"fmt"
	"time"
)

// ExecForTest runs a statement, for tests that set up rows no Store method
// of this package writes (a "me too" inserted beside the feature's own code).
func (s *Store) ExecForTest(ctx context.Context, sql string, args ...any) error {
	return s.db.WithContext(ctx).Exec(sql, args...).Error
}

// ThreadCountersForTest reads what a merge changes of a thread's row, every
// column but updated_at, as text to compare before and after.
func (s *Store) ThreadCountersForTest(ctx context.Context, id int64) (string, error) {
	var row struct {
		PostCount, ReplyCount, HelpfulCount, MeTooCount int
		LastPostedAt                                    time.Time
		LastPosterID                                    int64
		DuplicateOf, MergedInto, SolutionPostID         *int64
		CategoryThreads                                 int
	}
	err := s.db.WithContext(ctx).Raw(`SELECT t.post_count, t.reply_count, t.helpful_count, t.me_too_count,
		t.last_posted_at, t.last_poster_id, t.duplicate_of, t.merged_into, t.solution_post_id, c.thread_count AS category_threads
		FROM threads t JOIN categories c ON c.id = t.category_id WHERE t.id = ?`, id).Scan(&row).Error
	deref := func(p *int64) string {
		if p == nil {
			return "nil"
		}
		return fmt.Sprint(*p)
	}
	return fmt.Sprintf("posts %d, replies %d, helpful %d, me too %d, last %s by %d, duplicate of %s, merged into %s, solution %s, category threads %d",
		row.PostCount, row.ReplyCount, row.HelpfulCount, row.MeTooCount, row.LastPostedAt.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano),
		row.LastPosterID, deref(row.DuplicateOf), deref(row.MergedInto), deref(row.SolutionPostID), row.CategoryThreads), err
}
