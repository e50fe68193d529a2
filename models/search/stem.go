package search

import (
	"github.com/kljensen/snowball/english"
)

// Stemming happens here, in Go, for both databases: PostgreSQL's Snowball
// and SQLite's Porter stemmers disagree on words like "news", and a search
// must give the same answer on both. The index stores stems; queries are
// stemmed the same way; the databases only match tokens ('simple'
// configuration, unicode61 tokenizer).

// stem reduces an English word to its Snowball stem. Words with anything
// but ASCII letters (numbers, codes such as 429 or e2e, other scripts) are
// kept as they are, and so are very short words.
func stem(w string) string {
	if len(w) < 3 {
		return w
	}
	for i := 0; i < len(w); i++ {
		if c := w[i]; c < 'a' || c > 'z' {
			return w
		}
	}
	return english.Stem(w, false)
}

// stemAll stems the non-CJK tokens of a token list in place.
func stemAll(tokens []string) []string {
	for i, t := range tokens {
		tokens[i] = stem(t)
	}
	return tokens
}

// englishStopWords are left out of queries (outside quoted phrases), where
// they would otherwise require a post to contain "the" or "my" to match.
// The index keeps them, so a quoted phrase such as "how to" still matches.
// The list is PostgreSQL's English stop list.
var englishStopWords = map[string]bool{}

func init() {
	for _, w := range []string{
		"i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours", "yourself",
		"yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its", "itself",
		"they", "them", "their", "theirs", "themselves", "what", "which", "who", "whom", "this", "that",
		"these", "those", "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had",
		"having", "do", "does", "did", "doing", "a", "an", "the", "and", "but", "if", "or", "because", "as",
		"until", "while", "of", "at", "by", "for", "with", "about", "against", "between", "into", "through",
		"during", "before", "after", "above", "below", "to", "from", "up", "down", "in", "out", "on", "off",
		"over", "under", "again", "further", "then", "once", "here", "there", "when", "where", "why", "how",
		"all", "any", "both", "each", "few", "more", "most", "other", "some", "such", "no", "nor", "not",
		"only", "own", "same", "so", "than", "too", "very", "s", "t", "can", "will", "just", "don",
		"should", "now",
	} {
		englishStopWords[w] = true
	}
}
