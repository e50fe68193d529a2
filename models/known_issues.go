package models

// Known issues. When the product breaks, a moderator says so once, in both
// languages, and ties the statement to one incident thread: while the issue
// is open every page shows it in a banner and the composer points askers to
// the thread, so that a thousand people add to one thread instead of each
// opening their own. Resolving it answers the thread with the resolution
// (marked as its solution), tells everyone who reported, and leaves the
// banner saying "resolved" for KnownIssueResolvedFor.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"hiroba/models/search"
)

// KnownIssue is a moderator's statement that something is wrong.
type KnownIssue struct {
	ID        int64
	TitleEN   string `gorm:"column:title_en"`
	TitleJA   string `gorm:"column:title_ja"`
	BodyEN    string `gorm:"column:body_en"`
	BodyJA    string `gorm:"column:body_ja"`
	Severity  string // KnownIssueMinor, KnownIssueMajor or KnownIssueCritical
	StatusURL string `gorm:"column:status_url"`
	// ThreadID is the incident thread; nil once that thread is deleted.
	ThreadID     *int64
	OpenedBy     *int64
	OpenedAt     time.Time
	ResolvedAt   *time.Time
	ResolvedBy   *int64
	ResolutionEN string `gorm:"column:resolution_en"`
	ResolutionJA string `gorm:"column:resolution_ja"`
	UpdatedAt    time.Time

	// Thread is the incident thread's address and standing (id, slug,
	// title, hidden_at), loaded with the issue.
	Thread *Thread `gorm:"foreignKey:ThreadID"`
}

// The severities of a known issue, least first.
const (
	KnownIssueMinor    = "minor"
	KnownIssueMajor    = "major"
	KnownIssueCritical = "critical"
)

// KnownIssueSeverities lists the severities, least first, as forms offer them.
var KnownIssueSeverities = []string{KnownIssueMinor, KnownIssueMajor, KnownIssueCritical}

// KnownIssueResolvedFor is how long the banner of a resolved issue stays,
// saying it is resolved: those who came during the outage learn that it is
// over when they come back, and then it goes.
const KnownIssueResolvedFor = 6 * time.Hour

// NotifyResolved tells someone who reported on an incident thread (asked,
// replied or said "me too") that the known issue was resolved.
const NotifyResolved NotificationKind = "resolved"

// Limits of a known issue's texts, in characters. The incident thread's
// title is both titles together, and must stay within a thread title's 200.
const (
	maxIssueTitle      = 90
	maxIssueBody       = 1000
	maxIssueResolution = 5000
)

// maxActiveIssues bounds the banners a page shows; a forum with more known
// issues open at once has a bigger problem than its banners.
const maxActiveIssues = 10

// Title is the issue's title in a language: Japanese for "ja", else English.
func (k KnownIssue) Title(lang string) string { return inLanguage(lang, k.TitleEN, k.TitleJA) }

// Body is the issue's text in a language.
func (k KnownIssue) Body(lang string) string { return inLanguage(lang, k.BodyEN, k.BodyJA) }

// Resolution is what resolved the issue, in a language.
func (k KnownIssue) Resolution(lang string) string {
	return inLanguage(lang, k.ResolutionEN, k.ResolutionJA)
}

func inLanguage(lang, en, ja string) string {
	if lang == "ja" && ja != "" {
		return ja
	}
	return en
}

// Resolved reports whether a moderator resolved the issue.
func (k KnownIssue) Resolved() bool { return k.ResolvedAt != nil }

// ShownUntil is when a resolved issue's banner goes; zero while it is open.
func (k KnownIssue) ShownUntil() time.Time {
	if k.ResolvedAt == nil {
		return time.Time{}
	}
	return k.ResolvedAt.Add(KnownIssueResolvedFor)
}

// Shown reports whether pages show the issue's banner at a moment.
func (k KnownIssue) Shown(now time.Time) bool {
	return k.ResolvedAt == nil || now.Before(k.ShownUntil())
}

// PublicThread is the incident thread when every reader may open it, for
// the links to it; nil when it is gone or hidden.
func (k KnownIssue) PublicThread() *Thread {
	var anonymous *User
	if k.Thread == nil || k.Thread.ID == 0 || !anonymous.CanView(*k.Thread) {
		return nil
	}
	return k.Thread
}

