package search

import (
	"fmt"
	"strings"
	"testing"
)

func TestKeywords(t *testing.T) {
	tests := []struct {
		text string
		want string // key/unit, then the word where it differs from the key
	}{
		// Stems, without stop words, question fillers or bare numbers.
		{"Can't get any help: Invoices stopped arriving in 2026!", "invoic/0=invoices stop/1=stopped arriv/2=arriving"},
		{"ＡＰＩ key v2", "api/0 key/1 v2/2"},
		// Hiragana is grammar; katakana is one loanword; a two-kanji word
		// is one key; a longer one is its bigrams, sharing a unit.
		{"ログインできません", "ログイン/0"},
		{"請求書が届きません", "請求/0=請求書 求書/0=請求書"},
		{"二段階認証のコードが届かない", "二段/0=二段階認証 段階/0=二段階認証 階認/0=二段階認証 認証/0=二段階認証 コード/1"},
		{"ログインループ 無限", "ログインループ/0 無限/1"},
		// Single kanji and words of marks alone say nothing.
		{"後で 時々", "時々/0"},
		{"ダウンロード後にエラー", "ダウンロード/0 エラー/1"},
		{"", ""},
	}
	for _, tt := range tests {
		var got []string
		for _, k := range Keywords(tt.text) {
			s := fmt.Sprintf("%s/%d", k.Key, k.Unit)
			if k.Word != k.Key {
				s += "=" + k.Word
			}
			got = append(got, s)
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("Keywords(%q) = %q, want %q", tt.text, g, tt.want)
		}
	}
}
