package main

// The flood: the hour the product breaks. New accounts arrive on every
// instance at once, ask questions and say "I have this problem too", while
// thousands of readers hold the incident thread open for live updates and
// visitors reload it. .ci/floodbench starts the instances and runs this
// with -flood.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// floodPlan is what a flood run does.
type floodPlan struct {
	bases     []string // the instances, on 127.0.0.1
	accounts  int
	questions int
	meToos    int // in all; each account says it once on the incident thread, the rest on new questions
	streams   int // live readers of the incident thread, spread over the instances
	readers   int // connections loading the incident thread as visitors
	duration  time.Duration
	incident  string // the incident thread's id
	category  string
	pids      string // the instances' process ids, comma-separated, to read their memory
}

// runFlood runs the plan and prints what it measured. acked reports what
// the forum acknowledged, for the caller to compare with the database.
func runFlood(p floodPlan) (acked floodAcks, err error) {
	client := &http.Client{
		Timeout:       60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 256},
	}
	// Accounts sign in on the instance they will write through, so each
	// instance carries half of everything.
	start := time.Now()
	var accts []account
	for i, base := range p.bases {
		n := p.accounts / len(p.bases)
		if i == 0 {
			n += p.accounts % len(p.bases)
		}
		got, err := signInAllAs(client, base, n, fmt.Sprintf("flood%d-", i))
		if err != nil {
			return acked, err
		}
		for j := range got {
			got[j].base = base
		}
		accts = append(accts, got...)
	}
	fmt.Printf("signed in %d accounts on %d instances in %v\n", len(accts), len(p.bases), time.Since(start).Round(time.Millisecond))

	// The live readers: one stream each, held for the whole run.
	rssBefore := rss(p.pids)
	watch := newWatchers(p.streams)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	streamClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: p.streams, MaxConnsPerHost: 0}}
	var opened atomic.Int64
	var streamWG sync.WaitGroup
	for i := range p.streams {
		streamWG.Add(1)
		go func() {
			defer streamWG.Done()
			watch.follow(ctx, streamClient, p.bases[i%len(p.bases)]+"/t/"+p.incident+"/events", i, &opened)
		}()
	}
	for deadline := time.Now().Add(60 * time.Second); opened.Load() < int64(p.streams) && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second) // let the first events go out
	if n := opened.Load(); n > 0 && rssBefore > 0 {
		fmt.Printf("opened %d of %d live streams: the instances' memory grew %.1f KiB per stream\n",
			n, p.streams, float64(rss(p.pids)-rssBefore)/1024/float64(n))
	} else {
		fmt.Printf("opened %d of %d live streams\n", n, p.streams)
	}

	// Visitors reloading the incident thread on every instance.
	stop := make(chan struct{})
	var readWG sync.WaitGroup
	readLat := make([][]time.Duration, p.readers)
	var readErrors atomic.Int64
	for r := range p.readers {
		readWG.Add(1)
		go func() {
			defer readWG.Done()
			target := p.bases[r%len(p.bases)] + "/t/" + p.incident
			for {
				select {
				case <-stop:
					return
				default:
				}
				t0 := time.Now()
				status, loc, err := do(client, "GET", target, "", "")
				if err == nil && (status == http.StatusMovedPermanently || status == http.StatusFound || status == http.StatusSeeOther) {
					target = p.bases[r%len(p.bases)] + loc
					continue
				}
				if err != nil || status != http.StatusOK {
					readErrors.Add(1)
					continue
				}
				readLat[r] = append(readLat[r], time.Since(t0))
			}
		}()
	}

	// The writes, open-loop over the run: every question and me-too is due
	// at its moment whether or not the ones before came back.
	type write struct {
		kind string // "question" or "metoo"
		acct int
	}
	var writes []write
	for i := range p.questions {
		writes = append(writes, write{"question", i % len(accts)})
	}
	for i := range p.meToos {
		writes = append(writes, write{"metoo", i % len(accts)})
	}
	rand.Shuffle(len(writes), func(i, j int) { writes[i], writes[j] = writes[j], writes[i] })
	var (
		mu                  sync.Mutex
		postLat             []time.Duration
		incidentAcks        []time.Time // when each me-too on the incident thread was acknowledged
		statuses            = map[string]int{}
		newThreads          = make(chan string, p.questions)
		saidOnIncident      = make([]atomic.Bool, len(accts))
		wg                  sync.WaitGroup
		interval            = p.duration / time.Duration(max(len(writes), 1))
		from                = time.Now()
		questionsAck, meAck atomic.Int64
	)
	record := func(key string, took time.Duration) {
		mu.Lock()
		statuses[key]++
		postLat = append(postLat, took)
		mu.Unlock()
	}
	for i, w := range writes {
		due := from.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := accts[w.acct]
			switch w.kind {
			case "question":
				form := url.Values{"_csrf": {a.csrf}, "category": {p.category},
					"title": {fmt.Sprintf("Login loop after the update (%s, %d)", a.name, i)},
					"body":  {fmt.Sprintf("Since this morning signing in sends me back to the login page, error 429 then 500. Attempt %d from %s.", i, a.name)}}
				status, loc, err := do(client, "POST", a.base+"/new", form.Encode(), a.cookies)
				took := time.Since(due)
				if err == nil && status == http.StatusSeeOther && strings.HasPrefix(loc, "/t/") {
					questionsAck.Add(1)
					newThreads <- strings.SplitN(strings.TrimPrefix(loc, "/t/"), "/", 2)[0]
					record("question 303", took)
					return
				}
				record(fmt.Sprintf("question %d%s", status, errText(err)), took)
			case "metoo":
				thread := p.incident
				if !saidOnIncident[w.acct].CompareAndSwap(false, true) {
					select {
					case thread = <-newThreads:
						newThreads <- thread // others may say it there too
					default:
						record("metoo skipped (no question yet)", 0)
						return
					}
				}
				form := url.Values{"_csrf": {a.csrf}, "next": {"/t/" + thread}}
				status, _, err := do(client, "POST", a.base+"/t/"+thread+"/me-too", form.Encode(), a.cookies)
				took := time.Since(due)
				if err == nil && status == http.StatusSeeOther {
					meAck.Add(1)
					mu.Lock()
					acked.meToos = append(acked.meToos, meTooAck{user: a.name, thread: thread})
					if thread == p.incident {
						incidentAcks = append(incidentAcks, time.Now())
					}
					mu.Unlock()
					record("metoo 303", took)
					return
				}
				record(fmt.Sprintf("metoo %d%s", status, errText(err)), took)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(from)
	// Give the last events a moment to arrive before the streams close.
	time.Sleep(2 * time.Second)
	close(stop)
	readWG.Wait()
	cancel()
	streamWG.Wait()

	acked.questions = questionsAck.Load()
	var reads []time.Duration
	for _, l := range readLat {
		reads = append(reads, l...)
	}
	fmt.Printf("\n== flood (%d instances, %d accounts, %v)\n", len(p.bases), len(accts), elapsed.Round(time.Millisecond))
	fmt.Printf("%-24s %d questions, %d me-toos acknowledged (%d on the incident thread)\n", "acknowledged", acked.questions, meAck.Load(), len(incidentAcks))
	fmt.Printf("%-24s %s\n", "statuses", formatStatuses(statuses))
	fmt.Printf("%-24s %s\n", "posting latency", percentiles(postLat))
	fmt.Printf("%-24s %.1f pages/s (%d errors) %s\n", "visitors on the thread", float64(len(reads))/elapsed.Seconds(), readErrors.Load(), percentiles(reads))
	delays, missing := watch.delays(incidentAcks)
	fmt.Printf("%-24s %s\n", "live delivery delay", percentiles(delays))
	fmt.Printf("%-24s %d streams x acknowledged me-toos never shown (of %d)\n", "live, never delivered", missing, len(delays)+missing)
	fmt.Printf("%-24s %d streams ended early\n", "live streams dropped", watch.dropped.Load())
	return acked, nil
}

func errText(err error) string {
	if err != nil {
		return " (" + err.Error() + ")"
	}
	return ""
}

// floodAcks is what the forum said it took.
type floodAcks struct {
	questions int64
	meToos    []meTooAck
}

type meTooAck struct{ user, thread string }

// watchers are the live readers: for each, when it first saw each me-too
// count of the incident thread.
type watchers struct {
	mu      sync.Mutex
	seen    [][]countSeen
	dropped atomic.Int64
}

type countSeen struct {
	count int
	at    time.Time
}

func newWatchers(n int) *watchers { return &watchers{seen: make([][]countSeen, n)} }

// follow reads one event stream until ctx ends, reconnecting with
// Last-Event-ID as a browser would.
func (w *watchers) follow(ctx context.Context, client *http.Client, target string, i int, opened *atomic.Int64) {
	last, counted := "", false
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, "GET", target, nil)
		req.Header.Set("Accept", "text/event-stream")
		if last != "" {
			req.Header.Set("Last-Event-ID", last)
		}
		resp, err := client.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			if resp != nil {
				resp.Body.Close()
			}
			if ctx.Err() == nil {
				w.dropped.Add(1)
				time.Sleep(500 * time.Millisecond)
			}
			continue
		}
		if !counted {
			opened.Add(1)
			counted = true
		}
		sc := bufio.NewScanner(resp.Body)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				last = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && event == "metoo":
				var m struct{ Count int }
				if json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &m) == nil {
					w.mu.Lock()
					w.seen[i] = append(w.seen[i], countSeen{m.Count, time.Now()})
					w.mu.Unlock()
				}
			case line == "":
				event = ""
			}
		}
		resp.Body.Close()
		if ctx.Err() == nil && !errors.Is(sc.Err(), context.Canceled) {
			w.dropped.Add(1)
		}
	}
}

// delays measures, for every stream and every acknowledged me-too on the
// incident thread, the time from its acknowledgement to the stream's first
// count that includes it: once k me-toos were acknowledged, the count is at
// least k, so the k-th acknowledgement is shown by the first event with a
// count of k or more. A count a stream never reached is missing.
func (w *watchers) delays(acks []time.Time) (out []time.Duration, missing int) {
	slices.SortFunc(acks, func(a, b time.Time) int { return a.Compare(b) })
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, seen := range w.seen {
		j := 0
		for k, at := range acks {
			for j < len(seen) && seen[j].count < k+1 {
				j++
			}
			if j == len(seen) {
				missing += len(acks) - k
				break
			}
			out = append(out, max(seen[j].at.Sub(at), 0))
		}
	}
	return out, missing
}

// rss is the resident memory of the processes, in bytes; 0 when it cannot
// be read.
func rss(pids string) int64 {
	var total int64
	for _, pid := range strings.Split(pids, ",") {
		if pid = strings.TrimSpace(pid); pid == "" {
			continue
		}
		data, err := os.ReadFile("/proc/" + pid + "/status")
		if err != nil {
			return 0
		}
		for _, line := range strings.Split(string(data), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				total += kb * 1024
			}
		}
	}
	return total
}
