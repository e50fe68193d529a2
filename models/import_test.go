package models_test

import (
	"context"
	"testing"
	"time"

	"hiroba/models"
	"hiroba/models/seed"
)

// An imported thread must be indistinguishable from the same thread written
// through CreateThread, CreateReply, ToggleHelpful and MarkSolution: same
// HTML, positions, counters, votes, solution, last activity and category
// count, and found by search.
func TestImportMatchesWritingThroughTheForum(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		users, err := s.ImportUsers(ctx, []models.User{{Username: "hana_sato", Name: "佐藤 花"}, {Username: "dev-ken42"}})
		if err != nil {
			t.Fatal(err)
		}
		hana, ken := users[0], users[1]
		if hana.ID == 0 || ken.ID == 0 || hana.Role != models.RoleMember {
			t.Fatalf("imported users: %+v", users)
		}
		billing, err := s.CategoryBySlug(ctx, "billing")
		if err != nil {
			t.Fatal(err)
		}
		bodies := []string{"I was charged **twice** for `Pro`.", "Check [billing](https://example.com/billing).\n\n1. Open it\n2. Look", "Thanks, it was a hold!"}
		authors := []int64{hana.ID, ken.ID, hana.ID}

		written, err := s.CreateThread(ctx, models.NewThread{UserID: hana.ID, CategoryID: billing.ID, Title: "Charged twice this month", Body: bodies[0]})
		if err != nil {
			t.Fatal(err)
		}
		var answer models.Post
		for i := 1; i < len(bodies); i++ {
			p, err := s.CreateReply(ctx, models.NewReply{ThreadID: written.ID, UserID: authors[i], Body: bodies[i]})
			if err != nil {
				t.Fatal(err)
			}
			if i == 1 {
				answer = p
			}
		}
		// Ken found the question useful; Hana, the answer, which she accepted.
		if _, _, err := s.ToggleHelpful(ctx, ken, written.FirstPostID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.ToggleHelpful(ctx, hana, answer.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MarkSolution(ctx, hana, written.ID, answer.ID); err != nil {
			t.Fatal(err)
		}

		start := time.Date(2025, 5, 1, 9, 30, 0, 0, time.UTC)
		in := models.ImportedThread{CategoryID: billing.ID, Title: "Charged twice this month", Solution: 2}
		for i, body := range bodies {
			in.Posts = append(in.Posts, models.ImportedPost{UserID: authors[i], Body: body, CreatedAt: start.Add(time.Duration(i) * time.Hour)})
		}
		in.Posts[0].HelpfulBy, in.Posts[1].HelpfulBy = []int64{ken.ID}, []int64{hana.ID}
		lonely := models.ImportedThread{CategoryID: billing.ID, Title: "返金について", Posts: []models.ImportedPost{
			{UserID: ken.ID, Body: "年額プランの**返金**はできますか？", CreatedAt: start.Add(-time.Hour)},
		}}
		imported, err := s.ImportThreads(ctx, []models.ImportedThread{in, lonely})
		if err != nil {
			t.Fatal(err)
		}
		if len(imported) != 2 || imported[0].ID == 0 || imported[0].Slug != written.Slug {
			t.Fatalf("imported threads: %+v", imported)
		}

		want, err := s.ThreadPage(ctx, staff, written.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.ThreadPage(ctx, staff, imported[0].ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		wt, gt := want.Thread, got.Thread
		if gt.PostCount != wt.PostCount || gt.ReplyCount != wt.ReplyCount || gt.LastPosterID != wt.LastPosterID ||
			gt.UserID != wt.UserID || gt.Slug != wt.Slug || gt.Category.Slug != "billing" || gt.User.Username != "hana_sato" ||
			gt.HelpfulCount != wt.HelpfulCount || gt.HelpfulCount != 2 || gt.SolvedAt == nil || !gt.SolvedAt.Equal(in.Posts[1].CreatedAt) {
			t.Errorf("imported thread %+v\nwritten thread %+v", gt, wt)
		}
		last := in.Posts[len(in.Posts)-1].CreatedAt
		if !gt.CreatedAt.Equal(start) || !gt.LastPostedAt.Equal(last) || !gt.UpdatedAt.Equal(last) {
			t.Errorf("times: created %v, last posted %v, updated %v; want %v and %v", gt.CreatedAt, gt.LastPostedAt, gt.UpdatedAt, start, last)
		}
		if len(got.Posts) != len(want.Posts) {
			t.Fatalf("%d posts imported, %d written", len(got.Posts), len(want.Posts))
		}
		for i := range want.Posts {
			g, w := got.Posts[i], want.Posts[i]
			if g.Position != i+1 || g.Position != w.Position || g.HTML != w.HTML || g.Source != w.Source ||
				g.UserID != w.UserID || g.User.Username != w.User.Username || g.Status != w.Status || !g.Public() ||
				g.HelpfulCount != w.HelpfulCount || (*gt.SolutionPostID == g.ID) != (*wt.SolutionPostID == w.ID) {
				t.Errorf("post %d:\nimported %+v\nwritten  %+v", i+1, g, w)
			}
			if !g.CreatedAt.Equal(in.Posts[i].CreatedAt) || !g.UpdatedAt.Equal(g.CreatedAt) || g.EditedAt != nil {
				t.Errorf("post %d times: %v %v %v", i+1, g.CreatedAt, g.UpdatedAt, g.EditedAt)
			}
		}

		for _, voter := range []models.User{hana, ken} {
			wv, _ := s.VotedPosts(ctx, voter.ID, []int64{want.Posts[0].ID, want.Posts[1].ID})
			gv, _ := s.VotedPosts(ctx, voter.ID, []int64{got.Posts[0].ID, got.Posts[1].ID})
			if len(gv) != 1 || len(wv) != len(gv) || gv[got.Posts[0].ID] != wv[want.Posts[0].ID] {
				t.Errorf("%s voted for %v of the imported thread, %v of the written one", voter.Username, gv, wv)
			}
		}

		zero, err := s.ThreadPage(ctx, staff, imported[1].ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if zt := zero.Thread; zt.PostCount != 1 || zt.ReplyCount != 0 || zt.LastPosterID != ken.ID || !zt.LastPostedAt.Equal(zt.CreatedAt) {
			t.Errorf("thread without replies: %+v", zt)
		}

		billing, _ = s.CategoryBySlug(ctx, "billing")
		if billing.ThreadCount != 3 {
			t.Errorf("billing counts %d threads, want 3", billing.ThreadCount)
		}
		list, err := s.Threads(ctx, models.ThreadFilter{CategoryID: billing.ID})
		if err != nil || list.TotalItems != 3 {
			t.Fatalf("list: %d threads, %v", list.TotalItems, err)
		}
		byID := map[int64]models.Thread{}
		for _, th := range list.Threads {
			byID[th.ID] = th
		}
		lw, lg := byID[written.ID], byID[imported[0].ID]
		if lg.ReplyCount != lw.ReplyCount || lg.PostCount != lw.PostCount || lg.LastPoster.Username != lw.LastPoster.Username {
			t.Errorf("in the list, imported %+v\nwritten %+v", lg, lw)
		}
		// The written thread is newest, the imported ones keep their own time.
		if list.Threads[0].ID != written.ID || list.Threads[1].ID != imported[0].ID || list.Threads[2].ID != imported[1].ID {
			t.Errorf("list order: %d %d %d", list.Threads[0].ID, list.Threads[1].ID, list.Threads[2].ID)
		}
		unanswered, err := s.Threads(ctx, models.ThreadFilter{Show: models.ShowUnanswered})
		if err != nil || unanswered.TotalItems != 1 || unanswered.Threads[0].ID != imported[1].ID {
			t.Errorf("unanswered: %+v %v", unanswered, err)
		}

		// The search index is kept by hooks and triggers on the rows written.
		for _, q := range []string{"返金", "hold"} {
			res, err := s.Search(ctx, models.SearchInput{Query: q})
			if err != nil || res.TotalItems == 0 {
				t.Errorf("search %q after import: %d results, %v", q, res.TotalItems, err)
			}
		}
	})
}

func TestImportUsersKeepsExistingOnes(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		existing := signIn(t, s, "7", "yuki_tanaka")
		users, err := s.ImportUsers(ctx, []models.User{{Username: "emma_w"}, {Username: existing.Username, Name: "ignored"}})
		if err != nil {
			t.Fatal(err)
		}
		if users[1].ID != existing.ID || users[1].Name != existing.Name {
			t.Errorf("existing user came back as %+v, want %+v", users[1], existing)
		}
		again, err := s.ImportUsers(ctx, []models.User{{Username: "emma_w"}})
		if err != nil || again[0].ID != users[0].ID {
			t.Errorf("second import of emma_w: %+v %v", again, err)
		}
		if _, err := s.ImportUsers(ctx, []models.User{{Username: "a"}, {Username: "a"}}); err == nil {
			t.Error("a repeated username was accepted")
		}
	})
}

func TestImportRefusesBadThreadsWholly(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		u := signIn(t, s, "1", "hana")
		at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		good := models.ImportedThread{CategoryID: 1, Title: "Fine", Posts: []models.ImportedPost{{UserID: u.ID, Body: "ok", CreatedAt: at}}}
		for name, bad := range map[string]models.ImportedThread{
			"no posts":             {CategoryID: 1, Title: "Empty"},
			"out of order":         {CategoryID: 1, Title: "Order", Posts: []models.ImportedPost{{UserID: u.ID, Body: "b", CreatedAt: at}, {UserID: u.ID, Body: "a", CreatedAt: at.Add(-time.Second)}}},
			"no category":          {CategoryID: 999, Title: "Where", Posts: []models.ImportedPost{{UserID: u.ID, Body: "x", CreatedAt: at}}},
			"no author":            {CategoryID: 1, Title: "Who", Posts: []models.ImportedPost{{Body: "x", CreatedAt: at}}},
			"question as solution": {CategoryID: 1, Title: "Solved itself", Solution: 1, Posts: []models.ImportedPost{{UserID: u.ID, Body: "x", CreatedAt: at}}},
			"own vote":             {CategoryID: 1, Title: "Vain", Posts: []models.ImportedPost{{UserID: u.ID, Body: "x", CreatedAt: at, HelpfulBy: []int64{u.ID}}}},
		} {
			if _, err := s.ImportThreads(ctx, []models.ImportedThread{good, bad}); err == nil {
				t.Errorf("%s: imported", name)
			}
		}
		list, err := s.Threads(ctx, models.ThreadFilter{})
		if err != nil || list.TotalItems != 0 {
			t.Errorf("a refused batch left %d threads (%v)", list.TotalItems, err)
		}
		cat, _ := s.CategoryByID(ctx, 1)
		if cat.ThreadCount != 0 {
			t.Errorf("a refused batch counted %d threads", cat.ThreadCount)
		}
	})
}

