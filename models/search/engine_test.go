package search_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"hiroba/migrations"
	"hiroba/models"
	"hiroba/models/modeltest"
	"hiroba/models/search"
)

// The engine contract: whatever the database, an engine finds the same
// threads through the same best posts for the same corpus, applies every
// filter (and the caller's visibility conditions, with their arguments)
// before ranking, and reports when it ranked only part of the matches.

var engines = map[string]search.Engine{
	migrations.SQLite:   search.SQLite,
	migrations.Postgres: search.Postgres,
}

// day is the corpus's calendar: post n of the corpus is written on day(n).
func day(n int) time.Time { return time.Date(2025, 3, n, 9, 0, 0, 0, time.UTC) }

type corpusPost struct {
	author string
	body   string
	day    int
}

type corpusThread struct {
	key      string
	category string
	title    string
	posts    []corpusPost // the question, then the replies
}

// engineCorpus is written in this order, so ids and times both grow.
var engineCorpus = []corpusThread{
	{key: "refund-title", category: "billing", title: "Refund for a duplicate charge", posts: []corpusPost{
		{"ana", "I was charged twice this month.", 1},
		{"ben", "Support sent the money back within a week.", 2},
	}},
	{key: "refund-reply", category: "api", title: "Webhooks fire three times", posts: []corpusPost{
		{"ben", "Every event reaches my endpoint three times.", 3},
		{"ana", "Ask billing for a refund of the extra calls.", 4},
	}},
	{key: "refund-question", category: "account", title: "Closing my account", posts: []corpusPost{
		{"ana", "Can I get a refund when I close my account?", 5},
	}},
	{key: "henkin", category: "billing", title: "返金について", posts: []corpusPost{
		{"ben", "年額プランの返金はできますか？", 6},
	}},
	{key: "rate-limit", category: "api", title: "Constant 429 errors", posts: []corpusPost{
		{"ana", "Every request fails with 429 Too Many Requests.", 7},
	}},
}

// engineFixture is the corpus in one database, with names for its rows.
type engineFixture struct {
	db         *gorm.DB
	engine     search.Engine
	users      map[string]int64
	categories map[string]int64
	postKeys   map[int64]string // post id → "thread-key/position"
}

