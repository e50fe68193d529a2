// Package scaleout proves on this machine that Hiroba runs as several
// instances behind a load balancer, over a PostgreSQL primary with a
// streaming replica and a shared Redis, and keeps serving when any of them
// fails: the "Proven here, in CI" part of running past one machine.
//
// It needs haproxy, redis-server and the PostgreSQL server programs
// (initdb, pg_ctl, pg_basebackup); without one it skips saying which, and
// under CI=true fails instead. It builds the forum's binary and runs it.
package scaleout

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"hiroba/models/servicetest"
)

// The programs the harness runs, reported once the tests end.
var (
	pgStatus      = servicetest.New("postgres servers")
	redisStatus   = servicetest.New("redis-server")
	haproxyStatus = servicetest.New("haproxy")
)

func TestMain(m *testing.M) {
	m.Run()
	servicetest.Report(pgStatus, redisStatus, haproxyStatus)
}

func TestScaleOut(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL, Redis, HAProxy and three forum processes")
	}
	began := time.Now()
	c := startCluster(t)
	for _, sub := range []struct {
		name string
		run  func(*testing.T, *cluster)
	}{
		{"a_write_read_everywhere", testWriteReadEverywhere},
		{"b_read_your_writes_replica_paused", testReadYourWrites},
		{"c_kill_instance_under_load", testKillUnderLoad},
		{"d_replica_stop_start", testReplicaStopStart},
		{"e_redis_stop_start", testRedisStopStart},
	} {
		step := time.Now()
		t.Run(sub.name, func(t *testing.T) { sub.run(t, c) })
		t.Logf("%-34s %v", sub.name, time.Since(step).Round(time.Millisecond))
	}
	t.Logf("whole harness: %v", time.Since(began).Round(time.Millisecond))
}

// a: a question asked through HAProxy is on every instance, read directly,
// and in the replica's database.
func testWriteReadEverywhere(t *testing.T, c *cluster) {
	author := signIn(t, c.idp, c.base, "author")
	q := author.ask(t, c.base, "Printer forgets its tray after every reboot",
		"It happens every time on two machines. What should I check first")
	c.author, c.question = author, q

	// A visitor's pages come from the replica, which has the question a
	// moment after the author's 303: each instance shows it within the
	// allowed lag.
	asked := time.Now()
	for _, in := range c.instances {
		err := waitFor(replicaMaxLag+healthPeriod, func() error {
			p, err := fetch(visitor().follow, fmt.Sprintf("%s/t/%d", in.base(), q.id))
			switch {
			case err != nil:
				return err
			case p.url.Host != in.addr:
				return fmt.Errorf("GET /t/%d ended on %s, not on the instance", q.id, p.url)
			case p.status != http.StatusOK:
				return fmt.Errorf("GET %s: status %d, want 200", p.url.Path, p.status)
			case !strings.Contains(p.body, q.title) || !strings.Contains(p.body, q.body):
				return fmt.Errorf("%s does not show the question asked through HAProxy; page:\n%s", p.url.Path, p.body)
			}
			return nil
		})
		if err != nil {
			t.Errorf("instance %s: %v", in.name, err)
		}
	}
	t.Logf("a visitor of each of the three instances saw the question %v after the author's 303", time.Since(asked).Round(time.Millisecond))

	err := waitFor(5*time.Second, func() error {
		ctx, cancel := pgCtx()
		defer cancel()
		var title string
		var posts int
		err := pgQueryRow(ctx, c.pg.ReplicaURL,
			"SELECT t.title, (SELECT count(*) FROM posts p WHERE p.thread_id = t.id AND p.source = $2) FROM threads t WHERE t.id = $1",
			[]any{q.id, q.body}, &title, &posts)
		if err == nil && (title != q.title || posts != 1) {
			err = fmt.Errorf("thread %d on the replica: title %q, %d posts with the question's text", q.id, title, posts)
		}
		return err
	})
	if err != nil {
		t.Errorf("the question is not on the replica: %v", err)
	} else {
		t.Logf("and it is in the replica's database")
	}
}

