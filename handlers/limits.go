package handlers

import (
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hiroba/handlers/forwarded"
	"hiroba/handlers/ratelimit"
	"hiroba/views"
)

// Limits are the request budgets of the actions people abuse. Each is
// counted per user when signed in and per address otherwise.
type Limits struct {
	Post   ratelimit.Rule // questions, replies and edits, per user
	PostIP ratelimit.Rule // the same, per address: many accounts, one machine
	Flag   ratelimit.Rule
	Vote   ratelimit.Rule
	Search ratelimit.Rule // per address
	SignIn ratelimit.Rule // sign-in callbacks and the development form, per address
	Check  ratelimit.Rule // the composer's personal-data check while typing, per user
}

// DefaultLimits are generous for people and tight for scripts.
var DefaultLimits = Limits{
	Post:   ratelimit.Rule{Name: "post", Limit: 10, Window: time.Minute},
	PostIP: ratelimit.Rule{Name: "post-ip", Limit: 30, Window: time.Minute},
	Flag:   ratelimit.Rule{Name: "flag", Limit: 20, Window: 10 * time.Minute},
	Vote:   ratelimit.Rule{Name: "vote", Limit: 60, Window: time.Minute},
	Search: ratelimit.Rule{Name: "search", Limit: 60, Window: time.Minute},
	SignIn: ratelimit.Rule{Name: "signin", Limit: 20, Window: 10 * time.Minute},
	// A check runs at each pause in typing: a fast writer pauses often.
	Check: ratelimit.Rule{Name: "check", Limit: 120, Window: time.Minute},
}

// withDefaults fills every rule left unset with its default.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	for _, pair := range []struct{ rule, def *ratelimit.Rule }{
		{&l.Post, &d.Post}, {&l.PostIP, &d.PostIP}, {&l.Flag, &d.Flag},
		{&l.Vote, &d.Vote}, {&l.Search, &d.Search}, {&l.SignIn, &d.SignIn},
		{&l.Check, &d.Check},
	} {
		if pair.rule.Limit == 0 {
			*pair.rule = *pair.def
		}
	}
	return l
}

// limit counts requests under a rule, keyed by user or by address.
func (h *Handler) limit(rule ratelimit.Rule, byAddress bool) fiber.Handler {
	if h.cfg.Limiter == nil {
		return func(c *fiber.Ctx) error { return c.Next() }
	}
	key := func(c *fiber.Ctx) string {
		if u := currentUser(c); u != nil && !byAddress {
			return "u" + strconv.FormatInt(u.ID, 10)
		}
		return "ip" + forwarded.ClientIP(c)
	}
	return ratelimit.Middleware(h.cfg.Limiter, rule, key, h.tooManyRequests, ratelimit.Config{
		OnError: func(c *fiber.Ctx, err error) {
			// Counting failed (Redis away): let people through rather than
			// lock everyone out, and say so in the log.
			h.log.Warn("rate limit unavailable", slog.String("request_id", requestID(c)), slog.Any("error", err))
		},
	})
}

// tooManyRequests renders the 429 page saying when to try again.
func (h *Handler) tooManyRequests(c *fiber.Ctx) error {
	seconds := 60
	if d, ok := ratelimit.DecisionFrom(c); ok {
		seconds = d.RetryAfterSeconds()
	}
	b := h.base(c, "")
	msg := b.T("error.too_many", "Count", seconds)
	b.Title = msg
	return h.render(c, fiber.StatusTooManyRequests, views.Error, views.ErrorData{Base: b, Status: fiber.StatusTooManyRequests, Message: msg})
}
