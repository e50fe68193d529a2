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
		{name: "or", in: "alpha OR bravo charlie", want: groups(group(word("alpha"), word("bravo")), group(word("charli")))},
		{name: "or chain", in: "alpha OR bravo OR charlie", want: groups(group(word("alpha"), word("bravo"), word("charli")))},
		{name: "leading and trailing or", in: "OR alpha OR", want: Query{terms(word("alpha"))}},
		{name: "double or", in: "alpha OR OR bravo", want: groups(group(word("alpha"), word("bravo")))},
		{name: "only or", in: "OR", empty: true},
		{name: "lower-case or is a stop word", in: "alpha or bravo", want: Query{terms(word("alpha"), word("bravo"))}},
		{name: "quoted or is kept", in: `"alpha or bravo"`, want: Query{terms(phrase("alpha", "or", "bravo"))}},
		{name: "full-width or", in: "alpha ＯＲ bravo", want: groups(group(word("alpha"), word("bravo")))},
		{name: "or next to exclusion ignored", in: "alpha OR -bravo", want: Query{terms(word("alpha"), not(word("bravo")))}},
		{name: "exclusion then or", in: "-bravo OR alpha", want: Query{terms(not(word("bravo")), word("alpha"))}},
		{name: "negated or is a stop word", in: "x -OR", want: Query{terms(word("x"))}},
		{name: "negated quoted or", in: `x -"OR"`, want: Query{terms(word("x"), not(phrase("or")))}},
		{name: "unbalanced quote", in: `x "unbalanced quote`, want: Query{terms(word("x"), phrase("unbalanc", "quot"))}},
		{name: "lone quote", in: `"`, empty: true},
		{name: "lone minus", in: "- alpha -", want: Query{terms(word("alpha"))}},
		{name: "double minus", in: "alpha --bravo", want: Query{terms(word("alpha"), not(word("bravo")))}},
		{name: "hyphenated word is a phrase", in: "foo-bar", want: Query{terms(phrase("foo", "bar"))}},
		{name: "hyphenated stop words are kept", in: "how-to", want: Query{terms(phrase("how", "to"))}},
		{name: "quote glued to words", in: `alpha"bravo charlie"delta`, want: Query{terms(word("alpha"), phrase("bravo", "charli"), word("delta"))}},
		{name: "smart quotes", in: "“smart quotes”", want: Query{terms(phrase("smart", "quot"))}},
		{name: "only punctuation", in: `!!! ... ;;; () * ^ : "" ''`, empty: true},
		{name: "sql metacharacters", in: "'; DROP TABLE x; --", want: Query{terms(word("drop"), word("tabl"), word("x"))}},
		{name: "fts5 syntax is inert", in: "body:foo NEAR(a b) ^x c*", want: Query{terms(phrase("bodi", "foo"), phrase("near", "a"), word("b"), word("x"), word("c"))}},
		{name: "invalid utf8", in: "a\xffb \xfe", want: Query{terms(phrase("a", "b"))}},
		{name: "nul", in: "a\x00b", want: Query{terms(word("ab"))}},
		{name: "stop words only", in: "the of and", empty: true},
		{name: "capitalized stop words", in: "The OF And", empty: true},
		{name: "stop words only, excluded", in: "-the -my", empty: true},
		{name: "stop words dropped", in: "export my data", want: Query{terms(word("export"), word("data"))}},
		{name: "excluded stop word dropped", in: "billing -the", want: Query{terms(word("bill"))}},
		{name: "or with a stop word", in: "the OR billing", want: Query{terms(word("bill"))}},
		{name: "quoted stop words kept", in: `"how to"`, want: Query{terms(phrase("how", "to"))}},
		{name: "quoted single stop word kept", in: `"the"`, want: Query{terms(phrase("the"))}},
		{name: "stemming", in: "Billing errors news", want: Query{terms(word("bill"), word("error"), word("news"))}},
		{name: "stemming in phrases", in: `"billing errors"`, want: Query{terms(phrase("bill", "error"))}},
		{name: "codes not stemmed", in: "e2e 429 errors2", want: Query{terms(word("e2e"), word("429"), word("errors2"))}},
		{name: "accents folded", in: "Résumés café", want: Query{terms(word("resum"), word("cafe"))}},
		{name: "other scripts not stemmed", in: "ошибки", want: Query{terms(word("ошибки"))}},
		{name: "cjk word is bigram phrase", in: "請求書", want: Query{terms(phrase("請求", "求書"))}},
		{name: "cjk bigram", in: "請求", want: Query{terms(word("請求"))}},
		{name: "single cjk char is prefix", in: "請", want: Query{terms(prefix(word("請")))}},
		{name: "mixed words", in: "API キー", want: Query{terms(word("api"), word("キー"))}},
		{name: "mixed in one word", in: "APIキー", want: Query{terms(phrase("api", "キー"))}},
		{name: "latin after cjk keeps the run's last character", in: "キーAPI", want: Query{terms(phrase("キー", "ー", "api"))}},
		{name: "trailing lone cjk char", in: "a請", want: Query{terms(prefix(phrase("a", "請")))}},
		{name: "cjk phrase", in: `"お問い合わせ"`, want: Query{terms(phrase("お問", "問い", "い合", "合わ", "わせ"))}},
		{name: "cjk phrase with two runs", in: `"請求書 発行"`, want: Query{terms(phrase("請求", "求書", "書", "発行"))}},
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
	t.Run("stop words do not count", func(t *testing.T) {
		q := Parse(strings.Repeat("the ", 40) + strings.Repeat("w ", 40))
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
	q := Parse(`請求書 "quick brown" -spam alpha OR bravo the 請 quick お問い合わせ APIキー billing "領収書 PDF" キーAPI`)
	want := []string{"請求書", "quick", "brown", "alpha", "bravo", "請", "お問い合わせ", "api", "キー", "bill", "領収書", "pdf"}
	if got := q.Words(); !reflect.DeepEqual(got, want) {
		t.Errorf("Words() = %q, want %q", got, want)
	}
	if got := Parse("-only -negative").Words(); got != nil {
		t.Errorf("Words() of exclusions = %q, want nil", got)
	}
}
