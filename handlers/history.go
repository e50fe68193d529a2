package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"hiroba/models"
	"hiroba/views"
)

// showHistory lists what a post said before each edit, each version as what
// the next edit changed. Versions the viewer may not read (personal data
// found in them, or hidden by the author or a moderator) show only as a
// line saying that they exist.
func (h *Handler) showHistory(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	viewer := currentUser(c)
	post, err := h.store.PostByID(c.UserContext(), viewer, int64(id))
	if err != nil {
		return err
	}
	revs, err := h.store.History(c.UserContext(), viewer, post, h.cfg.Guard)
	if err != nil {
		return err
	}
	dependsOn(c, models.ThreadKey(post.ThreadID))
	b := h.baseTitled(c, "history.title", "Title", post.Thread.Title)
	data := views.HistoryData{Base: b, Post: post, Revisions: views.NewHistory(b.Translator, post, revs)}
	return h.render(c, fiber.StatusOK, views.History, data)
}

// setRevisionHidden hides an earlier version of a post from the public
// (action "hide") or makes it public again ("unhide"), then goes back to
// the history.
func (h *Handler) setRevisionHidden(c *fiber.Ctx) error {
	user, postID, err := actorAndID(c)
	if err != nil {
		return err
	}
	revID, err := c.ParamsInt("rev")
	if err != nil {
		return fiber.ErrNotFound
	}
	var hidden bool
	flash := "history.shown_flash"
	switch c.Params("action") {
	case "hide":
		hidden, flash = true, "history.hidden_flash"
	case "unhide":
	default:
		return fiber.ErrNotFound
	}
	if err := h.store.SetRevisionHidden(c.UserContext(), user, postID, int64(revID), hidden); err != nil {
		return err
	}
	h.flash(c, flash)
	return c.Redirect(fmt.Sprintf("/p/%d/history#rev-%d", postID, revID), fiber.StatusSeeOther)
}
