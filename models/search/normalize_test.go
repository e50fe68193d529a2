package search

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"ascii case", "Hello WORLD", "hello world"},
		{"full-width ascii", "ＡＰＩ", "api"},
		{"full-width digits and katakana", "ﾃｽﾄ１２３", "テスト123"},
		{"half-width katakana", "ｶﾀｶﾅ", "カタカナ"},
		{"half-width voiced katakana", "ｶﾞｲﾄﾞ", "ガイド"},
		{"half-width prolonged mark", "ｷｰ", "キー"},
		{"circled digits", "①②", "12"},
		{"roman numeral", "Ⅻ", "xii"},
		{"case folding beyond lower", "Straße", "strasse"},
		{"combining accent composes", "e\u0301", "é"},
		{"invalid byte replaced", "a\xffb", "a\uFFFDb"},
		{"invalid run replaced once", "\xff\xfe", "\uFFFD"},
		{"truncated sequence", "請\xe6\xb1", "請\uFFFD"},
		{"nul removed", "a\x00b", "ab"},
		{"nul removed non-ascii", "Ａ\x00Ｂ", "ab"},
		{"cjk untouched", "請求書", "請求書"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalize(tt.in)
			if got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Normalize(got); again != got {
				t.Errorf("Normalize not idempotent: %q -> %q", got, again)
			}
		})
	}
}
