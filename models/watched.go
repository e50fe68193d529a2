package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"hiroba/models/search"
)

// errInvalid marks input a form should explain rather than a failure.
var errInvalid = errors.New("invalid")

// IsInvalid reports whether an error is about the input, not the system.
func IsInvalid(err error) bool { return errors.Is(err, errInvalid) }

// WatchedWords lists every watched word and domain.
func (s *Store) WatchedWords(ctx context.Context) ([]WatchedWord, error) {
	var words []WatchedWord
	if err := s.db.WithContext(ctx).Order("action, kind, pattern").Find(&words).Error; err != nil {
		return nil, fmt.Errorf("models: watched words: %w", err)
	}
	return words, nil
}

// AddWatchedWord starts watching a word or domain. A pattern on the list
// already is a conflict; any other failure of the insert is the system's.
func (s *Store) AddWatchedWord(ctx context.Context, actor User, w WatchedWord) error {
	if !actor.CanAdmin() {
		return ErrForbidden
	}
	w.Pattern = strings.TrimSpace(w.Pattern)
	switch {
	case strings.TrimSpace(search.Normalize(w.Pattern)) == "" || len(w.Pattern) > 200 || !storable(w.Pattern),
		w.Kind != "word" && w.Kind != "domain",
		w.Action != WatchBlock && w.Action != WatchHold && w.Action != WatchNofollow:
		return fmt.Errorf("models: watched word: %w", errInvalid)
	}
	w.CreatedAt = time.Now().UTC()
	return s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		if err := tx.db.Create(&w).Error; tx.uniqueViolation(err) {
			return logEntry{}, fmt.Errorf("models: watched word %q is on the list: %w", w.Pattern, ErrConflict)
		} else if err != nil {
			return logEntry{}, fmt.Errorf("models: watch word %q: %w", w.Pattern, err)
		}
		return logEntry{"word.add." + string(w.Action), "watched_word", w.ID, w.Pattern}, nil
	})
}

// DeleteWatchedWord stops watching a word.
func (s *Store) DeleteWatchedWord(ctx context.Context, actor User, id int64) error {
	if !actor.CanAdmin() {
		return ErrForbidden
	}
	return s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		var w WatchedWord
		if err := tx.db.Take(&w, id).Error; err != nil {
			return logEntry{}, notFoundErr(err)
		}
		return logEntry{"word.delete", "watched_word", id, w.Pattern}, tx.db.Delete(&w).Error
	})
}
