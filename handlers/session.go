package handlers

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"hiroba/handlers/forwarded"
	"hiroba/models"
)

const (
	sessionCookie = "hiroba_session"
	flashCookie   = "hiroba_flash"
	userKey       = "user"
)

// loadSession finds the signed-in user, if any. An unknown or expired token
// is cleared so the browser stops sending it.
func (h *Handler) loadSession(c *fiber.Ctx) error {
	token := c.Cookies(sessionCookie)
	if token == "" {
		return c.Next()
	}
	user, err := h.store.SessionUser(c.UserContext(), token)
	switch {
	case errors.Is(err, models.ErrNotFound):
		h.clearCookie(c, sessionCookie, "/")
	case err != nil:
		return err
	default:
		c.Locals(userKey, &user)
	}
	return c.Next()
}

func currentUser(c *fiber.Ctx) *models.User {
	u, _ := c.Locals(userKey).(*models.User)
	return u
}

// startSession signs a user in. Any session the browser had is ended first,
// so a token planted before sign-in is worthless after it. A suspended user
// is told why and until when, and not signed in.
func (h *Handler) startSession(c *fiber.Ctx, user models.User) error {
	if err := user.MayManageOwn(time.Now()); err != nil {
		return err
	}
	userID := user.ID
	if old := c.Cookies(sessionCookie); old != "" {
		if err := h.store.DeleteSession(c.UserContext(), old); err != nil {
			return err
		}
	}
	token, err := h.store.CreateSession(c.UserContext(), userID, h.cfg.SessionTTL)
	if err != nil {
		return err
	}
	h.setCookie(c, sessionCookie, token, "/", time.Now().Add(h.cfg.SessionTTL))
	// Email is written in the language the user first signs in with.
	return h.store.RememberLanguage(c.UserContext(), userID, language(c))
}

func (h *Handler) setCookie(c *fiber.Ctx, name, value, path string, expires time.Time) {
	c.Cookie(&fiber.Cookie{
		Name: name, Value: value, Path: path, Expires: expires,
		HTTPOnly: true, Secure: h.secure(c), SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// secure reports whether cookies must be Secure: the site is https, or this
// request reached it over https (through a trusted proxy).
func (h *Handler) secure(c *fiber.Ctx) bool { return h.cfg.SecureCookies || forwarded.HTTPS(c) }

func (h *Handler) clearCookie(c *fiber.Ctx, name, path string) {
	c.Cookie(&fiber.Cookie{
		Name: name, Value: "", Path: path, Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, Secure: h.secure(c), SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// flash leaves a one-line message, by catalog id, for the next page.
func (h *Handler) flash(c *fiber.Ctx, id string) {
	h.setCookie(c, flashCookie, id, "/", time.Now().Add(time.Minute))
}
