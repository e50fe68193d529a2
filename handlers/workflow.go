package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hiroba/models"
	"hiroba/views"
)

// requireUser returns the signed-in user or an error page for visitors.
func requireUser(c *fiber.Ctx) (models.User, error) {
	u := currentUser(c)
	if u == nil {
		return models.User{}, fiber.ErrForbidden
	}
	return *u, nil
}

// markSolution accepts a reply as the answer and goes back to it.
func (h *Handler) markSolution(c *fiber.Ctx) error {
	user, threadID, err := actorAndID(c)
	if err != nil {
		return err
	}
	postID, err := strconv.ParseInt(c.FormValue("post_id"), 10, 64)
	if err != nil {
		return fiber.ErrBadRequest
	}
	post, err := h.store.MarkSolution(c.UserContext(), user, threadID, postID)
	if err != nil {
		return err
	}
	h.flash(c, "flash.solution_marked")
	return h.redirectToPost(c, post)
}

// clearSolution unmarks the thread's answer.
func (h *Handler) clearSolution(c *fiber.Ctx) error {
	user, threadID, err := actorAndID(c)
	if err != nil {
		return err
	}
	if err := h.store.ClearSolution(c.UserContext(), user, threadID); err != nil {
		return err
	}
	h.flash(c, "flash.solution_cleared")
	return c.Redirect("/t/"+strconv.FormatInt(threadID, 10), fiber.StatusSeeOther)
}

// toggleHelpful adds or takes back the viewer's "helpful" on a post.
func (h *Handler) toggleHelpful(c *fiber.Ctx) error {
	user, postID, err := actorAndID(c)
	if err != nil {
		return err
	}
	post, voted, err := h.store.ToggleHelpful(c.UserContext(), user, postID)
	if err != nil {
		return err
	}
	if voted {
		h.flash(c, "flash.helpful")
	} else {
		h.flash(c, "flash.helpful_removed")
	}
	return h.redirectToPost(c, post)
}

// actorAndID is the signed-in user acting and the id in the route, the
// start of every action on a thread or post.
func actorAndID(c *fiber.Ctx) (models.User, int64, error) {
	user, err := requireUser(c)
	if err != nil {
		return user, 0, err
	}
	id, err := c.ParamsInt("id")
	if err != nil {
		return user, 0, fiber.ErrNotFound
	}
	return user, int64(id), nil
}

// redirectToPost goes back to a post after an action on it, from the post
// and thread the action returned. A post the action took out of the
// viewer's sight (a flag that hid it) sends them to its thread instead.
func (h *Handler) redirectToPost(c *fiber.Ctx, p models.Post) error {
	th := p.Thread
	if !currentUser(c).CanRead(p, th) {
		return c.Redirect(views.ThreadPath(th.ID, th.Slug), fiber.StatusSeeOther)
	}
	return c.Redirect(views.PostPath(th.ID, th.Slug, p.Position, p.ID), fiber.StatusSeeOther)
}
