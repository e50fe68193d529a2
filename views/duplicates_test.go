package views

import (
	"time"

	"hiroba/models"
)

// duplicatePageData is what TestEveryPageRenders renders the pages of
// merging threads with: the merge page at its confirmation, and a list with
// a merge undone and one not.
func duplicatePageData(base Base, user models.User, th models.Thread) map[Page]any {
	into := models.Thread{ID: 2, Title: "Original", Slug: "original"}
	now := time.Now()
	merges := []models.ThreadMerge{
		{ID: 1, From: th, Into: into, MergedBy: &user.ID, Mover: user, MergedAt: now},
		{ID: 2, From: th, Into: into, MergedAt: now, UndoneAt: &now},
	}
	return map[Page]any{
		ThreadMergePage:  ThreadMergeData{Base: base, From: th, Into: "2", Preview: &models.MergePreview{From: th, Into: into, Posts: 3, MeToos: 1}},
		ThreadMergesPage: ThreadMergesData{Base: base, Merges: merges},
	}
}
