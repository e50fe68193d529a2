package models_test

import (
	"context"
	"testing"
	"time"

	"hiroba/models"
	"hiroba/models/modeltest"
	"hiroba/models/seed"
)

func TestZZProfSeed(t *testing.T) {
	for _, d := range modeltest.Dialects {
		s := modeltest.Store(t, d)
		ctx := context.Background()
		g := seed.New(1, seed.Options{Threads: 4000, Replies: 4})
		users, _ := s.ImportUsers(ctx, g.Users())
		ids := make([]int64, len(users))
		for i, u := range users {
			ids[i] = u.ID
		}
		cats, _ := s.Categories(ctx)
		cid := map[string]int64{}
		for _, c := range cats {
			cid[c.Slug] = c.ID
		}
		var gen, render, write time.Duration
		var batch []models.ImportedThread
		n := 0
		for {
			t0 := time.Now()
			th, ok := g.Next()
			gen += time.Since(t0)
			if ok {
				batch = append(batch, th.Import(ids, cid))
				n += len(th.Posts)
			}
			if n >= 2000 || (!ok && len(batch) > 0) {
				t1 := time.Now()
				for _, b := range batch {
					for _, p := range b.Posts {
						s.RenderMarkdown(p.Body)
					}
				}
				render += time.Since(t1)
				t2 := time.Now()
				if _, err := s.ImportThreads(ctx, batch); err != nil {
					t.Fatal(err)
				}
				write += time.Since(t2)
				batch, n = nil, 0
			}
			if !ok {
				break
			}
		}
		t.Logf("%s: %d posts gen %v render(serial) %v import %v", d, g.TotalPosts(), gen, render, write)
	}
}
