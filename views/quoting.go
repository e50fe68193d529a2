package views

import (
	"fmt"
	"html/template"
	"strings"
)

// Quoted is something a person wrote, quoted inside a message of the
// catalog, with the language it is written in ("" for the page's).
type Quoted struct {
	Text string
	Lang string
}

func quoted(text, lang string) Quoted { return Quoted{Text: text, Lang: lang} }

// TQuoting translates a message like T, except that each Quoted argument
// comes out in an element tagged with its own language, so a Japanese title
// in an English sentence is broken and shaped as Japanese. Everything is
// escaped: the message and the quotes alike.
func (t Translator) TQuoting(id string, args ...any) template.HTML {
	plain := make([]any, len(args))
	copy(plain, args)
	var quotes []Quoted
	for i, a := range args {
		if s, ok := a.(string); ok {
			// Nothing typed may pass for a stand-in.
			plain[i] = strings.ReplaceAll(s, "\uE000", "\uFFFD")
		}
		if q, ok := a.(Quoted); ok {
			// A private-use character stands in for the quote; escaping
			// leaves it alone, and no message or translation contains one.
			plain[i] = fmt.Sprintf("\uE000%d\uE001", len(quotes))
			quotes = append(quotes, q)
		}
	}
	out := template.HTMLEscapeString(t.T(id, plain...))
	for i, q := range quotes {
		text := template.HTMLEscapeString(q.Text)
		if q.Lang != "" {
			text = `<span lang="` + template.HTMLEscapeString(q.Lang) + `">` + text + `</span>`
		}
		out = strings.Replace(out, fmt.Sprintf("\uE000%d\uE001", i), text, 1)
	}
	return template.HTML(out)
}
