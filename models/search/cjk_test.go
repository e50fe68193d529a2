package search

import (
	"reflect"
	"strings"
	"testing"
)

func TestIsCJK(t *testing.T) {
	tests := []struct {
		r    rune
		want bool
	}{
		{'a', false},
		{'1', false},
		{'é', false},
		{'請', true},
		{'ひ', true},
		{'カ', true},
		{'ー', true},
		{'ｰ', true},
		{'々', true},
		{'〇', true},
		{'한', true},
		{'。', false},
		{'、', false},
		{'・', false},
		{'⺀', false}, // CJK radical: a symbol, not a letter
		{'Ａ', false},
	}
	for _, tt := range tests {
		if got := IsCJK(tt.r); got != tt.want {
			t.Errorf("IsCJK(%q) = %v, want %v", tt.r, got, tt.want)
		}
	}
}

func TestIndexText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"latin words", "Hello, World! foo-bar_baz", "hello world foo bar baz"},
		{"bigrams then the last character", "請求書", "請求 求書 書"},
		{"word-final character", "消費税", "消費 費税 税"},
		{"single cjk char stays", "請", "請"},
		{"two chars", "請求", "請求 求"},
		{"sentence", "請求に関するお問い合わせ", "請求 求に に関 関す する るお お問 問い い合 合わ わせ せ"},
		{"mixed latin and cjk", "APIキーが無効です", "api キー ーが が無 無効 効で です す"},
		{"latin after cjk", "キーAPI", "キー ー api"},
		{"punctuation splits runs", "請求。書", "請求 求 書"},
		{"width variants", "ＡＰＩ ｶﾀｶﾅ", "api カタ タカ カナ ナ"},
		{"kana voicing kept", "ｶﾞｲﾄﾞ", "ガイ イド ド"},
		{"hangul", "한국어", "한국 국어 어"},
		{"digits inside cjk", "第1回", "第 1 回"},
		{"symbols dropped", "a © b ⺀ 🎉 c", "a b c"},
		{"invalid utf8", "a\xffb", "a b"},
		{"nul", "請\x00求", "請求 求"},
		{"sql metacharacters", "'; DROP TABLE x; --", "drop tabl x"},
		{"english stemmed", "Billing errors in the news tables", "bill error in the news tabl"},
		{"stop words kept", "How to export my data", "how to export my data"},
		{"short words not stemmed", "is as us", "is as us"},
		{"digits and codes not stemmed", "errors2 e2e 429 running", "errors2 e2e 429 run"},
		{"accents folded then stemmed", "Café résumés", "cafe resum"},
		{"other scripts not stemmed", "ошибки λόγοι", "ошибки λογοι"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IndexText(tt.in); got != tt.want {
				t.Errorf("IndexText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestStem(t *testing.T) {
	tests := []struct{ in, want string }{
		{"table", "tabl"},
		{"billing", "bill"},
		{"billed", "bill"},
		{"errors", "error"},
		{"news", "news"}, // not "new": Snowball, unlike Porter, keeps it
		{"charlie", "charli"},
		{"at", "at"},   // under three letters
		{"e2e", "e2e"}, // digits
		{"x-ray", "x-ray"},
		{"Tables", "Tables"}, // only lower-case input is stemmed; Normalize comes first
		{"ошибки", "ошибки"},
	}
	for _, tt := range tests {
		if got := stem(tt.in); got != tt.want {
			t.Errorf("stem(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The query tokenizer must line up with the index: inside a term, a CJK run
// that more tokens follow keeps its last character, which the index holds
// at that position; at the end of the term it is left out.
func TestQueryTokensMatchIndex(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"請求書", []string{"請求", "求書"}},
		{"請求書 pdf", []string{"請求", "求書", "書", "pdf"}},
		{"キーapi", []string{"キー", "ー", "api"}},
		{"請求。書類", []string{"請求", "求", "書類"}},
		{"請求書。", []string{"請求", "求書"}},
		{"api請求", []string{"api", "請求"}},
		{"第1回", []string{"第", "1", "回"}},
	}
	for _, tt := range tests {
		got, _ := appendTokens(nil, Normalize(tt.in), false)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("query tokens of %q = %q, want %q", tt.in, got, tt.want)
		}
		// Every query token sequence occurs as is in the index.
		if idx := " " + IndexText(tt.in) + " "; !strings.Contains(idx, " "+strings.Join(got, " ")+" ") {
			t.Errorf("query tokens %q of %q are not adjacent in the index %q", got, tt.in, idx)
		}
	}
}
