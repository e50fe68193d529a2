package app

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hiroba/models"
)

// freshCookie holds, for a browser that just wrote, the instant (Unix
// milliseconds) until which its reads go to the primary: a replica may not
// have its reply yet, and nobody should post and then see the thread
// without it.
const freshCookie = "hiroba_fresh"

// readRouting lets the reads of requests that only show things come from
// the database's replicas, and keeps a browser on the primary for a while
// after it writes; for a store with replicas.
func readRouting(store *models.Store, https bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		showing := c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead
		ctx := models.ReadFromPrimary(c.UserContext())
		if showing && !wroteRecently(c, time.Now()) {
			ctx = models.ReadFromReplica(c.UserContext())
		}
		c.SetUserContext(ctx)
		err := c.Next()
		// A form sent (a reply is committed in its batch's own
		// transaction), or a page that wrote: a sign-in finishing makes
		// the session every later page reads.
		if !showing || models.Wrote(ctx) {
			until := time.Now().Add(store.MaxStaleness())
			c.Cookie(&fiber.Cookie{
				Name: freshCookie, Value: strconv.FormatInt(until.UnixMilli(), 10),
				Path: "/", Expires: until, HTTPOnly: true, Secure: https, SameSite: fiber.CookieSameSiteLaxMode,
			})
		}
		return err
	}
}

// wroteRecently reports whether the browser's fresh cookie still holds.
func wroteRecently(c *fiber.Ctx, now time.Time) bool {
	ms, err := strconv.ParseInt(c.Cookies(freshCookie), 10, 64)
	return err == nil && now.UnixMilli() < ms
}
