package scaleout

// The whole deployment on this machine: PostgreSQL primary and streaming
// replica, Redis, an OpenID Connect provider, three Hiroba instances and
// HAProxy in front, each on a free loopback port, all stopped and removed
// when the test ends.

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"hiroba/models/servicetest"
)

// Settings every instance shares.
const (
	sessionSecret = "scaleout-secret-scaleout-secret-0"
	adminName     = "admin"
	// searchLimit is the searches one address may make a minute: small,
	// so that Redis counting again shows as a 429 (subtest e).
	searchLimit = 5
	// Replica routing settings: short, so that falling back to the
	// primary and returning to the replica happen within the test.
	replicaMaxLag = time.Second
	replicaCheck  = 250 * time.Millisecond
	// healthPeriod is how long HAProxy takes to take out an instance
	// that stopped answering (fall 2, inter 250ms), with room to spare.
	healthPeriod = time.Second
)

type cluster struct {
	work      string // logs, configuration, uploads; removed with the test
	pg        *servicetest.Replication
	redis     *redisServer
	idp       *mockoidc.MockOIDC
	bin       string
	instances []*instance
	lb        *haproxy
	base      string // the forum, through HAProxy

	mu       sync.Mutex
	cleanups []func()
	logs     []func() (name, path string)

	// What subtest a leaves for the next ones.
	author   *browser
	question thread
}

func (c *cluster) cleanup(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cleanups = append(c.cleanups, f)
}

func (c *cluster) logFile(name string, path func() string) {
	c.logs = append(c.logs, func() (string, string) { return name, path() })
}

// requireTool finds a program, or skips (fails under CI=true) saying what
// is missing.
func requireTool(t *testing.T, s *servicetest.Service, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		// Not on a non-root PATH, where Debian puts daemons.
		if _, statErr := os.Stat("/usr/sbin/" + name); statErr == nil {
			path, err = "/usr/sbin/"+name, nil
		}
	}
	if err != nil {
		s.Unavailable(t, fmt.Sprintf("%s not found (%s)", name, install))
	}
	return path
}

