package handlers

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hiroba/views"
)

const (
	langCookie = "hiroba_lang"
	langKey    = "lang"
)

// loadLanguage picks the page language: the visitor's own choice from the
// footer switcher, otherwise what the browser asks for, otherwise the
// site's default.
func (h *Handler) loadLanguage(c *fiber.Ctx) error {
	fallback := h.siteStored.get(c.UserContext()).DefaultLanguage
	c.Locals(langKey, h.catalog.Match(c.Cookies(langCookie), c.Get(fiber.HeaderAcceptLanguage), fallback))
	c.Vary(fiber.HeaderAcceptLanguage, fiber.HeaderCookie)
	return c.Next()
}

func language(c *fiber.Ctx) string {
	if l, ok := c.Locals(langKey).(string); ok {
		return l
	}
	return views.Languages[0]
}

// setLanguage remembers the visitor's language and goes back where they were.
// It only sets a preference cookie, so a plain link is enough.
func (h *Handler) setLanguage(c *fiber.Ctx) error {
	lang := c.Params("lang")
	known := false
	for _, l := range views.Languages {
		known = known || l == lang
	}
	if !known {
		return fiber.ErrNotFound
	}
	c.Cookie(&fiber.Cookie{
		Name: langCookie, Value: lang, Path: "/", Expires: time.Now().Add(365 * 24 * time.Hour),
		Secure: h.secure(c), SameSite: fiber.CookieSameSiteLaxMode,
	})
	return c.Redirect(localPath(c.Query("next")), fiber.StatusSeeOther)
}

// localPath keeps a "come back to" address on this site: anything that is
// not a plain local path becomes the home page, so no link can bounce a
// visitor to another site.
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}