// severityRank orders the severities, most severe highest.
func severityRank(s string) int { return slices.Index(KnownIssueSeverities, s) }

// KnownIssueInput is what a moderator writes to open or change a known
// issue. ThreadID names an existing incident thread; 0 opens a new one in
// CategoryID, by the moderator, with the issue's text. Updates change the
// texts, the severity and the status link, never the thread.
type KnownIssueInput struct {
	TitleEN, TitleJA string
	BodyEN, BodyJA   string
	Severity         string
	StatusURL        string
	ThreadID         int64
	CategoryID       int64
}

// KnownIssueError names the fields of a known issue that cannot be stored,
// each with the catalog message saying why.
type KnownIssueError struct{ Fields map[string]string }

func (e *KnownIssueError) Error() string {
	return fmt.Sprintf("models: known issue: %d fields refused", len(e.Fields))
}

func issueRefused(field, msg string) error {
	return &KnownIssueError{Fields: map[string]string{field: msg}}
}

// check trims the input and returns a KnownIssueError for what cannot be
// stored: a missing or too long text in either language, an unknown
// severity, a status link that is not an http(s) address, and, when
// opening, no thread and no category to open one in.
func (in *KnownIssueInput) check(opening bool) error {
	bad := map[string]string{}
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{{"title_en", &in.TitleEN, maxIssueTitle}, {"title_ja", &in.TitleJA, maxIssueTitle},
		{"body_en", &in.BodyEN, maxIssueBody}, {"body_ja", &in.BodyJA, maxIssueBody}} {
		if msg := checkIssueText(f.v, f.max); msg != "" {
			bad[f.name] = msg
		}
	}
	if !slices.Contains(KnownIssueSeverities, in.Severity) {
		bad["severity"] = "known.bad_severity"
	}
	in.StatusURL = strings.TrimSpace(in.StatusURL)
	if in.StatusURL != "" && !webAddress(in.StatusURL) {
		bad["status_url"] = "known.bad_url"
	}
	if opening && in.ThreadID <= 0 && in.CategoryID <= 0 {
		bad["category"] = "known.bad_category"
	}
	if len(bad) > 0 {
		return &KnownIssueError{Fields: bad}
	}
	return nil
}

// checkIssueText trims a required text and says what is wrong with it, as
// a catalog message; "" when nothing is.
func checkIssueText(v *string, max int) string {
	*v = cleanText(strings.TrimSpace(*v))
	switch n := utf8.RuneCountInString(*v); {
	case n == 0:
		return "known.required"
	case n > max:
		return "known.too_long"
	}
	return ""
}

// bilingual joins a text's two languages, once when they are the same.
func bilingual(en, ja, sep string) string {
	if en == ja {
		return en
	}
	return en + sep + ja
}

// touchKnownIssues records a change to the known issues: every page shows
// their banners, so every page goes (KeyAll), and KeyKnownIssues tells the
// listeners that keep the issues themselves (the handlers' copy, live
// banners) to read them again.
func (s *Store) touchKnownIssues() { s.touch(KeyKnownIssues, KeyAll) }

// OpenKnownIssue opens a known issue for a moderator, with its audit
// entry. An existing incident thread must be one every reader can open; a
// new one is asked by the moderator, in the category given, with the
// issue's titles and texts in both languages, and pinned site-wide.
// Refused input comes back as a *KnownIssueError.
func (s *Store) OpenKnownIssue(ctx context.Context, actor User, in KnownIssueInput) (KnownIssue, error) {
	if err := actor.mayModerate(); err != nil {
		return KnownIssue{}, err
	}
	if err := in.check(true); err != nil {
		return KnownIssue{}, err
	}
	now := time.Now().UTC()
	k := KnownIssue{
		TitleEN: in.TitleEN, TitleJA: in.TitleJA, BodyEN: in.BodyEN, BodyJA: in.BodyJA,
		Severity: in.Severity, StatusURL: in.StatusURL, OpenedBy: &actor.ID, OpenedAt: now, UpdatedAt: now,
	}
	err := s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		th, err := tx.incidentThread(ctx, actor, in, now)
		if err != nil {
			return logEntry{}, err
		}
		k.ThreadID = &th.ID
		if err := tx.db.Omit("Thread").Create(&k).Error; err != nil {
			return logEntry{}, err
		}
		k.Thread = &th
		tx.touchKnownIssues()
		return logEntry{"known_issue.open", "known_issue", k.ID, k.TitleEN}, nil
	})
	if err != nil {
		return KnownIssue{}, fmt.Errorf("models: open known issue: %w", err)
	}
	return k, nil
}

