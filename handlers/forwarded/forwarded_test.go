package forwarded

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// client runs one request through Middleware. Fiber's app.Test connects
// from 0.0.0.0, so that address stands in for the proxy in front.
func client(t *testing.T, trusted string, headers map[string][]string) Client {
	t.Helper()
	ps, err := Parse(trusted)
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	app.Use(Middleware(ps))
	var got Client
	app.Get("/", func(c *fiber.Ctx) error { got = From(c); return nil })
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	for k, vs := range headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if _, err := app.Test(req); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestRightmostUntrustedAddressIsTheClient(t *testing.T) {
	const proxy = "0.0.0.0/32, 10.0.0.0/8, fd00::/8"
	tests := []struct {
		name, trusted string
		xff           []string
		want          string
	}{
		{"no proxies trusted", "", []string{"203.0.113.5"}, "0.0.0.0"},
		{"no header", proxy, nil, "0.0.0.0"},
		{"one hop", proxy, []string{"203.0.113.5"}, "203.0.113.5"},
		{"forged entries on the left", proxy, []string{"1.2.3.4, 10.0.0.9, 203.0.113.5"}, "203.0.113.5"},
		{"inner proxies skipped", proxy, []string{"1.2.3.4, 203.0.113.5, 10.0.0.2, fd00::7"}, "203.0.113.5"},
		{"two header lines", proxy, []string{"1.2.3.4", "203.0.113.5"}, "203.0.113.5"},
		{"ports and brackets", proxy, []string{"[2001:db8::1]:4711, 10.1.1.1:80"}, "2001:db8::1"},
		{"mapped IPv4", proxy, []string{"::ffff:203.0.113.5"}, "203.0.113.5"},
		{"garbage stops the walk", proxy, []string{"203.0.113.5, garbage, 10.0.0.3"}, "10.0.0.3"},
		{"only proxies", proxy, []string{"10.0.0.1, 10.0.0.2"}, "10.0.0.1"},
	}
	for _, tt := range tests {
		if got := client(t, tt.trusted, map[string][]string{"X-Forwarded-For": tt.xff}).IP; got != tt.want {
			t.Errorf("%s: client %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestForwardedProtoOnlyFromTrustedProxies(t *testing.T) {
	https := map[string][]string{"X-Forwarded-Proto": {"HTTPS"}}
	if !client(t, "0.0.0.0", https).HTTPS {
		t.Error("trusted proxy's X-Forwarded-Proto: https ignored")
	}
	if client(t, "", https).HTTPS {
		t.Error("untrusted X-Forwarded-Proto: https believed")
	}
	// The nearest proxy's word wins over what the client wrote before it.
	if client(t, "0.0.0.0", map[string][]string{"X-Forwarded-Proto": {"https, http"}}).HTTPS {
		t.Error("X-Forwarded-Proto: the client's https won over the proxy's http")
	}
}

func TestParseRefusesWhatIsNotACIDR(t *testing.T) {
	for _, bad := range []string{"10.0.0.0/33", "proxy.internal", "10.0.0.1-10.0.0.9", "::1/129"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
	ps, err := Parse("10.1.2.3/8, ::ffff:192.0.2.0/120, 2001:db8::1")
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]bool{"10.200.0.1": true, "192.0.2.77": true, "2001:db8::1": true, "2001:db8::2": false, "11.0.0.1": false} {
		a, _ := parseHop(addr)
		if ps.Trusts(a) != want {
			t.Errorf("Trusts(%s) = %v", addr, !want)
		}
	}
}
