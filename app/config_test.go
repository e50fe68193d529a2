package app

import (
	"strings"
	"testing"
	"time"
)

func TestLoopback(t *testing.T) {
	tests := map[string]bool{
		"127.0.0.1:8080": true, "localhost:8080": true, "[::1]:8080": true, "127.1.2.3:1": true,
		":8080": false, "0.0.0.0:8080": false, "[::]:8080": false, "192.168.1.10:8080": false,
		"example.com:80": false, "garbage": false,
	}
	for addr, want := range tests {
		if got := Loopback(addr); got != want {
			t.Errorf("Loopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestDevSignInOnlyOnLoopbackWithoutProviders(t *testing.T) {
	env := func(vals map[string]string) func(string) string {
		return func(k string) string { return vals[k] }
	}
	tests := []struct {
		name string
		vars map[string]string
		want bool
	}{
		{"default", nil, true},
		{"all interfaces", map[string]string{"HIROBA_ADDR": "0.0.0.0:8080"}, false},
		{"empty host", map[string]string{"HIROBA_ADDR": ":8080"}, false},
		{"github configured", map[string]string{"HIROBA_GITHUB_KEY": "k", "HIROBA_GITHUB_SECRET": "s"}, false},
		{"oidc configured", map[string]string{"HIROBA_OIDC_ISSUER": "http://127.0.0.1:1", "HIROBA_OIDC_CLIENT_ID": "c"}, false},
		{"localhost base", map[string]string{"HIROBA_BASE_URL": "http://localhost:8080"}, true},
		{"loopback base, scheme in capitals", map[string]string{"HIROBA_BASE_URL": "HTTP://127.0.0.1:8080"}, true},
		// Loopback behind a proxy: the forum is public whatever it listens on.
		{"behind an https proxy", map[string]string{"HIROBA_BASE_URL": "https://forum.example.com"}, false},
		{"behind an http proxy", map[string]string{"HIROBA_BASE_URL": "http://forum.example.com"}, false},
		{"https on loopback", map[string]string{"HIROBA_BASE_URL": "https://127.0.0.1:8443"}, false},
		{"public address", map[string]string{"HIROBA_BASE_URL": "http://192.0.2.10:8080"}, false},
	}
	for _, tt := range tests {
		cfg, err := LoadConfig(env(tt.vars), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.DevSignIn(); got != tt.want {
			t.Errorf("%s: DevSignIn = %v, want %v", tt.name, got, tt.want)
		}
	}
	// A flag overrides the environment, and cannot turn a public address into loopback.
	cfg, _ := LoadConfig(env(nil), []string{"-addr", "0.0.0.0:9000"})
	if cfg.DevSignIn() || cfg.Addr != "0.0.0.0:9000" {
		t.Errorf("flag: %+v", cfg)
	}
}

func TestConfigDefaults(t *testing.T) {
	cfg, err := LoadConfig(func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:8080" || cfg.BaseURL != "http://127.0.0.1:8080" || cfg.DatabaseURL != "" || cfg.SiteName != "Hiroba" || cfg.HTTPS() {
		t.Errorf("defaults: %+v", cfg)
	}
	cfg, _ = LoadConfig(func(k string) string {
		return map[string]string{"HIROBA_BASE_URL": "https://forum.example/"}[k]
	}, nil)
	if !cfg.HTTPS() || cfg.BaseURL != "https://forum.example" {
		t.Errorf("https base: %+v", cfg)
	}
	// Schemes are case-insensitive.
	cfg, _ = LoadConfig(func(k string) string {
		return map[string]string{"HIROBA_BASE_URL": "HTTPS://Forum.Example"}[k]
	}, nil)
	if !cfg.HTTPS() {
		t.Errorf("HTTPS:// base is not https: %+v", cfg)
	}
	if len(Providers(cfg)) != 0 {
		t.Error("providers without settings")
	}
}

func TestTrustedProxiesConfig(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string { return map[string]string{"HIROBA_TRUSTED_PROXIES": v}[k] }
	}
	cfg, err := LoadConfig(env(""), nil)
	if err != nil || len(cfg.TrustedProxies) != 0 {
		t.Fatalf("default: %v %v", cfg.TrustedProxies, err)
	}
	cfg, err = LoadConfig(env(" 10.0.0.0/8, 192.0.2.7 ,fd00::/8,"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cfg.TrustedProxies.Strings(), " "); got != "10.0.0.0/8 192.0.2.7/32 fd00::/8" {
		t.Errorf("parsed %q", got)
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.internal", "10.0.0.0/8 192.0.2.7", "*"} {
		if _, err := LoadConfig(env(bad), nil); err == nil || !strings.Contains(err.Error(), "HIROBA_TRUSTED_PROXIES") {
			t.Errorf("%q: error %v", bad, err)
		}
	}
}

// Writes drop the pages they change, so anonymous pages may be kept for a
// minute by default; 0 turns the cache off, and nonsense stops start-up.
func TestPageCacheTTL(t *testing.T) {
	for value, want := range map[string]time.Duration{"": time.Minute, "0": 0, "5m": 5 * time.Minute, "1s": time.Second} {
		cfg, err := LoadConfig(func(k string) string {
			if k == "HIROBA_PAGE_CACHE_TTL" {
				return value
			}
			return ""
		}, nil)
		if err != nil || cfg.PageCacheTTL != want {
			t.Errorf("HIROBA_PAGE_CACHE_TTL=%q: %v (%v), want %v", value, cfg.PageCacheTTL, err, want)
		}
	}
	for _, bad := range []string{"-1s", "soon"} {
		if _, err := LoadConfig(func(k string) string {
			if k == "HIROBA_PAGE_CACHE_TTL" {
				return bad
			}
			return ""
		}, nil); err == nil {
			t.Errorf("HIROBA_PAGE_CACHE_TTL=%q accepted", bad)
		}
	}
}

func TestLimitsFromEnvironment(t *testing.T) {
	env := map[string]string{"HIROBA_LIMIT_POST": "100/1m", "HIROBA_LIMIT_POST_IP": " 1000/10s ", "HIROBA_LIMIT_SIGNIN": "5/1h"}
	c, err := LoadConfig(func(k string) string { return env[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Limits.Post.Limit != 100 || c.Limits.Post.Window != time.Minute {
		t.Errorf("post: %+v, want 100/1m", c.Limits.Post)
	}
	if c.Limits.PostIP.Limit != 1000 || c.Limits.PostIP.Window != 10*time.Second {
		t.Errorf("post_ip: %+v, want 1000/10s", c.Limits.PostIP)
	}
	if c.Limits.SignIn.Limit != 5 || c.Limits.SignIn.Window != time.Hour {
		t.Errorf("signin: %+v, want 5/1h", c.Limits.SignIn)
	}
	if c.Limits.Vote.Limit != 0 {
		t.Errorf("vote: %+v, want it left to the default", c.Limits.Vote)
	}
	// A value that cannot be read stops start-up and names the variable.
	for _, bad := range []string{"10", "10 per minute", "0/1m", "10/0s", "10/48h"} {
		_, err := LoadConfig(func(k string) string {
			if k == "HIROBA_LIMIT_VOTE" {
				return bad
			}
			return ""
		}, nil)
		if err == nil || !strings.Contains(err.Error(), "HIROBA_LIMIT_VOTE") || !strings.Contains(err.Error(), "10/1m") {
			t.Errorf("HIROBA_LIMIT_VOTE=%q: %v, want an error naming the variable and the form", bad, err)
		}
	}
}

// Uploads are kept beside the SQLite database unless told otherwise; a
// PostgreSQL forum keeps them in data/uploads; a store that cannot be read
// stops start-up and names the variable.
func TestUploadsConfig(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	for _, tt := range []struct {
		vars map[string]string
		args []string
		want string
	}{
		{nil, nil, "file:./data/uploads"},
		{map[string]string{"HIROBA_DATABASE_URL": "sqlite:/var/lib/hiroba/forum.db"}, nil, "file:/var/lib/hiroba/uploads"},
		{map[string]string{"HIROBA_DATABASE_URL": "sqlite:forum.db"}, nil, "file:./uploads"},
		{nil, []string{"-database", "sqlite:/srv/f/hiroba.db"}, "file:/srv/f/uploads"},
		{map[string]string{"HIROBA_DATABASE_URL": "postgres://hiroba@db.internal/forum"}, nil, "file:./data/uploads"},
		{map[string]string{"HIROBA_UPLOADS": "s3://shots/forum?region=eu-west-1"}, nil, "s3://shots/forum?region=eu-west-1"},
		{map[string]string{"HIROBA_UPLOADS": "file:/srv/uploads"}, []string{"-uploads", "s3://other"}, "s3://other"},
	} {
		cfg, err := LoadConfig(env(tt.vars), tt.args)
		if err != nil {
			t.Errorf("%v %v: %v", tt.vars, tt.args, err)
			continue
		}
		if cfg.Uploads != tt.want {
			t.Errorf("%v %v: uploads in %q, want %q", tt.vars, tt.args, cfg.Uploads, tt.want)
		}
	}
	for _, bad := range []string{"./uploads", "s3://", "s3://b?endpont=minio:9000", "s3://AKIAEXAMPLE:wJalrXUtnFEMI@b"} {
		_, err := LoadConfig(env(map[string]string{"HIROBA_UPLOADS": bad}), nil)
		if err == nil || !strings.Contains(err.Error(), "HIROBA_UPLOADS") || strings.Contains(err.Error(), "wJalrXUtnFEMI") {
			t.Errorf("HIROBA_UPLOADS=%q: %v, want an error naming the variable and showing no secret", bad, err)
		}
	}
}

func TestReplicasConfig(t *testing.T) {
	load := func(env map[string]string) (Config, error) {
		return LoadConfig(func(k string) string { return env[k] }, nil)
	}
	cfg, err := load(nil)
	if err != nil || len(cfg.Replicas.URLs) != 0 || cfg.Replicas.MaxLag != 5*time.Second || cfg.Replicas.Every != time.Second {
		t.Errorf("defaults: %+v (%v), want no replicas, 5s lag, checked every 1s", cfg.Replicas, err)
	}
	cfg, err = load(map[string]string{
		"HIROBA_DATABASE_URL":          "postgres://primary:5432/hiroba",
		"HIROBA_DATABASE_REPLICA_URLS": " postgres://r1:5432/hiroba , ,postgres://r2:5432/hiroba",
		"HIROBA_REPLICA_MAX_LAG":       "2s",
		"HIROBA_REPLICA_CHECK":         "250ms",
	})
	if err != nil || strings.Join(cfg.Replicas.URLs, " ") != "postgres://r1:5432/hiroba postgres://r2:5432/hiroba" ||
		cfg.Replicas.MaxLag != 2*time.Second || cfg.Replicas.Every != 250*time.Millisecond {
		t.Errorf("two replicas: %+v (%v)", cfg.Replicas, err)
	}
	for _, bad := range []map[string]string{{"HIROBA_REPLICA_MAX_LAG": "0s"}, {"HIROBA_REPLICA_CHECK": "often"}} {
		if _, err := load(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	// Refused before anything is opened, saying what to change.
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"HIROBA_DATABASE_REPLICA_URLS": "postgres://r1:5432/hiroba"}, "unset HIROBA_DATABASE_REPLICA_URLS"},
		{map[string]string{"HIROBA_DATABASE_URL": "postgres://p/hiroba", "HIROBA_DATABASE_REPLICA_URLS": "mysql://u:secret@r1/hiroba"},
			`"mysql://u:xxxxx@r1/hiroba" is not a postgres://… URL`},
	} {
		if _, err := load(c.env); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error saying %s", c.env, err, c.want)
		}
	}
}

func TestShutdownDrainConfig(t *testing.T) {
	for value, want := range map[string]time.Duration{"": 0, "3s": 3 * time.Second} {
		cfg, err := LoadConfig(func(k string) string {
			if k == "HIROBA_SHUTDOWN_DRAIN" {
				return value
			}
			return ""
		}, nil)
		if err != nil || cfg.ShutdownDrain != want {
			t.Errorf("HIROBA_SHUTDOWN_DRAIN=%q: %v (%v), want %v", value, cfg.ShutdownDrain, err, want)
		}
	}
	if _, err := LoadConfig(func(k string) string {
		if k == "HIROBA_SHUTDOWN_DRAIN" {
			return "-1s"
		}
		return ""
	}, nil); err == nil {
		t.Error("a negative drain accepted")
	}
}
