package search

import (
	"fmt"
	"strings"
)

// Shared between the SQLite and PostgreSQL tests so both engines are held to
// the same expectations.
var roundTripDocs = []string{
	1:  "請求に関するお問い合わせ",
	2:  "APIキーが無効です",
	3:  "The quick brown fox jumps",
	4:  "brown quick fox",
	5:  "ＡＰＩ の ｶﾀｶﾅ 表記",
	6:  "申請書の書き方",
	7:  "Café résumé",
	8:  "消費税",
	9:  "Billing errors in the news feed",
	10: "How to export my data",
	11: "領収書 PDF",
	12: "ｶﾞｲﾄﾞ",
	13: "Vecteur v\u20d7 déplacé",
}

var roundTripCases = []struct {
	query string
	want  []int64 // matching document ids; nil when the query is Empty
}{
	{"請求", []int64{1}},
	{"お問い合わせ", []int64{1}},
	{"問い合わせ", []int64{1}},
	{"請求書", []int64{}},
	{"請", []int64{1, 6}}, // prefix: 請求 and 請書
	{"書", []int64{6, 11}},
	{"税", []int64{8}}, // the last character of 消費税, held alone after its bigrams
	{"せ", []int64{1}},
	{"消費税", []int64{8}},
	{"領収書 PDF", []int64{11}},
	{`"領収書 PDF"`, []int64{11}}, // the phrase runs past the end of a CJK run
	{"領収書PDF", []int64{11}},
	{`"書 PDF"`, []int64{11}},
	{`"PDF 領収書"`, []int64{}},
	{"ガイド", []int64{12}},
	{"カイト", []int64{}}, // voicing marks are not folded away
	{"申請書", []int64{6}},
	{"api", []int64{2, 5}},
	{"ＡＰＩ", []int64{2, 5}},
	{"API キー", []int64{2}},
	{"APIキー", []int64{2}},
	{"キー", []int64{2}},
	{"無効です", []int64{2}},
	{"カタカナ", []int64{5}},
	{"ｶﾀｶﾅ", []int64{5}},
	{"QUICK", []int64{3, 4}},
	{"quick brown", []int64{3, 4}},
	{`"quick brown"`, []int64{3}},
	{`"brown quick"`, []int64{4}},
	{"fox -jumps", []int64{4}},
	{`fox -"quick brown"`, []int64{4}},
	{"fox -brown", []int64{}},
	{"jumps OR 請求", []int64{1, 3}},
	{"jumps OR -fox 請求", []int64{}},
	{"café", []int64{7}},
	{"cafe", []int64{7}},
	{"deplace", []int64{13}},
	{"v\u20d7", []int64{13}}, // the mark is folded the same with or without é beside it
	{"RESUMES", []int64{7}},
	{"jumping", []int64{3}},
	{"billed error", []int64{9}},
	{"news", []int64{9}},
	{"new", []int64{}},
	{"my news", []int64{9}}, // the stop word is left out
	{`"the news"`, []int64{9}},
	{`"in the news"`, []int64{9}},
	{"export my data", []int64{10}},
	{`"export my data"`, []int64{10}},
	{`"export data"`, []int64{}}, // the index keeps "my"
	{`"how to"`, []int64{10}},
	{"the of and", nil},
	{"'; DROP TABLE x; --", []int64{}},
	{"-api", nil},
	{"!!! ???", nil},
	{`"`, nil},
}

// sampleQueries are hostile or odd inputs whose renderings both engines must
// accept; they also seed FuzzParse.
var sampleQueries = []string{
	"",
	"hello world",
	`"exact phrase" -excluded -"excluded phrase"`,
	"a OR b OR -c OR",
	"OR",
	"-",
	`"unbalanced`,
	`""`,
	`"""`,
	`a"b"c"d`,
	"'; DROP TABLE x; --",
	`\'\\"`,
	"body:foo NEAR(a b, 3) ^x c* AND NOT y",
	"a & b | !c <-> d:* (e)",
	"請求に関するお問い合わせ",
	"APIキーが無効です",
	"請",
	"a請 -書",
	"ＡＰＩ ＯＲ ｶﾀｶﾅ",
	"invalid \xff\xfe utf8 \xe6\xb1",
	"nul\x00byte",
	"🎉 ©️ ⺀ 。、",
	"e\u0301 \u0301 ゙",
	strings.Repeat("w ", 600),
	strings.Repeat("請求", 500),
	strings.Repeat(`-"a`, 400),
}

func init() {
	for _, c := range roundTripCases {
		sampleQueries = append(sampleQueries, c.query)
	}
}

// checkTSQuery verifies that s is made only of quoted lexemes and tsquery
// operators, with balanced quotes and parentheses.
func checkTSQuery(s string) error {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'':
			for i++; ; i++ {
				if i >= len(s) {
					return fmt.Errorf("unterminated lexeme in %q", s)
				}
				if s[i] == '\\' {
					i++
					continue
				}
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						i++
						continue
					}
					break
				}
			}
		case '(':
			depth++
		case ')':
			if depth--; depth < 0 {
				return fmt.Errorf("unbalanced ) in %q", s)
			}
		case ' ', '&', '|', '!', '<', '-', '>', ':', '*':
		default:
			return fmt.Errorf("unquoted %q in %q", c, s)
		}
	}
	if depth != 0 {
		return fmt.Errorf("unbalanced ( in %q", s)
	}
	return nil
}
