package handlers

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hiroba/models"
	"hiroba/views"
)

// incidentOpener opens a known issue from a flood's questions and merges
// them into one incident thread, whose id it returns: floodIncidents
// (incidents.go), over Store.OpenKnownIssue and Store.MergeThreads. Without
// one the flood's button answers that the action is unavailable.
type incidentOpener interface {
	OpenIncident(ctx context.Context, actor models.User, questions []models.Thread) (threadID int64, err error)
}

// floods finds the bursts of alike questions the review queue shows at its
// top, under the thresholds the admins set. The queue is what moderators
// need most during an outage: if the detector fails, the queue is shown
// without it, and the failure is logged.
func (h *Handler) floods(c *fiber.Ctx) []models.Flood {
	ctx := c.UserContext()
	r, err := h.store.Rules(ctx)
	if err == nil {
		var floods []models.Flood
		floods, err = h.store.Floods(ctx, time.Now(), r.FloodThreshold, time.Duration(r.FloodWindow))
		if err == nil {
			return floods
		}
	}
	h.log.Warn("review queue without floods", slog.String("request_id", requestID(c)), slog.Any("error", err))
	return nil
}

// openFloodIncident takes the questions of a flood, as the review queue's
// button sends them, into a known issue and its incident thread. Questions
// that are no longer a flood's (hidden, merged or too old since the page
// was loaded) send the moderator back to the queue, which shows the floods
// as they are now.
func (h *Handler) openFloodIncident(c *fiber.Ctx) error {
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	var ids []int64
	for _, v := range c.Request().PostArgs().PeekMulti("thread") {
		id, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil || id <= 0 {
			return h.refuseFlood(c)
		}
		ids = append(ids, id)
	}
	threads, err := h.store.FloodThreads(c.UserContext(), user, ids, time.Now())
	switch {
	case models.IsInvalid(err):
		return h.refuseFlood(c)
	case err != nil:
		return err
	}
	if h.incidents == nil {
		return models.ErrUnavailable
	}
	threadID, err := h.incidents.OpenIncident(c.UserContext(), user, threads)
	if err != nil {
		return err
	}
	h.knownIssues.forget() // this instance's next page shows the banner
	h.flash(c, "flash.incident_opened")
	return c.Redirect("/t/"+strconv.FormatInt(threadID, 10), fiber.StatusSeeOther)
}

// refuseFlood shows the queue again, saying why nothing was opened.
func (h *Handler) refuseFlood(c *fiber.Ctx) error {
	form := views.ReviewForm{FloodError: h.catalog.In(language(c)).T("flood.invalid")}
	return h.renderReview(c, fiber.StatusUnprocessableEntity, form)
}
