package search_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"hiroba/migrations"
	"hiroba/models"
	"hiroba/models/modeltest"
	"hiroba/models/search"
)

// The PostgreSQL engine searches the newest post ids first and widens its
// window until it holds MaxCandidates matches (engine_postgres.go); the
// answer must be the one a search of every post would give. Here the posts
// are far apart in ids, so that the windows, and the partitions of
// post_search, matter.

// importAfterGap writes threads after moving the posts' id sequence on by
// gap, as a forum that wrote that many posts in between would have.
func importAfterGap(t *testing.T, fx *engineFixture, gap int64, corpus []corpusThread) {
	t.Helper()
	if err := fx.db.Exec(`SELECT setval('posts_id_seq', (SELECT MAX(id) FROM posts) + ?)`, gap).Error; err != nil {
		t.Fatal(err)
	}
	store := models.NewStore(fx.db, migrations.Postgres)
	batch := make([]models.ImportedThread, len(corpus))
	for i, ct := range corpus {
		batch[i] = models.ImportedThread{CategoryID: fx.categories[ct.category], Title: ct.title}
		for _, p := range ct.posts {
			batch[i].Posts = append(batch[i].Posts, models.ImportedPost{UserID: fx.users[p.author], Body: p.body, CreatedAt: day(p.day)})
		}
	}
	threads, err := store.ImportThreads(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct{ ID, ThreadID, Position int64 }
	if err := fx.db.Raw("SELECT id, thread_id, position FROM posts WHERE thread_id IN ?", threadIDs(threads)).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	keys := map[int64]string{}
	for i, th := range threads {
		keys[th.ID] = corpus[i].key
	}
	for _, r := range rows {
		fx.postKeys[r.ID] = fmt.Sprintf("%s/%d", keys[r.ThreadID], r.Position)
	}
}

func threadIDs(threads []models.Thread) []int64 {
	ids := make([]int64, len(threads))
	for i, th := range threads {
		ids[i] = th.ID
	}
	return ids
}

func repeated(n int, p corpusPost) []corpusPost {
	out := make([]corpusPost, n)
	for i := range out {
		out[i] = p
	}
	return out
}

func TestPostgresWidensItsWindow(t *testing.T) {
	modeltest.RequirePostgres(t)
	t.Parallel()

	t.Run("an old match behind a million newer posts", func(t *testing.T) {
		t.Parallel()
		fx := loadEngineFixture(t, migrations.Postgres, []corpusThread{
			{key: "old", category: "using", title: "First sync", posts: []corpusPost{{"ana", "My first sync failed.", 1}}},
		})
		importAfterGap(t, fx, 1_000_000, []corpusThread{
			{key: "new", category: "using", title: "Sync again", posts: []corpusPost{{"ben", "The sync failed today.", 2}}},
			{key: "other", category: "using", title: "Export", posts: []corpusPost{{"ben", "The export is empty.", 3}}},
		})
		f := everyone()
		f.Newest = true
		hits := fx.run(t, engineCase{query: "sync", filter: func(*engineFixture) search.Filter { return f }})
		if got := fx.names(hits); hits.Truncated || !slices.Equal(got, []string{"new/1", "old/1"}) {
			t.Errorf("found %v, truncated %v; want [new/1 old/1], not truncated", got, hits.Truncated)
		}
	})

	t.Run("the newest matches of the whole forum, across windows", func(t *testing.T) {
		t.Parallel()
		// 1 + 1500 matches, then 200000 ids later 600 more: the newest
		// MaxCandidates are the 600 and the newest 1400 of the 1500, so the
		// oldest thread is left out and the search says it ranked only part.
		// The old flood's question, which would be its best post, is among
		// the 100 left out too, so the best of what was ranked is its last
		// reply, the newest of the equals.
		fx := loadEngineFixture(t, migrations.Postgres, []corpusThread{
			{key: "oldest", category: "using", title: "Sync at last", posts: []corpusPost{{"ana", "It synced.", 1}}},
			{key: "old-flood", category: "using", title: "Sync keeps failing", posts: repeated(1500, corpusPost{"ben", "The sync failed again.", 2})},
		})
		importAfterGap(t, fx, 200_000, []corpusThread{
			{key: "new-flood", category: "using", title: "Sync is slow", posts: repeated(600, corpusPost{"ana", "The sync took an hour.", 3})},
		})
		f := everyone()
		f.Newest = true
		hits := fx.run(t, engineCase{query: "sync", filter: func(*engineFixture) search.Filter { return f }})
		if got := fx.names(hits); !hits.Truncated || !slices.Equal(got, []string{"new-flood/1", "old-flood/1500"}) {
			t.Errorf("found %v, truncated %v; want [new-flood/1 old-flood/1500], truncated", got, hits.Truncated)
		}
		// A filter before the cap reaches back past both floods.
		f.AuthorID = fx.users["ana"]
		f.CategoryID = fx.categories["using"]
		f.To = day(2)
		hits = fx.run(t, engineCase{query: "sync", filter: func(*engineFixture) search.Filter { return f }})
		if got := fx.names(hits); hits.Truncated || !slices.Equal(got, []string{"oldest/1"}) {
			t.Errorf("with an author and a date: %v, truncated %v; want [oldest/1], not truncated", got, hits.Truncated)
		}
	})
}
