package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"hiroba/migrations"
	"hiroba/models/database"
	"hiroba/models/markdown"
	"hiroba/models/search"
)

// Errors handlers map to responses with errors.Is.
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("conflict")
	ErrForbidden = errors.New("forbidden")
)

// Store runs every query of the forum. It is safe for concurrent use.
type Store struct {
	db      *gorm.DB
	dialect string
	search  search.Engine
	md      *markdown.Renderer
	// writes bounds this process's write transactions at once. SQLite
	// allows one writer at a time anyway: waiting here is cheaper and surer
	// than SQLite's busy handler. PostgreSQL takes several, but not the
	// whole pool: transactions waiting on their commit must leave
	// connections for the reads, or every page waits behind the posting.
	// Nil inside a transaction.
	writes chan struct{}
	// onChange hears what each committed write changed (changes.go);
	// changes gathers it inside a transaction, and is nil outside one.
	onChange func([]Key)
	changes  *changeSet
	// onPost hears how each new post ended (operations.go).
	onPost func(kind, outcome string)
	// replies gathers replies to commit in batches (reply_batches.go);
	// nil inside a transaction. reads is what a batch's replies read
	// once for all of them; nil elsewhere.
	replies *replyQueue
	reads   *batchReads
	// replicas routes page reads to PostgreSQL replicas (replicas.go);
	// nil without them, and inside a transaction.
	replicas *database.Replicas
}

// NewStore wraps an open database of the given dialect (migrations.Postgres
// or migrations.SQLite), with the search engine of that database.
func NewStore(db *gorm.DB, dialect string) *Store {
	s := &Store{db: db, dialect: dialect, search: search.SQLite, replies: newReplyQueue(dialect)}
	s.md = markdown.New(markdown.WithImageSizes(s.ImageSizes))
	watchContentWrites(db)
	switch dialect {
	case migrations.Postgres:
		s.search = search.Postgres
		s.writes = make(chan struct{}, database.PostgresWriteSlots)
	case migrations.SQLite:
		s.writes = make(chan struct{}, 1)
	}
	return s
}

// Dialect names the database the store runs on.
func (s *Store) Dialect() string { return s.dialect }

// Tx runs fn in one transaction: everything fn does through the store it is
// given commits together or not at all. Once it has committed, what it
// changed is told to OnChange's listener; a transaction inside another
// tells nothing of its own, the outermost tells all.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	if s.writes != nil {
		select {
		case s.writes <- struct{}{}:
			defer func() { <-s.writes }()
		case <-ctx.Done():
			// Past its deadline while others write: an outage, not an error
			// in this write.
			return fmt.Errorf("models: wait to write: %w", database.MarkUnavailable(ctx.Err()))
		}
	}
	cs := s.changes
	if cs == nil {
		cs = &changeSet{}
	}
	err := s.db.WithContext(withChanges(ctx, cs)).Transaction(func(db *gorm.DB) error {
		return fn(&Store{db: db, dialect: s.dialect, search: s.search, md: s.md, changes: cs})
	})
	if err == nil && s.changes == nil {
		s.announce(cs)
	}
	return err
}

func notFound(err error, what string, args ...any) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("models: %s: %w", fmt.Sprintf(what, args...), ErrNotFound)
	}
	return fmt.Errorf("models: %s: %w", fmt.Sprintf(what, args...), err)
}

// uniqueViolation reports whether err is a unique constraint refusing a
// row, in either dialect: the drivers' own error codes, as GORM reads them.
func (s *Store) uniqueViolation(err error) bool {
	return database.IsUniqueViolation(s.db, err)
}

// RenderMarkdown renders a source exactly as a stored post would be, for
// previews.
func (s *Store) RenderMarkdown(ctx context.Context, src string) (string, error) {
	return s.md.Render(ctx, src)
}

// storable reports whether text can be stored and compared as it is: both
// databases refuse invalid UTF-8 and PostgreSQL refuses NUL. A lookup by
// such a key cannot match anything, so it is simply not found.
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// cleanText makes moderator-written text (reasons) storable by replacing
// what the databases refuse; these are notes, not posts, so no form needs
// to send them back.
func cleanText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
