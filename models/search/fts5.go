package search

import "strings"

// FTS5 renders q as an SQLite FTS5 MATCH expression, to be passed as a bound
// parameter. Every word is a double-quoted FTS5 string, so column filters,
// NEAR, ^ and other FTS5 syntax in user input are inert. Groups are joined
// with an explicit AND. An empty query renders as "", an empty phrase that
// FTS5 accepts and that matches nothing; callers should check Empty first
// anyway.
//
// The FTS5 table must tokenize IndexText output with the same tokenizer the
// query is run against (unicode61 remove_diacritics 0), so that words in the
// query are split exactly as they were when indexed.
func (q Query) FTS5() string {
	var pos, neg []string
	for _, g := range q.Groups {
		if alts := positive(g); len(alts) > 0 {
			pos = append(pos, fts5Alternatives(alts))
			continue
		}
		for _, t := range negative(g) {
			neg = append(neg, fts5Term(t))
		}
	}
	if len(pos) == 0 {
		return `""`
	}
	// FTS5 only allows implicit AND (juxtaposition) between phrases, not
	// after a parenthesized OR group, so AND is always spelled out.
	expr := strings.Join(pos, " AND ")
	if len(neg) == 0 {
		return expr
	}
	// FTS5's NOT is binary and needs a positive left operand; the
	// parentheses keep NOT, which binds tighter than AND, from applying to
	// the last positive group only.
	return "(" + expr + ") NOT (" + strings.Join(neg, " OR ") + ")"
}

func fts5Alternatives(alts []Term) string {
	if len(alts) == 1 {
		return fts5Term(alts[0])
	}
	parts := make([]string, len(alts))
	for i, t := range alts {
		parts[i] = fts5Term(t)
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// fts5Term renders a term as one FTS5 string: the tokenizer splits a quoted
// string into a phrase, and a trailing * makes its last token a prefix.
func fts5Term(t Term) string {
	s := `"` + strings.ReplaceAll(strings.Join(t.Words, " "), `"`, `""`) + `"`
	if t.Prefix {
		s += " *"
	}
	return s
}
