package views

import "hiroba/models"

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
}

// UnsubscribeData fills the page a one-click unsubscribe link opens.
type UnsubscribeData struct {
	Base
	Token    string
	Username string
	Invalid  bool // the link is forged or its user is gone
	Done     bool // email is off now
}
