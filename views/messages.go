package views

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Every message with placeholders in the catalogs fills them as {{.Name}}
// and nothing more. go-i18n executes a text/template for each of them on
// every call, which on a page that says "3 replies" per row is most of the
// page's translation cost; such messages are cut at their placeholders once,
// at start, and filled by concatenation. Anything else — another template
// construct, a value of another type, a plural form the message lacks —
// goes to go-i18n as before, so the text never differs.

// placeholder is the only template construct filled without go-i18n.
var placeholder = regexp.MustCompile(`{{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*}}`)

// filled is one plural form of a message: literal text with the names of
// the placeholders between, texts[i] coming before names[i].
type filled struct {
	texts []string
	names []string
}

// compiled is a message ready to be filled; forms are indexed by
// plural.Form, nil where the message has no such form.
type compiled struct {
	forms [plural.Many + 1]*filled
}

// hasPlurals reports whether the message has forms besides "other".
func (c compiled) hasPlurals() bool {
	for form, f := range c.forms {
		if f != nil && plural.Form(form) != plural.Other {
			return true
		}
	}
	return false
}

// names lists the placeholders of every form.
func (c compiled) names() map[string]bool {
	names := map[string]bool{}
	for _, f := range c.forms {
		if f != nil {
			for _, n := range f.names {
				names[n] = true
			}
		}
	}
	return names
}

// compileMessage cuts a message at its placeholders, or reports that it
// needs go-i18n.
func compileMessage(m *i18n.Message) (compiled, bool) {
	var c compiled
	for form, text := range map[plural.Form]string{
		plural.Other: m.Other, plural.Zero: m.Zero, plural.One: m.One,
		plural.Two: m.Two, plural.Few: m.Few, plural.Many: m.Many,
	} {
		if text == "" {
			continue
		}
		f, ok := compileText(text)
		if !ok {
			return compiled{}, false
		}
		c.forms[form] = f
	}
	return c, true
}

func compileText(text string) (*filled, bool) {
	f := &filled{}
	rest := text
	for _, loc := range placeholder.FindAllStringSubmatchIndex(text, -1) {
		start := loc[0] - (len(text) - len(rest))
		f.texts = append(f.texts, rest[:start])
		f.names = append(f.names, text[loc[2]:loc[3]])
		rest = text[loc[1]:]
	}
	f.texts = append(f.texts, rest)
	// Whatever template syntax is left is beyond concatenation.
	for _, t := range f.texts {
		if strings.Contains(t, "{{") || strings.Contains(t, "}}") {
			return nil, false
		}
	}
	return f, true
}

// fill writes the message with its placeholders filled from name/value
// pairs; ok is false when go-i18n must do it.
func (c compiled) fill(tag language.Tag, args []any) (string, bool) {
	form := plural.Other
	values := make([]string, 0, 2)
	keys := make([]string, 0, 2)
	for i := 0; i+1 < len(args); i += 2 {
		key, ok := args[i].(string)
		if !ok {
			return "", false
		}
		var value string
		switch v := args[i+1].(type) {
		case string:
			value = v
		case int:
			value = strconv.Itoa(v)
		case int64:
			value = strconv.FormatInt(v, 10)
		default:
			return "", false
		}
		// Only a message with plural forms picks one by its Count (see
		// Catalog.plural).
		if key == "Count" && c.hasPlurals() {
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 {
				return "", false
			}
			form = plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)
		}
		keys, values = append(keys, key), append(values, value)
	}
	f := c.forms[form]
	if f == nil {
		return "", false
	}
	var b strings.Builder
	for i, text := range f.texts {
		b.WriteString(text)
		if i == len(f.names) {
			break
		}
		j := indexOf(keys, f.names[i])
		if j < 0 {
			return "", false // go-i18n writes its "<no value>"
		}
		b.WriteString(values[j])
	}
	return b.String(), true
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
