package search

import "strings"

// TSQuery renders q for PostgreSQL's to_tsquery(config, $1), to be passed as
// a bound parameter. Words are quoted lexemes, phrases use <->, a prefix is
// :*, and groups combine with &, | and !. An empty query renders as "",
// which to_tsquery turns into an empty tsquery that matches nothing; callers
// should check Empty first anyway.
//
// Words are already stemmed here, as IndexText stems the index: the store
// builds the tsvector as to_tsvector('simple', IndexText(text)) and the query
// as to_tsquery('simple', q.TSQuery()), so the database adds no stemming or
// stop words of its own.
func (q Query) TSQuery() string {
	var parts []string
	for _, g := range q.Groups {
		if alts := positive(g); len(alts) > 0 {
			parts = append(parts, tsAlternatives(alts))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	for _, g := range q.Groups {
		for _, t := range negative(g) {
			parts = append(parts, "!"+tsTerm(t))
		}
	}
	return strings.Join(parts, " & ")
}

func tsAlternatives(alts []Term) string {
	if len(alts) == 1 {
		return tsTerm(alts[0])
	}
	parts := make([]string, len(alts))
	for i, t := range alts {
		parts[i] = tsTerm(t)
	}
	return "(" + strings.Join(parts, " | ") + ")"
}

// tsTerm renders a term as a lexeme or a parenthesized phrase, so that it can
// be negated or combined without relying on operator precedence.
func tsTerm(t Term) string {
	parts := make([]string, len(t.Words))
	for i, w := range t.Words {
		parts[i] = tsLexeme(w)
	}
	if t.Prefix {
		parts[len(parts)-1] += ":*"
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "(" + strings.Join(parts, " <-> ") + ")"
}

// tsLexeme quotes w; inside a tsquery quoted lexeme a quote is doubled and a
// backslash escapes the next character.
func tsLexeme(w string) string {
	w = strings.ReplaceAll(w, `\`, `\\`)
	w = strings.ReplaceAll(w, `'`, `''`)
	return "'" + w + "'"
}
