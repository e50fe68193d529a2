package markdown

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

func TestMentionsRender(t *testing.T) {
	r := New()
	tests := []struct {
		name, in      string
		want, notWant []string
	}{
		{"plain", "thanks @ken!", []string{`thanks <a href="/u/ken" class="mention">@ken</a>!`}, nil},
		{"line start", "@hana-sato_2 see above", []string{`<a href="/u/hana-sato_2" class="mention">@hana-sato_2</a> see`}, nil},
		{"japanese name", "（@花子）さん", []string{`<a href="/u/%E8%8A%B1%E5%AD%90" class="mention">@花子</a>`}, nil},
		{"trailing dash and dot", "ask @ken-. now", []string{`<a href="/u/ken" class="mention">@ken</a>-. now`}, nil},
		{"in emphasis", "**@ken** look", []string{`<strong><a href="/u/ken" class="mention">@ken</a></strong>`}, nil},
		{"email address", "write to ken@example.com or ken@host", nil, []string{`class="mention"`}},
		{"code span", "run `@ken` literally", []string{"<code>@ken</code>"}, []string{`class="mention"`}},
		{"code block", "```\n@ken\n```", []string{"@ken"}, []string{`class="mention"`}},
		{"indented code", "    @ken\n", []string{"@ken"}, []string{`class="mention"`}},
		{"inside link text", "[ask @ken](https://example.com)", []string{`>ask @ken</a>`}, []string{`class="mention"`}},
		{"inside image alt", "![@ken](/x.png)", []string{`<img src="/x.png"`}, []string{`class="mention"`, "/u/ken"}},
		{"url path", "see https://example.com/@ken", nil, []string{`class="mention"`}},
		{"escaped", `\@ken`, []string{"@ken"}, []string{`class="mention"`}},
		{"lone at", "@ and @-x and @@ken", nil, []string{`class="mention"`}},
		{"bracket not a link", "[cc @ken]", []string{`[cc <a href="/u/ken" class="mention">@ken</a>]`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Render(context.Background(), tt.in)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Render(%q) = %q, want it to contain %q", tt.in, got, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("Render(%q) = %q, must not contain %q", tt.in, got, w)
				}
			}
			if again := r.Sanitize(got); again != got {
				t.Errorf("not stable under the sanitizer:\n%q\n%q", got, again)
			}
		})
	}
}

func TestMentionClassIsTheOnlyClassOnLinks(t *testing.T) {
	r := New()
	got := r.Sanitize(`<a href="/u/ken" class="mention">@ken</a> <a href="/x" class="button">x</a> <a href="https://evil.example/">y</a>`)
	if !strings.Contains(got, `<a href="/u/ken" class="mention">@ken</a>`) {
		t.Errorf("mention link lost: %s", got)
	}
	if strings.Contains(got, `class="button"`) {
		t.Errorf("other classes must be dropped: %s", got)
	}
	if !strings.Contains(got, `href="https://evil.example/" rel="nofollow"`) {
		t.Errorf("absolute links keep nofollow: %s", got)
	}
}

func TestMentionsList(t *testing.T) {
	r := New()
	tests := []struct {
		in   string
		want []string
	}{
		{"hi @ken and @mia, also @ken again", []string{"ken", "mia"}},
		{"`@code` and\n\n```\n@block\n```\n\n[@linked](https://x.example) mail a@b.example", nil},
		{"> quoted @hana\n\n- list @花子", []string{"hana", "花子"}},
	}
	for _, tt := range tests {
		if got := r.Mentions(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Mentions(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
