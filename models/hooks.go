package models

import (
	"gorm.io/gorm"

	"hiroba/models/search"
)

// The search index reads search_title and search_body, which are prepared
// here in Go so that PostgreSQL and SQLite index exactly the same tokens.
// Hooks run for every write through the structs, including batch inserts, so
// no write path can forget them; the database triggers do the rest in the
// same transaction. Together they are the indexing half of both search
// engines (search.Engine), which only query. The language of each title and
// post is detected here too, for the same reason.

// BeforeSave prepares the thread's title for the search index and tags its language.
func (t *Thread) BeforeSave(*gorm.DB) error {
	t.SearchTitle = search.IndexText(t.Title)
	t.TitleLang = DetectLanguage(t.Title)
	return nil
}

// BeforeSave prepares the post's text for the search index and tags its language.
func (p *Post) BeforeSave(*gorm.DB) error {
	if p.Status == "" {
		p.Status = StatusPublished
	}
	p.SearchBody = search.IndexText(p.Source)
	p.Lang = DetectLanguage(p.Source)
	return nil
}
