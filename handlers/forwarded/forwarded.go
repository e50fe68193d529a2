// Package forwarded finds who a request really came from when the forum sits
// behind reverse proxies, and believes what only the configured proxies say.
//
// A proxy in front of the forum turns every client into the proxy's own
// address; it passes the real one on in X-Forwarded-For, and the scheme the
// client used in X-Forwarded-Proto. Anyone can send those headers, so they
// count only when the connection comes from a trusted proxy. The client is
// then the rightmost address in X-Forwarded-For that is not itself a
// trusted proxy: each proxy appends the peer it saw, so everything to the
// left of that address was written by the client and proves nothing.
//
// Middleware resolves this once per request; ClientIP and HTTPS read the
// answer. From any other peer the forwarding headers and X-Request-Id are
// removed, so nothing later in the chain (Fiber's own c.Protocol, the
// request-id middleware) can be fooled by them either.
package forwarded

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Proxies is the set of peers whose forwarding headers are believed.
type Proxies []netip.Prefix

// Parse reads a comma-separated list of CIDRs ("10.0.0.0/8, fd00::/8");
// a bare address trusts that one address. An empty list trusts nobody.
func Parse(list string) (Proxies, error) {
	var out Proxies
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		var p netip.Prefix
		if strings.Contains(s, "/") {
			pp, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8 or 192.0.2.7", s)
			}
			p = pp.Masked()
		} else {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8 or 192.0.2.7", s)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out = append(out, p)
	}
	return out, nil
}

// Trusts reports whether a is one of the proxies.
func (ps Proxies) Trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Strings lists the proxies as CIDRs, for Fiber's own configuration.
func (ps Proxies) Strings() []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// Client is what Middleware decided about one request.
type Client struct {
	IP    string // the client's address, as the rate limits and the log use it
	HTTPS bool   // the client reached the site over https
	// Proxied is set when the connection came from a trusted proxy, or
	// the request carried forwarding headers believed or not: someone
	// else may stand behind the peer, so a loopback peer proves nothing
	// about where the request began.
	Proxied bool
}

type clientKey struct{}

// maxRequestID bounds an X-Request-Id a trusted proxy passes on; a longer
// one, or one with characters no id generator uses, is replaced.
const maxRequestID = 128

// Middleware resolves the client of every request; it must run before
// anything that reads the client's address, scheme or request id.
func Middleware(trusted Proxies) fiber.Handler {
	return func(c *fiber.Ctx) error {
		peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
		if !ok {
			peer = netip.IPv4Unspecified()
		}
		peer = peer.Unmap()
		cl := Client{IP: peer.String(), HTTPS: c.Context().IsTLS()}
		h := &c.Request().Header
		cl.Proxied = trusted.Trusts(peer) || forwardingHeaders(h)
		if trusted.Trusts(peer) {
			cl.IP = rightmostUntrusted(peer, h.PeekAll(fiber.HeaderXForwardedFor), trusted).String()
			if proto := lastEntry(h.PeekAll(fiber.HeaderXForwardedProto)); proto != "" {
				cl.HTTPS = strings.EqualFold(proto, "https")
			}
			if !validRequestID(string(h.Peek(fiber.HeaderXRequestID))) {
				h.Del(fiber.HeaderXRequestID)
			}
		} else {
			for _, k := range []string{
				fiber.HeaderXForwardedFor, fiber.HeaderXForwardedProto, fiber.HeaderXForwardedProtocol,
				fiber.HeaderXForwardedHost, fiber.HeaderXForwardedSsl, fiber.HeaderXUrlScheme, fiber.HeaderXRequestID,
			} {
				h.Del(k)
			}
		}
		c.Locals(clientKey{}, cl)
		return c.Next()
	}
}

// forwardingHeaders reports whether a request names a client other than
// its peer, in any of the headers proxies use for it.
func forwardingHeaders(h *fasthttp.RequestHeader) bool {
	for _, k := range []string{fiber.HeaderXForwardedFor, "Forwarded", "X-Real-Ip", "True-Client-Ip", "Cf-Connecting-Ip"} {
		if len(h.Peek(k)) > 0 {
			return true
		}
	}
	return false
}

// rightmostUntrusted walks X-Forwarded-For from the right, past the trusted
// proxies, to the first address one of them saw that is not a proxy. An
// entry that is not an address was not written by a trusted proxy: the walk
// stops at the last address one vouched for.
func rightmostUntrusted(peer netip.Addr, headers [][]byte, trusted Proxies) netip.Addr {
	var hops []string
	for _, v := range headers {
		hops = append(hops, strings.Split(string(v), ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(strings.TrimSpace(hops[i]))
		if !ok {
			break
		}
		client = a
		if !trusted.Trusts(a) {
			break
		}
	}
	return client
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a port
// ("192.0.2.1:4711", "[2001:db8::1]:4711").
func parseHop(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

// lastEntry is the rightmost entry of a comma-separated header sent once or
// more: what the nearest proxy said.
func lastEntry(headers [][]byte) string {
	for i := len(headers) - 1; i >= 0; i-- {
		parts := strings.Split(string(headers[i]), ",")
		for j := len(parts) - 1; j >= 0; j-- {
			if p := strings.TrimSpace(parts[j]); p != "" {
				return p
			}
		}
	}
	return ""
}

func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestID {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("-_.:/+=", r):
		default:
			return false
		}
	}
	return true
}

// From returns what Middleware decided; without it (a handler mounted on
// an app that lacks the middleware) the peer is the client.
func From(c *fiber.Ctx) Client {
	if cl, ok := c.Locals(clientKey{}).(Client); ok {
		return cl
	}
	return Client{IP: c.IP(), HTTPS: c.Context().IsTLS()}
}

// ClientIP is the address of the client that sent the request.
func ClientIP(c *fiber.Ctx) string { return From(c).IP }

// HTTPS reports whether the client reached the site over https.
func HTTPS(c *fiber.Ctx) bool { return From(c).HTTPS }
