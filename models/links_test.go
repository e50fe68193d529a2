package models

import (
	"context"
	"reflect"
	"testing"

	"hiroba/models/markdown"
)

func TestLinkTargetReadsAddressesAsBrowsers(t *testing.T) {
	for _, tt := range []struct {
		href     string
		host     string
		external bool
	}{
		{"https://a.example/x", "a.example", true},
		{"//a.example/1", "a.example", true},
		{"HTTPS://A.Example/1", "a.example", true},
		{"https:a.example", "a.example", true},
		{`https:\\a.example\x`, "a.example", true},
		{`\\a.example/x`, "a.example", true},
		{`/\a.example/x`, "a.example", true},
		{" \t//a.example", "a.example", true},
		{"/\t/a.example", "a.example", true},
		{"https://user:pw@a.example:8443/p?q#f", "a.example", true},
		{"https://[::1]:80/", "[::1]", true},
		{"https://spam%2Eexample/", "spam.example", true},
		{"https://spam%E3%80%82example/", "spam.example", true},
		{"https://ｓｐａｍ。example./", "spam.example", true},
		{"https://例え．jp", "xn--r8jz45g.jp", true},
		{"https://a_b.example", "a_b.example", true},
		{"mailto:ken@example.com", "", true},
		{"tel:+81", "", true},
		{"/u/ken", "", false},
		{"/t/1/slug#p2", "", false},
		{"faq.html", "", false},
		{"#top", "", false},
		{"?page=2", "", false},
	} {
		host, external := linkTarget(tt.href)
		if host != tt.host || external != tt.external {
			t.Errorf("linkTarget(%q) = %q, %v; want %q, %v", tt.href, host, external, tt.host, tt.external)
		}
	}
}

func TestSignalsCountWhatTheRendererEmits(t *testing.T) {
	r := markdown.New()
	html, err := r.Render(context.Background(), "[a](//a.example/1) [b](HTTPS://b.example) <https://c.example> [d](mailto:d@d.example) "+
		"[here](/t/1) @ken ![local](/x.png) ![remote](https://img.example/p.gif)")
	if err != nil {
		t.Fatal(err)
	}
	got := signalsOf(html)
	want := postSignals{links: []string{"//a.example/1", "https://b.example", "https://c.example", "mailto:d@d.example", "https://img.example/p.gif"}, images: 2}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("signalsOf = %+v, want %+v\n%s", got, want, html)
	}
}

func TestWatchedDomainsMatchResolvedHosts(t *testing.T) {
	for _, tt := range []struct {
		pattern, href string
		match         bool
	}{
		{"spam.example", "https://spam。example/x", true},
		{"spam.example", "//www.SPAM.example./x", true},
		{"SPAM。Example", "https://spam.example", true},
		{"例え.jp", "https://xn--r8jz45g.jp/", true},
		{"xn--r8jz45g.jp", "https://例え。jp/", true},
		{"spam.example", "https://notspam.example/", false},
		{"spam.example", "https://spam.example.org/", false},
		{"spam.example", "/spam.example", false},
	} {
		w := WatchedWord{Pattern: tt.pattern, Kind: "domain", Action: WatchBlock}
		if got := watchedIn(w, "", []string{tt.href}); got != tt.match {
			t.Errorf("%q in %q = %v, want %v", tt.pattern, tt.href, got, tt.match)
		}
	}
	// Written out without a link, the name still counts, full stops and all.
	if !watchedIn(WatchedWord{Pattern: "spam.example", Kind: "domain"}, "visit spam。example today", nil) {
		t.Error("unlinked name with an ideographic full stop not found")
	}
}

func TestRepeatedLinkFindsEscapedForms(t *testing.T) {
	recent := []recentPost{{Source: "see [docs](https://spam。example/Offer)"}}
	if got := repeatedLink([]string{"https://spam%E3%80%82example/offer"}, recent); got == "" {
		t.Error("escaped link posted again not found")
	}
	if got := repeatedLink([]string{"https://other.example/"}, recent); got != "" {
		t.Errorf("found %q", got)
	}
}
