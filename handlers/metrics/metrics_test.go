package metrics

import (
	"bytes"
	"net"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// app is a small app counted by m: a route with a parameter, a middleware
// that answers some requests itself, and a catch-all.
func testApp(m *Metrics) *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	if m != nil {
		app.Use(m.Middleware())
	}
	app.Use(func(c *fiber.Ctx) error {
		if c.Query("refuse") != "" {
			return c.SendStatus(fiber.StatusForbidden)
		}
		return c.Next()
	})
	app.Get("/t/:id<int>", func(c *fiber.Ctx) error { return c.SendString("thread") })
	app.Post("/t/:id<int>", func(c *fiber.Ctx) error { return fiber.ErrUnprocessableEntity })
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	if m != nil {
		m.Index(app)
	}
	return app
}

func serve(app *fiber.App, method, uri string) int {
	var req fasthttp.Request
	req.Header.SetMethod(method)
	req.SetRequestURI(uri)
	var rc fasthttp.RequestCtx
	rc.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 4000}, nil)
	app.Handler()(&rc)
	return rc.Response.StatusCode()
}

func TestRoutesAreLabelledByPattern(t *testing.T) {
	m := New()
	app := testApp(m)
	serve(app, "GET", "/t/1")
	serve(app, "GET", "/t/2")
	serve(app, "POST", "/t/3")
	serve(app, "GET", "/t/4?refuse=1")
	serve(app, "GET", "/elsewhere/5")
	serve(app, "BREW", "/t/6")
	var out bytes.Buffer
	m.Write(&out)
	for _, want := range []string{
		`hiroba_http_requests_total{method="GET",route="/t/:id<int>",status="2xx"} 2`,
		`hiroba_http_requests_total{method="POST",route="/t/:id<int>",status="4xx"} 1`,
		`hiroba_http_requests_total{method="GET",route="other",status="4xx"} 2`,
		`hiroba_http_request_duration_seconds_count{method="GET",route="/t/:id<int>"} 2`,
	} {
		if !strings.Contains(out.String(), want+"\n") {
			t.Errorf("missing %s in\n%s", want, out.String())
		}
	}
	for _, raw := range []string{"/t/1", "/elsewhere", "BREW"} {
		if strings.Contains(out.String(), raw) {
			t.Errorf("%q became a label:\n%s", raw, out.String())
		}
	}
}

// Counting a request allocates nothing once its route has been seen.
func TestMiddlewareAllocatesNothing(t *testing.T) {
	allocs := func(app *fiber.App) float64 {
		var req fasthttp.Request
		req.Header.SetMethod("GET")
		req.SetRequestURI("/t/1")
		var rc fasthttp.RequestCtx
		rc.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 4000}, nil)
		h := app.Handler()
		h(&rc) // first request names the series
		return testing.AllocsPerRun(200, func() {
			h(&rc)
			rc.Response.Reset()
		})
	}
	without, with := allocs(testApp(nil)), allocs(testApp(New()))
	if with > without {
		t.Errorf("a counted request allocates %v times, %v without counting", with, without)
	}
}

func BenchmarkMiddleware(b *testing.B) {
	for _, tc := range []struct {
		name string
		m    *Metrics
	}{{"without", nil}, {"with", New()}} {
		b.Run(tc.name, func(b *testing.B) {
			app := testApp(tc.m)
			var req fasthttp.Request
			req.Header.SetMethod("GET")
			req.SetRequestURI("/t/1")
			var rc fasthttp.RequestCtx
			rc.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 4000}, nil)
			h := app.Handler()
			b.ReportAllocs()
			for b.Loop() {
				h(&rc)
				rc.Response.Reset()
			}
		})
	}
}
