package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/markbates/goth"
	"github.com/markbates/goth/providers/github"
	"github.com/markbates/goth/providers/google"
	"github.com/markbates/goth/providers/openidConnect"

	"hiroba/handlers"
)

// providerTimeout bounds every call to a sign-in provider: a provider that
// accepts a connection and never answers must not hold a request forever.
const providerTimeout = 10 * time.Second

// Providers builds the sign-in providers that have settings. Each callback
// is BaseURL/auth/{id}/callback, which is what to register with the provider.
func Providers(c Config) []handlers.AuthProvider {
	client := &http.Client{Timeout: providerTimeout}
	var out []handlers.AuthProvider
	callback := func(id string) string { return c.BaseURL + "/auth/" + id + "/callback" }
	if c.GitHubKey != "" && c.GitHubSecret != "" {
		p := github.New(c.GitHubKey, c.GitHubSecret, callback("github"), "read:user", "user:email")
		p.HTTPClient = client
		out = append(out, handlers.AuthProvider{ID: "github", Label: "GitHub", Load: ready(p)})
	}
	if c.GoogleKey != "" && c.GoogleSecret != "" {
		p := google.New(c.GoogleKey, c.GoogleSecret, callback("google"), "openid", "email", "profile")
		p.HTTPClient = client
		out = append(out, handlers.AuthProvider{ID: "google", Label: "Google", Load: ready(p)})
	}
	if c.OIDCIssuer != "" && c.OIDCClientID != "" {
		out = append(out, handlers.AuthProvider{ID: "oidc", Label: c.OIDCName, Load: lazy(func() (goth.Provider, error) {
			return openIDProvider(client, c.OIDCIssuer, c.OIDCClientID, c.OIDCClientSecret, callback("oidc"))
		})})
	}
	return out
}

// openIDProvider reads the issuer's discovery document with our own bounded
// client (goth's would use one without a timeout) and refuses a document
// that names another issuer, since goth checks tokens against that name.
func openIDProvider(client *http.Client, issuer, clientID, secret, callback string) (goth.Provider, error) {
	issuer = strings.TrimRight(issuer, "/")
	res, err := client.Get(issuer + "/.well-known/openid-configuration")
	if err != nil {
		return nil, fmt.Errorf("app: openid discovery: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("app: openid discovery: status %d", res.StatusCode)
	}
	var d openidConnect.OpenIDConfig
	if err := json.NewDecoder(http.MaxBytesReader(nil, res.Body, 1<<20)).Decode(&d); err != nil {
		return nil, fmt.Errorf("app: openid discovery: %w", err)
	}
	if strings.TrimRight(d.Issuer, "/") != issuer {
		return nil, fmt.Errorf("app: openid discovery: issuer %q does not match the configured %q", d.Issuer, issuer)
	}
	p, err := openidConnect.NewCustomisedURL(clientID, secret, callback, d.AuthEndpoint, d.TokenEndpoint,
		d.Issuer, d.UserInfoEndpoint, d.EndSessionEndpoint, "openid", "profile", "email")
	if err != nil {
		return nil, err
	}
	p.HTTPClient = client
	return p, nil
}

func ready(p goth.Provider) func() (goth.Provider, error) {
	return func() (goth.Provider, error) { return p, nil }
}

// lazy builds a provider on first use and keeps it once it succeeds; a
// failure (the issuer unreachable) is retried on the next sign-in.
func lazy(build func() (goth.Provider, error)) func() (goth.Provider, error) {
	var mu sync.Mutex
	var p goth.Provider
	return func() (goth.Provider, error) {
		mu.Lock()
		defer mu.Unlock()
		if p != nil {
			return p, nil
		}
		built, err := build()
		if err != nil {
			return nil, err
		}
		p = built
		return p, nil
	}
}
