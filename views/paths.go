package views

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"hiroba/models"
	"hiroba/models/search"
)

// ThreadPath is the canonical address of a thread.
func ThreadPath(id int64, slug string) string {
	return fmt.Sprintf("/t/%d/%s", id, url.PathEscape(slug))
}

// PostPath is the address of a post: the thread page it sits on and its anchor.
func PostPath(threadID int64, slug string, position int, postID int64) string {
	p := ThreadPath(threadID, slug)
	if page := models.PageOfPosition(position); page > 1 {
		p += fmt.Sprintf("?page=%d", page)
	}
	return p + fmt.Sprintf("#p%d", postID)
}

// PagePath adds a page number to a list's address; page 1 is the bare address.
func PagePath(base string, page int) string {
	if page <= 1 {
		return base
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return fmt.Sprintf("%s%spage=%d", base, sep, page)
}

// CategoryPath is the address of a category's list of threads.
func CategoryPath(slug string) string { return "/c/" + url.PathEscape(slug) }

// UserPath is a profile's address.
func UserPath(username string) string { return "/u/" + url.PathEscape(username) }

// initial is the letter shown when a user has no avatar: the first letter
// of the name, upper-cased. A thread page shows one per post, so the
// letter is a piece of the name or of a constant wherever it can be, not a
// new string.
func initial(name string) string {
	r, size := utf8.DecodeRuneInString(name)
	switch {
	case size == 0:
		return "?"
	case r == utf8.RuneError:
		return string(utf8.RuneError)
	case 'a' <= r && r <= 'z':
		return upperASCII[r-'a' : r-'a'+1]
	}
	if u := unicode.ToUpper(r); u != r {
		return string(u)
	}
	return name[:size]
}

const upperASCII = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// highlight escapes a title and marks the searched words in it.
func highlight(text string, words []string) template.HTML {
	return template.HTML(search.Highlight(text, words))
}

// ListPath is a thread list's address with a filter and an order; the
// defaults are left out so each list has one canonical address.
func ListPath(base, show, sort string) string {
	v := url.Values{}
	if show != "" && show != string(models.ShowLatest) {
		v.Set("show", show)
	}
	if sort != "" && sort != string(models.SortActivity) {
		v.Set("sort", sort)
	}
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

// derefTime reads an optional moment; nil is the zero time.
func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