func loadEngineFixture(t *testing.T, dialect string, corpus []corpusThread) *engineFixture {
	t.Helper()
	ctx := context.Background()
	db, d := modeltest.Open(t, dialect)
	store := models.NewStore(db, d)
	if err := store.EnsureDefaultCategories(ctx); err != nil {
		t.Fatal(err)
	}
	fx := &engineFixture{db: db, engine: engines[dialect], users: map[string]int64{}, categories: map[string]int64{}, postKeys: map[int64]string{}}
	users, err := store.ImportUsers(ctx, []models.User{{Username: "ana"}, {Username: "ben"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		fx.users[u.Username] = u.ID
	}
	for _, c := range models.DefaultCategories {
		cat, err := store.CategoryBySlug(ctx, c.Slug)
		if err != nil {
			t.Fatal(err)
		}
		fx.categories[c.Slug] = cat.ID
	}
	batch := make([]models.ImportedThread, len(corpus))
	for i, ct := range corpus {
		batch[i] = models.ImportedThread{CategoryID: fx.categories[ct.category], Title: ct.title}
		for _, p := range ct.posts {
			batch[i].Posts = append(batch[i].Posts, models.ImportedPost{UserID: fx.users[p.author], Body: p.body, CreatedAt: day(p.day)})
		}
	}
	threads, err := store.ImportThreads(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[int64]string{}
	for i, th := range threads {
		keys[th.ID] = corpus[i].key
	}
	var rows []struct{ ID, ThreadID, Position int64 }
	if err := db.Raw("SELECT id, thread_id, position FROM posts").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		fx.postKeys[r.ID] = fmt.Sprintf("%s/%d", keys[r.ThreadID], r.Position)
	}
	return fx
}

// everyone is a filter with conditions that let every post through.
func everyone() search.Filter {
	return search.Filter{Post: search.Cond{SQL: "1 = 1"}, Thread: search.Cond{SQL: "1 = 1"}, Limit: 100}
}

// engineCase is one call of an engine and the best posts it must return, in
// order.
type engineCase struct {
	name    string
	similar bool
	query   string
	filter  func(fx *engineFixture) search.Filter
	want    []string
}

var engineCases = []engineCase{
	{name: "a title match ranks first; each thread once, through its best post",
		query: "refund", filter: func(*engineFixture) search.Filter { return everyone() },
		want: []string{"refund-title/1", "refund-question/1", "refund-reply/2"}},
	{name: "newest first orders by the best post's time",
		query: "refund", filter: func(*engineFixture) search.Filter { f := everyone(); f.Newest = true; return f },
		want: []string{"refund-question/1", "refund-reply/2", "refund-title/1"}},
	{name: "limit",
		query: "refund", filter: func(*engineFixture) search.Filter { f := everyone(); f.Limit = 1; return f },
		want: []string{"refund-title/1"}},
	{name: "Japanese bigrams",
		query: "返金", filter: func(*engineFixture) search.Filter { return everyone() },
		want: []string{"henkin/1"}},
	{name: "category",
		query: "refund", filter: func(fx *engineFixture) search.Filter {
			f := everyone()
			f.CategoryID = fx.categories["account"]
			return f
		},
		want: []string{"refund-question/1"}},
	{name: "author: the best of that author's posts, here a reply that matches through the title",
		query: "refund", filter: func(fx *engineFixture) search.Filter {
			f := everyone()
			f.AuthorID = fx.users["ben"]
			return f
		},
		want: []string{"refund-title/2"}},
	{name: "dates: from is inclusive, to exclusive",
		query: "refund", filter: func(*engineFixture) search.Filter {
			f := everyone()
			f.From, f.To = day(2), day(5)
			return f
		},
		want: []string{"refund-title/2", "refund-reply/2"}},
	{name: "the post condition and its argument",
		query: "refund", filter: func(fx *engineFixture) search.Filter {
			f := everyone()
			f.Post = search.Cond{SQL: "p.user_id <> ?", Args: []any{fx.users["ana"]}}
			return f
		},
		want: []string{"refund-title/2"}},
	{name: "the thread condition and its arguments, bound after the others",
		query: "refund", filter: func(fx *engineFixture) search.Filter {
			f := everyone()
			f.Thread = search.Cond{SQL: "t.category_id NOT IN (?, ?)", Args: []any{fx.categories["billing"], fx.categories["using"]}}
			f.AuthorID, f.From = fx.users["ana"], day(3)
			return f
		},
		want: []string{"refund-question/1", "refund-reply/2"}},
	{name: "every filter at once",
		query: "refund OR 429", filter: func(fx *engineFixture) search.Filter {
			f := everyone()
			f.CategoryID, f.AuthorID, f.From, f.To, f.Newest = fx.categories["api"], fx.users["ana"], day(4), day(8), true
			f.Post = search.Cond{SQL: "p.position >= ?", Args: []any{1}}
			f.Thread = search.Cond{SQL: "t.title <> ?", Args: []any{"nothing"}}
			return f
		},
		want: []string{"rate-limit/1", "refund-reply/2"}},
	{name: "similar finds questions only",
		similar: true, query: "refund", filter: func(*engineFixture) search.Filter { return everyone() },
		want: []string{"refund-title/1", "refund-question/1"}},
	{name: "similar with a category",
		similar: true, query: "refund", filter: func(fx *engineFixture) search.Filter {
			f := everyone()
			f.CategoryID = fx.categories["billing"]
			return f
		},
		want: []string{"refund-title/1"}},
	{name: "similar with an author and dates",
		similar: true, query: "refund charge", filter: func(fx *engineFixture) search.Filter {
			f := everyone()
			f.AuthorID, f.From, f.To = fx.users["ana"], day(2), day(6)
			return f
		},
		want: []string{"refund-question/1"}},
	{name: "similar with the caller's conditions",
		similar: true, query: "refund 429", filter: func(fx *engineFixture) search.Filter {
			f := everyone()
			f.Post = search.Cond{SQL: "p.created_at > ?", Args: []any{day(1)}}
			f.Thread = search.Cond{SQL: "t.category_id <> ?", Args: []any{fx.categories["account"]}}
			return f
		},
		want: []string{"rate-limit/1"}},
	{name: "similar with a limit",
		similar: true, query: "refund", filter: func(*engineFixture) search.Filter { f := everyone(); f.Limit = 1; return f },
		want: []string{"refund-title/1"}},
	{name: "similar ignores newest first",
		similar: true, query: "refund", filter: func(*engineFixture) search.Filter { f := everyone(); f.Newest = true; return f },
		want: []string{"refund-title/1", "refund-question/1"}},
}

func (fx *engineFixture) run(t *testing.T, c engineCase) search.Hits {
	t.Helper()
	q := search.Parse(c.query)
	call := fx.engine.Search
	if c.similar {
		q, call = search.Similar(c.query), fx.engine.Similar
	}
	hits, err := call(context.Background(), fx.db, q, c.filter(fx))
	if err != nil {
		t.Fatalf("%s %q: %v", c.name, c.query, err)
	}
	return hits
}

func (fx *engineFixture) names(hits search.Hits) []string {
	out := make([]string, len(hits.Hits))
	for i, h := range hits.Hits {
		key, ok := fx.postKeys[h.PostID]
		if !ok {
			key = fmt.Sprintf("unknown post %d", h.PostID)
		}
		out[i] = key
	}
	return out
}

// Both engines are held to the same answers: a forum finds the same threads
// through the same posts whichever database it runs on.
func TestEnginesKeepTheContract(t *testing.T) {
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fx := loadEngineFixture(t, d, engineCorpus)
			for _, c := range engineCases {
				hits := fx.run(t, c)
				if got := fx.names(hits); !slices.Equal(got, c.want) {
					t.Errorf("%s: %q found %v, want %v", c.name, c.query, got, c.want)
				}
				if hits.Truncated {
					t.Errorf("%s: truncated with a handful of posts", c.name)
				}
			}
		})
	}
}

