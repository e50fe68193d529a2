package scaleout

// c: an instance killed with SIGKILL while signed-in people read and reply
// through HAProxy. Only the requests it was answering at that moment may
// fail; HAProxy sends everything after to the others; every reply the
// forum acknowledged is in the database.

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	loadWorkers = 8
	loadFor     = 6 * time.Second
	killAfter   = 2 * time.Second
)

// request is one request of the load, timed from the load's start.
type request struct {
	kind       string // reply, read, visit
	start, end time.Duration
	status     int
	err        error
	postID     int64 // a reply the forum acknowledged
	body       string
}

func (r request) failed() bool {
	if r.kind == "reply" {
		return r.postID == 0 && !errors.Is(r.err, errRefused)
	}
	return r.err != nil || r.status != http.StatusOK
}

func (r request) String() string {
	what := fmt.Sprintf("status %d", r.status)
	if r.err != nil {
		what = r.err.Error()
	}
	return fmt.Sprintf("%s %v–%v: %s", r.kind, r.start.Round(time.Millisecond), r.end.Round(time.Millisecond), what)
}

func testKillUnderLoad(t *testing.T, c *cluster) {
	if len(c.live()) != len(c.instances) {
		t.Fatalf("%d of %d instances running before the load", len(c.live()), len(c.instances))
	}
	type worker struct {
		member, anon *browser
		token        string
	}
	workers := make([]worker, loadWorkers)
	var th thread
	for i := range workers {
		b := signIn(t, c.idp, c.base, fmt.Sprintf("loader%d", i+1))
		if i == 0 {
			th = b.ask(t, c.base, "Sync stalls while the server restarts", "The client waits forever and never retries on its own")
		}
		workers[i] = worker{member: b, anon: visitor(), token: b.token(t, c.base+th.path)}
	}

	victim := c.instances[1]
	var inflight atomic.Int64
	results := make([][]request, loadWorkers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			me := workers[w]
			for n := 0; time.Since(start) < loadFor; n++ {
				r := request{start: time.Since(start)}
				inflight.Add(1)
				var p page
				switch n % 3 {
				case 0:
					r.kind = "reply"
					r.body = fmt.Sprintf("Reply %d of loader %d and restarting the sync service helped", n/3+1, w+1)
					r.postID, _, r.err = me.member.reply(c.base, th.id, me.token, r.body)
				case 1:
					r.kind = "read"
					p, r.err = fetch(me.member.step, c.base+th.path)
				case 2:
					r.kind = "visit"
					p, r.err = fetch(me.anon.step, c.base+th.path)
				}
				inflight.Add(-1)
				r.end, r.status = time.Since(start), p.status
				results[w] = append(results[w], r)
			}
		}()
	}

	time.Sleep(killAfter)
	inflightAtKill := inflight.Load()
	killAt := time.Since(start)
	victim.proc.kill()
	killed := time.Since(start)
	downAt := time.Duration(-1)
	for downAt < 0 && time.Since(start) < loadFor {
		if st, err := c.lb.servers(); err == nil && strings.HasPrefix(st[victim.name], "DOWN") {
			downAt = time.Since(start)
		}
		time.Sleep(20 * time.Millisecond)
	}
	wg.Wait()

	var all []request
	for _, rs := range results {
		all = append(all, rs...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].start < all[j].start })
	count := map[string]int{}
	var failed, late []request
	var acked []request
	overlapping, servedAfter := 0, 0
	for _, r := range all {
		count[r.kind]++
		if r.start < killed && r.end > killAt {
			overlapping++
		}
		switch {
		case errors.Is(r.err, errRefused):
			count["refused"]++
		case r.failed():
			failed = append(failed, r)
			if r.start >= killed+healthPeriod {
				late = append(late, r)
			}
		case r.start >= killed+healthPeriod:
			servedAfter++
		}
		if r.postID != 0 {
			acked = append(acked, r)
		}
	}
	t.Logf("load: %d requests by %d workers in %v (%d replies, %d signed-in reads, %d visitor reads); %s killed at %v with %d requests in flight (%d overlapping the kill)",
		len(all), loadWorkers, loadFor, count["reply"], count["read"], count["visit"], victim.name, killAt.Round(time.Millisecond), inflightAtKill, overlapping)
	if downAt >= 0 {
		t.Logf("HAProxy marked %s DOWN %v after the kill", victim.name, (downAt - killed).Round(time.Millisecond))
	} else {
		t.Errorf("HAProxy did not mark %s DOWN before the load ended", victim.name)
	}
	t.Logf("failed: %d %v; replies acknowledged: %d, refused: %d", len(failed), failed, len(acked), count["refused"])

	if len(failed) > overlapping {
		t.Errorf("%d requests failed, more than the %d in flight when %s was killed: %v", len(failed), overlapping, victim.name, failed)
	}
	if len(late) > 0 {
		t.Errorf("%d requests started %v or more after the kill failed: %v", len(late), healthPeriod, late)
	}
	if servedAfter == 0 {
		t.Errorf("no request was served %v after the kill", healthPeriod)
	}
	if count["refused"] > 0 {
		t.Errorf("%d replies were refused by the posting rules: the load does not test what it should", count["refused"])
	}
	if len(acked) < 10 {
		t.Errorf("only %d replies acknowledged in %v: too little load to mean anything", len(acked), loadFor)
	}

	ids := make([]int64, len(acked))
	for i, r := range acked {
		ids[i] = r.postID
	}
	ctx, cancel := pgCtx()
	defer cancel()
	stored, err := postSources(ctx, c.pg.PrimaryURL, ids)
	if err != nil {
		t.Fatal(err)
	}
	lost := 0
	for _, r := range acked {
		if got, ok := stored[r.postID]; !ok || strings.TrimSpace(got) != r.body {
			lost++
			t.Errorf("acknowledged reply p%d (%s) is not in the database as written: %q", r.postID, r, got)
		}
	}
	if lost == 0 {
		t.Logf("all %d acknowledged replies are in the database", len(acked))
	}

	// Back for the next subtests: the same address, and HAProxy sends it
	// requests again once two checks pass.
	if err := victim.start(c.bin); err != nil {
		t.Fatal(err)
	}
	restarted := time.Now()
	err = waitFor(5*time.Second, func() error {
		st, err := c.lb.servers()
		if err == nil && !strings.HasPrefix(st[victim.name], "UP") {
			err = fmt.Errorf("%s is %q", victim.name, st[victim.name])
		}
		return err
	})
	if err != nil {
		t.Errorf("restarted %s: HAProxy has not taken it back: %v", victim.name, err)
	} else {
		t.Logf("restarted %s: UP in HAProxy %v after /readyz answered", victim.name, time.Since(restarted).Round(time.Millisecond))
	}
}
