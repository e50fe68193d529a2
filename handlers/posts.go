package handlers

import (
	"fmt"
	"strings"

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
	if status, err := h.attachFormImages(c, &form); err != nil || status != 0 {
		if err != nil {
			return err
		}
		return h.rerenderThread(c, int64(id), status, form)
	}
	if msg := validateBody(h.catalog.In(language(c)), body); msg != "" {
		return h.keepReply(c, int64(id), body, msg, fiber.StatusUnprocessableEntity)
	}
	if c.FormValue("action") == "preview" {
		status, err := h.previewForm(c, &form)
		if err != nil {
			return err
		}
		return h.rerenderThread(c, int64(id), status, form)
	}
	if models.IsMeTooText(body) {
		if counted, err := h.replyAsMeToo(c, *user, int64(id)); counted || err != nil {
			return err
		}
	}
	_, body, check, err := h.screenPrivacy(c, "", body)
	if err != nil {
		return err
	}
	if check != nil {
		form.Privacy = check
		return h.rerenderThread(c, int64(id), fiber.StatusUnprocessableEntity, form)
	}
	post, err := h.store.CreateReply(c.UserContext(), models.NewReply{ThreadID: int64(id), UserID: user.ID, Body: body})
	if msg, status, refused := h.refusal(c, h.catalog.In(language(c)), err); refused {
		return h.keepReply(c, int64(id), body, msg, status)
	}
	if err != nil {
		return err
	}
	if post.Status == models.StatusHeld {
		h.flash(c, "flash.held")
	}
	return c.Redirect(views.PostPath(post.Thread.ID, post.Thread.Slug, post.Position, post.ID), fiber.StatusSeeOther)
}

// keptReplyQuery marks a thread address that shows the viewer's kept reply.
const keptReplyQuery = "reply=kept"

// keepReply sends a refused reply back to the thread's own address, where
// the text and the reason wait in the form: reloading that page shows them
// again instead of sending the reply again.
func (h *Handler) keepReply(c *fiber.Ctx, threadID int64, body, reason string, status int) error {
	ctx, user := c.UserContext(), currentUser(c)
	err := h.store.KeepReply(ctx, user.ID, threadID, body, reason)
	if models.IsInvalid(err) {
		// Text no database takes (a NUL, broken encoding) comes back as
		// it is, in this response.
		form := views.PostForm{Body: body, Errors: map[string]string{"body": reason}}
		return h.rerenderThread(c, threadID, status, form)
	}
	if err != nil {
		return err
	}
	view, err := h.store.ThreadPage(ctx, user, threadID, models.LastPage)
	if err != nil {
		return err
	}
	to := views.PagePath(views.ThreadPath(view.Thread.ID, view.Thread.Slug), view.Page)
	if strings.Contains(to, "?") {
		to += "&" + keptReplyQuery
	} else {
		to += "?" + keptReplyQuery
	}
	return c.Redirect(to+"#body", fiber.StatusSeeOther)
}

// keptReply is the form a refused reply left for the viewer, if any.
func (h *Handler) keptReply(c *fiber.Ctx, threadID int64) (views.PostForm, error) {
	user := currentUser(c)
	if user == nil || c.Query("reply") != "kept" {
		return views.PostForm{}, nil
	}
	kept, ok, err := h.store.KeptReplyOf(c.UserContext(), user.ID, threadID)
	if err != nil || !ok {
		return views.PostForm{}, err
	}
	return views.PostForm{Body: kept.Body, Errors: map[string]string{"body": kept.Reason}}, nil
}

// rerenderThread shows the thread's last page with the reply form refilled.
func (h *Handler) rerenderThread(c *fiber.Ctx, id int64, status int, form views.PostForm) error {
	view, err := h.store.ThreadPage(c.UserContext(), currentUser(c), id, models.LastPage)
	if err != nil {
		return err
	}
	return h.renderThread(c, status, view, form)
}
