package models

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"hiroba/models/search"
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
)

// RefusedError says why a post was not accepted and, for limits, when the
// author may try again. Nothing was stored.
type RefusedError struct {
	Reason     string
	RetryAfter time.Duration
	Detail     string // the blocked word, the end of a silence
}

func (e *RefusedError) Error() string { return "post refused: " + e.Reason }

var hrefPattern = regexp.MustCompile(`<a href="([^"]+)"`)

// postSignals is what the policy looks at in a post's text.
type postSignals struct {
	links  []string // absolute links, as rendered
	images int
}

func signalsOf(html string) postSignals {
	var s postSignals
	for _, m := range hrefPattern.FindAllStringSubmatch(html, -1) {
		if strings.HasPrefix(m[1], "http://") || strings.HasPrefix(m[1], "https://") {
			s.links = append(s.links, m[1])
		}
	}
	s.images = strings.Count(html, "<img ")
	return s
}

// isNewAccount applies the newest trust level: young accounts, and those
// with few published posts, get the stricter limits.
func (s *Store) isNewAccount(u User, r Rules, now time.Time) (bool, error) {
	if u.CanModerate() {
		return false, nil
	}
	if now.Sub(u.CreatedAt) < time.Duration(r.NewAccountAge) {
		return true, nil
	}
	var published int64
	err := s.db.Model(&Post{}).Where("user_id = ? AND status = ? AND deleted_at IS NULL", u.ID, StatusPublished).Limit(r.NewAccountMinPosts).Count(&published).Error
	return published < int64(r.NewAccountMinPosts), err
}

// checkPost decides what happens to a post before it is written: refused
// (a *RefusedError), held for review (with the reasons), or published.
func (s *Store) checkPost(ctx context.Context, u User, isThread bool, source, html string, now time.Time) (PostStatus, []string, error) {
	if u.Silenced(now) {
		until := u.SuspendedUntil
		if until == nil || (u.SilencedUntil != nil && u.SilencedUntil.After(*until)) {
			until = u.SilencedUntil
		}
		return "", nil, &RefusedError{Reason: RefuseSilenced, Detail: until.UTC().Format(time.RFC3339)}
	}
	if u.CanModerate() {
		return StatusPublished, nil, nil
	}
	rules, err := s.Rules(ctx)
	if err != nil {
		return "", nil, err
	}
	var recent []Post
	if err := s.db.Where("user_id = ? AND created_at > ?", u.ID, now.Add(-24*time.Hour)).
		Order("created_at DESC").Limit(200).Find(&recent).Error; err != nil {
		return "", nil, err
	}
	newcomer, err := s.isNewAccount(u, rules, now)
	if err != nil {
		return "", nil, err
	}
	cooldown := time.Duration(rules.Cooldown)
	if newcomer {
		cooldown = time.Duration(rules.NewCooldown)
	}
	threads, replies := 0, 0
	for _, p := range recent {
		if p.Position == 1 {
			threads++
		} else {
			replies++
		}
	}
	if len(recent) > 0 && cooldown > 0 {
		if wait := cooldown - now.Sub(recent[0].CreatedAt); wait > 0 {
			return "", nil, &RefusedError{Reason: RefuseCooldown, RetryAfter: wait}
		}
	}
	for _, p := range recent {
		if rules.DuplicateWindow > 0 && now.Sub(p.CreatedAt) < time.Duration(rules.DuplicateWindow) && strings.TrimSpace(p.Source) == strings.TrimSpace(source) {
			return "", nil, &RefusedError{Reason: RefuseDuplicate}
		}
	}
	if newcomer && isThread && threads >= rules.NewMaxThreadsPerDay {
		return "", nil, &RefusedError{Reason: RefuseThreadsPerDay, RetryAfter: recent[len(recent)-1].CreatedAt.Add(24 * time.Hour).Sub(now)}
	}
	if newcomer && !isThread && replies >= rules.NewMaxRepliesPerDay {
		return "", nil, &RefusedError{Reason: RefuseRepliesPerDay, RetryAfter: recent[len(recent)-1].CreatedAt.Add(24 * time.Hour).Sub(now)}
	}

	var watched []WatchedWord
	if err := s.db.Find(&watched).Error; err != nil {
		return "", nil, err
	}
	sig := signalsOf(html)
	var reasons []string
	for _, w := range watched {
		if !watchedIn(w, source, sig.links) {
			continue
		}
		switch w.Action {
		case WatchBlock:
			return "", nil, &RefusedError{Reason: RefuseBlockedWord, Detail: w.Pattern}
		case WatchHold:
			reasons = append(reasons, w.Kind+":"+w.Pattern)
		}
	}
	if newcomer {
		if len(sig.links) > rules.NewMaxLinks {
			reasons = append(reasons, fmt.Sprintf("links:%d", len(sig.links)))
		}
		if sig.images > rules.NewMaxImages {
			reasons = append(reasons, fmt.Sprintf("images:%d", sig.images))
		}
		if link := repeatedLink(sig.links, recent); link != "" {
			reasons = append(reasons, "repeated_link:"+link)
		}
	}
	if len(reasons) > 0 {
		return StatusHeld, reasons, nil
	}
	return StatusPublished, nil, nil
}

// repeatedLink finds a link the account already posted today: the mark of a
// link farm rather than of someone pointing at documentation.
func repeatedLink(links []string, recent []Post) string {
	for _, l := range links {
		for _, p := range recent {
			if strings.Contains(p.Source, l) {
				return l
			}
		}
	}
	return ""
}

// watchedIn reports whether a watched word or domain occurs in a post.
// Words match whole words (any substring in CJK text, which has no spaces),
// compared after the same normalization search uses.
func watchedIn(w WatchedWord, source string, links []string) bool {
	pattern := search.Normalize(w.Pattern)
	if pattern == "" {
		return false
	}
	if w.Kind == "domain" {
		for _, l := range links {
			if u, err := url.Parse(l); err == nil {
				host := strings.ToLower(u.Hostname())
				if host == pattern || strings.HasSuffix(host, "."+pattern) {
					return true
				}
			}
		}
		return containsWord(search.Normalize(source), pattern)
	}
	return containsWord(search.Normalize(source), pattern)
}

func containsWord(text, word string) bool {
	for from := 0; from <= len(text); {
		i := strings.Index(text[from:], word)
		if i < 0 {
			return false
		}
		i += from
		before, _ := utf8.DecodeLastRuneInString(text[:i])
		after, _ := utf8.DecodeRuneInString(text[i+len(word):])
		first, _ := utf8.DecodeRuneInString(word)
		last, _ := utf8.DecodeLastRuneInString(word)
		startOK := i == 0 || search.IsCJK(first) || !isWordChar(before)
		endOK := i+len(word) == len(text) || search.IsCJK(last) || !isWordChar(after)
		if startOK && endOK {
			return true
		}
		from = i + len(word)
	}
	return false
}

func isWordChar(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }
