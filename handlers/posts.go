package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"hiroba/models"
	"hiroba/views"
)

// createReply adds a reply and lands on it, on the page where it sits.
func (h *Handler) createReply(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	user := currentUser(c)
	if user == nil {
		return c.Redirect(fmt.Sprintf("/login?next=/t/%d", id), fiber.StatusSeeOther)
	}
	body := utils.CopyString(c.FormValue("body"))
	form := views.PostForm{Body: body}
	if msg := validateBody(h.catalog.In(language(c)), body); msg != "" {
		form.Errors = map[string]string{"body": msg}
		return h.rerenderThread(c, int64(id), fiber.StatusUnprocessableEntity, form)
	}
	if c.FormValue("action") == "preview" {
		status, err := h.previewForm(c, &form)
		if err != nil {
			return err
		}
		return h.rerenderThread(c, int64(id), status, form)
	}
	_, body, check := h.screenPrivacy(c, "", body)
	if check != nil {
		form.Privacy = check
		return h.rerenderThread(c, int64(id), fiber.StatusUnprocessableEntity, form)
	}
	post, err := h.store.CreateReply(c.UserContext(), models.NewReply{ThreadID: int64(id), UserID: user.ID, Body: body})
	if msg, status, refused := h.refusal(c, h.catalog.In(language(c)), err); refused {
		form.Errors = map[string]string{"body": msg}
		return h.rerenderThread(c, int64(id), status, form)
	}
	if err != nil {
		return err
	}
	if post.Status == models.StatusHeld {
		h.flash(c, "flash.held")
	}
	return c.Redirect(views.PostPath(post.Thread.ID, post.Thread.Slug, post.Position, post.ID), fiber.StatusSeeOther)
}

// rerenderThread shows the thread's last page with the reply form refilled.
func (h *Handler) rerenderThread(c *fiber.Ctx, id int64, status int, form views.PostForm) error {
	view, err := h.store.ThreadPage(c.UserContext(), currentUser(c), id, models.LastPage)
	if err != nil {
		return err
	}
	return h.renderThread(c, status, view, form)
}
