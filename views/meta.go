package views

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"

	"hiroba/models"
)

// PageMeta is what a page tells search engines and link previews about
// itself, beyond its title.
type PageMeta struct {
	// Canonical is the page's one absolute address: filters, sorts and
	// tracking parameters lead to the plain page.
	Canonical string
	// Description is plain text for result snippets and previews; "" is
	// the site's tagline.
	Description string
	// Type is OpenGraph's: "website", or "article" for a thread.
	Type string
	// Lang is the language of the content ("ja", "en"), which may differ
	// from the page's; "" is the page's.
	Lang string
	// JSONLD is the page's structured data (schema.org), as JSON.
	JSONLD string
}

// DescriptionText is the page's description: its own or the site's.
func (b Base) DescriptionText() string { return or(b.Meta.Description, b.TaglineText()) }

// OGLocale is OpenGraph's name for the content's language.
func (b Base) OGLocale() string {
	if or(b.Meta.Lang, b.Lang()) == "ja" {
		return "ja_JP"
	}
	return "en_US"
}

// descriptionRunes bounds a description: what result snippets and link
// previews show.
const descriptionRunes = 160

// Describe is the start of a post as plain text, for a description.
func Describe(postHTML string) string {
	text := PlainText(postHTML)
	if utf8.RuneCountInString(text) <= descriptionRunes {
		return text
	}
	r := []rune(text)[:descriptionRunes-1]
	return strings.TrimRight(string(r), " ") + "…"
}

// PlainText is the text of sanitized post HTML, its whitespace collapsed.
func PlainText(postHTML string) string {
	z := html.NewTokenizer(strings.NewReader(postHTML))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			b.WriteByte(' ')
		}
	}
}

// QAPage is a thread's first page as schema.org's QAPage: the question,
// the accepted answer and the other public replies on the page, as a
// search engine shows them. Only what every visitor may read is in it;
// without a public question there is nothing to describe ("").
func QAPage(baseURL string, v models.ThreadView, solution *models.Post) string {
	th := v.Thread
	if v.Page > 1 || len(v.Posts) == 0 || v.Posts[0].Position != 1 || !v.Posts[0].Public() || th.Hidden() {
		return ""
	}
	q := v.Posts[0]
	person := func(u models.User) map[string]any {
		if u.Deleted() {
			return map[string]any{"@type": "Person", "name": deletedPersonName}
		}
		return map[string]any{"@type": "Person", "name": u.Username, "url": baseURL + UserPath(u.Username)}
	}
	answer := func(p models.Post) map[string]any {
		return map[string]any{
			"@type":       "Answer",
			"text":        PlainText(p.HTML),
			"dateCreated": Stamp(p.CreatedAt),
			"upvoteCount": p.HelpfulCount,
			"url":         baseURL + PostPath(th.ID, th.Slug, p.Position, p.ID),
			"author":      person(p.User),
		}
	}
	question := map[string]any{
		"@type":       "Question",
		"name":        th.Title,
		"text":        PlainText(q.HTML),
		"answerCount": th.ReplyCount,
		"dateCreated": Stamp(th.CreatedAt),
		"author":      person(q.User),
		"url":         baseURL + ThreadPath(th.ID, th.Slug),
	}
	if solution != nil && solution.Public() {
		question["acceptedAnswer"] = answer(*solution)
	}
	var suggested []map[string]any
	for _, p := range v.Posts[1:] {
		if p.Public() && (solution == nil || p.ID != solution.ID) {
			suggested = append(suggested, answer(p))
		}
	}
	if len(suggested) > 0 {
		question["suggestedAnswer"] = suggested
	}
	doc := map[string]any{"@context": "https://schema.org", "@type": "QAPage", "mainEntity": question}
	if lang := or(th.TitleLang, q.Lang); lang != "" {
		doc["inLanguage"] = lang
	}
	// json.Marshal writes <, > and & as \u escapes: the document cannot
	// end the <script> element it is written in.
	out, err := json.Marshal(doc)
	if err != nil {
		return ""
	}
	return string(out)
}
