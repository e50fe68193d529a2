package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"hiroba/views"
)

const themeCookie = "hiroba_theme"

// theme is the colour scheme the visitor chose in the footer: "light",
// "dark", or "" to follow their device. The server marks <html> with it,
// so a chosen theme is there from the first paint, with no flash and no
// script.
func theme(c *fiber.Ctx) string {
	if t := c.Cookies(themeCookie); views.KnownTheme(t) {
		return t
	}
	return ""
}

// setTheme remembers the visitor's colour scheme and goes back where they
// were. Like the language switch it only sets a preference cookie, which a
// forged request could do no harm with, so a plain link is enough and it
// works without JavaScript; the way back stays on this site.
func (h *Handler) setTheme(c *fiber.Ctx) error {
	t := c.Params("theme")
	switch {
	case t == views.ThemeSystem:
		h.clearCookie(c, themeCookie, "/")
	case views.KnownTheme(t):
		h.setCookie(c, themeCookie, t, "/", time.Now().Add(365*24*time.Hour))
	default:
		return fiber.ErrNotFound
	}
	return c.Redirect(localPath(c.Query("next")), fiber.StatusSeeOther)
}
