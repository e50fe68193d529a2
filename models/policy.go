package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Why a post was refused outright. Handlers turn these into messages.
const (
	RefuseSilenced      = "silenced"
	RefuseThreadsPerDay = "threads_per_day"
	RefuseRepliesPerDay = "replies_per_day"
	RefuseCooldown      = "cooldown"
	RefuseDuplicate     = "duplicate"
	RefuseBlockedWord   = "blocked_word"
	RefuseClosed        = "closed"
	RefuseArchived      = "archived" // the category is read-only
	RefuseTooManyImages = "too_many_images"
)

// RefusedError says why a post was not accepted and, for limits, when the
// author may try again. Nothing was stored.
type RefusedError struct {
	Reason     string
	RetryAfter time.Duration
	Detail     string // the blocked word, the end of a silence
	// Until is the end of a silence, for pages to write in the reader's
	// zone; zero for other refusals.
	Until time.Time
}

func (e *RefusedError) Error() string { return "post refused: " + e.Reason }

// isNewAccount applies the newest trust level: young accounts, and those
// with few published posts, get the stricter limits.
func (s *Store) isNewAccount(u User, r Rules, now time.Time) (bool, error) {
	if newAccount(u, r, now, 0) != newAccount(u, r, now, int64(r.NewAccountMinPosts)) {
		// Only the count can decide: count up to the number that matters.
		published, err := s.publishedUpTo(u.ID, r.NewAccountMinPosts)
		return newAccount(u, r, now, published), err
	}
	return newAccount(u, r, now, 0), nil
}

// newAccount is isNewAccount's decision, given how many published posts
// the user has.
func newAccount(u User, r Rules, now time.Time, published int64) bool {
	if u.CanModerate() {
		return false
	}
	return now.Sub(u.CreatedAt) < time.Duration(r.NewAccountAge) || published < int64(r.NewAccountMinPosts)
}

// publishedUpTo counts a user's published posts, stopping at enough: a
// count(*) with a LIMIT would still visit every post of a prolific author.
func (s *Store) publishedUpTo(userID int64, enough int) (int64, error) {
	var n int64
	err := s.db.Raw(`SELECT count(*) FROM (SELECT 1 FROM posts WHERE user_id = ? AND status = ? AND deleted_at IS NULL LIMIT ?) AS enough`,
		userID, StatusPublished, enough).Scan(&n).Error
	return n, err
}

// publishedPosts selects a user's published posts, which earn trust.
func (s *Store) publishedPosts(userID int64) *gorm.DB {
	return s.db.Model(&Post{}).Where("user_id = ? AND status = ? AND deleted_at IS NULL", userID, StatusPublished)
}

// checkPost decides what happens to a new post before it is written:
// refused (a *RefusedError), held for review (with the reasons), or
// published. Each rule is a small function below, in the order it runs.
func (s *Store) checkPost(ctx context.Context, u User, isThread bool, d draft, now time.Time) (PostStatus, []string, error) {
	return s.runPolicy(ctx, u, 0, d, now, func(p postingContext) error {
		if err := p.refuseTooSoon(); err != nil {
			return err
		}
		if err := p.refuseDuplicate(d.source); err != nil {
			return err
		}
		return p.refuseOverDailyCap(isThread)
	})
}

// checkEdit is checkPost for a change to a post: the same refusals and
// holds for what the text says, without the pace rules, which count posts.
// The post's own earlier text is not "another post" with the same link.
func (s *Store) checkEdit(ctx context.Context, u User, postID int64, d draft, now time.Time) (PostStatus, []string, error) {
	return s.runPolicy(ctx, u, postID, d, now, nil)
}

// draft is the text the rules judge: a question's title with its body, or
// a reply's body alone, as written and as rendered.
type draft struct {
	title, source, html string
}

// watchedText is everything a watched word may hide in.
func (d draft) watchedText() string {
	if d.title == "" {
		return d.source
	}
	return d.title + "\n\n" + d.source
}

// postingContext is what the rules know of an author at the moment of posting.
type postingContext struct {
	rules    Rules
	newcomer bool
	recent   []recentPost // the author's posts the rules read (see history), newest first
	now      time.Time
}

// recentPost is the part of an earlier post the rules read.
type recentPost struct {
	Position  int
	Source    string
	CreatedAt time.Time
}