// incidentThread is the thread a new known issue is tied to: the one named,
// if every reader may open it, or a new one.
func (s *Store) incidentThread(ctx context.Context, actor User, in KnownIssueInput, now time.Time) (Thread, error) {
	if in.ThreadID > 0 {
		var th Thread
		err := s.db.Where("merged_into IS NULL").Take(&th, in.ThreadID).Error
		var anonymous *User
		if errors.Is(err, gorm.ErrRecordNotFound) || err == nil && !anonymous.CanView(th) {
			return Thread{}, issueRefused("thread", "known.bad_thread")
		}
		return th, err
	}
	var cat Category
	err := s.db.Select("id", "archived_at").Take(&cat, in.CategoryID).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return Thread{}, issueRefused("category", "known.bad_category")
	case err != nil:
		return Thread{}, err
	case cat.Archived():
		return Thread{}, issueRefused("category", "refused.archived")
	}
	th, err := s.CreateThread(ctx, NewThread{
		UserID: actor.ID, CategoryID: in.CategoryID,
		Title: bilingual(in.TitleEN, in.TitleJA, " / "), Body: bilingual(in.BodyEN, in.BodyJA, "\n\n"),
	})
	if err != nil {
		return Thread{}, err
	}
	if err := s.db.Model(&Thread{}).Where("id = ?", th.ID).Updates(threadChange(ThreadPinSite, now)).Error; err != nil {
		return Thread{}, err
	}
	th.PinnedAt, th.PinnedGlobally = &now, true
	return th, s.audit(actor, "thread."+string(ThreadPinSite), "thread", th.ID, "")
}

// UpdateKnownIssue changes an issue's titles, texts, severity and status
// link for a moderator (its thread stays), with its audit entry; a change
// that changes nothing is not logged.
func (s *Store) UpdateKnownIssue(ctx context.Context, actor User, id int64, in KnownIssueInput) (KnownIssue, error) {
	if err := actor.mayModerate(); err != nil {
		return KnownIssue{}, err
	}
	if err := in.check(false); err != nil {
		return KnownIssue{}, err
	}
	var k KnownIssue
	err := s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		if err := tx.db.Take(&k, id).Error; err != nil {
			return logEntry{}, err
		}
		if k.TitleEN == in.TitleEN && k.TitleJA == in.TitleJA && k.BodyEN == in.BodyEN && k.BodyJA == in.BodyJA &&
			k.Severity == in.Severity && k.StatusURL == in.StatusURL {
			tx.touch()
			return logEntry{}, nil
		}
		k.TitleEN, k.TitleJA, k.BodyEN, k.BodyJA = in.TitleEN, in.TitleJA, in.BodyEN, in.BodyJA
		k.Severity, k.StatusURL, k.UpdatedAt = in.Severity, in.StatusURL, time.Now().UTC()
		err := tx.db.Model(&KnownIssue{}).Where("id = ?", id).Updates(map[string]any{
			"title_en": k.TitleEN, "title_ja": k.TitleJA, "body_en": k.BodyEN, "body_ja": k.BodyJA,
			"severity": k.Severity, "status_url": k.StatusURL, "updated_at": k.UpdatedAt,
		}).Error
		if err != nil {
			return logEntry{}, err
		}
		tx.touchKnownIssues()
		return logEntry{"known_issue.update", "known_issue", id, k.TitleEN}, nil
	})
	if err != nil {
		return KnownIssue{}, fmt.Errorf("models: update known issue %d: %w", id, notFoundErr(err))
	}
	return s.KnownIssue(ctx, id)
}

