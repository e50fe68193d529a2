package handlers

import (
	"context"
	"fmt"
	"strings"

	"hiroba/models"
	"hiroba/views"
)

// floodIncidents turns a flood into an incident in one action: the first
// question asked becomes the incident thread of a new known issue, named by
// its asker's words until a moderator words it better, and every other
// question of the flood is merged into it, so their askers, me-toos and
// watchers all follow one thread.
type floodIncidents struct {
	store   *models.Store
	catalog *views.Catalog
}

// OpenIncident opens the known issue and merges the questions into the
// first; it returns the incident thread. questions are FloodThreads', in
// the order they were asked.
func (f floodIncidents) OpenIncident(ctx context.Context, actor models.User, questions []models.Thread) (int64, error) {
	if len(questions) == 0 {
		return 0, models.ErrNotFound
	}
	first := questions[0]
	title := first.Title
	if r := []rune(title); len(r) > 90 {
		title = strings.TrimSpace(string(r[:89])) + "…"
	}
	body := func(lang string) string {
		return f.catalog.In(lang).T("incident.flood_body", "Count", len(questions))
	}
	issue, err := f.store.OpenKnownIssue(ctx, actor, models.KnownIssueInput{
		TitleEN: title, TitleJA: title, BodyEN: body("en"), BodyJA: body("ja"),
		Severity: models.KnownIssueMajor, ThreadID: first.ID,
	})
	if err != nil {
		return 0, fmt.Errorf("handlers: open the flood's known issue: %w", err)
	}
	for _, q := range questions[1:] {
		if _, err := f.store.MergeThreads(ctx, actor, q.ID, first.ID); err != nil {
			return 0, fmt.Errorf("handlers: merge question %d into incident thread %d: %w", q.ID, first.ID, err)
		}
	}
	return *issue.ThreadID, nil
}
