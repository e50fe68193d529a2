package handlers

import (
	"fmt"
	"log/slog"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"hiroba/models"
	"hiroba/views"
)

const notificationsPerPage = 30

// registerNotifications mounts the bell's pages: the list, watching and
// muting threads, the email preferences and the one-click unsubscribe.
func (h *Handler) registerNotifications(app *fiber.App) {
	app.Get("/notifications", h.showNotifications)
	app.Post("/notifications/read", h.markNotificationsRead)
	app.Post("/t/:id<int>/watch", h.watchThread)
	app.Post("/t/:id<int>/mute", h.muteThread)
	app.Get(notificationSettingsPath, h.showNotificationSettings)
	app.Post(notificationSettingsPath, h.saveNotificationSettings)
	app.Get(unsubscribePath, h.showUnsubscribe)
	app.Post(unsubscribePath, h.unsubscribe)
}

// unreadCount fills the bell. A failure only costs the number, never the page.
func (h *Handler) unreadCount(c *fiber.Ctx, user models.User) int {
	n, err := h.store.UnreadCount(c.UserContext(), user)
	if err != nil {
		h.log.Warn("count unread notifications", slog.String("request_id", requestID(c)), slog.Any("error", err))
	}
	return n
}

// showNotifications lists the user's notifications, newest first. Seeing
// them is reading them: those on the page are marked read, and still show
// as new this once.
func (h *Handler) showNotifications(c *fiber.Ctx) error {
	user := currentUser(c)
	if user == nil {
		return c.Redirect("/login?next="+url.QueryEscape("/notifications"), fiber.StatusSeeOther)
	}
	ctx := c.UserContext()
	list, err := h.store.Notifications(ctx, *user, pageNumber(c), notificationsPerPage)
	if err != nil {
		return err
	}
	var unread []int64
	for _, n := range list.Items {
		if n.Unread() {
			unread = append(unread, n.ID)
		}
	}
	if err := h.store.MarkNotificationsRead(ctx, user.ID, unread); err != nil {
		return err
	}
	b := h.baseTitled(c, "title.notifications")
	return h.render(c, fiber.StatusOK, views.Notifications, views.NotificationsData{Base: b, List: list})
}

// markNotificationsRead empties the bell, for notifications beyond the
// first page.
func (h *Handler) markNotificationsRead(c *fiber.Ctx) error {
	user := currentUser(c)
	if user == nil {
		return c.Redirect("/login?next=/notifications", fiber.StatusSeeOther)
	}
	if err := h.store.MarkAllNotificationsRead(c.UserContext(), user.ID); err != nil {
		return err
	}
	h.flash(c, "flash.notifications_read")
	return c.Redirect("/notifications", fiber.StatusSeeOther)
}

// watchThread starts watching a thread, or with state=off stops.
func (h *Handler) watchThread(c *fiber.Ctx) error {
	return h.setWatch(c, models.Watching, "flash.watching", "flash.unwatched")
}

// muteThread mutes a thread, or with state=off unmutes it.
func (h *Handler) muteThread(c *fiber.Ctx) error {
	return h.setWatch(c, models.Muted, "flash.muted", "flash.unmuted")
}

func (h *Handler) setWatch(c *fiber.Ctx, level models.WatchLevel, onFlash, offFlash string) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	back := localPath(c.FormValue("next"))
	if back == "/" {
		back = fmt.Sprintf("/t/%d", id)
	}
	user := currentUser(c)
	if user == nil {
		return c.Redirect("/login?next="+url.QueryEscape(back), fiber.StatusSeeOther)
	}
	msg := onFlash
	if c.FormValue("state") == "off" {
		level, msg = models.NotWatching, offFlash
	}
	if err := h.store.SetWatch(c.UserContext(), *user, int64(id), level); err != nil {
		return err
	}
	h.flash(c, msg)
	return c.Redirect(back, fiber.StatusSeeOther)
}
