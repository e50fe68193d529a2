package search

// titleFillers are words, as stems, that questions share whatever they are
// about; with the English stop words, which Parse drops from bare words but
// which quoted text keeps, they do not count as a title's meaningful words.
var titleFillers = map[string]bool{
	"get": true, "help": true, "cant": true, "dont": true, "would": true, "could": true,
	"pleas": true, "anyon": true, "someon": true, "question": true,
}

func filler(w string) bool { return englishStopWords[w] || titleFillers[w] }

// maxSimilarTerms keeps the OR query of a long title small.
const maxSimilarTerms = 12

// Similar turns a title being typed into a query that finds threads sharing
// any of its meaningful words: every word becomes an alternative of one
// group, so the ranking, not the matching, decides what is most alike.
// Quotes, exclusions and OR typed into a title are taken as plain words.
func Similar(title string) Query {
	var alts []Term
	seen := map[string]bool{}
	for _, g := range Parse(title).Groups {
		for _, t := range splitPhrases(g.Alternatives) {
			t.Negated = false
			key := fmtTerm(t)
			if seen[key] || (len(t.Words) == 1 && !t.Prefix && filler(t.Words[0])) {
				continue
			}
			seen[key] = true
			alts = append(alts, t)
			if len(alts) == maxSimilarTerms {
				return Query{Groups: []Group{{Alternatives: alts}}}
			}
		}
	}
	if len(alts) == 0 {
		return Query{}
	}
	return Query{Groups: []Group{{Alternatives: alts}}}
}

func fmtTerm(t Term) string {
	key := ""
	for _, w := range t.Words {
		key += w + "\x00"
	}
	if t.Prefix {
		key += "*"
	}
	return key
}

// splitPhrases turns every phrase into separate words: quotes typed into a
// title are not a search operator, and each Japanese (or other CJK) run,
// which Parse makes a phrase of bigrams, becomes separate bigrams, since two
// titles about the same thing share some bigrams long before they share a
// whole sentence.
func splitPhrases(terms []Term) []Term {
	var out []Term
	for _, t := range terms {
		if !t.Phrase {
			out = append(out, t)
			continue
		}
		for i, w := range t.Words {
			// A run's lone last character, which a phrase carries only
			// to stay adjacent to the next token, would match every
			// run that ends with it.
			if i > 0 && isRunTail(t.Words[i-1], w) {
				continue
			}
			if !allCJK([]string{w}) && filler(w) {
				continue
			}
			out = append(out, Term{Words: []string{w}, Prefix: t.Prefix && i == len(t.Words)-1})
		}
	}
	return out
}

func allCJK(words []string) bool {
	for _, w := range words {
		for _, r := range w {
			if !IsCJK(r) {
				return false
			}
		}
	}
	return len(words) > 0
}
