package handlers

import (
	"html/template"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"hiroba/views"
)

// A form sent over a request budget comes back like any refused form: the
// composer with what was typed, and beside it how long to wait. A bare
// "too many requests" page would throw the text away.

// questionOverLimit shows the composer again.
func (h *Handler) questionOverLimit(c *fiber.Ctx) error {
	if currentUser(c) == nil {
		return c.Redirect("/login?next=/new", fiber.StatusSeeOther)
	}
	catID, _ := strconv.ParseInt(c.FormValue("category"), 10, 64)
	form := views.PostForm{
		CategoryID: catID, Title: utils.CopyString(c.FormValue("title")), Body: utils.CopyString(c.FormValue("body")),
		Errors: map[string]string{"body": h.waitMessage(c)},
	}
	return h.renderCompose(c, fiber.StatusTooManyRequests, form)
}

// replyOverLimit keeps the reply on its thread, as a refused reply is kept.
func (h *Handler) replyOverLimit(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	if currentUser(c) == nil {
		return c.Redirect("/login?next="+url.QueryEscape("/t/"+strconv.Itoa(id)), fiber.StatusSeeOther)
	}
	return h.keepReply(c, int64(id), utils.CopyString(c.FormValue("body")), h.waitMessage(c), fiber.StatusTooManyRequests)
}

// editOverLimit shows the edit form again.
func (h *Handler) editOverLimit(c *fiber.Ctx) error {
	_, post, err := h.loadOwnPost(c)
	if err != nil {
		return err
	}
	form := views.PostForm{Body: utils.CopyString(c.FormValue("body")), Errors: map[string]string{"body": h.waitMessage(c)}}
	if post.Position == 1 {
		form.Title = utils.CopyString(c.FormValue("title"))
		form.CategoryID, _ = strconv.ParseInt(c.FormValue("category"), 10, 64)
	}
	return h.renderEdit(c, fiber.StatusTooManyRequests, post, form)
}

// previewOverLimit answers the composer's script with the wait, which it
// shows where the preview would be; the composer stays as it is.
func (h *Handler) previewOverLimit(c *fiber.Ctx) error {
	msg := template.HTMLEscapeString(h.waitMessage(c))
	return h.render(c, fiber.StatusTooManyRequests, views.Preview, views.PreviewData{
		Base: h.base(c, ""),
		// Escaped above; the fragment holds no other text.
		HTML: template.HTML(`<p class="field-error" role="alert">` + msg + `</p>`),
	})
}
