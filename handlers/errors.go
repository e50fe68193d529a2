package handlers

import (
	"errors"
	"log/slog"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"hiroba/models"
	"hiroba/views"
)

var errCSRF = fiber.NewError(fiber.StatusForbidden, "csrf")

// ErrorHandler renders every error as a page in the site's layout. The text
// of an internal error is logged with the request id and never shown; the
// message of a 422 a handler made (fiber.NewError) is for the user, and is.
func (h *Handler) ErrorHandler(c *fiber.Ctx, err error) error {
	status, msgID, message := fiber.StatusInternalServerError, "error.server", ""
	var fe *fiber.Error
	var restricted *models.RestrictedError
	if msg, refused := markupRefusal(h.catalog.In(language(c)), err); refused {
		return h.renderMarkupRefusal(c, msg)
	}
	switch {
	case errors.As(err, &restricted):
		return h.renderRestricted(c, restricted)
	case errors.Is(err, errCSRF):
		status, msgID = fiber.StatusForbidden, "error.csrf"
	case errors.Is(err, models.ErrNotFound):
		status, msgID = fiber.StatusNotFound, "error.not_found"
	case errors.Is(err, models.ErrForbidden):
		status, msgID = fiber.StatusForbidden, "error.forbidden"
	case errors.Is(err, models.ErrConflict):
		status, msgID = fiber.StatusConflict, "error.conflict"
	case errors.Is(err, models.ErrUnavailable):
		status, msgID = fiber.StatusServiceUnavailable, "error.unavailable"
	case errors.As(err, &fe):
		status = fe.Code
		switch {
		case fe.Code == fiber.StatusNotFound || fe.Code == fiber.StatusMethodNotAllowed:
			status, msgID = fiber.StatusNotFound, "error.not_found"
		case fe.Code == fiber.StatusForbidden:
			msgID = "error.forbidden"
		case fe.Code == fiber.StatusRequestEntityTooLarge:
			msgID = "error.too_large"
		case fe.Code == fiber.StatusServiceUnavailable:
			msgID = "error.unavailable"
		case fe.Code == fiber.StatusUnprocessableEntity && fe.Message != utils.StatusMessage(fe.Code):
			msgID, message = "error.bad_request", fe.Message
		case fe.Code >= 400 && fe.Code < 500:
			msgID = "error.bad_request"
		}
	}
	switch {
	case status == fiber.StatusServiceUnavailable:
		// An outage the forum recovers from by itself once the database is
		// back: a warning, not an error, and the browser is told when to
		// try again.
		c.Set(fiber.HeaderRetryAfter, retryAfterUnavailable)
		h.log.Warn("request failed: service unavailable", slog.String("request_id", requestID(c)),
			slog.String("method", c.Method()), slog.String("path", c.Path()), slog.Any("error", err))
	case status >= 500:
		h.log.Error("request failed", slog.String("request_id", requestID(c)),
			slog.String("method", c.Method()), slog.String("path", c.Path()), slog.Any("error", err))
	}
	b := h.baseTitled(c, msgID)
	if message == "" {
		message = b.T(msgID)
	} else {
		b.Title = message
	}
	if rerr := h.render(c, status, views.Error, views.ErrorData{Base: b, Status: status, Message: message}); rerr != nil {
		h.log.Error("render error page", slog.Any("error", rerr))
		return c.Status(status).SendString(message)
	}
	return nil
}

// renderRestricted answers an action a moderator's limit stops with 403 and
// says which limit, until when and why.
func (h *Handler) renderRestricted(c *fiber.Ctx, r *models.RestrictedError) error {
	msgID := "error.silenced"
	if r.Suspended {
		msgID = "error.suspended"
	}
	b := h.baseTitled(c, "error.forbidden")
	reason := r.Reason
	if reason == "" {
		reason = b.T("error.restricted_no_reason")
	}
	msg := b.T(msgID, "Until", b.Date(r.Until), "Reason", reason)
	return h.render(c, fiber.StatusForbidden, views.Error, views.ErrorData{Base: b, Status: fiber.StatusForbidden, Message: msg})
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals("requestid").(string)
	return id
}