// ResolveKnownIssue resolves an open issue for a moderator, with its audit
// entry. The resolution, in both languages, is posted by the moderator as
// a reply in the incident thread and marked as its solution; the thread
// leaves the top of the lists; everyone who reported on it is told once.
// An issue already resolved is ErrConflict; a text missing or too long is
// a *KnownIssueError.
func (s *Store) ResolveKnownIssue(ctx context.Context, actor User, id int64, resolutionEN, resolutionJA string) (KnownIssue, error) {
	if err := actor.mayModerate(); err != nil {
		return KnownIssue{}, err
	}
	bad := map[string]string{}
	if msg := checkIssueText(&resolutionEN, maxIssueResolution); msg != "" {
		bad["resolution_en"] = msg
	}
	if msg := checkIssueText(&resolutionJA, maxIssueResolution); msg != "" {
		bad["resolution_ja"] = msg
	}
	if len(bad) > 0 {
		return KnownIssue{}, &KnownIssueError{Fields: bad}
	}
	err := s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		now := time.Now().UTC()
		// Only the first of two moderators resolving at once resolves.
		res := tx.db.Model(&KnownIssue{}).Where("id = ? AND resolved_at IS NULL", id).Updates(map[string]any{
			"resolved_at": now, "resolved_by": actor.ID, "resolution_en": resolutionEN, "resolution_ja": resolutionJA, "updated_at": now,
		})
		if res.Error != nil {
			return logEntry{}, res.Error
		}
		var k KnownIssue
		if err := tx.db.Take(&k, id).Error; err != nil {
			return logEntry{}, err
		}
		if res.RowsAffected == 0 {
			return logEntry{}, ErrConflict
		}
		if k.ThreadID != nil {
			if err := tx.answerIncident(ctx, actor, *k.ThreadID, bilingual(resolutionEN, resolutionJA, "\n\n")); err != nil {
				return logEntry{}, err
			}
		}
		tx.touchKnownIssues()
		return logEntry{"known_issue.resolve", "known_issue", id, k.TitleEN}, nil
	})
	if err != nil {
		return KnownIssue{}, fmt.Errorf("models: resolve known issue %d: %w", id, notFoundErr(err))
	}
	return s.KnownIssue(ctx, id)
}

// answerIncident posts a resolution in an incident thread, marks it as the
// solution, unpins the thread, and tells the people who reported.
func (s *Store) answerIncident(ctx context.Context, actor User, threadID int64, body string) error {
	post, err := s.CreateReply(ctx, NewReply{ThreadID: threadID, UserID: actor.ID, Body: body})
	if err != nil {
		return err
	}
	if _, err := s.MarkSolution(ctx, actor, threadID, post.ID); err != nil {
		return err
	}
	if post.Thread.Pinned() {
		if err := s.db.Model(&Thread{}).Where("id = ?", threadID).Updates(threadChange(ThreadUnpin, time.Now().UTC())).Error; err != nil {
			return err
		}
		if err := s.audit(actor, "thread."+string(ThreadUnpin), "thread", threadID, ""); err != nil {
			return err
		}
	}
	return s.notifyResolved(actor, post)
}

// notifyResolved tells everyone who reported on an incident thread — its
// asker, whoever replied, whoever said "me too" — that the issue is
// resolved, once each, through the resolution's post. It replaces the
// "new reply" the same post told them of, so nobody hears of it twice.
// The moderator who resolved it, deleted accounts and those who muted the
// thread are not told.
func (s *Store) notifyResolved(actor User, post Post) error {
	var ids []int64
	err := s.db.Raw(`SELECT r.user_id FROM (
			SELECT user_id FROM threads WHERE id = ?
			UNION SELECT user_id FROM posts WHERE thread_id = ? AND deleted_at IS NULL
			UNION SELECT user_id FROM thread_me_toos WHERE thread_id = ?
		) r
		JOIN users u ON u.id = r.user_id
		WHERE r.user_id <> ? AND u.role <> ?
		  AND NOT EXISTS (SELECT 1 FROM thread_watches w WHERE w.user_id = r.user_id AND w.thread_id = ? AND w.level = ?)
		ORDER BY r.user_id`,
		post.ThreadID, post.ThreadID, post.ThreadID, actor.ID, RoleDeleted, post.ThreadID, Muted).Scan(&ids).Error
	if err != nil || len(ids) == 0 {
		return err
	}
	list := make([]Notification, len(ids))
	for i, id := range ids {
		list[i] = Notification{UserID: id, Kind: NotifyResolved, ThreadID: post.ThreadID, PostID: post.ID, ActorID: actor.ID, CreatedAt: post.CreatedAt}
	}
	if err := s.insertNotifications(list); err != nil {
		return err
	}
	return s.db.Where("post_id = ? AND kind = ? AND user_id IN ?", post.ID, NotifyReply, ids).Delete(&Notification{}).Error
}

