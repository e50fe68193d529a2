package views

import (
	"html/template"
	"testing"
)

func TestTQuotingTagsTheQuoteAndEscapesAll(t *testing.T) {
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang, actor string
		title       Quoted
		want        template.HTML
	}{
		{"en", "hana", Quoted{"請求書が届きません", "ja"}, `hana replied to “<span lang="ja">請求書が届きません</span>”`},
		{"ja", "ken", Quoted{"Export fails", "en"}, `ken さんが「<span lang="en">Export fails</span>」に返信しました`},
		{"en", "hana", Quoted{"👍", ""}, `hana replied to “👍”`},
		{"en", "<b>x</b>\uE0000\uE001", Quoted{`<script>"`, "en"}, "&lt;b&gt;x&lt;/b&gt;\uFFFD0\uE001 replied to “<span lang=\"en\">&lt;script&gt;&#34;</span>”"},
	} {
		got := c.In(tc.lang).TQuoting("notification.reply", "Actor", tc.actor, "Title", tc.title)
		if got != tc.want {
			t.Errorf("%s: got %s\nwant %s", tc.lang, got, tc.want)
		}
	}
}
