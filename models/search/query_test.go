package search

import (
	"reflect"
	"strings"
	"testing"
)

// Helpers keep the expected ASTs in the table readable.
func word(w string) Term       { return Term{Words: []string{w}} }
func phrase(ws ...string) Term { return Term{Words: ws, Phrase: true} }
func not(t Term) Term          { t.Negated = true; return t }
func prefix(t Term) Term       { t.Prefix = true; return t }
func group(alts ...Term) Group { return Group{Alternatives: alts} }
func groups(gs ...Group) Query { return Query{Groups: gs} }
func terms(ts ...Term) (gs []Group) {
	for _, t := range ts {
		gs = append(gs, group(t))
	}
	return gs
}

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  Query
		empty bool
	}{
		{name: "blank", in: "   \t\n", empty: true},
		{name: "bare words", in: "hello World", want: Query{terms(word("hello"), word("world"))}},
		{name: "phrase", in: `"exact phrase" x`, want: Query{terms(phrase("exact", "phrase"), word("x"))}},
		{name: "single word phrase", in: `"one"`, want: Query{terms(phrase("one"))}},
		{name: "exclusion only", in: "-spam", want: Query{terms(not(word("spam")))}, empty: true},
		{name: "excluded phrase", in: `-"bad phrase" good`, want: Query{terms(not(phrase("bad", "phrase")), word("good"))}},
		{name: "or", in: "a OR b c", want: groups(group(word("a"), word("b")), group(word("c")))},
		{name: "or chain", in: "a OR b OR c", want: groups(group(word("a"), word("b"), word("c")))},
		{name: "leading and trailing or", in: "OR a OR", want: Query{terms(word("a"))}},
		{name: "double or", in: "a OR OR b", want: groups(group(word("a"), word("b")))},
		{name: "only or", in: "OR", empty: true},
		{name: "lower-case or is a word", in: "a or b", want: Query{terms(word("a"), word("or"), word("b"))}},
		{name: "full-width or", in: "a ＯＲ b", want: groups(group(word("a"), word("b")))},
		{name: "or next to exclusion ignored", in: "a OR -b", want: Query{terms(word("a"), not(word("b")))}},
		{name: "exclusion then or", in: "-b OR a", want: Query{terms(not(word("b")), word("a"))}},
		{name: "negated or is a word", in: "x -OR", want: Query{terms(word("x"), not(word("or")))}},
		{name: "unbalanced quote", in: `x "unbalanced quote`, want: Query{terms(word("x"), phrase("unbalanced", "quote"))}},
		{name: "lone quote", in: `"`, empty: true},
		{name: "lone minus", in: "- a -", want: Query{terms(word("a"))}},
		{name: "double minus", in: "a --b", want: Query{terms(word("a"), not(word("b")))}},
		{name: "hyphenated word is a phrase", in: "foo-bar", want: Query{terms(phrase("foo", "bar"))}},
		{name: "quote glued to words", in: `a"b c"d`, want: Query{terms(word("a"), phrase("b", "c"), word("d"))}},
		{name: "smart quotes", in: "“smart quotes”", want: Query{terms(phrase("smart", "quotes"))}},
		{name: "only punctuation", in: `!!! ... ;;; () * ^ : "" ''`, empty: true},
		{name: "sql metacharacters", in: "'; DROP TABLE x; --", want: Query{terms(word("drop"), word("table"), word("x"))}},
		{name: "fts5 syntax is inert", in: "body:foo NEAR(a b) ^x c*", want: Query{terms(phrase("body", "foo"), phrase("near", "a"), word("b"), word("x"), word("c"))}},
		{name: "invalid utf8", in: "a\xffb \xfe", want: Query{terms(phrase("a", "b"))}},
		{name: "nul", in: "a\x00b", want: Query{terms(word("ab"))}},
		{name: "cjk word is bigram phrase", in: "請求書", want: Query{terms(phrase("請求", "求書"))}},
		{name: "cjk bigram", in: "請求", want: Query{terms(word("請求"))}},
		{name: "single cjk char is prefix", in: "請", want: Query{terms(prefix(word("請")))}},
		{name: "mixed words", in: "API キー", want: Query{terms(word("api"), word("キー"))}},
		{name: "mixed in one word", in: "APIキー", want: Query{terms(phrase("api", "キー"))}},
		{name: "trailing lone cjk char", in: "a請", want: Query{terms(prefix(phrase("a", "請")))}},
		{name: "cjk phrase", in: `"お問い合わせ"`, want: Query{terms(phrase("お問", "問い", "い合", "合わ", "わせ"))}},
		{name: "excluded cjk", in: "請求 -請求書", want: Query{terms(word("請求"), not(phrase("請求", "求書")))}},
		{name: "width variants", in: "ＡＰＩ ｶﾀｶﾅ", want: Query{terms(word("api"), phrase("カタ", "タカ", "カナ"))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q) =\n  %+v\nwant\n  %+v", tt.in, got, tt.want)
			}
			if got.Empty() != tt.empty {
				t.Errorf("Parse(%q).Empty() = %v, want %v", tt.in, got.Empty(), tt.empty)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	countTerms := func(q Query) (n int) {
		for _, g := range q.Groups {
			n += len(g.Alternatives)
		}
		return n
	}
	t.Run("many words", func(t *testing.T) {
		q := Parse(strings.Repeat("w ", 600))
		if n := countTerms(q); n != MaxTerms {
			t.Errorf("got %d terms, want %d", n, MaxTerms)
		}
	})
	t.Run("many alternatives", func(t *testing.T) {
		q := Parse(strings.Repeat("w OR ", 100))
		if n := countTerms(q); n != MaxTerms {
			t.Errorf("got %d terms, want %d", n, MaxTerms)
		}
	})
	t.Run("long word", func(t *testing.T) {
		q := Parse(strings.Repeat("a", 5000))
		if w := q.Groups[0].Alternatives[0].Words[0]; len(w) != MaxQueryBytes {
			t.Errorf("word of %d bytes, want %d", len(w), MaxQueryBytes)
		}
	})
	t.Run("1000 characters of cjk", func(t *testing.T) {
		q := Parse(strings.Repeat("請求", 500)) // 3,000 bytes
		words := q.Groups[0].Alternatives[0].Words
		// 1,000 bytes hold 333 three-byte characters, giving 332 bigrams.
		if len(words) != 332 {
			t.Errorf("got %d bigrams, want 332", len(words))
		}
	})
	t.Run("cut does not split a character", func(t *testing.T) {
		q := Parse("a" + strings.Repeat("請", 400))
		for _, w := range q.Groups[0].Alternatives[0].Words {
			if strings.ContainsRune(w, '\uFFFD') {
				t.Fatalf("truncation produced a broken character in %q", w)
			}
		}
	})
	t.Run("expanding normalization is capped", func(t *testing.T) {
		q := Parse(strings.Repeat("ﷺ", 300)) // NFKC expands each to 18 runes
		total := 0
		for _, w := range q.Words() {
			total += len(w)
		}
		if total > MaxQueryBytes {
			t.Errorf("normalized query words total %d bytes", total)
		}
	})
}

func TestWords(t *testing.T) {
	q := Parse(`請求書 "quick brown" -spam a OR b 請 quick お問い合わせ APIキー`)
	want := []string{"請求書", "quick", "brown", "a", "b", "請", "お問い合わせ", "api", "キー"}
	if got := q.Words(); !reflect.DeepEqual(got, want) {
		t.Errorf("Words() = %q, want %q", got, want)
	}
	if got := Parse("-only -negative").Words(); got != nil {
		t.Errorf("Words() of exclusions = %q, want nil", got)
	}
}