// withIncidentThread loads the incident thread's address and standing with
// each issue.
func withIncidentThread(db *gorm.DB) *gorm.DB {
	return db.Preload("Thread", func(db *gorm.DB) *gorm.DB {
		return db.Select("id", "title", "slug", "hidden_at")
	})
}

// KnownIssue loads one known issue with its thread.
func (s *Store) KnownIssue(ctx context.Context, id int64) (KnownIssue, error) {
	var k KnownIssue
	if err := withIncidentThread(s.db.WithContext(ctx)).Take(&k, id).Error; err != nil {
		return KnownIssue{}, notFound(err, "known issue %d", id)
	}
	return k, nil
}

// KnownIssues lists the latest known issues, open or not, newest first, for
// moderators.
func (s *Store) KnownIssues(ctx context.Context, limit int) ([]KnownIssue, error) {
	var out []KnownIssue
	err := withIncidentThread(s.db.WithContext(ctx)).Order("opened_at DESC, id DESC").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: known issues: %w", err)
	}
	return out, nil
}

// ActiveKnownIssues are the issues whose banners pages show at a moment:
// the open ones, most severe and then newest first, then those resolved
// within KnownIssueResolvedFor. Two small reads of an index; the handlers
// keep the answer between changes.
func (s *Store) ActiveKnownIssues(ctx context.Context, now time.Time) ([]KnownIssue, error) {
	var out []KnownIssue
	err := withIncidentThread(s.db.WithContext(ctx)).
		Where("resolved_at IS NULL OR resolved_at > ?", now.Add(-KnownIssueResolvedFor).UTC()).
		Order("opened_at DESC, id DESC").Limit(maxActiveIssues).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: active known issues: %w", err)
	}
	slices.SortStableFunc(out, func(a, b KnownIssue) int {
		if a.Resolved() != b.Resolved() {
			if a.Resolved() {
				return 1
			}
			return -1
		}
		return cmp.Compare(severityRank(b.Severity), severityRank(a.Severity))
	})
	return out, nil
}

// KnownIssueForTitle is the open known issue a question's title is about,
// nil when none is: the one whose title, in either language, shares the
// most meaningful words with it (as the similar-threads search reads
// titles), if it shares enough of them. Only an issue whose incident
// thread every reader may open counts: it is where the asker is sent.
func (s *Store) KnownIssueForTitle(ctx context.Context, title string) (*KnownIssue, error) {
	terms := titleTerms(title)
	if len(terms) == 0 {
		return nil, nil
	}
	var open []KnownIssue
	if err := withIncidentThread(s.db.WithContext(ctx)).Where("resolved_at IS NULL").
		Order("opened_at DESC, id DESC").Limit(maxActiveIssues).Find(&open).Error; err != nil {
		return nil, fmt.Errorf("models: open known issues: %w", err)
	}
	var best *KnownIssue
	bestScore := 0
	for i, k := range open {
		if k.PublicThread() == nil {
			continue
		}
		for _, t := range []string{k.TitleEN, k.TitleJA, k.Thread.Title} {
			if score := titleMatch(terms, titleTerms(t)); score > bestScore {
				best, bestScore = &open[i], score
			}
		}
	}
	return best, nil
}

// titleTerms are a title's meaningful words as the similar-threads search
// reads them: stems of English words, bigrams of Japanese, no fillers.
func titleTerms(title string) map[string]bool {
	out := map[string]bool{}
	for _, g := range search.Similar(title).Groups {
		for _, t := range g.Alternatives {
			out[strings.Join(t.Words, " ")] = true
		}
	}
	return out
}

// titleMatch is how many terms two titles share when that is enough to
// call them the same subject, else 0: at least half of the shorter title's
// terms, and at least two unless it has only one. One shared word ("login")
// is a topic, not the same problem.
func titleMatch(a, b map[string]bool) int {
	shared := 0
	for t := range a {
		if b[t] {
			shared++
		}
	}
	shorter := min(len(a), len(b))
	need := min(max(2, (shorter+1)/2), shorter)
	if shorter == 0 || shared < need {
		return 0
	}
	return shared
}