// runPolicy checks the author, then pace (when given), then content, over
// the author's last day of posts except the one being edited.
func (s *Store) runPolicy(ctx context.Context, u User, editing int64, d draft, now time.Time, pace func(postingContext) error) (PostStatus, []string, error) {
	if err := refuseRestricted(u, now); err != nil {
		return "", nil, err
	}
	if n := len(UploadHashes(d.html)); n > MaxImagesPerPost {
		return "", nil, &RefusedError{Reason: RefuseTooManyImages, Detail: strconv.Itoa(MaxImagesPerPost)}
	}
	if u.CanModerate() {
		return StatusPublished, nil, nil
	}
	p := postingContext{now: now}
	var err error
	if p.rules, err = s.batchRules(ctx); err != nil {
		return "", nil, err
	}
	if p.newcomer, err = s.isNewAccount(u, p.rules, now); err != nil {
		return "", nil, err
	}
	if back := p.history(pace != nil); back > 0 {
		if err := s.db.Model(&Post{}).Select("position", "source", "created_at").
			Where("user_id = ? AND created_at > ? AND id <> ?", u.ID, now.Add(-back), editing).
			Order("created_at DESC").Limit(200).Scan(&p.recent).Error; err != nil {
			return "", nil, err
		}
	}
	if pace != nil {
		if err := pace(p); err != nil {
			return "", nil, err
		}
	}
	watched, err := s.watchedWords()
	if err != nil {
		return "", nil, err
	}
	reasons, err := p.contentReasons(watched, d.watchedText(), d.html)
	if err != nil || len(reasons) == 0 {
		return StatusPublished, nil, err
	}
	return StatusHeld, reasons, nil
}

// history is how far back the rules read the author's posts. A newcomer's
// daily caps and repeated links read the whole day; anyone else's posts
// matter only for the pace rules (the wait and the duplicate window), which
// an edit does not run. Reading no further than that keeps the read, and
// the text it carries, small for the people who post the most.
func (p postingContext) history(pace bool) time.Duration {
	switch {
	case p.newcomer:
		return 24 * time.Hour
	case !pace:
		return 0
	}
	return min(max(time.Duration(p.rules.Cooldown), time.Duration(p.rules.DuplicateWindow)), 24*time.Hour)
}

// refuseRestricted refuses anything from a silenced or suspended author,
// saying until when.
func refuseRestricted(u User, now time.Time) error {
	if !u.Silenced(now) {
		return nil
	}
	until := u.restrictedUntil().UTC()
	return &RefusedError{Reason: RefuseSilenced, Detail: until.Format(time.RFC3339), Until: until}
}

// refuseTooSoon enforces the wait between two posts, longer for newcomers.
func (p postingContext) refuseTooSoon() error {
	cooldown := time.Duration(p.rules.Cooldown)
	if p.newcomer {
		cooldown = time.Duration(p.rules.NewCooldown)
	}
	if len(p.recent) == 0 || cooldown <= 0 {
		return nil
	}
	if wait := cooldown - p.now.Sub(p.recent[0].CreatedAt); wait > 0 {
		return &RefusedError{Reason: RefuseCooldown, RetryAfter: wait}
	}
	return nil
}

// refuseDuplicate refuses the same text twice within the window.
func (p postingContext) refuseDuplicate(source string) error {
	if p.rules.DuplicateWindow <= 0 {
		return nil
	}
	for _, r := range p.recent {
		if p.now.Sub(r.CreatedAt) < time.Duration(p.rules.DuplicateWindow) && strings.TrimSpace(r.Source) == strings.TrimSpace(source) {
			return &RefusedError{Reason: RefuseDuplicate}
		}
	}
	return nil
}

// refuseOverDailyCap limits how many questions and replies a newcomer
// writes a day.
func (p postingContext) refuseOverDailyCap(isThread bool) error {
	if !p.newcomer {
		return nil
	}
	threads := 0
	for _, r := range p.recent {
		if r.Position == 1 {
			threads++
		}
	}
	replies := len(p.recent) - threads
	retry := func() time.Duration {
		if len(p.recent) == 0 {
			return 24 * time.Hour // a cap of none: nothing to wait out but the day
		}
		return p.recent[len(p.recent)-1].CreatedAt.Add(24 * time.Hour).Sub(p.now)
	}
	if isThread && threads >= p.rules.NewMaxThreadsPerDay {
		return &RefusedError{Reason: RefuseThreadsPerDay, RetryAfter: retry()}
	}
	if !isThread && replies >= p.rules.NewMaxRepliesPerDay {
		return &RefusedError{Reason: RefuseRepliesPerDay, RetryAfter: retry()}
	}
	return nil
}

// contentReasons applies watched words and domains (a block refuses, a hold
// gives a reason) and, for newcomers, the link and image limits.
func (p postingContext) contentReasons(watched []WatchedWord, source, html string) ([]string, error) {
	sig := signalsOf(html)
	var reasons []string
	for _, w := range watched {
		if !watchedIn(w, source, sig.links) {
			continue
		}
		switch w.Action {
		case WatchBlock:
			return nil, &RefusedError{Reason: RefuseBlockedWord, Detail: w.Pattern}
		case WatchHold:
			reasons = append(reasons, w.Kind+":"+w.Pattern)
		}
	}
	if !p.newcomer {
		return reasons, nil
	}
	if len(sig.links) > p.rules.NewMaxLinks {
		reasons = append(reasons, fmt.Sprintf("links:%d", len(sig.links)))
	}
	if sig.images > p.rules.NewMaxImages {
		reasons = append(reasons, fmt.Sprintf("images:%d", sig.images))
	}
	if link := repeatedLink(sig.links, p.recent); link != "" {
		reasons = append(reasons, "repeated_link:"+link)
	}
	return reasons, nil
}
