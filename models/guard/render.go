package guard

import (
	"cmp"
	"html"
	"html/template"
	"slices"
	"strings"
)

// Redacted replaces each finding when the author chooses "Redact and post".
const Redacted = "[redacted]"

// Redact returns text with each finding replaced by Redacted. Pass the
// findings of Check on this same text: on submit, check the text again
// rather than trusting offsets that went through the form. Findings out of
// range or overlapping an earlier one are ignored.
func Redact(text string, findings []Finding) string {
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for _, f := range usable(text, findings) {
		b.WriteString(text[last:f.Start])
		b.WriteString(Redacted)
		last = f.End
	}
	b.WriteString(text[last:])
	return b.String()
}

// Highlight returns text as HTML with each finding wrapped in
// <mark class="pii" data-kind="KIND">, for the form that explains what was
// found. Everything is escaped; render it inside an element that keeps line
// breaks (white-space: pre-wrap).
func Highlight(text string, findings []Finding) template.HTML {
	var b strings.Builder
	b.Grow(len(text) + len(findings)*48)
	last := 0
	for _, f := range usable(text, findings) {
		b.WriteString(escape(text[last:f.Start]))
		b.WriteString(`<mark class="pii" data-kind="`)
		b.WriteString(html.EscapeString(string(f.Kind)))
		b.WriteString(`">`)
		b.WriteString(escape(text[f.Start:f.End]))
		b.WriteString(`</mark>`)
		last = f.End
	}
	b.WriteString(escape(text[last:]))
	return template.HTML(b.String())
}

func escape(s string) string {
	return html.EscapeString(strings.ToValidUTF8(s, "\uFFFD"))
}

// usable returns the findings that can be applied to text, in order and
// without overlaps.
func usable(text string, findings []Finding) []Finding {
	fs := make([]Finding, 0, len(findings))
	for _, f := range findings {
		if 0 <= f.Start && f.Start < f.End && f.End <= len(text) {
			fs = append(fs, f)
		}
	}
	slices.SortStableFunc(fs, func(a, b Finding) int { return cmp.Compare(a.Start, b.Start) })
	out := fs[:0]
	end := 0
	for _, f := range fs {
		if f.Start >= end {
			out = append(out, f)
			end = f.End
		}
	}
	return out
}
