package views

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"html"

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

// PlainText is the text of sanitized post HTML, its whitespace collapsed:
// tags dropped (a block's edge is a word break, an inline tag's is not),
// entities decoded. The HTML is the sanitizer's, so a '<' always opens a
// tag and a '>' in an attribute is written as an entity.
func PlainText(postHTML string) string {
	var raw strings.Builder
	raw.Grow(len(postHTML))
	for len(postHTML) > 0 {
		lt := strings.IndexByte(postHTML, '<')
		if lt < 0 {
			lt = len(postHTML)
		}
		if text := postHTML[:lt]; strings.IndexByte(text, '&') >= 0 {
			raw.WriteString(html.UnescapeString(text))
		} else {
			raw.WriteString(text)
		}
		gt := strings.IndexByte(postHTML[lt:], '>')
		if lt == len(postHTML) || gt < 0 {
			break
		}
		if !inlineTag(postHTML[lt+1 : lt+gt]) {
			raw.WriteByte(' ')
		}
		postHTML = postHTML[lt+gt+1:]
	}
	return strings.Join(strings.Fields(raw.String()), " ")
}

// inlineTag reports whether a tag (its text between < and >) runs inside
// a line of text, as a link or emphasis does.
func inlineTag(tag string) bool {
	tag = strings.TrimPrefix(tag, "/")
	if i := strings.IndexAny(tag, " \t\n/"); i >= 0 {
		tag = tag[:i]
	}
	switch strings.ToLower(tag) {
	case "a", "abbr", "b", "code", "del", "em", "i", "ins", "kbd", "mark", "q", "s", "small", "span", "strong", "sub", "sup", "u":
		return true
	}
	return false
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
	person := func(u models.User) ldPerson {
		if u.Deleted() {
			return ldPerson{Type: "Person", Name: deletedPersonName}
		}
		return ldPerson{Type: "Person", Name: u.Username, URL: baseURL + UserPath(u.Username)}
	}
	answer := func(p models.Post) *ldAnswer {
		return &ldAnswer{
			Type: "Answer", Text: PlainText(p.HTML), DateCreated: Stamp(p.CreatedAt), UpvoteCount: p.HelpfulCount,
			URL: baseURL + PostPath(th.ID, th.Slug, p.Position, p.ID), Author: person(p.User),
		}
	}
	question := ldQuestion{
		Type: "Question", Name: th.Title, Text: PlainText(q.HTML), AnswerCount: th.ReplyCount,
		DateCreated: Stamp(th.CreatedAt), Author: person(q.User), URL: baseURL + ThreadPath(th.ID, th.Slug),
	}
	if solution != nil && solution.Public() {
		question.AcceptedAnswer = answer(*solution)
	}
	for _, p := range v.Posts[1:] {
		if p.Public() && (solution == nil || p.ID != solution.ID) {
			question.SuggestedAnswer = append(question.SuggestedAnswer, answer(p))
		}
	}
	doc := ldQAPage{Context: "https://schema.org", Type: "QAPage", InLanguage: or(th.TitleLang, q.Lang), MainEntity: question}
	// json.Marshal writes <, > and & as \u escapes: the document cannot
	// end the <script> element it is written in.
	out, err := json.Marshal(doc)
	if err != nil {
		return ""
	}
	return string(out)
}

// The schema.org shapes QAPage writes.
type (
	ldQAPage struct {
		Context    string     `json:"@context"`
		Type       string     `json:"@type"`
		InLanguage string     `json:"inLanguage,omitempty"`
		MainEntity ldQuestion `json:"mainEntity"`
	}
	ldQuestion struct {
		Type            string      `json:"@type"`
		Name            string      `json:"name"`
		Text            string      `json:"text"`
		AnswerCount     int         `json:"answerCount"`
		DateCreated     string      `json:"dateCreated"`
		Author          ldPerson    `json:"author"`
		URL             string      `json:"url"`
		AcceptedAnswer  *ldAnswer   `json:"acceptedAnswer,omitempty"`
		SuggestedAnswer []*ldAnswer `json:"suggestedAnswer,omitempty"`
	}
	ldAnswer struct {
		Type        string   `json:"@type"`
		Text        string   `json:"text"`
		DateCreated string   `json:"dateCreated"`
		UpvoteCount int      `json:"upvoteCount"`
		URL         string   `json:"url"`
		Author      ldPerson `json:"author"`
	}
	ldPerson struct {
		Type string `json:"@type"`
		Name string `json:"name"`
		URL  string `json:"url,omitempty"`
	}
)
