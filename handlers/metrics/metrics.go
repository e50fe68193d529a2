// Package metrics counts what the forum serves and exposes it at /metrics
// in Prometheus' text format: requests by route and status class with
// their latency, the page cache, the database pool, the mail queue, rate
// limit refusals and the outcome of new posts.
//
// The counters are github.com/VictoriaMetrics/metrics rather than
// prometheus/client_golang: it writes the same text format, its counters
// are plain atomics, and it brings two small packages where client_golang
// brings protobuf, client_model, common and procfs. Everything lives in a
// Set of our own, never the package's global one.
//
// Cardinality is bounded by construction: a request is labelled with the
// pattern of the route that answered it (/t/:id<int>/:slug), never its
// path, and with its status class (2xx), never the code.
package metrics

import (
	"crypto/subtle"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	vm "github.com/VictoriaMetrics/metrics"
	"github.com/gofiber/fiber/v2"

	"hiroba/handlers/forwarded"
)

// Unrouted labels requests no route answered: not found, or turned away by
// middleware before their route (a failed CSRF check, a HEAD no route
// takes).
const Unrouted = "other"

// latencyBuckets are upper bounds in seconds: a page served from the cache
// takes well under a millisecond, a rendered one a few, a search tens.
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 15}

// Metrics is one process's counters. It is safe for concurrent use.
type Metrics struct {
	set *vm.Set
	// routes maps each route of the app to its counters. Routes are made
	// once, when the app is built (Index), so the map is as small as the
	// route table and only read afterwards; a pointer key makes the lookup
	// free of allocation.
	routes atomic.Pointer[map[*fiber.Route]*routeStats]
	// other counts, per method, what ended in middleware instead.
	other [len(methods)]atomic.Pointer[routeStats]

	refusedMu sync.Mutex
	refused   map[string]*vm.Counter // by rate-limit rule
	postsMu   sync.Mutex
	posts     map[[2]string]*vm.Counter // by kind and outcome
}

// methods are the ones counted by name; any other is "other".
var methods = [...]string{fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch,
	fiber.MethodDelete, fiber.MethodOptions, "other"}

// routeStats are one route's counters.
type routeStats struct {
	method, label string
	byClass       [6]atomic.Pointer[vm.Counter] // index: status / 100, 0 for anything odd
	latency       *vm.PrometheusHistogram
}

// New returns empty counters.
func New() *Metrics {
	return &Metrics{set: vm.NewSet(), refused: map[string]*vm.Counter{}, posts: map[[2]string]*vm.Counter{}}
}

// Sample adds a writer called at each scrape, for figures read then (the
// pool, the queue) rather than counted as they happen.
func (m *Metrics) Sample(write func(w io.Writer)) { m.set.RegisterMetricsWriter(write) }

// Index learns the app's routes, once every one is registered. Fiber tells
// a route from a middleware (app.Use) only to GetRoutes, by value, in the
// order of its stack: walking the stack beside that list pairs each
// pointer with its kind. A route shares its handlers with nothing else.
func (m *Metrics) Index(app *fiber.App) {
	routes := app.GetRoutes(true)
	index := map[*fiber.Route]*routeStats{}
	j := 0
	for _, stack := range app.Stack() {
		for _, r := range stack {
			if j < len(routes) && sameRoute(r, &routes[j]) {
				j++
				index[r] = &routeStats{method: methodLabel(r.Method), label: r.Path}
			}
		}
	}
	for _, rs := range index {
		rs.latency = m.histogram(rs.method, rs.label)
	}
	m.routes.Store(&index)
}

func sameRoute(a, b *fiber.Route) bool {
	return a.Method == b.Method && a.Path == b.Path && len(a.Handlers) == len(b.Handlers) &&
		len(a.Handlers) > 0 && &a.Handlers[0] == &b.Handlers[0]
}

func (m *Metrics) histogram(method, label string) *vm.PrometheusHistogram {
	return m.set.GetOrCreatePrometheusHistogramExt(
		fmt.Sprintf(`hiroba_http_request_duration_seconds{method=%q,route=%q}`, method, label), latencyBuckets)
}

// routeKey is the Locals key under which ServedAs leaves the route.
type routeKey struct{}

// ServedAs labels the request with route when a middleware answers it on
// the route's behalf (the page cache serving a page the route rendered).
func ServedAs(c *fiber.Ctx, route *fiber.Route) {
	c.Locals(routeKey{}, route)
}

