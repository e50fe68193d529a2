package models

import (
	"database/sql"
	"strings"

	"hiroba/models/database"
)

// The reads every thread page makes (the thread and its posts) name their
// columns here and scan them straight into the structs. GORM's
// scan of a joined row finds each column's field by reflection and was a
// quarter of a thread page's time; a page of posts is hundreds of values.
// Each list of columns sits beside the targets it scans into, in the same
// order, so the two cannot drift apart unnoticed (TestHotReadsMatchGORM
// reads the same rows both ways).

// userColumns are a user's columns under the alias a.
func userColumns(a string) string {
	return columns(a, "id", "username", "name", "email", "avatar_url", "role", "staff", "silenced_until",
		"suspended_until", "moderation_reason", "email_verified", "created_at", "updated_at", "time_zone")
}

func (u *User) targets() []any {
	return []any{&u.ID, &u.Username, &u.Name, &u.Email, &u.AvatarURL, &u.Role, &u.Staff, &u.SilencedUntil,
		&u.SuspendedUntil, &u.ModerationReason, &u.EmailVerified, &u.CreatedAt, &u.UpdatedAt, &u.TimeZone}
}

func categoryColumns(a string) string {
	return columns(a, "id", "slug", "name_en", "name_ja", "description_en", "description_ja",
		"position", "thread_count", "created_at", "updated_at", "archived_at")
}

func (c *Category) targets() []any {
	return []any{&c.ID, &c.Slug, &c.NameEN, &c.NameJA, &c.DescriptionEN, &c.DescriptionJA,
		&c.Position, &c.ThreadCount, &c.CreatedAt, &c.UpdatedAt, &c.ArchivedAt}
}

func threadColumns(a string) string {
	return columns(a, "id", "category_id", "user_id", "title") + ", COALESCE(" + a + ".title_lang, '')" +
		", " + columns(a, "slug", "post_count", "reply_count", "last_posted_at", "last_poster_id",
		"created_at", "updated_at", "search_title", "solution_post_id", "solved_at", "helpful_count",
		"hidden_at", "closed_at", "pinned_at", "pinned_globally", "thumb", "thumb_width", "thumb_height", "me_too_count") +
		", " + columns(a, "duplicate_of", "merged_into")
}

func (t *Thread) targets() []any {
	return []any{&t.ID, &t.CategoryID, &t.UserID, &t.Title, &t.TitleLang, &t.Slug, &t.PostCount,
		&t.ReplyCount, &t.LastPostedAt, &t.LastPosterID, &t.CreatedAt, &t.UpdatedAt, &t.SearchTitle,
		&t.SolutionPostID, &t.SolvedAt, &t.HelpfulCount, &t.HiddenAt, &t.ClosedAt, &t.PinnedAt,
		&t.PinnedGlobally, &t.Thumb, &t.ThumbWidth, &t.ThumbHeight, &t.MeTooCount,
		&t.DuplicateOf, &t.MergedInto}
}

// postColumns leave out the source and the search text, the largest
// columns, which no page of posts shows.
func postColumns(a string) string {
	return columns(a, "id", "thread_id", "user_id", "position", "html") + ", COALESCE(" + a + ".lang, '')" +
		", " + columns(a, "created_at", "updated_at", "edited_at", "deleted_at", "deleted_by",
		"helpful_count", "status", "review_reasons", "hidden_at")
}

func (p *Post) targets() []any {
	return []any{&p.ID, &p.ThreadID, &p.UserID, &p.Position, &p.HTML, &p.Lang, &p.CreatedAt,
		&p.UpdatedAt, &p.EditedAt, &p.DeletedAt, &p.DeletedBy, &p.HelpfulCount, &p.Status,
		&p.ReviewReasons, &p.HiddenAt}
}

func columns(alias string, names ...string) string {
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(alias)
		b.WriteByte('.')
		b.WriteString(n)
	}
	return b.String()
}

// scanRows reads every row of a query, scanning each into the targets
// next returns for it, then calling each (when given) with the row read. A
// connection lost on the way is an outage, as it is for every other read
// (database.MarkUnavailable).
func scanRows(rows *sql.Rows, next func() []any, each ...func()) error {
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(next()...); err != nil {
			return database.MarkUnavailable(err)
		}
		for _, fn := range each {
			fn()
		}
	}
	return database.MarkUnavailable(rows.Err())
}
