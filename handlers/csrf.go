package handlers

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"time"

	"github.com/gofiber/fiber/v2"
)

const (
	csrfCookie = "hiroba_csrf"
	csrfField  = "_csrf"
	csrfHeader = "X-CSRF-Token"
	csrfKey    = "csrf"
)

// csrfToken returns the token forms must send back. The browser holds a
// random value in an HttpOnly cookie; the token is its HMAC under the site
// secret, so no server state is needed and another site can neither read
// nor forge it. The cookie is set only when a page has a form, which keeps
// anonymous reading pages free of Set-Cookie and cacheable.
func (h *Handler) csrfToken(c *fiber.Ctx) string {
	if tok, ok := c.Locals(csrfKey).(string); ok {
		return tok
	}
	nonce := c.Cookies(csrfCookie)
	if len(nonce) < 32 {
		buf := make([]byte, 32)
		_, _ = rand.Read(buf)
		nonce = base64.RawURLEncoding.EncodeToString(buf)
		h.setCookie(c, csrfCookie, nonce, "/", time.Now().Add(365*24*time.Hour))
	}
	tok := h.signCSRF(nonce)
	c.Locals(csrfKey, tok)
	return tok
}

func (h *Handler) signCSRF(nonce string) string { return h.mac("csrf:" + nonce) }

// checkCSRF refuses any state-changing request that does not carry the token
// matching its cookie.
func (h *Handler) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	// A mail client's one-click unsubscribe (RFC 8058) is a POST with no
	// cookie and no form. The signed token in its URL is the authorization:
	// it only turns email off for the one user it names, which a forged
	// request could do no more than the link's holder already can.
	if c.Path() == unsubscribePath {
		return c.Next()
	}
	nonce := c.Cookies(csrfCookie)
	sent := c.FormValue(csrfField)
	if sent == "" {
		sent = c.Get(csrfHeader)
	}
	if nonce == "" || sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(h.signCSRF(nonce))) != 1 {
		return errCSRF
	}
	return c.Next()
}
