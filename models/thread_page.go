package models

import (
	"context"
	"fmt"
)

// The thread page's reads, the most frequent of the forum: two queries with
// their columns named (see columns.go).
var (
	threadPageThreadSQL = "SELECT " + threadColumns("t") + ", " + categoryColumns("c") + ", " + userColumns("u") +
		" FROM threads t JOIN categories c ON c.id = t.category_id JOIN users u ON u.id = t.user_id WHERE t.id = ?"
	threadPagePostsSQL = "SELECT " + postColumns("posts") + ", " + userColumns("u") +
		" FROM posts JOIN users u ON u.id = posts.user_id" +
		" WHERE posts.thread_id = ? AND posts.position BETWEEN ? AND ? ORDER BY posts.position"
)

// ThreadPage loads a thread and one page of its posts, in two queries. A
// thread the viewer may not open is not found. LastPage is the last page.
func (s *Store) ThreadPage(ctx context.Context, viewer *User, id int64, page int) (ThreadView, error) {
	var v ThreadView
	db := s.db.WithContext(ctx)
	rows, err := db.Raw(threadPageThreadSQL, id).Rows()
	if err != nil {
		return ThreadView{}, fmt.Errorf("models: load thread %d: %w", id, err)
	}
	found := false
	err = scanRows(rows, func() []any {
		found = true
		th := &v.Thread
		return append(append(th.targets(), th.Category.targets()...), th.User.targets()...)
	})
	if err != nil {
		return ThreadView{}, fmt.Errorf("models: load thread %d: %w", id, err)
	}
	if !found || !viewer.CanView(v.Thread) {
		return ThreadView{}, fmt.Errorf("models: thread %d: %w", id, ErrNotFound)
	}
	if v.Thread.Merged() {
		return ThreadView{}, s.mergedPlace(ctx, viewer, v.Thread, page)
	}
	if page == LastPage {
		page = PageOfPosition(v.Thread.PostCount)
	}
	page, _ = clampPage(page, PostsPerPage)
	v.Pagination = Pagination{Page: page, PerPage: PostsPerPage, TotalItems: int64(v.Thread.PostCount)}
	if page > v.TotalPages() {
		return ThreadView{}, fmt.Errorf("models: thread %d page %d: %w", id, page, ErrNotFound)
	}
	first := (page-1)*PostsPerPage + 1
	rows, err = db.Raw(threadPagePostsSQL, id, first, first+PostsPerPage-1).Rows()
	if err != nil {
		return ThreadView{}, fmt.Errorf("models: posts of thread %d: %w", id, err)
	}
	v.Posts = make([]Post, 0, min(PostsPerPage, v.Thread.PostCount))
	err = scanRows(rows, func() []any {
		v.Posts = append(v.Posts, Post{})
		p := &v.Posts[len(v.Posts)-1]
		return append(p.targets(), p.User.targets()...)
	})
	if err != nil {
		return ThreadView{}, fmt.Errorf("models: posts of thread %d: %w", id, err)
	}
	return v, nil
}

// SolutionOf is the accepted reply of a page's thread, as SolutionPost
// gives it, taken from the page itself when the reply is on it: most solved
// threads show it on their first page, and a query less is a large share of
// a page's cost.
func (s *Store) SolutionOf(ctx context.Context, v ThreadView) (*Post, error) {
	if id := v.Thread.SolutionPostID; id != nil {
		for i := range v.Posts {
			if p := v.Posts[i]; p.ID == *id {
				if !p.Public() { // shown to everyone: only ever a public post
					return nil, nil
				}
				return &p, nil
			}
		}
	}
	return s.SolutionPost(ctx, v.Thread)
}
