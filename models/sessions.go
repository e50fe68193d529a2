package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"
)

// CreateSession signs a user in and returns the token for the cookie. Only
// its hash is stored.
func (s *Store) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	sess := Session{TokenHash: hashToken(token), UserID: userID, ExpiresAt: time.Now().Add(ttl).UTC()}
	if err := s.db.WithContext(ctx).Create(&sess).Error; err != nil {
		return "", fmt.Errorf("models: create session: %w", err)
	}
	return token, nil
}

// SessionUser returns the user a session token belongs to, ErrNotFound when
// the token is unknown or expired, or its user is suspended (suspension ends
// every session; this guards one that outlived it).
func (s *Store) SessionUser(ctx context.Context, token string) (User, error) {
	// The token is hashed before it meets the database, so any bytes are safe.
	var u User
	now := time.Now().UTC()
	// Every signed-in request makes this read: its columns are named and
	// scanned directly (columns.go).
	rows, err := s.db.WithContext(ctx).Raw(sessionUserSQL, hashToken(token), now, now).Rows()
	if err != nil {
		return User{}, fmt.Errorf("models: session: %w", err)
	}
	found := false
	if err := scanRows(rows, func() []any { found = true; return u.targets() }); err != nil {
		return User{}, fmt.Errorf("models: session: %w", err)
	}
	if !found {
		return User{}, fmt.Errorf("models: session: %w", ErrNotFound)
	}
	return u, nil
}

var sessionUserSQL = "SELECT " + userColumns("u") + " FROM users u JOIN sessions ON sessions.user_id = u.id" +
	" WHERE sessions.token_hash = ? AND sessions.expires_at > ? AND (u.suspended_until IS NULL OR u.suspended_until <= ?)" +
	" AND u.role <> '" + string(RoleDeleted) + "' LIMIT 1"

// DeleteSession signs a browser out; the token is worthless afterwards.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	if err := s.db.WithContext(ctx).Where("token_hash = ?", hashToken(token)).Delete(&Session{}).Error; err != nil {
		return fmt.Errorf("models: delete session: %w", err)
	}
	return nil
}

// endSessions signs a user out everywhere, in the transaction that
// suspends them.
func (s *Store) endSessions(userID int64) error {
	return s.db.Where("user_id = ?", userID).Delete(&Session{}).Error
}

// DeleteExpiredSessions removes sessions past their expiry.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Where("expires_at <= ?", time.Now().UTC()).Delete(&Session{})
	return res.RowsAffected, res.Error
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
