package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/markbates/goth"

	"hiroba/models"
	"hiroba/views"
)

const (
	oauthCookie = "hiroba_oauth"
	oauthTTL    = 10 * time.Minute
)

// showLogin lists the configured ways to sign in, and the development
// sign-in when it is on.
func (h *Handler) showLogin(c *fiber.Ctx) error {
	return h.renderLogin(c, fiber.StatusOK, "", "")
}

func (h *Handler) renderLogin(c *fiber.Ctx, status int, errID, username string) error {
	b := h.baseTitled(c, "title.sign_in")
	data := views.LoginData{Base: b, Dev: h.cfg.DevSignIn, Next: localPath(c.Query("next", c.FormValue("next"))), Username: username}
	for _, p := range h.cfg.Providers {
		data.Providers = append(data.Providers, views.ProviderLink{ID: p.ID, Label: p.Label})
	}
	if errID != "" {
		data.Error = b.T(errID)
	}
	if data.Dev {
		data.CSRFToken = h.csrfToken(c)
	}
	return h.render(c, status, views.Login, data)
}

func (h *Handler) provider(id string) (goth.Provider, error) {
	for _, p := range h.cfg.Providers {
		if p.ID == id {
			return p.Load()
		}
	}
	return nil, fiber.ErrNotFound
}

// oauthState is what the browser carries, signed, between leaving for the
// provider and coming back: which provider, the state it must echo, goth's
// session, and where to land afterwards.
type oauthState struct {
	Provider string    `json:"p"`
	State    string    `json:"s"`
	Session  string    `json:"g"`
	Next     string    `json:"n"`
	Expires  time.Time `json:"e"`
}

// beginAuth sends the browser to the provider.
func (h *Handler) beginAuth(c *fiber.Ctx) error {
	id := utils.CopyString(c.Params("provider"))
	p, err := h.provider(id)
	if errors.Is(err, fiber.ErrNotFound) {
		return err
	}
	if err != nil {
		h.log.Error("load sign-in provider", slog.String("provider", id), slog.Any("error", err))
		return h.renderLogin(c, fiber.StatusBadGateway, "login.failed", "")
	}
	buf := make([]byte, 24)
	_, _ = rand.Read(buf)
	state := base64.RawURLEncoding.EncodeToString(buf)
	sess, err := p.BeginAuth(state)
	if err != nil {
		return err
	}
	authURL, err := sess.GetAuthURL()
	if err != nil {
		return err
	}
	cookie, err := h.sealState(oauthState{
		Provider: id, State: state, Session: sess.Marshal(),
		Next: localPath(c.Query("next")), Expires: time.Now().Add(oauthTTL),
	})
	if err != nil {
		return err
	}
	h.setCookie(c, oauthCookie, cookie, "/auth/", time.Now().Add(oauthTTL))
	return c.Redirect(authURL, fiber.StatusSeeOther)
}

// finishAuth completes the provider's redirect: the state must match the
// one this browser left with, the code is exchanged, and the identity signs
// in (creating the user the first time).
func (h *Handler) finishAuth(c *fiber.Ctx) error {
	id := utils.CopyString(c.Params("provider"))
	p, err := h.provider(id)
	if err != nil {
		return fiber.ErrNotFound
	}
	st, ok := h.openState(c.Cookies(oauthCookie))
	h.clearCookie(c, oauthCookie, "/auth/")
	if !ok || st.Provider != id || time.Now().After(st.Expires) ||
		subtle.ConstantTimeCompare([]byte(st.State), []byte(c.Query("state"))) != 1 {
		return h.renderLogin(c, fiber.StatusBadRequest, "login.expired", "")
	}
	if c.Query("error") != "" {
		return h.renderLogin(c, fiber.StatusBadRequest, "login.failed", "")
	}
	sess, err := p.UnmarshalSession(st.Session)
	if err != nil {
		return h.renderLogin(c, fiber.StatusBadRequest, "login.expired", "")
	}
	// Only the code goes on to the token endpoint: goth would also honour a
	// redirect_uri or code_verifier found here, which the URL's author controls.
	params := url.Values{"code": {c.Query("code")}}
	if _, err := sess.Authorize(p, params); err != nil {
		h.log.Warn("sign-in code exchange failed", slog.String("provider", id), slog.Any("error", err))
		return h.renderLogin(c, fiber.StatusBadGateway, "login.failed", "")
	}
	gu, err := p.FetchUser(sess)
	if err != nil {
		h.log.Warn("sign-in user fetch failed", slog.String("provider", id), slog.Any("error", err))
		return h.renderLogin(c, fiber.StatusBadGateway, "login.failed", "")
	}
	verified := emailVerified(gu.RawData)
	user, _, err := h.store.SignInUser(c.UserContext(), models.SignIn{
		Provider: id, ProviderUserID: gu.UserID, Nickname: gu.NickName, Name: gu.Name,
		Email: gu.Email, EmailVerified: verified, AvatarURL: safeAvatar(gu.AvatarURL),
		MakeAdmin: verified && h.isAdminEmail(gu.Email),
	})
	if err != nil {
		return err
	}
	if err := h.startSession(c, user); err != nil {
		return err
	}
	return c.Redirect(localPath(st.Next), fiber.StatusSeeOther)
}

