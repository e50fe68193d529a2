package search

import (
	"database/sql"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, s := range sampleQueries {
		f.Add(s)
	}
	db := openFTS5(f)
	if _, err := db.Exec(`INSERT INTO docs(body) VALUES (?), (?)`,
		IndexText("請求に関するお問い合わせ"), IndexText("The quick brown fox")); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q := Parse(raw)
		n := 0
		for _, g := range q.Groups {
			if len(g.Alternatives) == 0 {
				t.Fatalf("empty group in %+v", q)
			}
			for _, term := range g.Alternatives {
				n++
				if len(term.Words) == 0 {
					t.Fatalf("term without words in %+v", q)
				}
				if term.Negated && len(g.Alternatives) > 1 {
					t.Fatalf("exclusion inside an OR group in %+v", q)
				}
				for _, w := range term.Words {
					if w == "" || !utf8.ValidString(w) || strings.ContainsAny(w, " \"'\\\x00") {
						t.Fatalf("bad word %q in %+v", w, q)
					}
				}
			}
		}
		if n > MaxTerms {
			t.Fatalf("%d terms", n)
		}

		expr := q.FTS5()
		if _, err := fts5Match(db, expr); err != nil {
			t.Fatalf("Parse(%q).FTS5() = %s rejected by SQLite: %v", raw, expr, err)
		}
		ts := q.TSQuery()
		if err := checkTSQuery(ts); err != nil {
			t.Fatal(err)
		}
		if q.Empty() != (ts == "") || q.Empty() != (expr == `""`) {
			t.Fatalf("Empty() = %v but FTS5() = %s, TSQuery() = %s", q.Empty(), expr, ts)
		}
		if q2 := Parse(raw); q2.FTS5() != expr || q2.TSQuery() != ts {
			t.Fatalf("rendering of %q is not deterministic", raw)
		}
		for _, w := range q.Words() {
			if w == "" || !utf8.ValidString(w) {
				t.Fatalf("bad highlight word %q", w)
			}
		}
	})
}

func FuzzIndexText(f *testing.F) {
	for _, s := range []string{
		"",
		"請求に関するお問い合わせ",
		"APIキーが無効です",
		"ＡＰＩ ｶﾀｶﾅ ①②",
		"Straße Ⅻ e\u0301 \u0301",
		"a\xffb\x00c",
		"ﷺ 🎉 ⺀ 〇々",
		"あ\u3099い हिन्दी",
		"Billing errors in the news: café résumés",
		"How to export my data -the OR of",
		"キーAPI 領収書。PDF 消費税",
		"é x\u20d7 y\u3099",
	} {
		f.Add(s)
	}
	db := openFTS5(f)
	f.Fuzz(func(t *testing.T, s string) {
		idx := IndexText(s)
		if !utf8.ValidString(idx) || strings.ContainsRune(idx, 0) {
			t.Fatalf("IndexText(%q) = %q: invalid UTF-8 or NUL", s, idx)
		}
		if idx != strings.Join(strings.Fields(idx), " ") {
			t.Fatalf("IndexText(%q) = %q: irregular spacing", s, idx)
		}
		// IndexText is not idempotent (stems are stemmed again, and a CJK
		// run's last character is added again), but every token must be
		// normalized already and stay one token, or the databases would
		// split it differently from the query.
		for _, tok := range strings.Fields(idx) {
			if Normalize(tok) != tok {
				t.Fatalf("IndexText(%q) = %q: token %q not normalized", s, idx, tok)
			}
			if again, _ := appendTokens(nil, tok, false); len(again) != 1 || again[0] != tok {
				t.Fatalf("IndexText(%q) = %q: token %q splits into %q", s, idx, tok, again)
			}
		}
		if n := Normalize(s); Normalize(n) != n {
			t.Fatalf("Normalize not idempotent on %q", s)
		}

		// A document must be found by its own text as a phrase query.
		doc := strings.Map(func(r rune) rune {
			if isQuote(r) {
				return -1
			}
			return r
		}, nfkcOnly(s))
		if len(nfkcOnly(doc))+2 > MaxQueryBytes {
			return
		}
		q := Parse(`"` + doc + `"`)
		if q.Empty() != (IndexText(doc) == "") {
			t.Fatalf("Parse of document %q: Empty() = %v, IndexText = %q", doc, q.Empty(), IndexText(doc))
		}
		if q.Empty() {
			return
		}
		if _, err := db.Exec(`DELETE FROM docs`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO docs(rowid, body) VALUES (1, ?)`, IndexText(doc)); err != nil {
			t.Fatal(err)
		}
		var tokens int
		if err := db.QueryRow(`SELECT count(*) FROM docs_vocab`).Scan(&tokens); err != nil {
			t.Fatal(err)
		}
		if tokens == 0 {
			return // only characters the SQLite tokenizer ignores
		}
		ids, err := fts5Match(db, q.FTS5())
		if err != nil {
			t.Fatalf("MATCH %s: %v", q.FTS5(), err)
		}
		if len(ids) != 1 {
			t.Fatalf("document %q (indexed %q) not found by MATCH %s", doc, IndexText(doc), q.FTS5())
		}

		// Nor may it be missed by its own words typed without quotes,
		// each normalized, stemmed and checked for stop words on its own.
		bare := strings.Map(func(r rune) rune {
			if r == '-' {
				return ' ' // not an exclusion
			}
			return r
		}, doc)
		q = Parse(bare)
		if q.Empty() {
			return
		}
		ids, err = fts5Match(db, q.FTS5())
		if err != nil {
			t.Fatalf("MATCH %s: %v", q.FTS5(), err)
		}
		if len(ids) != 1 && fts5Tokens(t, db, q) {
			t.Fatalf("document %q (indexed %q) not found by its words: MATCH %s", doc, IndexText(doc), q.FTS5())
		}
	})
}

// fts5Tokens reports whether every word of q is a token to the FTS5
// tokenizer too. Its Unicode tables are older than Go's, so a letter of a
// recent Unicode version may be a separator to it; a term of only such
// letters becomes an empty phrase that matches nothing.
func fts5Tokens(t *testing.T, db *sql.DB, q Query) bool {
	t.Helper()
	for _, stmt := range []string{
		`CREATE VIRTUAL TABLE IF NOT EXISTS probe USING fts5(body, tokenize='` + fts5Tokenizer + `')`,
		`CREATE VIRTUAL TABLE IF NOT EXISTS probe_vocab USING fts5vocab(probe, 'instance')`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range q.Groups {
		for _, term := range g.Alternatives {
			for _, w := range term.Words {
				var n int
				_, err := db.Exec(`DELETE FROM probe`)
				if err == nil {
					_, err = db.Exec(`INSERT INTO probe(body) VALUES (?)`, w)
				}
				if err == nil {
					err = db.QueryRow(`SELECT count(*) FROM probe_vocab`).Scan(&n)
				}
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					return false
				}
			}
		}
	}
	return true
}
