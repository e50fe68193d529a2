package search

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// Postgres is the engine of PostgreSQL: post_search, one narrow row per
// post with a weighted tsvector under a GIN index and copies of the columns
// of posts that filters read, in partitions of post ids (migration 0012),
// matched with to_tsquery('simple', …) of Query.TSQuery and ranked with
// ts_rank_cd.
var Postgres Engine = engine{postgresRanker{}}

type postgresRanker struct{}

// firstWindow is how many of the newest post ids a search looks at first.
// The newest MaxCandidates matches of a common word lie within it, so that
// the work of such a word is the same at ten thousand posts as at a
// million; a rarer word goes on to older windows (nextWindow) until enough
// matched.
const firstWindow = 1 << 14

// rank collects the newest MaxCandidates matching posts window by window,
// newest first, each window taking up where the last ended, and ranks them
// (best). Windows stop at MaxCandidates, so the candidates are exactly the
// newest MaxCandidates matches of the whole forum, as one query over every
// post would find; only the work differs, which is bounded by the matches
// in the windows read instead of all of them.
func (postgresRanker) rank(ctx context.Context, db *gorm.DB, q Query, f Filter, questionsOnly bool) (Hits, error) {
	if err := checkFilter(f); err != nil {
		return Hits{}, err
	}
	var top int64
	if err := db.WithContext(ctx).Raw(`SELECT COALESCE(MAX(id), 0) FROM posts`).Scan(&top).Error; err != nil {
		return Hits{}, err
	}
	var cands []candidate
	for end, window := top+1, int64(firstWindow); ; {
		start := end - window // the window is [start, end)
		if start <= 1 {
			start = 0 // every older post: no lower bound to plan around
		}
		got, err := candidates(ctx, db, q, f, questionsOnly, start, end, MaxCandidates-len(cands))
		if err != nil {
			return Hits{}, err
		}
		cands = append(cands, got...)
		if len(cands) >= MaxCandidates || start == 0 {
			break
		}
		window = nextWindow(end-start, len(got), top+1-start, MaxCandidates-len(cands))
		end = start
	}
	hits, err := best(ctx, db, cands, f)
	hits.Truncated = len(cands) >= MaxCandidates
	return hits, err
}

// nextWindow is the width of the next window after one of width ids held
// found matches, searched ids in all, when need more are wanted. Matches of
// a word are spread over time roughly evenly, so the last window's rate
// predicts the width that holds need; aiming half again past it usually
// makes the next window the last, and the matches it holds beyond need are
// all the work wasted. It grows at least to firstWindow, so that a few
// missing matches do not take many small steps, and at most to sixteen
// times what was searched, so that a word that is rare lately does not read
// the whole history at once for a few matches.
func nextWindow(width int64, found int, searched int64, need int) int64 {
	w := 16 * searched
	if found > 0 {
		w = min(w, int64(1.5*float64(need)*float64(width)/float64(found)))
	}
	return max(w, firstWindow)
}

// candidate is a matching post, scored.
type candidate struct {
	postID, threadID int64
	createdAt        time.Time
	score            float64
}

