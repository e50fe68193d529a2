package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Rules are the spam and abuse defaults, editable by admins and stored in
// the settings table, so every instance applies the same ones.
type Rules struct {
	NewAccountAge       Duration `json:"new_account_age"`       // younger accounts are "new"
	NewAccountMinPosts  int      `json:"new_account_min_posts"` // …and so are those with fewer approved posts
	NewMaxLinks         int      `json:"new_max_links"`         // links per post before review
	NewMaxImages        int      `json:"new_max_images"`        // images per post before review
	NewMaxThreadsPerDay int      `json:"new_max_threads_per_day"`
	NewMaxRepliesPerDay int      `json:"new_max_replies_per_day"`
	NewCooldown         Duration `json:"new_cooldown"` // between two posts of a new account
	Cooldown            Duration `json:"cooldown"`     // between two posts of anyone else
	DuplicateWindow     Duration `json:"duplicate_window"`
	FlagThreshold       int      `json:"flag_threshold"`  // distinct flaggers that hide a post
	UploadsPerDay       int      `json:"uploads_per_day"` // images one member may upload in 24 hours; 0: no limit
	// A flood is more than FloodThreshold alike questions asked within
	// FloodWindow (see Floods); a window of 0 looks for none.
	FloodThreshold int      `json:"flood_threshold"`
	FloodWindow    Duration `json:"flood_window"`
	// Budgets replace the environment's request budgets; see Budget.
	Budgets Budgets `json:"budgets,omitzero"`
}

// DefaultRules are what a new forum starts with.
var DefaultRules = Rules{
	NewAccountAge:       Duration(24 * time.Hour),
	NewAccountMinPosts:  3,
	NewMaxLinks:         2,
	NewMaxImages:        0,
	NewMaxThreadsPerDay: 3,
	NewMaxRepliesPerDay: 10,
	NewCooldown:         Duration(30 * time.Second),
	Cooldown:            Duration(5 * time.Second),
	DuplicateWindow:     Duration(5 * time.Minute),
	FlagThreshold:       3,
	UploadsPerDay:       30,
	FloodThreshold:      10,
	FloodWindow:         Duration(15 * time.Minute),
}

// Duration is a time.Duration that reads and writes as "30s" in settings.
type Duration time.Duration

// String writes the duration the way people type it into the rules form:
// 24h, 30m, 1m30s, 1h30m, with no zero parts (time.Duration writes
// 24h0m0s). Parts below a second are dropped; no rule needs them.
func (d Duration) String() string {
	v := time.Duration(d).Truncate(time.Second)
	if v == 0 {
		return "0s"
	}
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
		v = -v
	}
	for _, unit := range []struct {
		size time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := v / unit.size; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10) + unit.name)
			v -= n * unit.size
		}
	}
	return b.String()
}

// MarshalJSON writes the duration as text.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads "30s", "24h" and the like.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

const rulesKey = "rules"

// Rules returns the rules in force: the stored ones over the defaults.
func (s *Store) Rules(ctx context.Context) (Rules, error) {
	r := DefaultRules
	var st Setting
	err := s.db.WithContext(ctx).Where("key = ?", rulesKey).Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("models: load rules: %w", err)
	}
	return parseRules(st.Value)
}

// parseRules reads stored rules over the defaults.
func parseRules(stored string) (Rules, error) {
	r := DefaultRules
	if err := json.Unmarshal([]byte(stored), &r); err != nil {
		return DefaultRules, fmt.Errorf("models: stored rules are not valid: %w", err)
	}
	return r, nil
}

// SetRules stores the rules without an actor, for the command line and for
// tests; people change them through SaveRules, which logs who did.
func (s *Store) SetRules(ctx context.Context, r Rules) error {
	body, err := json.Marshal(r)
	if err != nil {
		return err
	}
	st := Setting{Key: rulesKey, Value: string(body), UpdatedAt: time.Now().UTC()}
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&st).Error
}

// SaveRules stores the rules and records who changed them.
func (s *Store) SaveRules(ctx context.Context, actor User, r Rules) error {
	if !actor.CanAdmin() {
		return ErrForbidden
	}
	body, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		st := Setting{Key: rulesKey, Value: string(body), UpdatedAt: time.Now().UTC()}
		err := tx.db.Clauses(clause.OnConflict{UpdateAll: true}).Create(&st).Error
		return logEntry{"rules.update", "settings", 0, string(body)}, err
	})
}

// CanAdmin reports whether the user administers the forum.
func (u User) CanAdmin() bool { return u.Role == RoleAdmin }
