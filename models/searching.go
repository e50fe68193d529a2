package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
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

// SearchInput is a search as the search page submits it.
type SearchInput struct {
	Query      string
	CategoryID int64
	AuthorID   int64
	From, To   time.Time // zero: open-ended; To is exclusive
	Sort       SearchSort
	Page       int
	PerPage    int
}

// SearchResult is one thread that matched, shown through its best post.
type SearchResult struct {
	Thread  Thread
	Post    Post
	Snippet string // HTML, escaped, with matches in <mark>
	// KnownIssue is set on a similar thread that is the incident thread
	// of the open known issue the title is about (SimilarThreads).
	KnownIssue *KnownIssue
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
	f := anonymousSearch()
	f.CategoryID, f.AuthorID, f.From, f.To = in.CategoryID, in.AuthorID, in.From, in.To
	f.Newest = in.Sort == SortNewest
	f.Limit = maxSearchResults
	found, err := s.search.Search(ctx, s.db, q, f)
	if err != nil {
		return SearchResults{}, fmt.Errorf("models: search %q: %w", in.Query, err)
	}
	hits := found.Hits
	out.TotalItems = int64(len(hits))
	// More matched than was ranked when either list reached its cap.
	out.Capped = len(hits) >= maxSearchResults || found.Truncated
	start := out.offset()
	if start >= len(hits) {
		return out, nil
	}
	hits = hits[start:min(len(hits), start+per)]
	out.Results, err = s.loadResults(ctx, hits, out.Words)
	return out, err
}

// anonymousSearch is the filter of every search: results are what an
// anonymous visitor may read, whoever searches, so deleted, hidden and held
// posts and hidden threads never show. Nor do duplicates (merged threads
// are too): their original answers the question, and is found itself.
func anonymousSearch() search.Filter {
	thread, args := visibleThreadSQL(nil, "t")
	return search.Filter{
		Post:   search.Cond{SQL: publicPostSQL("p")},
		Thread: search.Cond{SQL: thread + " AND " + notDuplicateSQL("t"), Args: args},
	}
}

// loadResults fetches the posts and threads of a page of hits, in ranked
// order, and cuts a snippet around the matches of each.
func (s *Store) loadResults(ctx context.Context, hits []search.Hit, words []string) ([]SearchResult, error) {
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
// When the title is about an open known issue, its incident thread comes
// first, whatever the ranking: during an outage that is where the answer
// will be, and where the asker's report belongs.
func (s *Store) SimilarThreads(ctx context.Context, title string, limit int) ([]SearchResult, error) {
	q := search.Similar(title)
	if q.Empty() || limit <= 0 {
		return nil, nil
	}
	f := anonymousSearch()
	// Reposts share a title: ask for more than will be shown, so that the
	// list still fills once each title is listed once.
	f.Limit = limit * 4
	found, err := s.search.Similar(ctx, s.db, q, f)
	if err != nil {
		return nil, fmt.Errorf("models: similar threads: %w", err)
	}
	results, err := s.loadResults(ctx, found.Hits, q.Words())
	if err != nil {
		return nil, err
	}
	return s.incidentFirst(ctx, title, distinctTitles(results, limit), q.Words(), limit)
}

// incidentFirst puts the incident thread of the known issue a title is
// about at the top of similar threads, loading it when the ranking left it
// out, and keeps the list within limit.
func (s *Store) incidentFirst(ctx context.Context, title string, results []SearchResult, words []string, limit int) ([]SearchResult, error) {
	k, err := s.KnownIssueForTitle(ctx, title)
	if err != nil || k == nil {
		return results, err
	}
	i := slices.IndexFunc(results, func(r SearchResult) bool { return r.Thread.ID == k.Thread.ID })
	var first SearchResult
	if i >= 0 {
		first = results[i]
		results = slices.Delete(results, i, i+1)
	} else {
		var q Post
		err := s.db.WithContext(ctx).Select("id").Where("thread_id = ? AND position = 1 AND "+publicPostSQL("posts"), k.Thread.ID).Take(&q).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return results, nil // its question is not public: nowhere to send the asker
		}
		if err != nil {
			return nil, fmt.Errorf("models: incident thread %d: %w", k.Thread.ID, err)
		}
		found, err := s.loadResults(ctx, []search.Hit{{PostID: q.ID, ThreadID: k.Thread.ID}}, words)
		if err != nil || len(found) == 0 {
			return results, err
		}
		first = found[0]
	}
	first.KnownIssue = k
	out := append([]SearchResult{first}, results...)
	return out[:min(len(out), limit)], nil
}

// distinctTitles keeps the best ranked thread of each title, up to limit:
// four copies of one question say nothing the first does not.
func distinctTitles(results []SearchResult, limit int) []SearchResult {
	seen := map[string]bool{}
	out := results[:0]
	for _, r := range results {
		key := strings.ToLower(strings.Join(strings.Fields(norm.NFKC.String(r.Thread.Title)), " "))
		if len(out) == limit {
			break
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, r)
	}
	return out
}
