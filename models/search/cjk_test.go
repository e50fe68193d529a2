package search

import "testing"

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
		{"bigrams", "請求書", "請求 求書"},
		{"single cjk char stays", "請", "請"},
		{"two chars", "請求", "請求"},
		{"sentence", "請求に関するお問い合わせ", "請求 求に に関 関す する るお お問 問い い合 合わ わせ"},
		{"mixed latin and cjk", "APIキーが無効です", "api キー ーが が無 無効 効で です"},
		{"punctuation splits runs", "請求。書", "請求 書"},
		{"width variants", "ＡＰＩ ｶﾀｶﾅ", "api カタ タカ カナ"},
		{"hangul", "한국어", "한국 국어"},
		{"digits inside cjk", "第1回", "第 1 回"},
		{"symbols dropped", "a © b ⺀ 🎉 c", "a b c"},
		{"invalid utf8", "a\xffb", "a b"},
		{"nul", "請\x00求", "請求"},
		{"sql metacharacters", "'; DROP TABLE x; --", "drop table x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IndexText(tt.in); got != tt.want {
				t.Errorf("IndexText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
