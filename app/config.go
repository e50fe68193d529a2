// Package app assembles the forum: configuration, the database, the Fiber
// application with its middleware and routes, and the server's lifecycle.
package app

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"hiroba/handlers"
	"hiroba/handlers/forwarded"
	"hiroba/models"
	"hiroba/models/blobs"
	"hiroba/models/database"
)

// Config is everything the forum reads from its environment. Every field has
// an environment variable (documented in README.md); flags may override.
type Config struct {
	Addr        string // HIROBA_ADDR
	BaseURL     string // HIROBA_BASE_URL
	DatabaseURL string // HIROBA_DATABASE_URL
	// Replicas are PostgreSQL streaming replicas that page reads go to
	// (HIROBA_DATABASE_REPLICA_URLS, comma-separated), held to
	// HIROBA_REPLICA_MAX_LAG (default 5s) and checked every
	// HIROBA_REPLICA_CHECK (default 1s).
	Replicas      models.ReplicaConfig
	SessionSecret string // HIROBA_SESSION_SECRET
	SiteName      string // HIROBA_SITE_NAME

	GitHubKey, GitHubSecret string // HIROBA_GITHUB_KEY, HIROBA_GITHUB_SECRET
	GoogleKey, GoogleSecret string // HIROBA_GOOGLE_KEY, HIROBA_GOOGLE_SECRET
	OIDCIssuer              string // HIROBA_OIDC_ISSUER
	OIDCClientID            string // HIROBA_OIDC_CLIENT_ID
	OIDCClientSecret        string // HIROBA_OIDC_CLIENT_SECRET
	OIDCName                string // HIROBA_OIDC_NAME

	HelpCenterURL string // HIROBA_HELP_URL
	StatusURL     string // HIROBA_STATUS_URL
	ContactURL    string // HIROBA_CONTACT_URL

	LogLevel string // HIROBA_LOG_LEVEL

	// TrustedProxies are the reverse proxies whose X-Forwarded-For,
	// X-Forwarded-Proto and X-Request-Id are believed
	// (HIROBA_TRUSTED_PROXIES, comma-separated CIDRs; default none).
	TrustedProxies forwarded.Proxies

	SMTPURL  string // HIROBA_SMTP_URL: notification email is off without it
	MailFrom string // HIROBA_MAIL_FROM

	RedisURL string // HIROBA_REDIS_URL: shared rate-limit counters and page invalidations
	// Uploads is where uploaded images are kept (HIROBA_UPLOADS):
	// file:DIR, by default the folder uploads beside the SQLite database,
	// or s3://BUCKET/PREFIX?endpoint=… for several instances; see
	// blobs.Open.
	Uploads string
	// OCR reads the text in uploaded images for the personal-data guard
	// (HIROBA_OCR): "auto" when tesseract is installed, "off" never.
	OCR string
	// Limits are the request budgets (HIROBA_LIMIT_POST=10/1m, …; see
	// limitsFromEnv); unset rules take their defaults.
	Limits handlers.Limits
	// AccountIDPatterns are regular expressions for this product's order
	// and account numbers, which the personal-data guard also looks for
	// (HIROBA_ACCOUNT_ID_PATTERNS, separated by spaces).
	AccountIDPatterns []string
	// PageCacheTTL is the longest an anonymous page is served again
	// without rendering (HIROBA_PAGE_CACHE_TTL, default 60s; 0 turns it
	// off). Writes drop the pages they change at once, on every instance,
	// so this bounds only what no write announces: pages whose relative
	// times change sooner are kept only until then.
	PageCacheTTL time.Duration
	AdminEmails  []string // HIROBA_ADMIN_EMAILS: verified emails that sign in as admins

	// SitemapPageSize is how many threads a page of the sitemap lists;
	// 0 is the protocol's limit, 50,000, which is what a site wants. Not
	// read from the environment: tests set fewer, to see several pages.
	SitemapPageSize int
	// Metrics counts requests, posts and refusals for /metrics
	// (HIROBA_METRICS, default on; "off" counts nothing and serves no
	// /metrics). MetricsToken (HIROBA_METRICS_TOKEN) opens /metrics to
	// requests that send it as a bearer token; without one only requests
	// made on this machine, not through a proxy, may read it.
	Metrics      bool
	MetricsToken string
	// Live bounds the live events of thread pages (HIROBA_SSE_*).
	Live LiveConfig
	// ShutdownDrain is how long a stopping instance keeps serving while
	// /readyz says it is draining (HIROBA_SHUTDOWN_DRAIN, default 0): long
	// enough for the load balancer's health check to take it out, so no
	// request is sent to a closing port. Behind a load balancer, set it
	// to the check's interval × fall, plus a little.
	ShutdownDrain time.Duration

	// mailNow is the mailer's clock; tests in this package set it.
	mailNow func() time.Time
	// getenv is the environment the configuration was read from; the S3
	// upload store reads the AWS credentials through it.
	getenv func(string) string
}