// b: read-your-writes. With the replica's replay paused, the author's reply
// is on every page they load through HAProxy, whichever instance answers,
// though the replica does not have it.
func testReadYourWrites(t *testing.T, c *cluster) {
	if c.author == nil {
		t.Fatal("needs the author and question of the first subtest, which failed")
	}
	replica := c.pg.ReplicaURL
	ctx, cancel := pgCtx()
	defer cancel()
	if err := pgExec(ctx, replica, "SELECT pg_wal_replay_pause()"); err != nil {
		t.Fatalf("pause the replica: %v", err)
	}
	resumed := false
	resume := func() {
		if !resumed {
			ctx, cancel := pgCtx()
			defer cancel()
			if err := pgExec(ctx, replica, "SELECT pg_wal_replay_resume()"); err != nil {
				t.Errorf("resume the replica: %v", err)
			}
			resumed = true
		}
	}
	defer resume()
	err := waitFor(5*time.Second, func() error {
		ctx, cancel := pgCtx()
		defer cancel()
		var state string
		if err := pgQueryRow(ctx, replica, "SELECT pg_get_wal_replay_pause_state()", nil, &state); err != nil {
			return err
		}
		if state != "paused" {
			return fmt.Errorf("replay %s", state)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("the replica did not pause: %v", err)
	}

	body := "Reset the tray settings from the panel and it stays now"
	id, loc := c.author.mustReply(t, c.base, c.question, body)
	replied := time.Now()
	at := *loc
	at.Fragment = ""
	const reads = 6 // two rounds of the three instances
	for i := range reads {
		p := mustFetch(t, c.author.step, at.String())
		if p.status != http.StatusOK || !showsPost(p.body, id, body) {
			t.Errorf("read %d of %d through HAProxy right after replying: GET %s: status %d, the reply p%d %s",
				i+1, reads, at.RequestURI(), p.status, id, shownOrMissing(showsPost(p.body, id, body)))
		}
	}

	// The same person in a browser without the mark of having just
	// written may be served by the paused replica. Reported, not checked:
	// once the replica lags more than the allowed lag it leaves rotation
	// and that browser reads the primary too, on a slow machine soon.
	other := c.author.withOnly(c.base, "hiroba_session")
	p := mustFetch(t, other.step, at.String())
	t.Logf("%v after replying, the author's browser holds hiroba_fresh: %v; the same session without it: reply %s",
		time.Since(replied).Round(time.Millisecond), c.author.cookie(c.base, "hiroba_fresh") != "", shownOrMissing(showsPost(p.body, id, body)))

	// What makes the reads above mean something: the replica, had they
	// gone there, would not have had the reply.
	var onReplica int
	if err := pgQueryRow(ctx, replica, "SELECT count(*) FROM posts WHERE id = $1", []any{id}, &onReplica); err != nil {
		t.Fatal(err)
	}
	if onReplica != 0 {
		t.Errorf("the paused replica already has reply p%d: the reads above prove nothing", id)
	}

	resume()
	err = waitFor(10*time.Second, func() error {
		ctx, cancel := pgCtx()
		defer cancel()
		if err := pgQueryRow(ctx, replica, "SELECT count(*) FROM posts WHERE id = $1", []any{id}, &onReplica); err != nil {
			return err
		}
		if onReplica != 1 {
			return fmt.Errorf("reply p%d not replayed yet", id)
		}
		return nil
	})
	if err != nil {
		t.Errorf("after pg_wal_replay_resume(): %v", err)
	}
}

// d: a replica that stops is taken out of rotation within the check period
// and pages keep coming from the primary; started again, it is back in
// rotation within seconds.
func testReplicaStopStart(t *testing.T, c *cluster) {
	// A signed-in reader whose pages are never cached and who has not
	// written: their reads may go to the replica.
	reader := signIn(t, c.idp, c.base, "reader").withOnly(c.base, "hiroba_session")
	// Without the mark of having just signed in, the reader's session is
	// read from the replica: signed in there a moment later.
	err := waitFor(replicaMaxLag+healthPeriod, func() error {
		p, err := fetch(reader.step, c.base+"/")
		if err == nil && !strings.Contains(p.body, `action="/logout"`) {
			err = errors.New("not signed in yet")
		}
		return err
	})
	if err != nil {
		t.Fatalf("the reader's session is not read back: %v", err)
	}
	target := c.base + "/"
	if c.question.id != 0 {
		target = c.base + c.question.path
	}
	instances := c.live()
	label := c.pg.ReplicaAddr
	read := func(n int) (failed []string) {
		for range n {
			p, err := fetch(reader.step, target)
			if err != nil {
				failed = append(failed, err.Error())
			} else if p.status != http.StatusOK {
				failed = append(failed, fmt.Sprintf("status %d", p.status))
			}
		}
		for _, in := range instances {
			p, err := fetch(reader.step, in.base()+strings.TrimPrefix(target, c.base))
			if err != nil {
				failed = append(failed, in.name+": "+err.Error())
			} else if p.status != http.StatusOK {
				failed = append(failed, fmt.Sprintf("%s: status %d", in.name, p.status))
			}
		}
		return failed
	}
	type counts struct{ healthy, primary, replica float64 }
	scrapeAll := func() (map[string]counts, error) {
		out := map[string]counts{}
		for _, in := range instances {
			m, err := scrape(in.base())
			if err != nil {
				return nil, err
			}
			var k counts
			var ok bool
			if k.healthy, ok = m.get("hiroba_db_replica_healthy", "replica", label); !ok {
				return nil, fmt.Errorf("%s: no hiroba_db_replica_healthy{replica=%q} in /metrics", in.name, label)
			}
			k.primary, _ = m.get("hiroba_db_reads_total", "pool", "primary")
			k.replica, _ = m.get("hiroba_db_reads_total", "pool", "replica", "replica", label)
			out[in.name] = k
		}
		return out, nil
	}
	if f := read(3); len(f) > 0 {
		t.Fatalf("before stopping the replica: %d reads failed: %v", len(f), f)
	}
	err = waitFor(5*time.Second, func() error {
		m, err := scrapeAll()
		if err != nil {
			return err
		}
		for name, k := range m {
			if k.healthy != 1 {
				return fmt.Errorf("%s: replica healthy %v", name, k.healthy)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("before stopping it, the replica is not in rotation on every instance: %v", err)
	}

	if err := c.pg.StopReplica(); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	var early []string
	for time.Since(stopped) < healthPeriod {
		early = append(early, read(1)...)
	}
	before, err := scrapeAll()
	if err != nil {
		t.Fatal(err)
	}
	if f := read(30); len(f) > 0 {
		t.Errorf("replica stopped %v ago: %d reads failed: %v", healthPeriod, len(f), f)
	}
	after, err := scrapeAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range instances {
		b, a := before[in.name], after[in.name]
		if a.healthy != 0 {
			t.Errorf("%s: hiroba_db_replica_healthy %v with the replica stopped %v, want 0", in.name, a.healthy, healthPeriod)
		}
		if a.primary <= b.primary {
			t.Errorf("%s: primary reads did not grow while the replica was down (%v then %v)", in.name, b.primary, a.primary)
		}
		if a.replica != b.replica {
			t.Errorf("%s: replica reads grew from %v to %v while it was down", in.name, b.replica, a.replica)
		}
	}
	t.Logf("replica stopped: %d reads failed in the first %v (%v), none after", len(early), healthPeriod, early)

	if err := c.pg.StartReplica(); err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	base, err := scrapeAll()
	if err != nil {
		t.Fatal(err)
	}
	err = waitFor(10*time.Second, func() error {
		if f := read(3); len(f) > 0 {
			t.Errorf("replica starting again: %d reads failed: %v", len(f), f)
		}
		m, err := scrapeAll()
		if err != nil {
			return err
		}
		for _, in := range instances {
			k := m[in.name]
			if k.healthy != 1 || k.replica <= base[in.name].replica {
				return fmt.Errorf("%s: replica healthy %v, replica reads %v (%v when it started)", in.name, k.healthy, k.replica, base[in.name].replica)
			}
		}
		return nil
	})
	if err != nil {
		t.Errorf("replica started again: not back in rotation within 10s: %v", err)
	} else {
		t.Logf("replica back in rotation on every instance %v after pg_ctl start returned", time.Since(started).Round(time.Millisecond))
	}
}

// e: with Redis stopped, pages are served and people post; the rate limits
// let requests through and say so in the log. With Redis back, limits
// count again and page-cache invalidations reach the other instances.
func testRedisStopStart(t *testing.T, c *cluster) {
	writer := signIn(t, c.idp, c.base, "writer")
	th := writer.ask(t, c.base, "Scanner skips every other page in duplex mode",
		"The feeder takes both sides but the file has only the front ones")
	instances := c.live()
	if len(instances) < 2 {
		t.Fatalf("%d instances running, want at least 2", len(instances))
	}
	// A visitor reads the replica, which has the question a moment later.
	err := waitFor(replicaMaxLag+healthPeriod, func() error {
		p, err := fetch(visitor().step, c.base+th.path)
		if err == nil && p.status != http.StatusOK {
			err = fmt.Errorf("status %d", p.status)
		}
		return err
	})
	if err != nil {
		t.Fatalf("a visitor cannot read the question just asked: %v", err)
	}

	c.redis.stop()
	stopped := time.Now()
	anon := visitor()
	for _, path := range []string{"/", th.path} {
		for range 2 * len(instances) {
			if p := mustFetch(t, anon.step, c.base+path); p.status != http.StatusOK {
				t.Errorf("Redis stopped: visitor GET %s through HAProxy: status %d, want 200", path, p.status)
			}
			if p := mustFetch(t, writer.step, c.base+path); p.status != http.StatusOK {
				t.Errorf("Redis stopped: signed-in GET %s through HAProxy: status %d, want 200", path, p.status)
			}
		}
	}
	body := "Cleaning the second roller fixed it for me"
	id, loc := writer.mustReply(t, c.base, th, body)
	at := *loc
	at.Fragment = ""
	if p := mustFetch(t, writer.step, at.String()); p.status != http.StatusOK || !showsPost(p.body, id, body) {
		t.Errorf("Redis stopped: the reply posted is not on %s (status %d)", at.RequestURI(), p.status)
	}
	for i := range searchLimit + 3 {
		p := mustFetch(t, writer.step, c.base+"/search?q=scanner")
		if p.status != http.StatusOK {
			t.Errorf("Redis stopped: search %d of a budget of %d: status %d, want 200 (limits fail open)", i+1, searchLimit, p.status)
		}
		if v := p.header.Get("X-RateLimit-Remaining"); v != "" {
			t.Errorf("Redis stopped: search %d was counted (X-RateLimit-Remaining: %s)", i+1, v)
		}
	}
	var said []string
	for _, in := range instances {
		if logHas(in.logPath, "rate limit unavailable") {
			said = append(said, in.name)
		}
	}
	if len(said) == 0 {
		t.Errorf("Redis stopped: no instance logged %q", "rate limit unavailable")
	}
	t.Logf("Redis stopped: pages, a reply and %d searches served in %v; %v logged the rate limit unavailable",
		searchLimit+3, time.Since(stopped).Round(time.Millisecond), said)

	if err := c.redis.start(); err != nil {
		t.Fatal(err)
	}
	restarted := time.Now()
	var allowed int
	err = waitFor(10*time.Second, func() error {
		p, err := fetch(writer.step, c.base+"/search?q=scanner")
		if err != nil {
			return err
		}
		switch p.status {
		case http.StatusOK:
			allowed++
			return fmt.Errorf("search allowed (%d so far)", allowed)
		case http.StatusTooManyRequests:
			if p.header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
			return nil
		}
		return fmt.Errorf("search: status %d", p.status)
	})
	if err != nil {
		t.Errorf("Redis back: the search budget of %d is not counted again within 10s: %v", searchLimit, err)
	} else {
		t.Logf("Redis back: a search refused with 429 %v later, after %d allowed", time.Since(restarted).Round(time.Millisecond), allowed)
	}

	// The page cache of B serves again, and hears a write made on A.
	a, b := instances[0], instances[1]
	pageOnB := b.base() + th.path
	var hits float64
	err = waitFor(10*time.Second, func() error {
		m, err := scrape(b.base())
		if err != nil {
			return err
		}
		before, _ := m.get("hiroba_page_cache_lookups_total", "result", "hit")
		for range 2 {
			if _, err := fetch(anon.step, pageOnB); err != nil {
				return err
			}
		}
		if m, err = scrape(b.base()); err != nil {
			return err
		}
		if hits, _ = m.get("hiroba_page_cache_lookups_total", "result", "hit"); hits <= before {
			return fmt.Errorf("%s served no page from its cache", b.name)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Redis back: %v", err)
	}
	m, err := scrape(b.base())
	if err != nil {
		t.Fatal(err)
	}
	heard, _ := m.get("hiroba_page_cache_invalidations_total")
	body = "Same here and the roller was the cause"
	id, _ = writer.mustReply(t, a.base(), th, body)
	wrote := time.Now()
	err = waitFor(5*time.Second, func() error {
		m, err := scrape(b.base())
		if err != nil {
			return err
		}
		if n, _ := m.get("hiroba_page_cache_invalidations_total"); n <= heard {
			return fmt.Errorf("%s heard no invalidation", b.name)
		}
		p, err := fetch(anon.step, pageOnB)
		if err != nil {
			return err
		}
		if !showsPost(p.body, id, body) {
			return fmt.Errorf("a visitor on %s does not see reply p%d", b.name, id)
		}
		return nil
	})
	if err != nil {
		t.Errorf("Redis back: a reply on %s does not reach %s's page cache: %v", a.name, b.name, err)
	} else {
		t.Logf("Redis back: reply on %s dropped %s's cached page within %v", a.name, b.name, time.Since(wrote).Round(time.Millisecond))
	}
}

func shownOrMissing(shown bool) string {
	if shown {
		return "shown"
	}
	return "missing"
}