// candidates are the newest limit posts of [start, end) (start 0: no lower
// bound) that match q and pass the filters, scored.
//
// They come from post_search alone, as the alias p: it carries the columns
// of posts that the filters read, so a candidate costs one narrow row, and
// partitions outside the window are never read. The GIN index finds the
// window's matches and a bounded sort keeps the newest. Ordering by p.id + 0
// rather than p.id keeps the planner from walking the window's ids
// backwards and testing each row instead: it prices testing a row's vector
// at a fraction of its real cost, and for a word in a few percent of the
// posts it reads tens of thousands of rows that way where the index names a
// few thousand. Each match is scored as it is read, so that what is sorted
// is a few numbers, not vectors of a kilobyte, which would overflow the
// default work_mem to disk. post_search_serial keeps the query in one
// process: parallel workers cost more to start than a bounded search costs
// (migration 0012).
func candidates(ctx context.Context, db *gorm.DB, q Query, f Filter, questionsOnly bool, start, end int64, limit int) ([]candidate, error) {
	tsquery := q.TSQuery()
	var s statement
	s.add(`SELECT p.id, p.thread_id, p.created_at,
		       ts_rank_cd(p.vector, to_tsquery('simple', ?)) * (CASE WHEN p.position = 1 THEN 1.5 ELSE 1.0 END)
		FROM post_search p
		WHERE p.vector @@ to_tsquery('simple', ?) AND p.id < ?`, tsquery, tsquery, end)
	if start > 0 {
		s.add(` AND p.id >= ?`, start)
	}
	s.filters(f, questionsOnly)
	s.add(` AND post_search_serial()
		ORDER BY p.id + 0 DESC LIMIT ?`, limit)
	var out []candidate
	err := query(ctx, db, &s, func(rows *sql.Rows) error {
		var c candidate
		if err := rows.Scan(&c.postID, &c.threadID, &c.createdAt, &c.score); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// best ranks the best candidate of every thread the thread condition lets
// through: by score, then newest, or with f.Newest newest first, up to
// f.Limit. A thread's best post is chosen among all its candidates before
// the condition, which is about the thread alone, so it makes no difference
// which comes first; asking it of a thousand threads by id costs less than
// joining every thread of a large forum.
func best(ctx context.Context, db *gorm.DB, cands []candidate, f Filter) (Hits, error) {
	// The order of a thread's posts, and of the threads by relevance.
	byScore := func(a, b candidate) int {
		if a.score != b.score {
			return cmpDesc(a.score, b.score)
		}
		if !a.createdAt.Equal(b.createdAt) {
			return -a.createdAt.Compare(b.createdAt)
		}
		return cmpDesc(a.postID, b.postID)
	}
	order := byScore
	if f.Newest {
		order = func(a, b candidate) int {
			if !a.createdAt.Equal(b.createdAt) {
				return -a.createdAt.Compare(b.createdAt)
			}
			return cmpDesc(a.postID, b.postID)
		}
	}
	tops := map[int64]candidate{}
	for _, c := range cands {
		if t, ok := tops[c.threadID]; !ok || byScore(c, t) < 0 {
			tops[c.threadID] = c
		}
	}
	if len(tops) == 0 {
		return Hits{}, nil
	}
	ids := make([]int64, 0, len(tops))
	for id := range tops {
		ids = append(ids, id)
	}
	var s statement
	s.add(`SELECT t.id FROM threads t WHERE t.id = ANY(?) AND (`, ids)
	s.add(f.Thread.SQL, f.Thread.Args...)
	s.add(`)`)
	var kept []candidate
	err := query(ctx, db, &s, func(rows *sql.Rows) error {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		kept = append(kept, tops[id])
		return nil
	})
	if err != nil {
		return Hits{}, err
	}
	slices.SortFunc(kept, order)
	kept = kept[:min(len(kept), f.Limit)]
	out := Hits{Hits: make([]Hit, len(kept))}
	for i, c := range kept {
		out.Hits[i] = Hit{PostID: c.postID, ThreadID: c.threadID}
	}
	return out, nil
}

func cmpDesc[T int64 | float64](a, b T) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// query runs the statement planned for its own arguments every time, and
// calls row for each row. The driver prepares and caches statements per
// connection, and after five runs of one PostgreSQL may switch to a generic
// plan made without knowing the words or the window; for a rare word that
// plan walks every post backwards, hundreds of times the work of the
// planned one. Going around gorm for this, the statement is still logged
// through gorm's logger, so slow queries show as any other.
func query(ctx context.Context, db *gorm.DB, s *statement, row func(*sql.Rows) error) (err error) {
	db = db.WithContext(ctx)
	text := numbered(s.sql.String())
	start := time.Now()
	n := int64(0)
	defer func() {
		db.Logger.Trace(ctx, start, func() (string, int64) { return db.Dialector.Explain(text, loggable(s.args)...), n }, err)
	}()
	rows, err := db.Statement.ConnPool.QueryContext(ctx, text, append([]any{pgx.QueryExecModeExec}, s.args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		n++
		if err := row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// loggable writes the arguments of a statement so that the logged statement
// runs as it reads: a list of ids as an array literal ('{1,2}'), which
// gorm would otherwise write as Go prints it.
func loggable(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a
		if ids, ok := a.([]int64); ok {
			parts := make([]string, len(ids))
			for j, id := range ids {
				parts[j] = strconv.FormatInt(id, 10)
			}
			out[i] = "{" + strings.Join(parts, ",") + "}"
		}
	}
	return out
}

// numbered turns the statement's ? placeholders into PostgreSQL's $1, $2, …,
// as gorm would.
func numbered(text string) string {
	var b strings.Builder
	n := 0
	for _, r := range text {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
