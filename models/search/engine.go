package search

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Engine is one full-text engine: it finds the posts that match a parsed
// query and ranks the best post of every thread. The store picks one for its
// database when it is made (PostgreSQL, SQLite); another engine slots in
// behind the same methods without the store changing.
//
// Indexing is not a method, because both engines index inside the database,
// in the same transaction as every write: the models' BeforeSave hooks fill
// threads.search_title and posts.search_body with IndexText, and triggers
// (migrations 0002_search; on PostgreSQL 0012_search_partitions) keep the
// tsvectors or the FTS5 table up to date from those columns. An engine that kept its index outside the database
// would add an Index method for the write paths to call.
//
// Every method runs on the db it is given, so that a search inside a
// transaction sees that transaction's writes.
type Engine interface {
	// Search ranks the best post of every thread with a post matching q
	// and f: by relevance (title matches beat body matches, questions beat
	// replies, then newest) or, with f.Newest, newest first.
	Search(ctx context.Context, db *gorm.DB, q Query, f Filter) (Hits, error)
	// Similar ranks the questions (first posts) matching q and f by
	// relevance, to find threads that look like one being written.
	Similar(ctx context.Context, db *gorm.DB, q Query, f Filter) (Hits, error)
}

// ranker is what each engine implements: its one query, over every post or
// over questions only.
type ranker interface {
	rank(ctx context.Context, db *gorm.DB, q Query, f Filter, questionsOnly bool) (Hits, error)
}

// engine gives a ranker the methods of Engine, which are the same for all.
type engine struct{ ranker }

func (e engine) Search(ctx context.Context, db *gorm.DB, q Query, f Filter) (Hits, error) {
	return e.rank(ctx, db, q, f, false)
}

func (e engine) Similar(ctx context.Context, db *gorm.DB, q Query, f Filter) (Hits, error) {
	f.Newest = false // similarity is relevance by definition
	return e.rank(ctx, db, q, f, true)
}

// Filter says which posts a search may find and how many threads it returns.
type Filter struct {
	// Post and Thread say who may read what, as SQL conditions over the
	// posts alias p and the threads alias t: the forum's visibility rule,
	// which is defined with the models, not here. Post applies before the
	// candidates are counted and capped, Thread after. Both are required:
	// an engine refuses to search without them. On PostgreSQL p is
	// post_search, which carries copies of the columns of posts that the
	// rule and the filters below read (migration 0012); a condition on
	// another column fails until it is copied there too.
	Post, Thread Cond

	CategoryID int64     // 0: every category
	AuthorID   int64     // 0: every author
	From, To   time.Time // zero: open-ended; To is exclusive
	Newest     bool      // newest first instead of by relevance (Search only)
	Limit      int       // at most this many threads; required
}

// Cond is an SQL condition and the arguments of its placeholders, which
// travel together so that they cannot be bound out of order.
type Cond struct {
	SQL  string
	Args []any
}

// Hits is what a search found, best first.
type Hits struct {
	Hits []Hit
	// Truncated reports that more posts matched than the engine ranked
	// (MaxCandidates), so some threads may be missing from Hits.
	Truncated bool
}

// Hit is one thread that matched, through its best post.
type Hit struct {
	PostID   int64
	ThreadID int64
}

// MaxCandidates is how many of the newest matching posts an engine ranks:
// ranking every match of a common word costs time in proportion to the
// forum's size, while the newest few thousand already fill every page anyone
// reads (the page says when there were more). Filters apply before the cap.
const MaxCandidates = 2000

// Filters an engine refuses: a search without the visibility rule would
// show what nobody may read, and one without a limit would rank everything.
var (
	errNoVisibility = errors.New("search: filter has no visibility conditions")
	errNoLimit      = errors.New("search: filter has no limit")
)

// statement accumulates SQL and its arguments in the same calls, so that a
// placeholder and the value it binds are always written together.
type statement struct {
	sql  strings.Builder
	args []any
}

func (s *statement) add(sql string, args ...any) {
	s.sql.WriteString(sql)
	s.args = append(s.args, args...)
}

// filters writes the conditions on the candidate posts p that every engine
// shares, each preceded by AND.
func (s *statement) filters(f Filter, questionsOnly bool) {
	s.add(" AND "+f.Post.SQL, f.Post.Args...)
	if questionsOnly {
		s.add(" AND p.position = 1")
	}
	if f.CategoryID != 0 {
		s.add(" AND p.thread_id IN (SELECT id FROM threads WHERE category_id = ?)", f.CategoryID)
	}
	if f.AuthorID != 0 {
		s.add(" AND p.user_id = ?", f.AuthorID)
	}
	if !f.From.IsZero() {
		s.add(" AND p.created_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		s.add(" AND p.created_at < ?", f.To.UTC())
	}
}

// hitRow is a row of an engine's ranking query.
type hitRow struct {
	PostID     int64
	ThreadID   int64
	Candidates int // matching posts considered, at most MaxCandidates
}

// run executes an engine's ranking query.
func run(ctx context.Context, db *gorm.DB, s *statement) (Hits, error) {
	var rows []hitRow
	if err := db.WithContext(ctx).Raw(s.sql.String(), s.args...).Scan(&rows).Error; err != nil {
		return Hits{}, err
	}
	out := Hits{Hits: make([]Hit, len(rows))}
	for i, r := range rows {
		out.Hits[i] = Hit{PostID: r.PostID, ThreadID: r.ThreadID}
	}
	out.Truncated = len(rows) > 0 && rows[0].Candidates >= MaxCandidates
	return out, nil
}

func checkFilter(f Filter) error {
	if strings.TrimSpace(f.Post.SQL) == "" || strings.TrimSpace(f.Thread.SQL) == "" {
		return errNoVisibility
	}
	if f.Limit < 1 {
		return errNoLimit
	}
	return nil
}
