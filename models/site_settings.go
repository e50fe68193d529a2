package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SiteSettings are what an admin sets up from the browser: the forum's
// name, the official channels for what only the vendor can do, and the
// community notice's wording. An empty field takes the server's value
// (its environment, or the built-in wording), so a forum works before
// anyone opens the settings page, and "reset" is saving a field empty.
type SiteSettings struct {
	SiteName      string `json:"site_name,omitempty"`
	Tagline       string `json:"tagline,omitempty"`
	HelpCenterURL string `json:"help_center_url,omitempty"`
	StatusURL     string `json:"status_url,omitempty"`
	ContactURL    string `json:"contact_url,omitempty"`
	// NoticeEN and NoticeJA replace the notice's second sentence (what
	// the community cannot do for you). Its first, that this is not
	// official support, stays whatever is set: the forum always says so.
	NoticeEN string `json:"notice_en,omitempty"`
	NoticeJA string `json:"notice_ja,omitempty"`
	// DefaultLanguage is for visitors whose browser asks for no language
	// the forum speaks; "" is English.
	DefaultLanguage string `json:"default_language,omitempty"`
	// HandOffDays is how long a question waits without a reply before its
	// asker is offered official support (when a contact address is set);
	// 0 is DefaultHandOffDays.
	HandOffDays int `json:"handoff_days,omitempty"`
}

// DefaultHandOffDays is HandOffDays when none is set.
const DefaultHandOffDays = 3

// HandOffAfter is how long a question waits before the offer.
func (s SiteSettings) HandOffAfter() time.Duration {
	days := s.HandOffDays
	if days <= 0 {
		days = DefaultHandOffDays
	}
	return time.Duration(days) * 24 * time.Hour
}

// Limits of the settings' fields, in characters.
const (
	maxSiteName = 80
	maxTagline  = 200
	maxNotice   = 600
	maxURL      = 2000
)

// SettingsError names the fields of site settings that cannot be stored,
// each with the catalog message saying why.
type SettingsError struct{ Fields map[string]string }

func (e *SettingsError) Error() string {
	return fmt.Sprintf("models: site settings: %d fields refused", len(e.Fields))
}

// Check trims the settings and returns a SettingsError for what cannot be
// stored: a URL that is not an absolute http(s) address, text that is too
// long, a language the forum does not speak.
func (s *SiteSettings) Check(languages []string) error {
	bad := map[string]string{}
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{{"site_name", &s.SiteName, maxSiteName}, {"tagline", &s.Tagline, maxTagline}, {"notice_en", &s.NoticeEN, maxNotice}, {"notice_ja", &s.NoticeJA, maxNotice}} {
		*f.v = cleanText(strings.TrimSpace(*f.v))
		if utf8.RuneCountInString(*f.v) > f.max {
			bad[f.name] = "settings.too_long"
		}
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"help_center_url", &s.HelpCenterURL}, {"status_url", &s.StatusURL}, {"contact_url", &s.ContactURL}} {
		*f.v = strings.TrimSpace(*f.v)
		if *f.v != "" && !webAddress(*f.v) {
			bad[f.name] = "settings.bad_url"
		}
	}
	if s.HandOffDays < 0 || s.HandOffDays > 365 {
		bad["handoff_days"] = "settings.bad_days"
	}
	if s.DefaultLanguage != "" {
		known := false
		for _, l := range languages {
			known = known || l == s.DefaultLanguage
		}
		if !known {
			bad["default_language"] = "settings.bad_language"
		}
	}
	if len(bad) > 0 {
		return &SettingsError{Fields: bad}
	}
	return nil
}

// webAddress reports whether s is an absolute http or https URL with a
// host: the only kind a link to the vendor may be.
func webAddress(s string) bool {
	if len(s) > maxURL {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}

const siteSettingsKey = "site"

// SiteSettings reads the stored settings; none stored is all empty.
func (s *Store) SiteSettings(ctx context.Context) (SiteSettings, error) {
	var st Setting
	err := s.db.WithContext(ctx).Where("key = ?", siteSettingsKey).Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return SiteSettings{}, nil
	}
	if err != nil {
		return SiteSettings{}, fmt.Errorf("models: load site settings: %w", err)
	}
	var out SiteSettings
	if err := json.Unmarshal([]byte(st.Value), &out); err != nil {
		return SiteSettings{}, fmt.Errorf("models: stored site settings are not valid: %w", err)
	}
	return out, nil
}

// SaveSiteSettings stores new settings for an admin, with the audit log's
// entry of what they now are. Every page shows the site's name and notice,
// so every cached page goes.
func (s *Store) SaveSiteSettings(ctx context.Context, actor User, set SiteSettings, languages []string) error {
	if !actor.CanAdmin() {
		return ErrForbidden
	}
	if err := set.Check(languages); err != nil {
		return err
	}
	body, err := json.Marshal(set)
	if err != nil {
		return err
	}
	return s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		st := Setting{Key: siteSettingsKey, Value: string(body), UpdatedAt: time.Now().UTC()}
		if err := tx.db.Clauses(clause.OnConflict{UpdateAll: true}).Create(&st).Error; err != nil {
			return logEntry{}, fmt.Errorf("models: save site settings: %w", err)
		}
		tx.touch(KeyAll)
		return logEntry{"settings.update", "settings", 0, string(body)}, nil
	})
}