// LoadConfig reads the environment through getenv, then the flags in args.
func LoadConfig(getenv func(string) string, args []string) (Config, error) {
	env := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		Addr:             env("HIROBA_ADDR", defaultAddr),
		BaseURL:          env("HIROBA_BASE_URL", ""),
		DatabaseURL:      env("HIROBA_DATABASE_URL", ""),
		SessionSecret:    env("HIROBA_SESSION_SECRET", ""),
		SiteName:         env("HIROBA_SITE_NAME", "Hiroba"),
		GitHubKey:        env("HIROBA_GITHUB_KEY", ""),
		GitHubSecret:     env("HIROBA_GITHUB_SECRET", ""),
		GoogleKey:        env("HIROBA_GOOGLE_KEY", ""),
		GoogleSecret:     env("HIROBA_GOOGLE_SECRET", ""),
		OIDCIssuer:       env("HIROBA_OIDC_ISSUER", ""),
		OIDCClientID:     env("HIROBA_OIDC_CLIENT_ID", ""),
		OIDCClientSecret: env("HIROBA_OIDC_CLIENT_SECRET", ""),
		OIDCName:         env("HIROBA_OIDC_NAME", "OpenID Connect"),
		HelpCenterURL:    env("HIROBA_HELP_URL", ""),
		StatusURL:        env("HIROBA_STATUS_URL", ""),
		ContactURL:       env("HIROBA_CONTACT_URL", ""),
		LogLevel:         env("HIROBA_LOG_LEVEL", "info"),
		SMTPURL:          env("HIROBA_SMTP_URL", ""),
		MailFrom:         env("HIROBA_MAIL_FROM", ""),
		RedisURL:         env("HIROBA_REDIS_URL", ""),
		Uploads:          env("HIROBA_UPLOADS", ""),
		OCR:              env("HIROBA_OCR", "auto"),
		getenv:           getenv,
	}
	c.AccountIDPatterns = strings.Fields(env("HIROBA_ACCOUNT_ID_PATTERNS", ""))
	switch strings.ToLower(env("HIROBA_METRICS", "on")) {
	case "on", "true", "1":
		c.Metrics = true
	case "off", "false", "0":
	default:
		return Config{}, fmt.Errorf("app: HIROBA_METRICS: want on or off")
	}
	c.MetricsToken = env("HIROBA_METRICS_TOKEN", "")
	ttl, err := time.ParseDuration(env("HIROBA_PAGE_CACHE_TTL", defaultPageCacheTTL.String()))
	if err != nil || ttl < 0 {
		return Config{}, fmt.Errorf("app: HIROBA_PAGE_CACHE_TTL: want a duration such as 60s or 0")
	}
	c.PageCacheTTL = ttl
	if c.Limits, err = limitsFromEnv(env); err != nil {
		return Config{}, err
	}
	if c.Live, err = liveFromEnv(env); err != nil {
		return Config{}, err
	}
	if c.ShutdownDrain, err = time.ParseDuration(env("HIROBA_SHUTDOWN_DRAIN", "0s")); err != nil || c.ShutdownDrain < 0 {
		return Config{}, fmt.Errorf("app: HIROBA_SHUTDOWN_DRAIN: want a duration such as 3s or 0")
	}
	if c.Replicas, err = replicasFromEnv(env); err != nil {
		return Config{}, err
	}
	if c.TrustedProxies, err = forwarded.Parse(env("HIROBA_TRUSTED_PROXIES", "")); err != nil {
		return Config{}, fmt.Errorf("app: HIROBA_TRUSTED_PROXIES: %w", err)
	}
	for _, e := range strings.Split(env("HIROBA_ADMIN_EMAILS", ""), ",") {
		if e = strings.ToLower(strings.TrimSpace(e)); e != "" {
			c.AdminEmails = append(c.AdminEmails, e)
		}
	}
	fs := flag.NewFlagSet("hiroba", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the caller says what went wrong, and where
	serverFlags(fs, &c)
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if err := c.checkReplicas(); err != nil {
		return Config{}, err
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if _, err := url.Parse(c.BaseURL); err != nil {
		return Config{}, fmt.Errorf("app: HIROBA_BASE_URL: %w", err)
	}
	if c.Uploads == "" {
		c.Uploads = defaultUploads(c.DatabaseURL)
	}
	if c.OCR != "auto" && c.OCR != "off" {
		return c, fmt.Errorf("HIROBA_OCR must be auto or off, not %q", c.OCR)
	}
	if err := blobs.Check(c.Uploads); err != nil {
		return Config{}, fmt.Errorf("app: HIROBA_UPLOADS: %w", err)
	}
	return c, nil
}

// replicasFromEnv reads the replicas' settings. Replicas are PostgreSQL's
// alone: a SQLite file has none.
func replicasFromEnv(env func(key, def string) string) (models.ReplicaConfig, error) {
	var rc models.ReplicaConfig
	for _, u := range strings.Split(env("HIROBA_DATABASE_REPLICA_URLS", ""), ",") {
		if u = strings.TrimSpace(u); u != "" {
			rc.URLs = append(rc.URLs, u)
		}
	}
	for _, d := range []struct {
		key string
		to  *time.Duration
		def time.Duration
	}{
		{"HIROBA_REPLICA_MAX_LAG", &rc.MaxLag, database.DefaultReplicaMaxLag},
		{"HIROBA_REPLICA_CHECK", &rc.Every, database.DefaultReplicaCheck},
	} {
		v, err := time.ParseDuration(env(d.key, d.def.String()))
		if err != nil || v <= 0 {
			return rc, fmt.Errorf("app: %s: want a duration such as %s", d.key, d.def)
		}
		*d.to = v
	}
	return rc, nil
}

// checkReplicas refuses replicas the database cannot have, before anything
// is opened or migrated: a SQLite file has none, and a replica is a
// PostgreSQL server.
func (c Config) checkReplicas() error {
	if len(c.Replicas.URLs) == 0 {
		return nil
	}
	if !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return fmt.Errorf("app: HIROBA_DATABASE_REPLICA_URLS needs HIROBA_DATABASE_URL to be the PostgreSQL primary (postgres://…); a SQLite forum has no replicas: unset HIROBA_DATABASE_REPLICA_URLS")
	}
	for _, u := range c.Replicas.URLs {
		if !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
			return fmt.Errorf("app: HIROBA_DATABASE_REPLICA_URLS: %q is not a postgres://… URL (separate several with commas)", database.RedactURL(u))
		}
	}
	return nil
}

