package search

import (
	"context"

	"gorm.io/gorm"
)

// Postgres is the engine of PostgreSQL: posts.search_vector, a weighted
// tsvector under a GIN index, matched with to_tsquery('simple', …) of
// Query.TSQuery and ranked with ts_rank_cd.
var Postgres Engine = engine{postgresRanker{}}

type postgresRanker struct{}

// rank is the one query of this engine: the newest MaxCandidates matching
// posts (the GIN index finds them, p.id orders them), ranked, and the best
// of each visible thread.
func (postgresRanker) rank(ctx context.Context, db *gorm.DB, q Query, f Filter, questionsOnly bool) (Hits, error) {
	if err := checkFilter(f); err != nil {
		return Hits{}, err
	}
	tsquery := q.TSQuery()
	order := "score DESC, created_at DESC, post_id DESC"
	if f.Newest {
		order = "created_at DESC, post_id DESC"
	}
	var s statement
	s.add(`WITH cand AS MATERIALIZED (
		SELECT p.id, p.thread_id, p.created_at, p.position, p.search_vector FROM posts p
		WHERE p.search_vector @@ to_tsquery('simple', ?)`, tsquery)
	s.filters(f, questionsOnly)
	s.add(`
		ORDER BY p.id DESC LIMIT ?
	), hits AS (
		SELECT c.id AS post_id, c.thread_id, c.created_at,
		       ts_rank_cd(c.search_vector, to_tsquery('simple', ?)) * (CASE WHEN c.position = 1 THEN 1.5 ELSE 1.0 END) AS score
		FROM cand c JOIN threads t ON t.id = c.thread_id
		WHERE `, MaxCandidates, tsquery)
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
