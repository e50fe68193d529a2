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
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	threadID, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	postID, err := strconv.ParseInt(c.FormValue("post_id"), 10, 64)
	if err != nil {
		return fiber.ErrBadRequest
	}
	post, err := h.store.MarkSolution(c.UserContext(), user, int64(threadID), postID)
	if err != nil {
		return err
	}
	return h.redirectToPost(c, post)
}

// clearSolution unmarks the thread's answer.
func (h *Handler) clearSolution(c *fiber.Ctx) error {
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	threadID, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	if err := h.store.ClearSolution(c.UserContext(), user, int64(threadID)); err != nil {
		return err
	}
	return c.Redirect("/t/"+strconv.Itoa(threadID), fiber.StatusSeeOther)
}

// toggleHelpful adds or takes back the viewer's "helpful" on a post.
func (h *Handler) toggleHelpful(c *fiber.Ctx) error {
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	postID, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	if _, _, err := h.store.ToggleHelpful(c.UserContext(), user.ID, int64(postID)); err != nil {
		return err
	}
	post, err := h.store.PostByID(c.UserContext(), int64(postID))
	if err != nil {
		return err
	}
	return h.redirectToPost(c, post)
}

func (h *Handler) redirectToPost(c *fiber.Ctx, p models.Post) error {
	th := p.Thread
	if th.ID == 0 {
		full, err := h.store.PostByID(c.UserContext(), p.ID)
		if err != nil {
			return err
		}
		th = full.Thread
	}
	return c.Redirect(views.PostPath(th.ID, th.Slug, p.Position, p.ID), fiber.StatusSeeOther)
}
