// Package search turns forum text and user queries into forms that both
// full-text engines Hiroba runs on (PostgreSQL tsvector/tsquery and SQLite
// FTS5) understand the same way, so search behaves identically whichever
// database a deployment uses.
//
// Normalization is NFKC followed by Unicode case folding. Japanese users mix
// full-width and half-width forms freely (ＡＰＩ, ｶﾀｶﾅ, ①), and input methods
// pick one or the other without the user noticing; NFKC folds those
// compatibility variants together so a post typed one way is found by a query
// typed the other way. Case folding comes after NFKC because NFKC can itself
// produce upper-case letters (Ⅻ becomes XII).
//
// Chinese, Japanese and Korean text has no spaces between words, and neither
// database ships a morphological analyser for it: both would index a whole
// sentence such as 請求に関するお問い合わせ as one giant token that no query
// ever matches. Instead each run of CJK characters is indexed as overlapping
// character bigrams (請求 求に に関 …), the approach used by Lucene's CJK
// analyzer. A query for a CJK word becomes the phrase of its bigrams, so it
// matches exactly where the word appears in the text, with no dictionary to
// maintain. A single CJK character becomes a prefix query that matches every
// bigram starting with it.
//
// Queries use the websearch syntax people already know (bare words are
// ANDed, "quoted phrases", -exclusions, OR). Parse builds a small AST once,
// and the FTS5 and TSQuery renderers turn it into engine syntax in which
// every piece of user text is quoted, so the result is always a well-formed
// expression that the store passes as a bound parameter and never splices
// into SQL.
//
// English stemming (Snowball) and stop words are handled here, in Go, for
// both databases, whose own stemmers disagree; the databases only match the
// tokens. On SQLite, store IndexText output in an FTS5 table created with
// tokenize='unicode61 remove_diacritics 0' and query it with MATCH ? bound to
// Query.FTS5(). On PostgreSQL, index to_tsvector('simple', IndexText(text))
// and query to_tsquery('simple', $1) bound to Query.TSQuery(); the 'simple'
// configuration adds no stemming or stop words of its own.
//
// The Engine implementations, Postgres and SQLite, run those queries over
// the forum's tables; the store picks one for its database.
package search
