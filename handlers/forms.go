package handlers

import (
	"strings"
	"unicode/utf8"

	"hiroba/views"
)

// Limits on what a post may hold, counted in characters (runes), so a
// Japanese title has the same room as an English one.
const (
	titleMin = 6
	titleMax = 200
	bodyMax  = 50000
)

// threadInput is the composer's form.
type threadInput struct {
	CategoryID int64
	Title      string
	Body       string
}

// validate returns the reason beside each field that is refused, in the
// reader's language; an empty map means the input is good.
func (in threadInput) validate(t views.Translator) map[string]string {
	errs := map[string]string{}
	if in.CategoryID <= 0 {
		errs["category"] = t.T("form.category_required")
	}
	if msg := checkText(t, in.Title); msg != "" {
		errs["title"] = msg
	} else if n := utf8.RuneCountInString(strings.TrimSpace(in.Title)); n < titleMin || n > titleMax {
		errs["title"] = t.T("form.title_length", "Min", titleMin, "Max", titleMax, "Count", n)
	}
	if msg := validateBody(t, in.Body); msg != "" {
		errs["body"] = msg
	}
	return errs
}

// validateBody checks the text of a question or reply.
func validateBody(t views.Translator, body string) string {
	if msg := checkText(t, body); msg != "" {
		return msg
	}
	if strings.TrimSpace(body) == "" {
		return t.T("form.body_required")
	}
	if n := utf8.RuneCountInString(body); n > bodyMax {
		return t.T("form.body_too_long", "Max", bodyMax, "Count", n)
	}
	return ""
}

// checkText refuses what cannot be stored exactly as typed: bytes that are
// not UTF-8, and NUL, which PostgreSQL text cannot hold.
func checkText(t views.Translator, s string) string {
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return t.T("form.invalid_text")
	}
	return ""
}
