package views

import (
	"strconv"
	"strings"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/feature/plural"
)

// Filling a message without go-i18n must give exactly what go-i18n gives,
// for every message with placeholders, in every language, for counts
// that pick each plural form.
func TestCompiledMessagesMatchGoI18n(t *testing.T) {
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, lang := range Languages {
		tr := c.In(lang)
		for id, m := range c.compiled[lang] {
			var names []string
			seen := map[string]bool{}
			for _, f := range m.forms {
				if f == nil {
					continue
				}
				for _, n := range f.names {
					if !seen[n] {
						seen[n] = true
						names = append(names, n)
					}
				}
			}
			for _, count := range []any{0, 1, 2, 5, 11, 21, 100, int64(1), int64(3)} {
				var args []any
				for _, n := range names {
					if n == "Count" {
						args = append(args, n, count)
					} else {
						args = append(args, n, "<"+n+" & value>")
					}
				}
				if !seen["Count"] && count != 0 {
					continue
				}
				got, ok := m.fill(c.tags[lang], args)
				want := tr.localize(id, args)
				if ok && got != want {
					t.Errorf("%s %s %v: filled %q, go-i18n %q", lang, id, args, got, want)
				}
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("no message with placeholders was checked")
	}
}

// A message with a template construct beyond {{.Name}} is left to go-i18n.
func TestCompileMessageLeavesTemplatesToGoI18n(t *testing.T) {
	for _, text := range []string{`{{if .X}}a{{end}}`, `{{.X | printf "%d"}}`, `{{ .X.Y }}`} {
		if _, ok := compileMessage(&i18n.Message{ID: "x", Other: text}); ok {
			t.Errorf("%q compiled", text)
		}
	}
	if _, ok := compileMessage(&i18n.Message{ID: "x", One: "{{ .Count }} thing", Other: "{{.Count}} things"}); !ok {
		t.Error("plain placeholders did not compile")
	}
}

// A message with a count reads as a sentence for every count, in every
// language: never as its id, which is what go-i18n gives for an English
// count of 1 when the message has no "one" form.
func TestCountedMessagesNeverShowTheirID(t *testing.T) {
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, lang := range Languages {
		tr := c.In(lang)
		for id, m := range c.compiled[lang] {
			if !m.names()["Count"] {
				continue
			}
			for _, count := range []int{0, 1, 2, 21} {
				got := tr.T(id, "Count", count, "Min", 3, "Max", 200, "Name", "mio", "Detail", "x", "Date", "today")
				if got == id || m.forms[plural.Other] != nil && !m.hasPlurals() && !strings.Contains(got, strconv.Itoa(count)) {
					t.Errorf("%s %s with a count of %d reads %q", lang, id, count, got)
				}
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("no message checked")
	}
}
