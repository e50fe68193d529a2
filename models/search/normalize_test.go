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
		{"combining accent folded", "e\u0301", "e"},
		{"accents folded", "Café", "cafe"},
		{"ring and umlaut folded", "Ångström", "angstrom"},
		{"vietnamese", "Tiếng Việt", "tieng viet"},
		{"greek tonos folded", "Άλφα", "αλφα"},
		{"letters without a decomposition kept", "łódź ø", "łodz ø"},
		{"lone combining mark dropped", "\u0301x", "x"},
		{"mark above U+2000 on a latin letter", "x\u20d7", "x"},
		{"kana voicing mark kept", "が", "が"},
		{"combining voicing mark composes", "か\u3099", "が"},
		{"half-width semi-voiced mark", "ﾊﾟｽ", "パス"},
		{"kana voicing kept next to accents", "café ガイド", "cafe ガイド"},
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

// Whether a mark is dropped depends only on the character it is on, never on
// the rest of the text: a query word is normalized on its own and must equal
// the same word normalized inside a whole post.
func TestNormalizeIsLocal(t *testing.T) {
	for _, w := range []string{"x\u20d7", "x\u3099", "e\u0301", "か\u3099", "ｶﾞ", "\u0301"} {
		alone := Normalize(w)
		for _, ctx := range []string{"café ", "ascii ", "請求 ", "Ⅻ "} {
			if got, want := Normalize(ctx+w), Normalize(ctx)+alone; got != want {
				t.Errorf("Normalize(%q) = %q, want %q", ctx+w, got, want)
			}
		}
	}
}