// devSignIn signs in as any username. It exists only when the server
// listens on loopback and no provider is configured.
func (h *Handler) devSignIn(c *fiber.Ctx) error {
	if !h.cfg.DevSignIn {
		return fiber.ErrNotFound
	}
	name := strings.TrimSpace(utils.CopyString(c.FormValue("username")))
	if name == "" || checkText(h.catalog.In(language(c)), name) != "" {
		return h.renderLogin(c, fiber.StatusUnprocessableEntity, "form.username_required", name)
	}
	clean := models.CleanUsername(name)
	user, _, err := h.store.SignInUser(c.UserContext(), models.SignIn{Provider: "dev", ProviderUserID: clean, Nickname: clean, Name: name})
	if err != nil {
		return err
	}
	if err := h.startSession(c, user); err != nil {
		return err
	}
	return c.Redirect(localPath(c.FormValue("next")), fiber.StatusSeeOther)
}

// signOut ends the session on the server, not just in the browser.
func (h *Handler) signOut(c *fiber.Ctx) error {
	if token := c.Cookies(sessionCookie); token != "" {
		if err := h.store.DeleteSession(c.UserContext(), token); err != nil {
			return err
		}
	}
	h.clearCookie(c, sessionCookie, "/")
	h.flash(c, "flash.signed_out")
	return c.Redirect("/", fiber.StatusSeeOther)
}

func (h *Handler) sealState(st oauthState) (string, error) {
	body, err := json.Marshal(st)
	if err != nil {
		return "", err
	}
	payload := base64.RawURLEncoding.EncodeToString(body)
	return payload + "." + h.mac("oauth:"+payload), nil
}

func (h *Handler) openState(cookie string) (oauthState, bool) {
	payload, sig, ok := strings.Cut(cookie, ".")
	if !ok || subtle.ConstantTimeCompare([]byte(sig), []byte(h.mac("oauth:"+payload))) != 1 {
		return oauthState{}, false
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return oauthState{}, false
	}
	var st oauthState
	return st, json.Unmarshal(body, &st) == nil
}

func (h *Handler) mac(s string) string {
	m := hmac.New(sha256.New, h.cfg.Secret)
	m.Write([]byte(s))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// AvatarSources are the only places avatars load from, as the pages'
// content policy names them: the image hosts of the GitHub and Google
// sign-ins. Any other picture a provider gives is not shown: every reader's
// browser would fetch it from a host the forum does not know.
const AvatarSources = "https://avatars.githubusercontent.com https://*.googleusercontent.com"

// safeAvatar keeps only avatar addresses the content policy loads.
func safeAvatar(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Port() != "" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	for _, source := range strings.Fields(AvatarSources) {
		source = strings.TrimPrefix(source, "https://")
		if host == source || (strings.HasPrefix(source, "*.") && strings.HasSuffix(host, source[1:])) {
			return u.String()
		}
	}
	return ""
}

// emailVerified reads the provider's word that the email address belongs to
// the person: OpenID Connect's email_verified, Google's verified_email.
func emailVerified(raw map[string]any) bool {
	for _, key := range []string{"email_verified", "verified_email"} {
		switch v := raw[key].(type) {
		case bool:
			if v {
				return true
			}
		case string:
			if v == "true" {
				return true
			}
		}
	}
	return false
}

func (h *Handler) isAdminEmail(email string) bool {
	email = strings.ToLower(strings.TrimSpace(email))
	for _, e := range h.cfg.AdminEmails {
		if email != "" && e == email {
			return true
		}
	}
	return false
}
