package app

import (
	"strings"
	"sync"

	"github.com/markbates/goth"
	"github.com/markbates/goth/providers/github"
	"github.com/markbates/goth/providers/google"
	"github.com/markbates/goth/providers/openidConnect"

	"hiroba/handlers"
)

// Providers builds the sign-in providers that have settings. Each callback
// is BaseURL/auth/{id}/callback, which is what to register with the provider.
func Providers(c Config) []handlers.AuthProvider {
	var out []handlers.AuthProvider
	callback := func(id string) string { return c.BaseURL + "/auth/" + id + "/callback" }
	if c.GitHubKey != "" && c.GitHubSecret != "" {
		p := github.New(c.GitHubKey, c.GitHubSecret, callback("github"), "read:user", "user:email")
		out = append(out, handlers.AuthProvider{ID: "github", Label: "GitHub", Load: ready(p)})
	}
	if c.GoogleKey != "" && c.GoogleSecret != "" {
		p := google.New(c.GoogleKey, c.GoogleSecret, callback("google"), "openid", "email", "profile")
		out = append(out, handlers.AuthProvider{ID: "google", Label: "Google", Load: ready(p)})
	}
	if c.OIDCIssuer != "" && c.OIDCClientID != "" {
		discovery := strings.TrimRight(c.OIDCIssuer, "/") + "/.well-known/openid-configuration"
		out = append(out, handlers.AuthProvider{ID: "oidc", Label: c.OIDCName, Load: lazy(func() (goth.Provider, error) {
			return openidConnect.New(c.OIDCClientID, c.OIDCClientSecret, callback("oidc"), discovery, "openid", "profile", "email")
		})})
	}
	return out
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
