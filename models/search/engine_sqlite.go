package search

import (
	"context"

	"gorm.io/gorm"
)

// SQLite is the engine of SQLite: the FTS5 table post_search (title and
// body, one row per post, rowid = posts.id), matched with MATCH of
// Query.FTS5 and ranked with bm25.
var SQLite Engine = engine{sqliteRanker{}}

type sqliteRanker struct{}

// rank is the one query of this engine: the newest MaxCandidates matching
// posts, ranked, and the best of each visible thread. In rowid order FTS5
// walks its index newest first and stops at the cap. bm25 is lower for
// better matches, so it is negated to sort like the other engines' scores;
// a title match weighs ten times a body match.
func (sqliteRanker) rank(ctx context.Context, db *gorm.DB, q Query, f Filter, questionsOnly bool) (Hits, error) {
	if err := checkFilter(f); err != nil {
		return Hits{}, err
	}
	order := "score DESC, created_at DESC, post_id DESC"
	if f.Newest {
		order = "created_at DESC, post_id DESC"
	}
	var s statement
	s.add(`WITH cand AS MATERIALIZED (
		SELECT p.id, p.thread_id, p.created_at, p.position, -bm25(post_search, 10.0, 1.0) AS rank
		FROM post_search JOIN posts p ON p.id = post_search.rowid
		WHERE post_search MATCH ?`, q.FTS5())
	s.filters(f, questionsOnly)
	s.add(`
		ORDER BY post_search.rowid DESC LIMIT ?
	), hits AS (
		SELECT c.id AS post_id, c.thread_id, c.created_at,
		       c.rank * (CASE WHEN c.position = 1 THEN 1.5 ELSE 1.0 END) AS score
		FROM cand c JOIN threads t ON t.id = c.thread_id
		WHERE `, MaxCandidates)
	s.add(f.Thread.SQL, f.Thread.Args...)
	s.add(`
	), best AS (
		SELECT post_id, thread_id, created_at, score,
		       ROW_NUMBER() OVER (PARTITION BY thread_id ORDER BY score DESC, created_at DESC, post_id DESC) AS rn
		FROM hits
	)
	SELECT post_id, thread_id, (SELECT COUNT(*) FROM cand) AS candidates
	FROM best WHERE rn = 1 ORDER BY `+order+` LIMIT ?`, f.Limit)
	return run(ctx, db, &s)
}
