package models

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"hiroba/migrations"
)

// explainQueries are the kinds of search whose plans say where the time of
// a large forum goes: a word in a third of the posts, two common words, a
// phrase, and a Japanese word.
var explainQueries = []string{"account", "API key", `"recovery codes"`, "請求"}

// TestExplainSearch prints EXPLAIN (ANALYZE, BUFFERS) of every statement the
// search page's query runs for explainQueries, with the page's own filter,
// over the seeded PostgreSQL database in HIROBA_SEARCH_EXPLAIN_URL; without
// it, it skips. .ci/searchbench --explain runs it. It asserts nothing: plans
// are for reading.
func TestExplainSearch(t *testing.T) {
	url := os.Getenv("HIROBA_SEARCH_EXPLAIN_URL")
	if url == "" {
		t.Skip("HIROBA_SEARCH_EXPLAIN_URL is not set: it names a seeded PostgreSQL database (.ci/searchbench --explain)")
	}
	rec := &statementRecorder{}
	db, err := gorm.Open(postgres.Open(url), &gorm.Config{Logger: rec})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	defer sqlDB.Close()
	s := NewStore(db, migrations.Postgres)
	ctx := context.Background()
	for _, q := range explainQueries {
		rec.take() // the statements of earlier searches
		if _, err := s.Search(ctx, SearchInput{Query: q}); err != nil {
			t.Fatal(err)
		}
		for _, stmt := range rec.take() {
			if !strings.Contains(stmt, "post_search") && !strings.Contains(stmt, "= ANY(") {
				continue // the newest id, and the rows of the page's results
			}
			var plan []string
			if err := db.Session(&gorm.Session{Logger: logger.Discard}).Raw("EXPLAIN (ANALYZE, BUFFERS) " + stmt).Scan(&plan).Error; err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			t.Logf("search %q:\n%s\n%s\n", q, stmt, strings.Join(plan, "\n"))
		}
	}
}

// statementRecorder is a gorm logger that keeps every statement run, with its
// arguments in place, for EXPLAIN.
type statementRecorder struct {
	mu    sync.Mutex
	stmts []string
}

func (r *statementRecorder) LogMode(logger.LogLevel) logger.Interface { return r }
func (r *statementRecorder) Info(context.Context, string, ...any)     {}
func (r *statementRecorder) Warn(context.Context, string, ...any)     {}
func (r *statementRecorder) Error(context.Context, string, ...any)    {}

func (r *statementRecorder) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	sql, _ := fc()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stmts = append(r.stmts, sql)
}

func (r *statementRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.stmts
	r.stmts = nil
	return out
}
