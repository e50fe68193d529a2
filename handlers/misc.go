package handlers

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hiroba/public"
)

// urlParam is a route parameter, percent-decoded and copied out of Fiber's
// reused buffer.
func urlParam(c *fiber.Ctx, name string) (string, error) {
	return url.PathUnescape(strings.Clone(c.Params(name)))
}

// serveAsset serves embedded files under their content-hashed names, which
// never change meaning, so they may be cached for a year.
func (h *Handler) serveAsset(c *fiber.Ctx) error {
	asset, ok := h.assets.Lookup(c.Path())
	if !ok || !strings.HasPrefix(c.Path(), public.Prefix) {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderContentType, asset.ContentType)
	return c.Send(asset.Body)
}

// Drain makes /readyz answer 503 from now on, while every other page is
// still served: the load balancer takes the instance out before it stops.
func (h *Handler) Drain() { h.draining.Store(true) }

// healthz says the process is alive.
func (h *Handler) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz says the process can serve pages: its database answers, and it is
// not draining before a shutdown.
func (h *Handler) readyz(c *fiber.Ctx) error {
	if h.draining.Load() {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "draining"})
	}
	// A short deadline of its own: a load balancer must hear "not ready"
	// before its own check times out, even when the database hangs.
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := h.store.Ping(ctx); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable"})
	}
	return c.JSON(fiber.Map{"status": "ok"})
}
