package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"hiroba/models/markdown"
	"hiroba/views"
)

// markupRefusal explains a body the renderer refused as past one of its
// bounds (nested too deeply, too many links, …), in the reader's language.
func markupRefusal(t views.Translator, err error) (string, bool) {
	var limit *markdown.LimitError
	if !errors.As(err, &limit) {
		return "", false
	}
	return t.T("markdown."+limit.Limit, "Max", limit.Max), true
}

// previewForm renders a form's body for its preview, or puts beside the
// body why it cannot be shown; the text stays in the form either way. It
// returns the status to answer with.
func (h *Handler) previewForm(c *fiber.Ctx, form *views.PostForm) (int, error) {
	html, err := h.renderMarkdown(c, form.Body)
	if msg, refused := markupRefusal(h.catalog.In(language(c)), err); refused {
		form.Errors = map[string]string{"body": msg}
		return fiber.StatusUnprocessableEntity, nil
	}
	if err != nil {
		return 0, err
	}
	form.Preview = html
	return fiber.StatusOK, nil
}

// renderMarkupRefusal answers a request the renderer refused with 422 and
// the reason, where no form can show it beside the text.
func (h *Handler) renderMarkupRefusal(c *fiber.Ctx, msg string) error {
	b := h.baseTitled(c, "error.bad_request")
	return h.render(c, fiber.StatusUnprocessableEntity, views.Error, views.ErrorData{Base: b, Status: fiber.StatusUnprocessableEntity, Message: msg})
}
