package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// What the operator's tools read from the store: the outcome of each new
// post as the posting rules decide it, the connection pool, and the mail
// queue's backlog.

// Post outcomes, as OnPost reports them.
const (
	OutcomePublished = "published"
	OutcomeHeld      = "held" // waits in the review queue
	OutcomeRefused   = "refused"
)

// Kinds of new post, as OnPost reports them.
const (
	PostKindQuestion = "question"
	PostKindReply    = "reply"
)

// OnPost has fn hear the outcome of every new question and reply once it is
// final: published or held when the transaction committed, refused when the
// posting rules (or a closed thread) turned it away. Set it before serving.
func (s *Store) OnPost(fn func(kind, outcome string)) { s.onPost = fn }

// reportPost tells OnPost's listener how a new post ended.
func (s *Store) reportPost(kind string, status PostStatus, err error) {
	if s.onPost == nil {
		return
	}
	var refused *RefusedError
	switch {
	case err == nil && status == StatusPublished:
		s.onPost(kind, OutcomePublished)
	case err == nil:
		s.onPost(kind, OutcomeHeld)
	case errors.As(err, &refused):
		s.onPost(kind, OutcomeRefused)
	}
}

// DBStats are the connection pool's figures.
func (s *Store) DBStats() sql.DBStats {
	sqlDB, err := s.db.DB()
	if err != nil {
		return sql.DBStats{}
	}
	return sqlDB.Stats()
}

// MailBacklog is the mail waiting to be sent.
type MailBacklog struct {
	Waiting int64
	// Oldest is when the oldest waiting message was queued; zero when none waits.
	Oldest time.Time
}

// MailBacklog counts the messages neither sent nor given up on, and finds
// when the oldest of them was queued.
func (s *Store) MailBacklog(ctx context.Context) (MailBacklog, error) {
	var b MailBacklog
	db := s.db.WithContext(ctx).Model(&Mail{}).Where("sent_at IS NULL AND failed_at IS NULL")
	if err := db.Count(&b.Waiting).Error; err != nil {
		return b, fmt.Errorf("models: count waiting mail: %w", err)
	}
	if b.Waiting == 0 {
		return b, nil
	}
	// The column itself, not MIN(): SQLite gives an aggregate no type, and
	// the driver would hand back text.
	var oldest []time.Time
	err := s.db.WithContext(ctx).Model(&Mail{}).Where("sent_at IS NULL AND failed_at IS NULL").
		Order("created_at").Limit(1).Pluck("created_at", &oldest).Error
	if err != nil {
		return b, fmt.Errorf("models: oldest waiting mail: %w", err)
	}
	if len(oldest) > 0 {
		b.Oldest = oldest[0].UTC()
	}
	return b, nil
}
