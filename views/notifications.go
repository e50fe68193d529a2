package views

import (
	"slices"
	"strings"

	"hiroba/models"
)

// The pages of notifications.
const (
	Notifications        Page = "notifications"
	NotificationSettings Page = "notification_settings"
	Unsubscribe          Page = "unsubscribe"
)

// NotificationsData fills the list under the bell.
type NotificationsData struct {
	Base
	List models.NotificationList
}

// NotificationSettingsData fills the email preferences page.
type NotificationSettingsData struct {
	Base
	Prefs     models.NotificationPrefs
	Email     string // where email goes; empty when the account has none
	Languages []string

	// TimeZone is the zone selected: the user's own, or when they have
	// none the one their times are shown in now, which the page's script
	// replaces with the browser's.
	TimeZone   string
	ZoneChosen bool              // the user chose TimeZone, and the script leaves it
	Errors     map[string]string // the reason beside a refused field ("tz", "confirm")
	// Confirm is what was typed to confirm deleting the account.
	Confirm string
}

// ZoneDescribedBy names what describes the time zone select: its help,
// and the reason it was refused.
func (d NotificationSettingsData) ZoneDescribedBy() string {
	if d.Errors["tz"] != "" {
		return "tz-help tz-error"
	}
	return "tz-help"
}

// ZoneOption is one entry of the time zone select.
type ZoneOption struct {
	Name     string
	Label    string
	Selected bool
}

// ZoneOptions lists the zones offered, the selected one among them even
// when it is an alias the list does not hold.
func (d NotificationSettingsData) ZoneOptions() []ZoneOption {
	out := make([]ZoneOption, 0, len(Zones)+1)
	if d.TimeZone != "" && !slices.Contains(Zones, d.TimeZone) {
		out = append(out, zoneOption(d.TimeZone, true))
	}
	for _, z := range Zones {
		out = append(out, zoneOption(z, z == d.TimeZone))
	}
	return out
}

func zoneOption(name string, selected bool) ZoneOption {
	return ZoneOption{Name: name, Label: strings.ReplaceAll(name, "_", " "), Selected: selected}
}

// UnsubscribeData fills the page a one-click unsubscribe link opens.
type UnsubscribeData struct {
	Base
	Token    string
	Username string
	Invalid  bool // the link is forged or its user is gone
	Done     bool // email is off now
}
