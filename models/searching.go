package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"hiroba/models/search"
)

// SearchSort orders results.
type SearchSort string

// The orders a search can take.
const (
	SortRelevance SearchSort = "relevance"
	SortNewest    SearchSort = "newest"
)

// maxSearchResults caps how many threads a search ranks and counts: nobody
// pages past it, and it bounds the work a very common word can cause.
const maxSearchResults = 1000

// maxCandidates is how many of the newest matching posts a search ranks.
const maxCandidates = 2000

// SearchInput is a search as the search page submits it.
type SearchInput struct {
	Query      string
	CategoryID int64
	AuthorID   int64
	From, To   time.Time // zero: open-ended; To is exclusive
	Sort       SearchSort
	Page       int
	PerPage    int

	questionsOnly bool
}

// SearchResult is one thread that matched, shown through its best post.
type SearchResult struct {
	Thread  Thread
	Post    Post
	Snippet string // HTML, escaped, with matches in <mark>
}

// SearchResults is one page of results.
type SearchResults struct {
	Results []SearchResult
	Words   []string
	Capped  bool // more matches exist than were counted
	Pagination
}

// Search finds threads whose posts match a query, ranked so that title
// matches beat body matches, questions beat replies, and recent beats old
// when the rest is equal. Each thread appears once, through its best post.
func (s *Store) Search(ctx context.Context, in SearchInput) (SearchResults, error) {
	page, per := clampPage(in.Page, in.PerPage)
	out := SearchResults{Pagination: Pagination{Page: page, PerPage: per}}
	q := search.Parse(in.Query)
	if q.Empty() {
		return out, nil
	}
	out.Words = q.Words()
	hits, err := s.searchHits(ctx, q, in)
	if err != nil {
		return SearchResults{}, fmt.Errorf("models: search %q: %w", in.Query, err)
	}
	out.TotalItems = int64(len(hits))
	// More matched than was ranked when either list reached its cap.
	out.Capped = len(hits) >= maxSearchResults || (len(hits) > 0 && hits[0].Candidates >= maxCandidates)
	start := out.offset()
	if start >= len(hits) {
		return out, nil
	}
	hits = hits[start:min(len(hits), start+per)]
	out.Results, err = s.loadResults(ctx, hits, out.Words)
	return out, err
}

type searchHit struct {
	PostID     int64
	ThreadID   int64
	Candidates int // matching posts considered, at most maxCandidates
}