// defaultUploads keeps uploads in the folder uploads beside the SQLite
// database (data/uploads by default), so a forum's data stays in one place.
// A PostgreSQL forum, which has no such folder, keeps them in data/uploads
// of the working directory; with several instances, set an S3 store.
func defaultUploads(databaseURL string) string {
	dir := filepath.Dir(database.DefaultSQLitePath)
	if path, ok := strings.CutPrefix(databaseURL, "sqlite:"); ok && path != "" && path != ":memory:" {
		dir = filepath.Dir(path)
	}
	dir = filepath.Join(dir, "uploads")
	if !filepath.IsAbs(dir) {
		dir = "." + string(filepath.Separator) + dir
	}
	return "file:" + dir
}

// env reads the environment the configuration came from: the process's,
// for a Config not made by LoadConfig.
func (c Config) env() func(string) string {
	if c.getenv == nil {
		return os.Getenv
	}
	return c.getenv
}

// defaultAddr is where the forum listens unless told otherwise: only this
// machine.
const defaultAddr = "127.0.0.1:8080"

// defaultPageCacheTTL is Discourse's for anonymous pages: long enough that a
// thread read by many at once renders once, and no write waits on it.
const defaultPageCacheTTL = 60 * time.Second

// serverFlags defines the flags every command reads into c, each defaulting
// to what c holds.
func serverFlags(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "address to listen on (HIROBA_ADDR)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public address of the site (HIROBA_BASE_URL; default http://ADDR)")
	fs.StringVar(&c.DatabaseURL, "database", c.DatabaseURL, "database: sqlite:PATH or postgres://… (HIROBA_DATABASE_URL; default SQLite in data/hiroba.db)")
	fs.StringVar(&c.Uploads, "uploads", c.Uploads, "where uploaded images are kept: file:DIR or s3://BUCKET/PREFIX?endpoint=HOST:PORT&region=REGION (HIROBA_UPLOADS; default file:DIR, DIR the folder uploads beside the SQLite database)")
}

// Loopback reports whether the address only accepts connections from this
// machine. An empty host (":8080") listens everywhere, so it is not loopback.
func Loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && loopbackHost(host)
}

func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// AnyProvider reports whether an OAuth provider is configured.
func (c Config) AnyProvider() bool {
	return (c.GitHubKey != "" && c.GitHubSecret != "") ||
		(c.GoogleKey != "" && c.GoogleSecret != "") ||
		(c.OIDCIssuer != "" && c.OIDCClientID != "")
}

// DevSignIn is on only without providers, on a loopback address, and with a
// public address that is loopback http too: the one combination where
// nobody but the person at this machine can use it. A loopback listener
// with a public base URL is a forum behind a proxy, open to everyone.
func (c Config) DevSignIn() bool { return c.devSignInOff() == "" }

// devSignInOff says why the development sign-in is off, or "" when it is on.
func (c Config) devSignInOff() string {
	switch {
	case c.AnyProvider():
		return "an OAuth provider is configured"
	case !Loopback(c.Addr):
		return "the server does not listen on a loopback address"
	case !loopbackHTTP(c.BaseURL):
		return "HIROBA_BASE_URL is not a loopback http address, so the forum is reached through a proxy"
	}
	return ""
}

// loopbackHTTP reports whether a base URL is plain http to this machine.
func loopbackHTTP(base string) bool {
	u, err := url.Parse(base)
	return err == nil && strings.EqualFold(u.Scheme, "http") && loopbackHost(u.Hostname())
}

// HTTPS reports whether the public address is https, so cookies are Secure
// and browsers are told to use nothing else. URL schemes are
// case-insensitive: HTTPS://… is https.
func (c Config) HTTPS() bool {
	u, err := url.Parse(c.BaseURL)
	return err == nil && strings.EqualFold(u.Scheme, "https")
}