// An engine will not search without the caller's visibility conditions or
// a limit: a mistake there must fail, not show everything.
func TestEnginesRefuseIncompleteFilters(t *testing.T) {
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fx := loadEngineFixture(t, d, engineCorpus[:1])
			q := search.Parse("refund")
			for name, f := range map[string]search.Filter{
				"no post condition":   {Thread: search.Cond{SQL: "1 = 1"}, Limit: 10},
				"no thread condition": {Post: search.Cond{SQL: "1 = 1"}, Limit: 10},
				"no limit":            {Post: search.Cond{SQL: "1 = 1"}, Thread: search.Cond{SQL: "1 = 1"}},
			} {
				for _, call := range []func(context.Context, *gorm.DB, search.Query, search.Filter) (search.Hits, error){fx.engine.Search, fx.engine.Similar} {
					hits, err := call(context.Background(), fx.db, q, f)
					if err == nil || len(hits.Hits) != 0 {
						t.Errorf("%s: %v, %v; want an error and no hits", name, hits.Hits, err)
					}
				}
			}
			if _, err := fx.engine.Search(context.Background(), fx.db, q, everyone()); err != nil {
				t.Errorf("a complete filter: %v", err)
			}
		})
	}
}

// Only the newest MaxCandidates matching posts are ranked, and the engine
// says so; filters apply before that cap, so a narrow search still finds
// an old post behind a flood of newer ones.
func TestEnginesCapCandidatesAfterFilters(t *testing.T) {
	flood := corpusThread{key: "flood", category: "using", title: "Sync keeps failing"}
	for i := 0; i < search.MaxCandidates; i++ {
		flood.posts = append(flood.posts, corpusPost{"ben", "The sync failed again.", 10})
	}
	old := corpusThread{key: "old", category: "using", title: "First sync", posts: []corpusPost{{"ana", "My first sync failed.", 9}}}
	corpus := []corpusThread{old, flood}
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fx := loadEngineFixture(t, d, corpus)
			hits := fx.run(t, engineCase{query: "sync", filter: func(*engineFixture) search.Filter { return everyone() }})
			if got := fx.names(hits); !hits.Truncated || !slices.Equal(got, []string{"flood/1"}) {
				t.Errorf("a flood of %d matches: %v, truncated %v; want only the flood's question and truncated",
					search.MaxCandidates+1, got, hits.Truncated)
			}
			hits = fx.run(t, engineCase{query: "sync", filter: func(fx *engineFixture) search.Filter {
				f := everyone()
				f.AuthorID = fx.users["ana"]
				return f
			}})
			if got := fx.names(hits); hits.Truncated || !slices.Equal(got, []string{"old/1"}) {
				t.Errorf("one author's match behind the flood: %v, truncated %v; want the old thread, not truncated", got, hits.Truncated)
			}
		})
	}
}
