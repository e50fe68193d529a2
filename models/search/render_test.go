package search

import "testing"

func TestRender(t *testing.T) {
	tests := []struct {
		in, fts5, tsquery string
	}{
		{"", `""`, ""},
		{"-only", `""`, ""},
		{"hello world", `"hello" AND "world"`, `'hello' & 'world'`},
		{`"exact phrase"`, `"exact phrase"`, `('exact' <-> 'phrase')`},
		{"alpha OR bravo charlie", `("alpha" OR "bravo") AND "charli"`, `('alpha' | 'bravo') & 'charli'`},
		{`fox -jumps -"quick brown"`, `("fox") NOT ("jump" OR "quick brown")`, `'fox' & !'jump' & !('quick' <-> 'brown')`},
		{"請求書", `"請求 求書"`, `('請求' <-> '求書')`},
		{"請", `"請" *`, `'請':*`},
		{"a請", `"a 請" *`, `('a' <-> '請':*)`},
		{"API キー OR 鍵", `"api" AND ("キー" OR "鍵" *)`, `'api' & ('キー' | '鍵':*)`},
		{"'; DROP TABLE x; --", `"drop" AND "tabl" AND "x"`, `'drop' & 'tabl' & 'x'`},
		{"the of and", `""`, ""},
		{"the Billing errors", `"bill" AND "error"`, `'bill' & 'error'`},
		{`"how to"`, `"how to"`, `('how' <-> 'to')`},
		{"キーAPI", `"キー ー api"`, `('キー' <-> 'ー' <-> 'api')`},
	}
	for _, tt := range tests {
		q := Parse(tt.in)
		if got := q.FTS5(); got != tt.fts5 {
			t.Errorf("Parse(%q).FTS5() = %s, want %s", tt.in, got, tt.fts5)
		}
		if got := q.TSQuery(); got != tt.tsquery {
			t.Errorf("Parse(%q).TSQuery() = %s, want %s", tt.in, got, tt.tsquery)
		}
	}
}

// Parse never yields quotes or backslashes inside words, but a Query built by
// hand may; the renderers must still quote them safely.
func TestRenderEscapes(t *testing.T) {
	q := groups(group(Term{Words: []string{`a"b`, `c'd\e`}, Phrase: true}), group(Term{}), group(not(Term{})))
	if got, want := q.FTS5(), `"a""b c'd\e"`; got != want {
		t.Errorf("FTS5() = %s, want %s", got, want)
	}
	if got, want := q.TSQuery(), `('a"b' <-> 'c''d\\e')`; got != want {
		t.Errorf("TSQuery() = %s, want %s", got, want)
	}
	if err := checkTSQuery(q.TSQuery()); err != nil {
		t.Error(err)
	}
}