// startCluster starts everything and signs in an admin who sets posting
// rules under which the harness's many quick replies are all published.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	haproxyBin := requireTool(t, haproxyStatus, "haproxy", "Debian: apt-get install haproxy; .ci/run installs it")
	redisBin := requireTool(t, redisStatus, "redis-server", "Debian: apt-get install redis-server")
	began := time.Now()
	step := began
	timing := func(what string) {
		t.Logf("%-28s %v", what, time.Since(step).Round(time.Millisecond))
		step = time.Now()
	}
	c := &cluster{work: t.TempDir()}
	t.Cleanup(func() { c.stop(t) })

	// The build is the slowest step: it runs while the servers start.
	var buildErr error
	built := make(chan struct{})
	go func() {
		defer close(built)
		c.bin, buildErr = servicetest.BuildForum(c.work)
	}()
	c.cleanup(func() { <-built })

	pg, err := servicetest.StartReplicationUnder(t, c.cleanup)
	if err != nil {
		pgStatus.Unavailable(t, "a PostgreSQL primary and replica: "+err.Error())
	}
	c.pg = pg
	pgStatus.Ran()
	timing("PostgreSQL primary+replica")

	c.redis = &redisServer{bin: redisBin, dir: filepath.Join(c.work, "redis"), port: servicetest.FreePort(t)}
	if err := os.Mkdir(c.redis.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	c.logFile("redis-server", func() string { return c.redis.logPath })
	if err := c.redis.start(); err != nil {
		t.Fatal(err)
	}
	c.cleanup(c.redis.stop)
	redisStatus.Ran()

	if c.idp, err = mockoidc.Run(); err != nil {
		t.Fatal(err)
	}
	c.cleanup(func() { _ = c.idp.Shutdown() })
	timing("Redis, OIDC provider")

	<-built
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	timing("go build (waited for)")
	migrate := exec.Command(c.bin, "migrate")
	migrate.Env = instanceEnv("127.0.0.1:0", map[string]string{"HIROBA_DATABASE_URL": c.pg.PrimaryURL})
	if out, err := migrate.CombinedOutput(); err != nil {
		t.Fatalf("hiroba migrate: %v\n%s", err, out)
	}

	c.lb = &haproxy{bin: haproxyBin, port: servicetest.FreePort(t), statsPort: servicetest.FreePort(t)}
	c.base = c.lb.base()
	uploads := filepath.Join(c.work, "uploads")
	oidc := c.idp.Config()
	settings := map[string]string{
		"HIROBA_DATABASE_URL":          c.pg.PrimaryURL,
		"HIROBA_DATABASE_REPLICA_URLS": c.pg.ReplicaURL,
		"HIROBA_REPLICA_MAX_LAG":       replicaMaxLag.String(),
		"HIROBA_REPLICA_CHECK":         replicaCheck.String(),
		"HIROBA_REDIS_URL":             c.redis.url(),
		"HIROBA_SESSION_SECRET":        sessionSecret,
		"HIROBA_OIDC_ISSUER":           oidc.Issuer,
		"HIROBA_OIDC_CLIENT_ID":        oidc.ClientID,
		"HIROBA_OIDC_CLIENT_SECRET":    oidc.ClientSecret,
		"HIROBA_OIDC_NAME":             "Example SSO",
		"HIROBA_ADMIN_EMAILS":          adminName + "@example.com",
		"HIROBA_BASE_URL":              c.base,
		"HIROBA_TRUSTED_PROXIES":       "127.0.0.1/32",
		"HIROBA_UPLOADS":               "file:" + uploads,
		"HIROBA_OCR":                   "off",
		"HIROBA_METRICS_TOKEN":         metricsToken,
		// Info: the lines saying Redis is heard again are at that level.
		"HIROBA_LOG_LEVEL": "info",
		// Every request comes from 127.0.0.1 through HAProxy: the
		// per-address budgets would be the whole harness's.
		"HIROBA_LIMIT_POST":    "100000/1m",
		"HIROBA_LIMIT_POST_IP": "100000/1m",
		"HIROBA_LIMIT_SIGNIN":  "100000/1m",
		"HIROBA_LIMIT_SEARCH":  fmt.Sprintf("%d/1m", searchLimit),
	}
	for i := 1; i <= 3; i++ {
		addr := loopback(servicetest.FreePort(t))
		in := &instance{name: fmt.Sprintf("h%d", i), addr: addr, logPath: filepath.Join(c.work, fmt.Sprintf("h%d.log", i)),
			env: instanceEnv(addr, settings)}
		c.instances = append(c.instances, in)
		c.logFile("instance "+in.name+" ("+addr+")", func() string { return in.logPath })
		c.cleanup(func() {
			if in.proc != nil {
				in.proc.stop(3 * time.Second)
			}
		})
	}
	errs := make(chan error, len(c.instances))
	for _, in := range c.instances {
		go func() { errs <- in.start(c.bin) }()
	}
	for range c.instances {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	timing("3 instances ready")

	c.logFile("haproxy", func() string { return filepath.Join(c.work, "haproxy.log") })
	if err := c.lb.start(c.work, c.instances); err != nil {
		t.Fatal(err)
	}
	c.cleanup(func() { c.lb.proc.stop(3 * time.Second) })
	haproxyStatus.Ran()
	timing("HAProxy, all servers up")

	c.setRules(t)
	timing("admin signed in, rules set")
	t.Logf("%-28s %v", "cluster started in", time.Since(began).Round(time.Millisecond))
	return c
}

// setRules saves, as an admin on the rules page, posting rules that let
// new accounts post at once and as often as they like, as .ci/loadtest
// does; every post still goes through them.
func (c *cluster) setRules(t *testing.T) {
	t.Helper()
	admin := signIn(t, c.idp, c.base, adminName)
	token := admin.token(t, c.base+"/admin/rules")
	form := url.Values{
		"_csrf": {token}, "new_account_age": {"0s"}, "new_account_min_posts": {"0"}, "new_max_links": {"2"},
		"new_max_images": {"0"}, "new_max_threads_per_day": {"100"}, "new_max_replies_per_day": {"100000"},
		"new_cooldown": {"0s"}, "cooldown": {"0s"}, "duplicate_window": {"5m"}, "flag_threshold": {"3"},
		"uploads_per_day": {"30"}, "flood_threshold": {"100"}, "flood_window": {"15m"},
	}
	resp, err := admin.step.PostForm(c.base+"/admin/rules", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc, _ := resp.Location(); resp.StatusCode != http.StatusSeeOther || loc == nil || loc.Path != "/admin/rules" {
		t.Fatalf("POST /admin/rules: status %d to %v, want 303 to /admin/rules", resp.StatusCode, loc)
	}
}

// stop runs the cleanups, newest first, after printing the logs of a
// failed run.
func (c *cluster) stop(t *testing.T) {
	if t.Failed() {
		for _, l := range c.logs {
			name, path := l()
			if path != "" {
				t.Logf("--- %s (%s):\n%s", name, path, logTail(path, 60))
			}
		}
	}
	c.mu.Lock()
	fs := c.cleanups
	c.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

// live is the instances running now.
func (c *cluster) live() []*instance {
	var out []*instance
	for _, in := range c.instances {
		if in.proc != nil && in.proc.running() {
			out = append(out, in)
		}
	}
	return out
}

// visitor is a browser with no cookies at all.
func visitor() *browser { return newBrowser() }
