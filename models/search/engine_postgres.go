package search

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// Postgres is the engine of PostgreSQL: post_search, one narrow row per
// post with a weighted tsvector under a GIN index and copies of the columns
// of posts that filters read, in partitions of post ids (migration 0012),
// matched with to_tsquery('simple', …) of Query.TSQuery and
// ranked with ts_rank_cd.
var Postgres Engine = engine{postgresRanker{}}

type postgresRanker struct{}

// firstWindow is how many of the newest post ids a search looks at first.
// The newest MaxCandidates matches of a common word lie well within it, so
// that the work of such a word is the same at ten thousand posts as at a
// million; a rarer word widens the window (widen) until enough matched.
const firstWindow = 1 << 14

// rank runs the engine's query over windows of the newest post ids, each
// wider than the last, until one holds MaxCandidates matching posts or
// covers every post. The newest MaxCandidates matches of the whole forum are
// then the newest of that window, so the answer is the one a single query
// over every post would give; only the work differs.
func (postgresRanker) rank(ctx context.Context, db *gorm.DB, q Query, f Filter, questionsOnly bool) (Hits, error) {
	if err := checkFilter(f); err != nil {
		return Hits{}, err
	}
	var top int64
	if err := db.WithContext(ctx).Raw(`SELECT COALESCE(MAX(id), 0) FROM posts`).Scan(&top).Error; err != nil {
		return Hits{}, err
	}
	for window := int64(firstWindow); ; {
		from := top - window + 1 // the oldest post id in the window
		if from <= 1 {
			from = 0 // every post: no bound to plan around
		}
		hits, candidates, err := runPlanned(ctx, db, postgresQuery(q, f, questionsOnly, from))
		if err != nil || candidates >= MaxCandidates || from == 0 {
			return hits, err
		}
		window = widen(window, candidates)
	}
}

// widen is the next window after one of window ids held found matches,
// fewer than MaxCandidates. Matches of a word are spread over time roughly
// evenly, so the rate so far predicts the width that holds enough; aiming at
// twice that usually makes the next query the last. Each query ranks its
// whole window again, so growing at least fourfold keeps the total work
// within a third more than that of the last window, and growing at most
// sixteenfold keeps a word that is rare lately from scanning the whole
// history for a few missing matches.
func widen(window int64, found int) int64 {
	grow := int64(16)
	if found > 0 {
		grow = min(max(int64(2*MaxCandidates/found)+1, 4), 16)
	}
	return window * grow
}

// postgresQuery is the newest MaxCandidates matching posts with an id from
// from on (0: every post), ranked, and the best of each visible thread.
//
// The candidates come from post_search alone, as the alias p: it carries
// the columns of posts that the filters read, so a candidate costs one
// narrow row, and partitions outside the window are never read. The GIN
// index finds the window's matches and a bounded sort keeps the newest.
// Ordering by p.id + 0 rather than p.id keeps the planner from walking the
// window's ids backwards and testing each row instead: it prices testing a
// row's vector at a fraction of its real cost, and for a word in a few
// percent of the posts it reads tens of thousands of rows that way where
// the index names a few thousand. Each match is scored as it is read, so
// that what is sorted and kept is a few numbers, not vectors of a kilobyte,
// which would overflow the default work_mem to disk.
//
// The thread condition applies to the best post of each thread, as a
// subquery per thread: it is about the thread alone, so it removes the same
// threads as before ranking, and looking up a thousand threads by id costs
// less than joining every thread of a large forum. post_search_serial keeps
// the query in one process: parallel workers cost more to start than a
// bounded search costs (migration 0012).
func postgresQuery(q Query, f Filter, questionsOnly bool, from int64) *statement {
	tsquery := q.TSQuery()
	order := "b.score DESC, b.created_at DESC, b.post_id DESC"
	if f.Newest {
		order = "b.created_at DESC, b.post_id DESC"
	}
	var s statement
	s.add(`WITH cand AS MATERIALIZED (
		SELECT p.id, p.thread_id, p.created_at,
		       ts_rank_cd(p.vector, to_tsquery('simple', ?)) * (CASE WHEN p.position = 1 THEN 1.5 ELSE 1.0 END) AS score
		FROM post_search p
		WHERE p.vector @@ to_tsquery('simple', ?)`, tsquery, tsquery)
	if from > 0 {
		s.add(` AND p.id >= ?`, from)
	}
	s.filters(f, questionsOnly)
	s.add(`
		ORDER BY p.id + 0 DESC LIMIT ?
	), best AS (
		SELECT id AS post_id, thread_id, created_at, score,
		       ROW_NUMBER() OVER (PARTITION BY thread_id ORDER BY score DESC, created_at DESC, id DESC) AS rn
		FROM cand
	)
	SELECT b.post_id, b.thread_id, n.candidates
	FROM (SELECT COUNT(*) AS candidates FROM cand) n
	LEFT JOIN best b ON b.rn = 1 AND (SELECT `, MaxCandidates)
	s.add(f.Thread.SQL, f.Thread.Args...)
	s.add(` FROM threads t WHERE t.id = b.thread_id)
	WHERE post_search_serial()
	ORDER BY `+order+` LIMIT ?`, f.Limit)
	return &s
}

// runPlanned runs the statement planned for its own arguments every time.
// The driver prepares and caches statements per connection, and after five
// runs of one PostgreSQL may switch to a generic plan made without knowing
// the words or the window; for a rare word that plan walks every post
// backwards, hundreds of times the work of the planned one. Going around
// gorm for this, the statement is still logged through gorm's logger, so
// slow queries show as any other.
func runPlanned(ctx context.Context, db *gorm.DB, s *statement) (hits Hits, candidates int, err error) {
	db = db.WithContext(ctx)
	sql := numbered(s.sql.String())
	start := time.Now()
	n := int64(0)
	defer func() {
		db.Logger.Trace(ctx, start, func() (string, int64) { return db.Dialector.Explain(sql, s.args...), n }, err)
	}()
	rows, err := db.Statement.ConnPool.QueryContext(ctx, sql, append([]any{pgx.QueryExecModeExec}, s.args...)...)
	if err != nil {
		return Hits{}, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var postID, threadID *int64
		if err := rows.Scan(&postID, &threadID, &candidates); err != nil {
			return Hits{}, 0, err
		}
		n++
		if postID != nil && threadID != nil {
			hits.Hits = append(hits.Hits, Hit{PostID: *postID, ThreadID: *threadID})
		}
	}
	if err := rows.Err(); err != nil {
		return Hits{}, 0, err
	}
	hits.Truncated = candidates >= MaxCandidates
	return hits, candidates, nil
}

// numbered turns the statement's ? placeholders into PostgreSQL's $1, $2, …,
// as gorm would.
func numbered(sql string) string {
	var b strings.Builder
	n := 0
	for _, r := range sql {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
