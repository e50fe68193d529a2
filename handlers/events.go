package handlers

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"hiroba/handlers/forwarded"
	"hiroba/handlers/live"
	"hiroba/models"
	"hiroba/views"
)

// A thread's live events (package live): what changed in it while a reader
// keeps its page open, as Server-Sent Events. A GET that changes nothing,
// so no CSRF; the same visibility as the page, so a thread the reader may
// not see is not found. Registered before the page cache, which must never
// keep or serve a stream (see cacheAnonymous).

// Seconds a refused stream is told to wait: busy instance, busy address.
const (
	retryBusy    = "30"
	retryTooMany = "60"
)

// threadEvents streams a thread's events: "replies" (how many replies the
// reader may read came after the post id the page ended at, sent as
// ?after= and, on reconnecting, as Last-Event-ID), "metoo" and "banner";
// a comment every heartbeat; "bye" when the stream has been idle too long.
func (h *Handler) threadEvents(c *fiber.Ctx) error {
	if h.live == nil {
		return fiber.ErrNotFound
	}
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	if c.Method() != fiber.MethodGet {
		// HEAD: the headers a stream would have, and no stream.
		c.Set(fiber.HeaderContentType, "text/event-stream")
		c.Set(fiber.HeaderCacheControl, "no-store")
		return nil
	}
	after := lastSeen(c)
	// The address outlives the request, counted while the stream lasts.
	addr := utils.CopyString(forwarded.ClientIP(c))
	st, err := h.live.Open(c.UserContext(), currentUser(c), int64(id), after, addr)
	switch {
	case errors.Is(err, live.ErrTooMany):
		c.Set(fiber.HeaderRetryAfter, retryTooMany)
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.SendStatus(fiber.StatusTooManyRequests)
	case errors.Is(err, live.ErrBusy), errors.Is(err, live.ErrClosed):
		c.Set(fiber.HeaderRetryAfter, retryBusy)
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.SendStatus(fiber.StatusServiceUnavailable)
	case err != nil:
		return err // not found, or the database: the error page
	}
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-store")
	// nginx would otherwise hold the events back in its buffer.
	c.Set("X-Accel-Buffering", "no")
	// The server's write timeout would end the stream after half a minute;
	// the stream moves the deadline itself before each write instead.
	conn := c.Context().Conn()
	st.WriteDeadline = conn.SetWriteDeadline
	_ = c.Context().SetWriteDeadline(time.Now().Add(time.Minute))
	c.Context().SetBodyStreamWriter(st.Run)
	return nil
}

// lastSeen is the post id the reader's page ended at: Last-Event-ID when
// the browser reconnects, else ?after=; -1 when neither says.
func lastSeen(c *fiber.Ctx) int64 {
	for _, v := range []string{c.Get("Last-Event-ID"), c.Query("after")} {
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && n >= 0 {
			return n
		}
	}
	return -1
}

// liveThread is what a thread page tells its script to follow it live:
// where its events are, the newest post the viewer may read now (on the
// last page, the page's own: no query) and the banner it shows.
func (h *Handler) liveThread(c *fiber.Ctx, view models.ThreadView) (views.LiveThread, error) {
	if h.live == nil {
		return views.LiveThread{}, nil
	}
	viewer, th := currentUser(c), view.Thread
	var last int64
	if view.Page == view.TotalPages() {
		for _, p := range view.Posts {
			if p.ID > last && viewer.CanRead(p, th) {
				last = p.ID
			}
		}
	} else {
		var err error
		if last, err = h.store.LastReadablePostID(c.UserContext(), viewer, th.ID); err != nil {
			return views.LiveThread{}, err
		}
	}
	lt := views.LiveThread{Events: "/t/" + strconv.FormatInt(th.ID, 10) + "/events", LastPost: last}
	if b, ok := h.live.Banner(c.UserContext()); ok {
		lt.Banner = b.JSON()
	}
	return lt, nil
}

// Uncompressed reports whether a request is for live events, which the
// compression middleware must leave alone: a compressor per stream costs
// memory that thousands of readers multiply, and proxies may hold a
// compressed stream back.
func Uncompressed(c *fiber.Ctx) bool {
	p := c.Path()
	return strings.HasPrefix(p, "/t/") && strings.HasSuffix(p, "/events")
}
