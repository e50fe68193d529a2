package models

import (
	"context"
	"errors"
	"fmt"
	"time"
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
