package search

import (
	"unicode"
	"unicode/utf8"
)

// Limits on what Parse considers, so that a pasted essay or a hostile query
// cannot turn into an expression that is expensive for the database.
const (
	// MaxQueryBytes is how much of the raw query (and of its normalized
	// form) is read; the rest is ignored.
	MaxQueryBytes = 1000
	// MaxTerms is the maximum number of terms, counting every OR
	// alternative and every exclusion.
	MaxTerms = 32
)

// Query is a parsed search query. Groups are ANDed.
//
// Parse never mixes negated and positive terms in one group: an exclusion is
// always a group of its own, and an OR next to an exclusion is ignored.
type Query struct {
	Groups []Group
}

// Group is a set of alternatives, any of which may match (OR). A plain term
// is a group with one alternative.
type Group struct {
	Alternatives []Term
}

// Term is one word or phrase.
type Term struct {
	// Words are normalized tokens as they appear in IndexText output; a CJK
	// word is its sequence of bigrams, followed by its last character only
	// where more tokens follow, as in the index.
	Words []string
	// Phrase means the words must be adjacent and in order. It is set for
	// quoted text and for any word that splits into several tokens (CJK
	// words, or foo-bar).
	Phrase bool
	// Negated excludes documents matching the term.
	Negated bool
	// Prefix means the last word matches any token starting with it. It is
	// set when the term ends in a lone CJK character, which the index only
	// holds as the first half of bigrams.
	Prefix bool
}

// Empty reports whether q has nothing positive to search for, for example
// when the input was blank, only punctuation, or only exclusions. The store
// should then return no results without querying the database.
func (q Query) Empty() bool {
	for _, g := range q.Groups {
		if len(positive(g)) > 0 {
			return false
		}
	}
	return true
}

// Words returns the distinct positive search words in query order, for
// highlighting matches in Normalize'd text. Bigram sequences are joined back
// into the CJK text they came from (請求 求書 gives 請求書), so a highlighter
// gets one non-overlapping string per word. English words are stems: a
// highlighter compares them with the stems of the text's words.
func (q Query) Words() []string {
	var out []string
	seen := map[string]bool{}
	for _, g := range q.Groups {
		for _, t := range positive(g) {
			for _, w := range joinBigrams(t.Words) {
				if !seen[w] {
					seen[w] = true
					out = append(out, w)
				}
			}
		}
	}
	return out
}

// positive returns the alternatives of g that are not negated; a group whose
// alternatives are all negated is an exclusion.
func positive(g Group) []Term {
	var out []Term
	for _, t := range g.Alternatives {
		if !t.Negated && len(t.Words) > 0 {
			out = append(out, t)
		}
	}
	return out
}

func negative(g Group) []Term {
	if len(positive(g)) > 0 {
		return nil
	}
	var out []Term
	for _, t := range g.Alternatives {
		if len(t.Words) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// joinBigrams merges runs of overlapping CJK bigrams back into the text they
// were cut from, dropping the lone last character that follows a run inside
// a phrase (it is already part of the joined text).
func joinBigrams(words []string) []string {
	var out []string
	var prev []string // units of the previous word if it was a CJK bigram
	for _, w := range words {
		u := cjkUnits(w)
		switch {
		case len(u) == 2 && len(prev) == 2 && prev[1] == u[0] && len(out) > 0:
			out[len(out)-1] += u[1]
		case len(u) == 1 && len(prev) == 2 && prev[1] == u[0]:
			// The run's lone last character is already in the joined text.
		default:
			out = append(out, w)
		}
		if len(u) == 2 {
			prev = u
		} else {
			prev = nil
		}
	}
	return out
}

// Parse parses a websearch-style query:
//
//	word word      both words must appear
//	"a phrase"     the words must appear together, in order
//	-word -"a b"   exclude documents containing the word or phrase
//	a OR b         either may appear (OR must be upper-case)
//
// Parse accepts any input: unbalanced quotes run to the end of the input, a
// lone -, a leading or trailing OR, punctuation and invalid UTF-8 are
// ignored. Only the first MaxQueryBytes bytes and MaxTerms terms count.
func Parse(raw string) Query {
	s := nfkcOnly(truncate(raw, MaxQueryBytes))
	s = truncate(s, MaxQueryBytes)

	var p parser
	i := 0
	for i < len(s) && p.terms < MaxTerms {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case isQuote(r):
			i = p.phrase(s, i+size, false)
		case r == '-':
			j := i
			for j < len(s) && s[j] == '-' {
				j++
			}
			r2, size2 := utf8.DecodeRuneInString(s[j:])
			switch {
			case j == len(s) || unicode.IsSpace(r2):
				i = j // a lone - is not an operator
			case isQuote(r2):
				i = p.phrase(s, j+size2, true)
			default:
				end := bareEnd(s, j)
				p.add(s[j:end], false, true)
				i = end
			}
		default:
			end := bareEnd(s, i)
			if s[i:end] == "OR" {
				p.items = append(p.items, item{or: true})
			} else {
				p.add(s[i:end], false, false)
			}
			i = end
		}
	}
	return p.query()
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for k := 0; k < utf8.UTFMax && cut > 0 && !utf8.RuneStart(s[cut]); k++ {
		cut--
	}
	return s[:cut]
}

// isQuote accepts the typographic quotes that phones and word processors
// substitute for " as well.
func isQuote(r rune) bool {
	return r == '"' || r == '“' || r == '”' || r == '„'
}

// bareEnd returns where the bare word starting at i ends: at white space or
// at a quote, which starts a phrase even without a space before it.
func bareEnd(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) || isQuote(r) {
			break
		}
		i += size
	}
	return i
}

type item struct {
	term Term
	or   bool
}

type parser struct {
	items []item
	terms int
}

// phrase reads a quoted phrase whose text starts at i and returns the offset
// after its closing quote, or the end of s if it is unbalanced.
func (p *parser) phrase(s string, i int, negated bool) int {
	end := i
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if isQuote(r) {
			p.add(s[i:end], true, negated)
			return end + size
		}
		end += size
	}
	p.add(s[i:], true, negated)
	return end
}

// add tokenizes text into a term; text that holds no word at all (pure
// punctuation) is dropped as if it had not been typed.
func (p *parser) add(text string, quoted, negated bool) {
	words, lastLone := appendTokens(nil, Normalize(text), false)
	if len(words) == 0 || (!quoted && len(words) == 1 && englishStopWords[words[0]]) {
		return
	}
	words = stemAll(words)
	p.items = append(p.items, item{term: Term{
		Words:   words,
		Phrase:  quoted || len(words) > 1,
		Negated: negated,
		Prefix:  lastLone,
	}})
	p.terms++
}

// query resolves OR operators: an OR joins the positive terms on either side
// into one group and is ignored anywhere else.
func (p *parser) query() Query {
	var q Query
	prevPositive, pendingOR := false, false
	for _, it := range p.items {
		switch {
		case it.or:
			pendingOR = prevPositive
		case it.term.Negated:
			q.Groups = append(q.Groups, Group{Alternatives: []Term{it.term}})
			prevPositive, pendingOR = false, false
		case pendingOR:
			last := &q.Groups[len(q.Groups)-1]
			last.Alternatives = append(last.Alternatives, it.term)
			pendingOR = false
		default:
			q.Groups = append(q.Groups, Group{Alternatives: []Term{it.term}})
			prevPositive = true
		}
	}
	return q
}
