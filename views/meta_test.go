package views

import (
	"strings"
	"testing"
)

func TestPlainTextOfPostHTML(t *testing.T) {
	for in, want := range map[string]string{
		"<p>Two charges &amp; a refund.</p>\n":                           "Two charges & a refund.",
		"<p>First</p><p>second</p>":                                      "First second",
		"<ul><li>one</li><li>two</li></ul>":                              "one two",
		`<p>See <a href="/t/1?a=1&amp;b=2" rel="nofollow">this</a>.</p>`: "See this.",
		"<p>a<strong>b</strong>c</p><p>d</p>":                            "abc d",
		"<pre><code>x &lt; y\n  z</code></pre>":                          "x < y z",
		"":                                                               "",
		"no tags at all":                                                 "no tags at all",
		"<p>請求が二重です。</p>":                                                "請求が二重です。",
	} {
		if got := PlainText(in); got != want {
			t.Errorf("PlainText(%q) = %q, want %q", in, got, want)
		}
	}
	long := "<p>" + strings.Repeat("word ", 100) + "</p>"
	if d := Describe(long); len([]rune(d)) != descriptionRunes || !strings.HasSuffix(d, "…") {
		t.Errorf("Describe of a long post: %d runes %q", len([]rune(d)), d)
	}
}
