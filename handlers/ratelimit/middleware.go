package ratelimit

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// Config holds Middleware's optional settings; the zero value is usable.
type Config struct {
	// OnError sees a limiter error before the request goes on unlimited.
	// It gets the request so the app can log with its request id; nil
	// drops the error.
	OnError func(c *fiber.Ctx, err error)
	// OnRefused hears each request refused, with the rule that refused
	// it, for counting; nil: nobody listens.
	OnRefused func(c *fiber.Ctx, rule Rule)
}

// decisionKey is the Locals key under which Middleware leaves its Decision;
// a type of its own so no other package's Locals can collide with it.
type decisionKey struct{}

// Middleware limits the requests it sees under rule, counting them per
// key(c). A key of "" exempts the request, which is how a key function lets
// staff or health checks through.
//
// Every counted response carries X-RateLimit-Remaining. A refused request
// gets status 429 and Retry-After (whole seconds, rounded up) and is handed
// to onLimited, which renders the page (DecisionFrom gives it the wait);
// with a nil onLimited it becomes fiber.ErrTooManyRequests for the app's
// error handler. When the limiter fails, the request goes on as if allowed,
// after OnError: see Limiter.
func Middleware(l Limiter, rule Rule, key func(*fiber.Ctx) string, onLimited fiber.Handler, config ...Config) fiber.Handler {
	return MiddlewareFunc(l, func(*fiber.Ctx) Rule { return rule }, key, onLimited, config...)
}

// MiddlewareFunc is Middleware with the rule read for each request, for
// budgets that change while the server runs. Keep the rule's name fixed:
// the name holds the counters, so a changed limit or window applies to the
// requests already counted.
func MiddlewareFunc(l Limiter, rule func(*fiber.Ctx) Rule, key func(*fiber.Ctx) string, onLimited fiber.Handler, config ...Config) fiber.Handler {
	var cfg Config
	if len(config) > 0 {
		cfg = config[0]
	}
	return func(c *fiber.Ctx) error {
		k := key(c)
		if k == "" {
			return c.Next()
		}
		r := rule(c)
		d, err := l.Allow(c.UserContext(), r, k)
		if err != nil {
			if cfg.OnError != nil {
				cfg.OnError(c, err)
			}
			return c.Next()
		}
		c.Locals(decisionKey{}, d)
		c.Set("X-RateLimit-Remaining", strconv.Itoa(d.Remaining))
		if d.Allowed {
			return c.Next()
		}
		if cfg.OnRefused != nil {
			cfg.OnRefused(c, r)
		}
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(d.RetryAfterSeconds()))
		c.Status(fiber.StatusTooManyRequests)
		if onLimited == nil {
			return fiber.ErrTooManyRequests
		}
		return onLimited(c)
	}
}

// DecisionFrom returns the Decision Middleware made for this request, so an
// onLimited handler can say "try again in N seconds"
// (Decision.RetryAfterSeconds). ok is false when no limit was checked.
func DecisionFrom(c *fiber.Ctx) (d Decision, ok bool) {
	d, ok = c.Locals(decisionKey{}).(Decision)
	return d, ok
}