// A generated batch larger than one INSERT still gives every post to its
// own thread, in order.
func TestImportGeneratedBatch(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		g := seed.New(3, seed.Options{Threads: 60, Replies: 12, Users: 40})
		users, err := s.ImportUsers(ctx, g.Users())
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, len(users))
		for i, u := range users {
			ids[i] = u.ID
		}
		cats, err := s.Categories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		catIDs := map[string]int64{}
		for _, c := range cats {
			catIDs[c.Slug] = c.ID
		}
		var gen []seed.Thread
		var batch []models.ImportedThread
		for {
			th, ok := g.Next()
			if !ok {
				break
			}
			gen = append(gen, th)
			batch = append(batch, th.Import(ids, catIDs))
		}
		if g.TotalPosts() <= 500 {
			t.Fatalf("only %d posts: the batch must be larger than one INSERT", g.TotalPosts())
		}
		imported, err := s.ImportThreads(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		perCategory := map[string]int{}
		for i, th := range imported {
			perCategory[gen[i].Category]++
			view, err := s.ThreadPage(ctx, staff, th.ID, 1)
			if err != nil {
				t.Fatal(err)
			}
			if view.Thread.PostCount != len(gen[i].Posts) || view.Thread.Title != gen[i].Title {
				t.Fatalf("thread %d: %d posts, title %q; generated %d, %q", i, view.Thread.PostCount, view.Thread.Title, len(gen[i].Posts), gen[i].Title)
			}
			for j, p := range view.Posts {
				// Thread pages leave the source out; read it where editing does.
				if p, err = s.PostByID(ctx, staff, p.ID); err != nil {
					t.Fatal(err)
				}
				if p.Source != gen[i].Posts[j].Body || p.UserID != ids[gen[i].Posts[j].Author] {
					t.Fatalf("thread %d post %d is not the one generated", i, j+1)
				}
				if p.HelpfulCount != len(gen[i].Posts[j].HelpfulBy) {
					t.Errorf("thread %d post %d: %d helpful, generated %d", i, j+1, p.HelpfulCount, len(gen[i].Posts[j].HelpfulBy))
				}
				if accepted := view.Thread.SolutionPostID != nil && *view.Thread.SolutionPostID == p.ID; accepted != (j > 0 && j == gen[i].Solution) {
					t.Errorf("thread %d post %d: accepted %v, generated solution %d", i, j+1, accepted, gen[i].Solution)
				}
			}
		}
		for _, c := range cats {
			c, _ = s.CategoryByID(ctx, c.ID)
			if c.ThreadCount != perCategory[c.Slug] {
				t.Errorf("%s counts %d threads, want %d", c.Slug, c.ThreadCount, perCategory[c.Slug])
			}
		}
	})
}
