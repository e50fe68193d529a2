package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"hiroba/handlers"
	"hiroba/handlers/forwarded"
	"hiroba/handlers/metrics"
	"hiroba/models"
)

// contentSecurityPolicy allows no inline script and nothing from elsewhere
// but the sign-in providers' avatars. Images in posts come from the forum
// itself (the renderer turns any other into a link), so no reader's browser
// tells another host what it reads.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' " + handlers.AvatarSources + "; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// strictTransportSecurity keeps browsers on https for a year once they have
// seen the site there. Not includeSubDomains: other sites may share the domain.
const strictTransportSecurity = "max-age=31536000"

const requestTimeout = 15 * time.Second

func useMiddleware(app *fiber.App, cfg Config, store *models.Store, m *metrics.Metrics, log *slog.Logger) {
	// First: everything after it reads the client's address, scheme and
	// request id as the trusted proxies gave them, and only they.
	app.Use(forwarded.Middleware(cfg.TrustedProxies))
	if m != nil {
		// Around the request log, which turns errors into pages: the
		// status counted is the one sent.
		app.Use(m.Middleware())
	}
	app.Use(requestid.New())
	// The deadline wraps the request log, which renders error pages, so an
	// error page for a signed-in user queries inside a live context.
	app.Use(withDeadline)
	if store.HasReplicas() {
		// Inside the deadline, whose context it extends.
		app.Use(readRouting(store, cfg.HTTPS()))
	}
	app.Use(requestLog(log))
	app.Use(recover.New())
	app.Use(securityHeaders(cfg.HTTPS()))
	app.Use(compress.New(compress.Config{Level: compress.LevelBestSpeed, Next: handlers.Uncompressed}))
}

// withDeadline gives each request a context that ends, so no query outlives
// the request that asked for it by long. It is cancelled only once the
// response, error page included, is complete.
func withDeadline(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

// securityHeaders sets the headers every response carries; hsts when the
// site's public address is https.
func securityHeaders(hsts bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set("Content-Security-Policy", contentSecurityPolicy)
		c.Set("X-Content-Type-Options", "nosniff")
		c.Set("X-Frame-Options", "DENY")
		c.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		c.Set("Cross-Origin-Opener-Policy", "same-origin")
		if hsts {
			c.Set("Strict-Transport-Security", strictTransportSecurity)
		}
		return c.Next()
	}
}

func requestLog(log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		if err != nil {
			// Let the error handler set the real status before we log it.
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		if log.Enabled(context.Background(), slog.LevelInfo) {
			id, _ := c.Locals("requestid").(string)
			log.LogAttrs(context.Background(), slog.LevelInfo, "request",
				slog.String("id", id), slog.String("ip", forwarded.ClientIP(c)), slog.String("method", c.Method()), slog.String("path", c.Path()),
				slog.Int("status", c.Response().StatusCode()), slog.Duration("duration", time.Since(start)))
		}
		return nil
	}
}