// Middleware counts every request after it, by the route that answered it
// and the status it got, and times it. Put it before the middleware that
// turns errors into pages, so the status is the one sent.
func (m *Metrics) Middleware() fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		route := c.Route()
		if r, ok := c.Locals(routeKey{}).(*fiber.Route); ok && r != nil {
			route = r
		}
		status := c.Response().StatusCode()
		if err != nil {
			// Nothing after us rendered it; the app's error handler will.
			status = fiber.StatusInternalServerError
			if fe, ok := err.(*fiber.Error); ok {
				status = fe.Code
			}
		}
		rs := m.route(c, route)
		rs.latency.Update(time.Since(start).Seconds())
		rs.count(m.set, status)
		return err
	}
}

// route finds a route's counters: the route's own, or those of requests
// that no route answered.
func (m *Metrics) route(c *fiber.Ctx, r *fiber.Route) *routeStats {
	if index := m.routes.Load(); index != nil {
		if rs, ok := (*index)[r]; ok {
			return rs
		}
	}
	method := methodLabel(c.Method())
	i := 0
	for methods[i] != method {
		i++
	}
	if rs := m.other[i].Load(); rs != nil {
		return rs
	}
	rs := &routeStats{method: method, label: Unrouted, latency: m.histogram(method, Unrouted)}
	if !m.other[i].CompareAndSwap(nil, rs) {
		return m.other[i].Load()
	}
	return rs
}

// methodLabel keeps the methods the forum answers and folds the rest, which
// a client may invent, into one.
func methodLabel(m string) string {
	for _, known := range methods {
		if m == known {
			return known
		}
	}
	return "other"
}

func (rs *routeStats) count(set *vm.Set, status int) {
	class := status / 100
	if class < 1 || class > 5 {
		class = 0
	}
	ctr := rs.byClass[class].Load()
	if ctr == nil {
		label := "other"
		if class > 0 {
			label = strconv.Itoa(class) + "xx"
		}
		ctr = set.GetOrCreateCounter(fmt.Sprintf(`hiroba_http_requests_total{method=%q,route=%q,status=%q}`, rs.method, rs.label, label))
		rs.byClass[class].Store(ctr)
	}
	ctr.Inc()
}

// RateLimited counts a request refused under a rate-limit rule.
func (m *Metrics) RateLimited(rule string) {
	m.refusedMu.Lock()
	ctr := m.refused[rule]
	if ctr == nil {
		ctr = m.set.GetOrCreateCounter(fmt.Sprintf(`hiroba_rate_limit_refusals_total{rule=%q}`, rule))
		m.refused[rule] = ctr
	}
	m.refusedMu.Unlock()
	ctr.Inc()
}

// Post counts a new post by kind (question, reply) and outcome (published,
// held, refused); models.Store.OnPost calls it.
func (m *Metrics) Post(kind, outcome string) {
	key := [2]string{kind, outcome}
	m.postsMu.Lock()
	ctr := m.posts[key]
	if ctr == nil {
		ctr = m.set.GetOrCreateCounter(fmt.Sprintf(`hiroba_posts_total{kind=%q,outcome=%q}`, kind, outcome))
		m.posts[key] = ctr
	}
	m.postsMu.Unlock()
	ctr.Inc()
}

// Write writes every metric in the text format.
func (m *Metrics) Write(w io.Writer) { m.set.WritePrometheus(w) }

// Handler serves the metrics to whoever may read them: with a token, only
// requests that carry it (Authorization: Bearer TOKEN); without one, only
// requests made on this machine, straight to the forum. To anyone else
// /metrics does not exist.
func (m *Metrics) Handler(token string) fiber.Handler {
	want := []byte("Bearer " + token)
	return func(c *fiber.Ctx) error {
		if !allowed(c, token, want) {
			return fiber.ErrNotFound
		}
		c.Set(fiber.HeaderContentType, "text/plain; version=0.0.4; charset=utf-8")
		c.Set(fiber.HeaderCacheControl, "no-store")
		m.Write(c.Response().BodyWriter())
		return nil
	}
}

func allowed(c *fiber.Ctx, token string, want []byte) bool {
	if token != "" {
		got := c.Request().Header.Peek(fiber.HeaderAuthorization)
		return subtle.ConstantTimeCompare(got, want) == 1
	}
	return Local(c)
}

// Local reports whether the request was made on this machine and reached
// the forum directly. A request through a proxy on this machine is not
// local: the proxy may be passing on anyone's.
func Local(c *fiber.Ctx) bool {
	cl := forwarded.From(c)
	if cl.Proxied {
		return false
	}
	a, err := netip.ParseAddr(cl.IP)
	return err == nil && a.IsLoopback()
}
