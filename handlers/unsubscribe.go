package handlers

import (
	"crypto/subtle"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hiroba/models"
	"hiroba/views"
)

const (
	notificationSettingsPath = "/settings/notifications"
	// unsubscribePath takes the one-click POST of RFC 8058, which carries no
	// CSRF token; see checkCSRF.
	unsubscribePath = "/unsubscribe"
)

// showNotificationSettings shows what the user gets by email, and the time
// zone they read times in.
func (h *Handler) showNotificationSettings(c *fiber.Ctx) error {
	user := currentUser(c)
	if user == nil {
		return c.Redirect("/login?next="+url.QueryEscape(notificationSettingsPath), fiber.StatusSeeOther)
	}
	prefs, err := h.store.NotificationPrefs(c.UserContext(), user.ID)
	if err != nil {
		return err
	}
	return h.renderSettings(c, fiber.StatusOK, *user, prefs, nil)
}

// renderSettings shows the settings page; a form that comes back keeps the
// choices as sent, with errs beside the fields they refuse.
func (h *Handler) renderSettings(c *fiber.Ctx, status int, user models.User, prefs models.NotificationPrefs, errs map[string]string) error {
	return h.renderSettingsWith(c, status, user, prefs, errs, "")
}

// renderSettingsWith is renderSettings with what was typed to confirm
// deleting the account.
func (h *Handler) renderSettingsWith(c *fiber.Ctx, status int, user models.User, prefs models.NotificationPrefs, errs map[string]string, confirm string) error {
	b := h.baseTitled(c, "title.notification_settings")
	zone := user.TimeZone
	if zone == "" {
		zone = b.Zone.String()
	}
	return h.render(c, status, views.NotificationSettings, views.NotificationSettingsData{
		Base: b, Prefs: prefs, Email: user.Email, Languages: views.Languages,
		TimeZone: zone, ZoneChosen: user.TimeZone != "", Errors: errs, Confirm: confirm,
	})
}

// saveNotificationSettings stores the preferences form. An unchecked box
// sends nothing, so a missing field means "off". A zone the database does
// not know sends the form back, as it was filled in, saving nothing.
func (h *Handler) saveNotificationSettings(c *fiber.Ctx) error {
	user := currentUser(c)
	if user == nil {
		return c.Redirect("/login?next="+url.QueryEscape(notificationSettingsPath), fiber.StatusSeeOther)
	}
	ctx := c.UserContext()
	prefs, err := h.store.NotificationPrefs(ctx, user.ID)
	if err != nil {
		return err
	}
	on := func(name string) bool { return c.FormValue(name) == "on" }
	prefs.EmailEnabled, prefs.EmailReply, prefs.EmailMention, prefs.EmailSolution =
		on("email"), on("reply"), on("mention"), on("solution")
	if lang := c.FormValue("lang"); slices.Contains(views.Languages, lang) {
		prefs.Lang = strings.Clone(lang)
	}
	zone := strings.Clone(c.FormValue("tz"))
	if _, err := views.ParseZone(zone); zone != "" && err != nil {
		t := h.catalog.In(language(c))
		return h.renderSettings(c, fiber.StatusUnprocessableEntity, *user, prefs, map[string]string{"tz": t.T("settings.time_zone_invalid")})
	}
	if err := h.store.SaveSettings(ctx, prefs, zone); err != nil {
		return err
	}
	h.flash(c, "flash.settings_saved")
	return c.Redirect(notificationSettingsPath, fiber.StatusSeeOther)
}

// UnsubscribeToken signs the one-click unsubscribe link of a user with the
// site secret. It never expires: an email may be read long after it came.
func UnsubscribeToken(secret []byte, userID int64) string {
	return (&Handler{cfg: Config{Secret: secret}}).unsubscribeToken(userID)
}

func (h *Handler) unsubscribeToken(userID int64) string {
	id := strconv.FormatInt(userID, 10)
	return id + "." + h.mac("unsubscribe:"+id)
}

// UnsubscribeURL is the absolute one-click unsubscribe link for an email.
func (h *Handler) UnsubscribeURL(userID int64) string {
	return h.cfg.BaseURL + unsubscribePath + "?token=" + url.QueryEscape(h.unsubscribeToken(userID))
}

// unsubscribeUser checks a token and returns the user it names.
func (h *Handler) unsubscribeUser(token string) (int64, bool) {
	id, _, ok := strings.Cut(token, ".")
	userID, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || userID <= 0 {
		return 0, false
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(h.unsubscribeToken(userID))) != 1 {
		return 0, false
	}
	return userID, true
}

// showUnsubscribe asks before turning email off: a link opened by a mail
// scanner must not unsubscribe anyone, so only the POST acts.
func (h *Handler) showUnsubscribe(c *fiber.Ctx) error {
	return h.renderUnsubscribe(c, false)
}

// unsubscribe turns every notification email off for the user the token
// names: the button of the confirmation page, or a mail client's one-click
// POST (RFC 8058), which needs no session and no CSRF token.
func (h *Handler) unsubscribe(c *fiber.Ctx) error {
	return h.renderUnsubscribe(c, true)
}

func (h *Handler) renderUnsubscribe(c *fiber.Ctx, act bool) error {
	token := strings.Clone(c.Query("token"))
	if token == "" {
		token = strings.Clone(c.FormValue("token"))
	}
	b := h.baseTitled(c, "title.unsubscribe")
	data := views.UnsubscribeData{Base: b, Token: token}
	userID, ok := h.unsubscribeUser(token)
	var user models.User
	if ok {
		var err error
		user, _, err = h.store.NotificationRecipient(c.UserContext(), userID)
		switch {
		case errors.Is(err, models.ErrNotFound):
			ok = false
		case err != nil:
			return err
		}
	}
	if !ok {
		data.Invalid = true
		return h.render(c, fiber.StatusBadRequest, views.Unsubscribe, data)
	}
	data.Username = user.Username
	if act {
		if err := h.store.UnsubscribeEmail(c.UserContext(), userID); err != nil {
			return err
		}
		data.Done = true
	}
	return h.render(c, fiber.StatusOK, views.Unsubscribe, data)
}
