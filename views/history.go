package views

import (
	"html/template"

	"hiroba/models"
)

// HistoryEntry is one earlier version of a post on its history page.
type HistoryEntry struct {
	models.RevisionView
	Changes      template.HTML // what the edit after this version changed (Diff)
	TitleChanges template.HTML // for a question whose title that edit changed
}

// NewHistory pairs each earlier version the viewer may read (newest first,
// as models.Store.History lists them) with the next version they may read,
// the post as it is for the newest, and renders what changed between them.
// A withheld version is never anyone's "next": the version before it is
// compared straight with the one after, so withheld text cannot show up as
// what an edit removed or added.
func NewHistory(t Translator, post models.Post, revs []models.RevisionView) []HistoryEntry {
	next, nextTitle := post.Source, ""
	if post.Position == 1 {
		nextTitle = post.Thread.Title
	}
	entries := make([]HistoryEntry, len(revs))
	for i, r := range revs {
		e := HistoryEntry{RevisionView: r}
		if !r.Withheld {
			e.Changes = Diff(t, r.Source, next)
			// Versions kept before titles were recorded have none.
			if r.Title != "" && nextTitle != "" && r.Title != nextTitle {
				e.TitleChanges = Diff(t, r.Title, nextTitle)
			}
			next = r.Source
			if r.Title != "" {
				nextTitle = r.Title
			}
		}
		entries[i] = e
	}
	return entries
}

// toggleRevision is the action a revision's button takes: show a hidden
// version again, or hide a shown one.
func toggleRevision(r HistoryEntry) string {
	if r.HiddenAt != nil {
		return "unhide"
	}
	return "hide"
}
