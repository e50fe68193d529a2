package models

import (
	"strings"
	"testing"
	"unicode/utf8"

	"hiroba/models/search"
)

// FuzzSlugify: any title gives a non-empty, bounded slug of letters, digits
// and single dashes, which is safe in a URL path once escaped.
func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"Can't sign in", "請求書が届きません", "---", "\xff", "a/b?c#d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		slug := Slugify(title)
		if slug == "" || utf8.RuneCountInString(slug) > 60 || strings.HasPrefix(slug, "-") || strings.HasSuffix(slug, "-") || strings.Contains(slug, "--") {
			t.Fatalf("Slugify(%q) = %q", title, slug)
		}
		if strings.ContainsAny(slug, "/?#% \t\n") {
			t.Fatalf("Slugify(%q) = %q holds a URL delimiter", title, slug)
		}
	})
}

// FuzzCleanUsername: any nickname gives a usable username.
func FuzzCleanUsername(f *testing.F) {
	for _, s := range []string{"Hana Sato", "<script>", "", "\x00", "ｈａｎａ", strings.Repeat("x", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, nick string) {
		u := CleanUsername(nick)
		if u == "" || utf8.RuneCountInString(u) > 30 || !utf8.ValidString(u) || strings.ContainsAny(u, "<>\"'/ \x00") {
			t.Fatalf("CleanUsername(%q) = %q", nick, u)
		}
	})
}

// FuzzWatchedWords: matching a watched word never panics, and a word is
// always found in text made of exactly that word.
func FuzzWatchedWords(f *testing.F) {
	f.Add("casino", "best casino bonus")
	f.Add("無料で稼", "今すぐ無料で稼げる")
	f.Add("", "\xff")
	f.Fuzz(func(t *testing.T, pattern, text string) {
		w := WatchedWord{Pattern: pattern, Kind: "word", Action: WatchHold}
		_ = watchedIn(w, text, nil)
		// A pattern that normalizes to nothing (a lone accent) matches nothing,
		// and admins cannot add one; any other is found in itself.
		if strings.TrimSpace(search.Normalize(pattern)) != "" && utf8.ValidString(pattern) && !strings.ContainsRune(pattern, 0) &&
			strings.TrimSpace(pattern) == pattern && !watchedIn(w, pattern, nil) {
			t.Fatalf("%q not found in itself", pattern)
		}
	})
}
