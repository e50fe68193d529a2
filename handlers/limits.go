package handlers

import (
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hiroba/handlers/forwarded"
	"hiroba/handlers/ratelimit"
	"hiroba/models"
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
	// Preview is the composer's previews, per user: they store nothing, so
	// they have a budget of their own and leave Post's to posting.
	Preview ratelimit.Rule
	// Upload is images sent to attach to posts, per user.
	Upload ratelimit.Rule
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
	Check:   ratelimit.Rule{Name: "check", Limit: 120, Window: time.Minute},
	Preview: ratelimit.Rule{Name: "preview", Limit: 30, Window: time.Minute},
	Upload:  ratelimit.Rule{Name: "upload", Limit: 20, Window: time.Minute},
}

// limitFields pairs each budget's name (models.BudgetNames) with its rule.
var limitFields = []struct {
	name string
	rule func(*Limits) *ratelimit.Rule
}{
	{"post", func(l *Limits) *ratelimit.Rule { return &l.Post }},
	{"post_ip", func(l *Limits) *ratelimit.Rule { return &l.PostIP }},
	{"flag", func(l *Limits) *ratelimit.Rule { return &l.Flag }},
	{"vote", func(l *Limits) *ratelimit.Rule { return &l.Vote }},
	{"search", func(l *Limits) *ratelimit.Rule { return &l.Search }},
	{"signin", func(l *Limits) *ratelimit.Rule { return &l.SignIn }},
	{"check", func(l *Limits) *ratelimit.Rule { return &l.Check }},
	{"preview", func(l *Limits) *ratelimit.Rule { return &l.Preview }},
	{"upload", func(l *Limits) *ratelimit.Rule { return &l.Upload }},
}

// Set gives the rule of a budget name (models.BudgetNames) its limit and
// window, keeping its counters' name; it reports whether the name is known.
func (l *Limits) Set(name string, b models.Budget) bool {
	for _, f := range limitFields {
		if f.name == name {
			r := f.rule(l)
			r.Limit, r.Window = b.Limit, b.Window
			return true
		}
	}
	return false
}

// Budget returns the limit and window of a budget name's rule.
func (l Limits) Budget(name string) models.Budget {
	for _, f := range limitFields {
		if f.name == name {
			r := f.rule(&l)
			return models.Budget{Limit: r.Limit, Window: r.Window}
		}
	}
	return models.Budget{}
}

// over replaces the rules an admin set on the rules page. Each budget
// counts under a name of its own: a budget changed, or cleared back to the
// server's, starts counting afresh, so loosening one lets waiting people
// through at once rather than after the tighter budget's wait.
func (l Limits) over(b models.Budgets) Limits {
	for _, f := range limitFields {
		if v := *b.Field(f.name); v != (models.Budget{}) {
			l.Set(f.name, v)
			r := f.rule(&l)
			r.Name += "@" + v.String()
		}
	}
	return l
}

// withDefaults fills what is left unset in every rule with its default.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	for _, f := range limitFields {
		rule, def := f.rule(&l), f.rule(&d)
		// Each field on its own, so that a rule set in part (a higher
		// limit, say) keeps the default's name and window.
		if rule.Name == "" {
			rule.Name = def.Name
		}
		if rule.Limit == 0 {
			rule.Limit = def.Limit
		}
		if rule.Window == 0 {
			rule.Window = def.Window
		}
	}
	return l
}

// limit counts requests under a rule, keyed by user or by address.
func (h *Handler) limit(rule func(Limits) ratelimit.Rule, byAddress bool) fiber.Handler {
	return h.limitIf(rule, byAddress, nil, h.tooManyRequests)
}

// limitIf counts the requests counts accepts (every one, when nil) under a
// rule, and answers one over the budget with onLimited. The rule is read
// for each request, so a budget changed on the rules page applies at once.
func (h *Handler) limitIf(rule func(Limits) ratelimit.Rule, byAddress bool, counts func(*fiber.Ctx) bool, onLimited fiber.Handler) fiber.Handler {
	if h.cfg.Limiter == nil {
		return func(c *fiber.Ctx) error { return c.Next() }
	}
	key := func(c *fiber.Ctx) string {
		if counts != nil && !counts(c) {
			return "" // not this rule's to count
		}
		if u := currentUser(c); u != nil && !byAddress {
			return "u" + strconv.FormatInt(u.ID, 10)
		}
		return "ip" + forwarded.ClientIP(c)
	}
	return ratelimit.MiddlewareFunc(h.cfg.Limiter, func(c *fiber.Ctx) ratelimit.Rule {
		return rule(h.limits.get(c.UserContext()))
	}, key, onLimited, ratelimit.Config{
		OnError: func(c *fiber.Ctx, err error) {
			// Counting failed (Redis away): let people through rather than
			// lock everyone out, and say so in the log.
			h.log.Warn("rate limit unavailable", slog.String("request_id", requestID(c)), slog.Any("error", err))
		},
		OnRefused: func(_ *fiber.Ctx, r ratelimit.Rule) {
			if h.cfg.Metrics != nil {
				h.cfg.Metrics.RateLimited(r.Name)
			}
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

// composerLimits are the budgets of a form that posts or previews: a
// preview counts under Preview, anything else under Post and PostIP. Over
// either, keep shows the form again with the text and the wait.
func (h *Handler) composerLimits(keep fiber.Handler) []fiber.Handler {
	posting := func(c *fiber.Ctx) bool { return !isPreview(c) }
	return []fiber.Handler{
		h.limitIf(postRule, false, posting, keep),
		h.limitIf(postIPRule, true, posting, keep),
		h.limitIf(previewRule, false, isPreview, keep),
	}
}

// The rules each route counts under, picked from the budgets in force.
func postRule(l Limits) ratelimit.Rule    { return l.Post }
func postIPRule(l Limits) ratelimit.Rule  { return l.PostIP }
func flagRule(l Limits) ratelimit.Rule    { return l.Flag }
func voteRule(l Limits) ratelimit.Rule    { return l.Vote }
func searchRule(l Limits) ratelimit.Rule  { return l.Search }
func signInRule(l Limits) ratelimit.Rule  { return l.SignIn }
func checkRule(l Limits) ratelimit.Rule   { return l.Check }
func previewRule(l Limits) ratelimit.Rule { return l.Preview }
func uploadRule(l Limits) ratelimit.Rule  { return l.Upload }

func isPreview(c *fiber.Ctx) bool { return c.FormValue("action") == "preview" }

// waitMessage says how long to wait before trying again, for a form that
// comes back over a limit with its text.
func (h *Handler) waitMessage(c *fiber.Ctx) string {
	seconds := 60
	if d, ok := ratelimit.DecisionFrom(c); ok {
		seconds = d.RetryAfterSeconds()
	}
	id := "limit.posting"
	if isPreview(c) || c.Path() == "/preview" {
		id = "limit.preview"
	}
	return h.catalog.In(language(c)).T(id, "Count", seconds)
}
