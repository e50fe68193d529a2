package search

import (
	"database/sql"
	"reflect"
	"strings"
	"testing"

	_ "github.com/glebarez/go-sqlite"
)

// fts5Tokenizer is the tokenizer the store uses for IndexText output
// (migrations/sqlite/0002_search.sql): it only splits and lower-cases, as
// stemming and accent folding already happened in Go.
const fts5Tokenizer = "unicode61 remove_diacritics 0"

// openFTS5 returns an in-memory database with an FTS5 table "docs" and its
// fts5vocab companion "docs_vocab".
func openFTS5(tb testing.TB) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		tb.Fatal(err)
	}
	// Every connection to :memory: is a separate database.
	db.SetMaxOpenConns(1)
	tb.Cleanup(func() { db.Close() })
	for _, stmt := range []string{
		`CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='` + fts5Tokenizer + `')`,
		`CREATE VIRTUAL TABLE docs_vocab USING fts5vocab(docs, 'instance')`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			tb.Fatalf("%s: %v", stmt, err)
		}
	}
	return db
}

func fts5Match(db *sql.DB, expr string) ([]int64, error) {
	rows, err := db.Query(`SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rowid`, expr)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func TestSQLiteRoundTrip(t *testing.T) {
	db := openFTS5(t)
	for id, doc := range roundTripDocs {
		if doc == "" {
			continue
		}
		if _, err := db.Exec(`INSERT INTO docs(rowid, body) VALUES (?, ?)`, id, IndexText(doc)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range roundTripCases {
		q := Parse(c.query)
		if q.Empty() != (c.want == nil) {
			t.Errorf("Parse(%q).Empty() = %v", c.query, q.Empty())
			continue
		}
		got, err := fts5Match(db, q.FTS5())
		if err != nil {
			t.Errorf("query %q: MATCH %s: %v", c.query, q.FTS5(), err)
			continue
		}
		want := c.want
		if want == nil {
			want = []int64{}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("query %q (MATCH %s) found %v, want %v", c.query, q.FTS5(), got, want)
		}
	}
}

func TestSQLiteAcceptsSampleQueries(t *testing.T) {
	db := openFTS5(t)
	for _, s := range sampleQueries {
		if _, err := fts5Match(db, Parse(s).FTS5()); err != nil {
			t.Errorf("Parse(%q).FTS5() = %s: %v", s, Parse(s).FTS5(), err)
		}
	}
}

// The tokenizer must keep each IndexText token whole and in order, or
// bigram phrases would not line up with what was indexed.
func TestSQLiteTokenizerKeepsTokens(t *testing.T) {
	db := openFTS5(t)
	for _, doc := range []string{
		"請求に関するお問い合わせ",
		"APIキーが無効です",
		"ｶﾀｶﾅとﾃｽﾄ１２３、ひらがな・カタカナ・漢字。한국어 텍스트",
		"ラーメン々〇",
		"Billing errors in the news feed: café résumés, e2e 429",
		"キーAPI 消費税。ｶﾞｲﾄﾞ",
	} {
		want := strings.Fields(IndexText(doc))
		if _, err := db.Exec(`DELETE FROM docs`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO docs(body) VALUES (?)`, IndexText(doc)); err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query(`SELECT term, "offset" FROM docs_vocab ORDER BY "offset"`)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var term string
			var off int
			if err := rows.Scan(&term, &off); err != nil {
				t.Fatal(err)
			}
			if off != len(got) {
				t.Errorf("%q: token %q at offset %d, want %d", doc, term, off, len(got))
			}
			got = append(got, term)
		}
		rows.Close()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: FTS5 tokens %q, want %q", doc, got, want)
		}
	}
}
