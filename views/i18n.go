package views

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.json
var localeFiles embed.FS

// Languages the site speaks, the first being the fallback.
var Languages = []string{"en", "ja"}

// Catalog holds every visible string in every language. Strings with no
// plural forms and no placeholders are looked up in a plain map, so a page
// full of labels costs map reads, not template executions.
type Catalog struct {
	localizers map[string]*i18n.Localizer
	plain      map[string]map[string]string
	// compiled holds the messages with placeholders, ready to fill
	// without go-i18n's templates (see messages.go).
	compiled map[string]map[string]compiled
	// plural names the messages that have plural forms: only those choose
	// a form by their Count. A message with one form uses it for every
	// count (go-i18n would ask an English count of 1 for a "one" form the
	// message does not have, and show the message's id instead).
	plural  map[string]map[string]bool
	tags    map[string]language.Tag
	matcher language.Matcher

	// matched remembers the language chosen for each Accept-Language
	// header: browsers send a handful of distinct values, and parsing one
	// costs more than rendering a small page.
	mu      sync.Mutex
	matched map[string]string
}

// NewCatalog loads the embedded message files and checks that every language
// has every message, so a missing translation fails start-up and tests.
func NewCatalog() (*Catalog, error) {
	bundle := i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &Catalog{
		localizers: map[string]*i18n.Localizer{}, plain: map[string]map[string]string{},
		compiled: map[string]map[string]compiled{}, plural: map[string]map[string]bool{}, tags: map[string]language.Tag{},
	}
	ids := map[string][]string{}
	var tags []language.Tag
	for _, lang := range Languages {
		name := path.Join("locales", lang+".json")
		buf, err := localeFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("views: %w", err)
		}
		file, err := bundle.ParseMessageFileBytes(buf, name)
		if err != nil {
			return nil, fmt.Errorf("views: parse %s: %w", name, err)
		}
		c.plain[lang] = map[string]string{}
		c.compiled[lang] = map[string]compiled{}
		c.plural[lang] = map[string]bool{}
		for _, m := range file.Messages {
			ids[lang] = append(ids[lang], m.ID)
			c.plural[lang][m.ID] = m.One != "" || m.Few != "" || m.Many != "" || m.Two != "" || m.Zero != ""
			if m.One == "" && m.Few == "" && m.Many == "" && m.Two == "" && m.Zero == "" && !strings.Contains(m.Other, "{{") {
				c.plain[lang][m.ID] = m.Other
			} else if cm, ok := compileMessage(m); ok {
				c.compiled[lang][m.ID] = cm
			}
		}
		c.localizers[lang] = i18n.NewLocalizer(bundle, lang)
		c.tags[lang] = language.MustParse(lang)
		tags = append(tags, c.tags[lang])
	}
	c.matcher = language.NewMatcher(tags)
	if missing := missingIDs(ids); len(missing) > 0 {
		return nil, fmt.Errorf("views: messages missing a translation: %s", strings.Join(missing, ", "))
	}
	return c, nil
}

func missingIDs(ids map[string][]string) []string {
	all := map[string]int{}
	for _, list := range ids {
		for _, id := range list {
			all[id]++
		}
	}
	var missing []string
	for id, n := range all {
		if n != len(ids) {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	return missing
}

// Match picks the language for a request: the visitor's choice (cookie)
// first, then the browser's Accept-Language, then the site's default
// (fallback; "" is English).
func (c *Catalog) Match(choice, acceptLanguage, fallback string) string {
	for _, l := range Languages {
		if choice == l {
			return l
		}
	}
	if fallback == "" {
		fallback = Languages[0]
	}
	if acceptLanguage == "" {
		return fallback
	}
	c.mu.Lock()
	lang, ok := c.matched[acceptLanguage]
	c.mu.Unlock()
	if !ok {
		lang = c.matchHeader(acceptLanguage)
		c.mu.Lock()
		if len(c.matched) >= 1024 || c.matched == nil {
			c.matched = map[string]string{} // bounded: a flood of odd headers only costs parsing
		}
		c.matched[strings.Clone(acceptLanguage)] = lang
		c.mu.Unlock()
	}
	if lang == "" {
		return fallback
	}
	return lang
}

// matchHeader is the language the header asks for, "" for none the forum
// speaks.
func (c *Catalog) matchHeader(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return ""
	}
	_, i, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return ""
	}
	return Languages[i]
}

// Translator speaks one language.
type Translator struct {
	lang string
	c    *Catalog
}

// In returns the translator for a language.
func (c *Catalog) In(lang string) Translator { return Translator{lang: lang, c: c} }

// Lang is the language code, for <html lang>.
func (t Translator) Lang() string { return t.lang }

// In is a translator for another language, for text shown in a language
// other than the page's (a language's own name, a default in each).
func (t Translator) In(lang string) Translator { return t.c.In(lang) }

// T translates a message. args are name/value pairs filling its placeholders;
// a "Count" pair also picks the plural form.
func (t Translator) T(id string, args ...any) string {
	if t.c == nil {
		return id
	}
	if len(args) == 0 {
		if s, ok := t.c.plain[t.lang][id]; ok {
			return s
		}
	}
	if m, ok := t.c.compiled[t.lang][id]; ok && len(args) > 0 {
		if s, ok := m.fill(t.c.tags[t.lang], args); ok {
			return s
		}
	}
	return t.localize(id, args)
}

// localize is T through go-i18n, for what the compiled messages do not cover.
func (t Translator) localize(id string, args []any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(args) > 0 {
		data := make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			key := fmt.Sprint(args[i])
			data[key] = args[i+1]
			if key == "Count" && t.c.plural[t.lang][id] {
				cfg.PluralCount = args[i+1]
			}
		}
		cfg.TemplateData = data
	}
	s, err := t.c.localizers[t.lang].Localize(cfg)
	if err != nil {
		return id
	}
	return s
}
