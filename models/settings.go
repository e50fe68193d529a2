package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// ErrTimeZone is a time zone name the zone database does not know.
var ErrTimeZone = errors.New("unknown time zone")

// SaveSettings stores a user's settings page at once: the notification
// preferences and the time zone. An empty zone leaves the stored one as
// it is. The handler checks the zone for the form; the check here keeps a
// name no reader could load out of the database whoever calls.
func (s *Store) SaveSettings(ctx context.Context, p NotificationPrefs, timeZone string) error {
	if timeZone != "" {
		if _, err := time.LoadLocation(timeZone); err != nil || timeZone == "Local" {
			return fmt.Errorf("models: save settings: %q: %w", timeZone, ErrTimeZone)
		}
	}
	return s.Tx(ctx, func(tx *Store) error {
		if err := tx.SaveNotificationPrefs(ctx, p); err != nil {
			return err
		}
		if timeZone == "" {
			return nil
		}
		err := tx.db.Model(&User{}).Where("id = ?", p.UserID).Update("time_zone", timeZone).Error
		if err != nil {
			return fmt.Errorf("models: save time zone: %w", err)
		}
		return nil
	})
}

const siteIDKey = "site_id"

// SiteID is a random name for this forum's database, made on first use and
// the same for every instance sharing it: instances tell each other what
// changed on a channel of that name, so two forums sharing a Redis never
// hear each other, and instances of one forum always do, however each
// names the database in its URL.
func (s *Store) SiteID(ctx context.Context) (string, error) {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	db := s.db.WithContext(ctx)
	err := db.Clauses(clause.OnConflict{DoNothing: true}).
		Create(&Setting{Key: siteIDKey, Value: hex.EncodeToString(b), UpdatedAt: time.Now().UTC()}).Error
	if err != nil {
		return "", fmt.Errorf("models: make site id: %w", err)
	}
	var st Setting
	if err := db.Where("key = ?", siteIDKey).Take(&st).Error; err != nil {
		return "", fmt.Errorf("models: read site id: %w", err)
	}
	return st.Value, nil
}
