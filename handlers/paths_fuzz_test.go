package handlers

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzLocalPath: whatever a "next" parameter holds, the redirect stays on
// this site.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "//evil.example", "/\\evil.example", "https://evil.example", "/t/1?page=2#p3", "javascript:alert(1)", "/%2f%2fevil"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := localPath(next)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, "/\\") {
			t.Fatalf("localPath(%q) = %q", next, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" {
			t.Fatalf("localPath(%q) = %q leaves the site", next, got)
		}
	})
}
