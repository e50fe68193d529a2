package handlers

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"hiroba/models"
)

// registerMeToo mounts "I have this problem too" on questions. It counts
// against the vote budget: one click, like "helpful".
func (h *Handler) registerMeToo(app *fiber.App) {
	app.Post("/t/:id<int>/me-too", h.limit(voteRule, false), h.setMeToo)
}

// setMeToo says the viewer has the thread's problem too, or with state=off
// takes it back, and goes back to the page it was said on.
func (h *Handler) setMeToo(c *fiber.Ctx) error {
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
	on, msg := true, "flash.me_too"
	if c.FormValue("state") == "off" {
		on, msg = false, "flash.me_too_removed"
	}
	if _, err := h.store.SetMeToo(c.UserContext(), *user, int64(id), on); err != nil {
		return err
	}
	h.flash(c, msg)
	return c.Redirect(back, fiber.StatusSeeOther)
}

// replyAsMeToo counts a reply that only says "+1" or "me too" as the
// author's me-too instead of posting it, and lands on the thread's button,
// saying so. It reports false, with nothing done, when the author may not
// say it there (their own question, a closed thread, a silence): the reply
// then takes the ordinary way, and its rules say what they say.
func (h *Handler) replyAsMeToo(c *fiber.Ctx, user models.User, threadID int64) (bool, error) {
	_, err := h.store.SetMeToo(c.UserContext(), user, threadID, true)
	var restricted *models.RestrictedError
	switch {
	case errors.Is(err, models.ErrForbidden), errors.Is(err, models.ErrConflict), errors.As(err, &restricted):
		return false, nil
	case err != nil:
		return false, err
	}
	h.flash(c, "flash.me_too_reply")
	return true, c.Redirect(fmt.Sprintf("/t/%d#me-too", threadID), fiber.StatusSeeOther)
}