// searchHits ranks the best post of every matching thread, in one query per
// dialect; the only dialect-specific SQL of search lives here.
func (s *Store) searchHits(ctx context.Context, q search.Query, in SearchInput) ([]searchHit, error) {
	// Only the newest maxCandidates matching posts are ranked: ranking every
	// match of a common word costs time in proportion to the forum's size,
	// while the newest few thousand already fill every page anyone reads
	// (the page says when there were more). Filters apply before the cap.
	var cand, score, newest string
	var args []any
	if s.dialect == "postgres" {
		cand = `SELECT p.id, p.thread_id, p.created_at, p.position, p.search_vector FROM posts p
			WHERE p.search_vector @@ to_tsquery('simple', ?)`
		score = "ts_rank_cd(c.search_vector, to_tsquery('simple', ?))"
		newest = "p.id DESC"
		args = append(args, q.TSQuery())
	} else {
		// bm25 is lower for better matches: negated so both dialects sort alike.
		cand = `SELECT p.id, p.thread_id, p.created_at, p.position, -bm25(post_search, 10.0, 1.0) AS rank
			FROM post_search JOIN posts p ON p.id = post_search.rowid
			WHERE post_search MATCH ?`
		score = "c.rank"
		// In rowid order FTS5 walks its index newest first and stops at the cap.
		newest = "post_search.rowid DESC"
		args = append(args, q.FTS5())
	}
	// Results are what an anonymous visitor may read, for everyone: deleted,
	// hidden and held posts and hidden threads never show.
	where := []string{publicPostSQL("p")}
	visibleThread, _ := visibleThreadSQL(nil, "t")
	if in.questionsOnly {
		where = append(where, "p.position = 1")
	}
	if in.CategoryID != 0 {
		where = append(where, "p.thread_id IN (SELECT id FROM threads WHERE category_id = ?)")
		args = append(args, in.CategoryID)
	}
	if in.AuthorID != 0 {
		where = append(where, "p.user_id = ?")
		args = append(args, in.AuthorID)
	}
	if !in.From.IsZero() {
		where = append(where, "p.created_at >= ?")
		args = append(args, in.From.UTC())
	}
	if !in.To.IsZero() {
		where = append(where, "p.created_at < ?")
		args = append(args, in.To.UTC())
	}
	order := "score DESC, created_at DESC, post_id DESC"
	if in.Sort == SortNewest {
		order = "created_at DESC, post_id DESC"
	}
	sql := `WITH cand AS MATERIALIZED (
		` + cand + ` AND ` + strings.Join(where, " AND ") + `
		ORDER BY ` + newest + ` LIMIT ?
	), hits AS (
		SELECT c.id AS post_id, c.thread_id, c.created_at,
		       ` + score + ` * (CASE WHEN c.position = 1 THEN 1.5 ELSE 1.0 END) AS score
		FROM cand c JOIN threads t ON t.id = c.thread_id
		WHERE ` + visibleThread + `
	), best AS (
		SELECT post_id, thread_id, created_at, score,
		       ROW_NUMBER() OVER (PARTITION BY thread_id ORDER BY score DESC, created_at DESC, post_id DESC) AS rn
		FROM hits
	)
	SELECT post_id, thread_id, (SELECT COUNT(*) FROM cand) AS candidates
	FROM best WHERE rn = 1 ORDER BY ` + order + ` LIMIT ?`
	args = append(args, maxCandidates)
	if s.dialect == "postgres" {
		args = append(args, q.TSQuery())
	}
	limit := maxSearchResults
	if in.PerPage > 0 && in.questionsOnly {
		limit = in.PerPage
	}
	args = append(args, limit)
	var hits []searchHit
	err := s.db.WithContext(ctx).Raw(sql, args...).Scan(&hits).Error
	return hits, err
}

// loadResults fetches the posts and threads of a page of hits, in ranked
// order, and cuts a snippet around the matches of each.
func (s *Store) loadResults(ctx context.Context, hits []searchHit, words []string) ([]SearchResult, error) {
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.PostID
	}
	var posts []Post
	err := s.db.WithContext(ctx).Preload("Thread", func(db *gorm.DB) *gorm.DB {
		return db.Joins("Category").Joins("User")
	}).Joins("User").Where("posts.id IN ?", ids).Find(&posts).Error
	if err != nil {
		return nil, fmt.Errorf("models: load search results: %w", err)
	}
	byID := make(map[int64]Post, len(posts))
	for _, p := range posts {
		byID[p.ID] = p
	}
	results := make([]SearchResult, 0, len(hits))
	for _, h := range hits {
		p, ok := byID[h.PostID]
		if !ok {
			continue // deleted between the two queries
		}
		results = append(results, SearchResult{Thread: p.Thread, Post: p, Snippet: search.Snippet(p.HTML, words, 240)})
	}
	return results, nil
}

// SimilarThreads finds up to limit threads whose questions look like the
// one being typed, so the asker can find an answer before posting again.
func (s *Store) SimilarThreads(ctx context.Context, title string, limit int) ([]SearchResult, error) {
	q := search.Similar(title)
	if q.Empty() || limit <= 0 {
		return nil, nil
	}
	hits, err := s.searchHits(ctx, q, SearchInput{PerPage: limit, questionsOnly: true})
	if err != nil {
		return nil, fmt.Errorf("models: similar threads: %w", err)
	}
	return s.loadResults(ctx, hits, q.Words())
}
