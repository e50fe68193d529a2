package models

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"hiroba/migrations"
)

// ImportedThread is a thread written elsewhere — generated sample data, or
// another forum being moved here — with its posts in the order they were
// written. The first post is the question: its author and time are the
// thread's.
type ImportedThread struct {
	CategoryID int64
	Title      string
	Posts      []ImportedPost
	// Solution is the position (2 or more) of the reply the asker
	// accepted, solved at that reply's time; 0 when unsolved.
	Solution int
}

// ImportedPost is one post of an imported thread. Body is markdown, rendered
// on import exactly as a post written on the forum would be.
type ImportedPost struct {
	UserID    int64
	Body      string
	CreatedAt time.Time
	HelpfulBy []int64 // the users who found it helpful, never its author
}

// importRows is how many rows one INSERT carries. At a dozen or so columns a
// row, 500 rows stay well under the bind-parameter limits of SQLite (32766)
// and PostgreSQL (65535). The SQLite driver matches each parameter to its
// argument by a linear search, so a statement costs the square of its
// parameters there: 100 rows is where that stops mattering and per-statement
// overhead does not yet.
func (s *Store) importRows() int {
	if s.dialect == migrations.SQLite {
		return 100
	}
	return 500
}

// ImportUsers creates the users whose usernames are not taken, and returns
// every user of the list with its ID, in the order given; a username that
// exists already is returned as stored. Importing the same people twice
// therefore gives the same users.
func (s *Store) ImportUsers(ctx context.Context, users []User) ([]User, error) {
	seen := make(map[string]bool, len(users))
	names := make([]string, len(users))
	for i, u := range users {
		if u.Username == "" || seen[u.Username] {
			return nil, fmt.Errorf("models: import users: username %q is empty or repeated", u.Username)
		}
		seen[u.Username] = true
		names[i] = u.Username
	}
	out := make([]User, len(users))
	err := s.Tx(ctx, func(tx *Store) error {
		stored := make(map[string]User, len(users))
		for start := 0; start < len(names); start += s.importRows() {
			var found []User
			chunk := names[start:min(start+s.importRows(), len(names))]
			if err := tx.db.Where("username IN ?", chunk).Find(&found).Error; err != nil {
				return err
			}
			for _, u := range found {
				stored[u.Username] = u
			}
		}
		var fresh []User
		for _, u := range users {
			if _, ok := stored[u.Username]; !ok {
				u.ID = 0
				if u.Role == "" {
					u.Role = RoleMember
				}
				fresh = append(fresh, u)
			}
		}
		if len(fresh) > 0 {
			if err := tx.db.CreateInBatches(&fresh, s.importRows()).Error; err != nil {
				return err
			}
			tx.touch(KeySearch) // a search by author may now find them
		}
		for _, u := range fresh {
			stored[u.Username] = u
		}
		for i, name := range names {
			out[i] = stored[name]
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("models: import users: %w", err)
	}
	return out, nil
}

// ImportThreads stores threads with all their posts in one transaction. Every
// row is what CreateThread, CreateReply, ToggleHelpful and MarkSolution
// would have left: HTML rendered by the same pipeline, positions 1..n, the
// thread's counters, solution and last activity, helpful votes and their
// counts, and each category's thread count. Rows are written through the
// Thread and Post structs, so whatever their hooks maintain stays maintained.
func (s *Store) ImportThreads(ctx context.Context, batch []ImportedThread) ([]Thread, error) {
	if len(batch) == 0 {
		return nil, nil
	}
	nposts := 0
	for i, in := range batch {
		if err := in.check(); err != nil {
			return nil, fmt.Errorf("models: import thread %d (%q): %w", i, in.Title, err)
		}
		nposts += len(in.Posts)
	}
	html, err := s.renderAll(ctx, batch, nposts)
	if err != nil {
		return nil, fmt.Errorf("models: import threads: %w", err)
	}

	threads := make([]Thread, len(batch))
	perCategory := map[int64]int{}
	for i, in := range batch {
		first, last := in.Posts[0], in.Posts[len(in.Posts)-1]
		threads[i] = Thread{
			CategoryID: in.CategoryID, UserID: first.UserID, Title: in.Title, Slug: Slugify(in.Title),
			PostCount: len(in.Posts), ReplyCount: len(in.Posts) - 1,
			LastPostedAt: last.CreatedAt.UTC(), LastPosterID: last.UserID,
			CreatedAt: first.CreatedAt.UTC(), UpdatedAt: last.CreatedAt.UTC(),
		}
		for _, p := range in.Posts {
			threads[i].HelpfulCount += len(p.HelpfulBy)
		}
		perCategory[in.CategoryID]++
	}
	err = s.Tx(ctx, func(tx *Store) error {
		if err := tx.db.Omit("Category", "User", "LastPoster").CreateInBatches(&threads, s.importRows()).Error; err != nil {
			return err
		}
		posts := make([]Post, 0, nposts)
		for i, in := range batch {
			for j, p := range in.Posts {
				at := p.CreatedAt.UTC()
				// Imported posts were public where they were written; the
				// checks for new posts (cooldowns, held links) are for posting
				// live, not for moving history.
				posts = append(posts, Post{
					ThreadID: threads[i].ID, UserID: p.UserID, Position: j + 1,
					Source: p.Body, HTML: html[len(posts)], CreatedAt: at, UpdatedAt: at,
					Status: StatusPublished, HelpfulCount: len(p.HelpfulBy),
				})
			}
		}
		if err := tx.db.Omit("User", "Thread").CreateInBatches(&posts, s.importRows()).Error; err != nil {
			return err
		}
		var votes []PostVote
		first := 0
		for i, in := range batch {
			threads[i].FirstPostID, threads[i].FirstPostStatus = posts[first].ID, StatusPublished
			for j, p := range in.Posts {
				for _, voter := range p.HelpfulBy {
					votes = append(votes, PostVote{PostID: posts[first+j].ID, UserID: voter, CreatedAt: p.CreatedAt.UTC()})
				}
			}
			if in.Solution > 0 {
				solution := posts[first+in.Solution-1]
				threads[i].SolutionPostID, threads[i].SolvedAt = &solution.ID, &solution.CreatedAt
				if err := tx.db.Model(&Thread{}).Where("id = ?", threads[i].ID).
					UpdateColumns(map[string]any{"solution_post_id": solution.ID, "solved_at": solution.CreatedAt}).Error; err != nil {
					return err
				}
			}
			first += len(in.Posts)
		}
		if len(votes) > 0 {
			if err := tx.db.CreateInBatches(&votes, s.importRows()).Error; err != nil {
				return err
			}
		}
		tx.touch(KeyAll) // a batch of threads anywhere: rare, and wide
		for id, n := range perCategory {
			res := tx.db.Exec(`UPDATE categories SET thread_count = thread_count + ? WHERE id = ?`, n, id)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return fmt.Errorf("category %d: %w", id, ErrNotFound)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("models: import threads: %w", err)
	}
	return threads, nil
}

func (in ImportedThread) check() error {
	switch {
	case in.Title == "":
		return errors.New("no title")
	case len(in.Posts) == 0:
		return errors.New("no posts")
	}
	if in.Solution != 0 && (in.Solution < 2 || in.Solution > len(in.Posts)) {
		return fmt.Errorf("solution at %d: want a reply, 2 to %d", in.Solution, len(in.Posts))
	}
	for j, p := range in.Posts {
		if p.CreatedAt.IsZero() || p.UserID == 0 {
			return fmt.Errorf("post %d has no time or no author", j+1)
		}
		voted := map[int64]bool{p.UserID: true}
		for _, v := range p.HelpfulBy {
			if voted[v] || v == 0 {
				return fmt.Errorf("post %d: helpful votes must come from distinct users other than its author", j+1)
			}
			voted[v] = true
		}
		// Positions follow the order of writing, and the thread's last
		// activity is its last post's: an import out of order would break both.
		if j > 0 && p.CreatedAt.Before(in.Posts[j-1].CreatedAt) {
			return fmt.Errorf("post %d is older than post %d", j+1, j)
		}
	}
	return nil
}

// renderAll renders every post of a batch, in order, across the CPUs:
// rendering is most of an import's work, and it happens before the
// transaction so the write lock is held only for the writes.
func (s *Store) renderAll(ctx context.Context, batch []ImportedThread, n int) ([]string, error) {
	bodies := make([]string, 0, n)
	for _, in := range batch {
		for _, p := range in.Posts {
			bodies = append(bodies, p.Body)
		}
	}
	html := make([]string, n)
	workers := min(runtime.GOMAXPROCS(0), (n+31)/32)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				if ctx.Err() != nil {
					return
				}
				out, err := s.md.Render(ctx, bodies[i])
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("render post %d: %w", i+1, err)
					}
					mu.Unlock()
					return
				}
				html[i] = out
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return html, ctx.Err()
}
