package app

import (
	"strconv"
	"strings"
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
// after it writes. It does nothing without replicas.
func readRouting(store *models.Store, https bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !store.HasReplicas() {
			return c.Next()
		}
		now := time.Now()
		showing := c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead
		if showing && !wroteRecently(c, now) {
			c.SetUserContext(models.ReadFromReplica(c.UserContext()))
		}
		err := c.Next()
		// A form sent, or a sign-in finished (a GET that creates the
		// session every later page reads).
		if !showing || strings.HasPrefix(c.Path(), "/auth/") {
			until := now.Add(store.MaxStaleness())
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
