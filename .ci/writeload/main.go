// Command writeload measures the write path of a running forum: replies
// from many signed-in accounts, sent at a fixed rate, while readers load
// thread pages beside them. .ci/loadtest --writes builds and runs it; see
// there for the server's set-up (budgets and posting rules for the run).
//
// Accounts sign in through the development sign-in, which the server only
// offers on a loopback address, so this only ever talks to 127.0.0.1.
//
// Writers are open-loop: a reply is due every 1/rate seconds whether or not
// the ones before it came back, and each reply's latency counts from when it
// was due, so a server that falls behind shows it in the percentiles rather
// than by quietly sending fewer. -rate 0 is closed-loop instead: -inflight
// writers each send their next reply when the last one returns, for the
// most the server can take.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "the forum, on 127.0.0.1")
	accounts := flag.Int("accounts", 200, "accounts that post, signed in before the run")
	rate := flag.Float64("rate", 200, "replies per second, open-loop; 0: closed-loop with -inflight writers")
	inflight := flag.Int("inflight", 128, "most replies waiting at once (open-loop) or writers (closed-loop)")
	duration := flag.Duration("duration", 20*time.Second, "how long replies are sent")
	readers := flag.Int("readers", 8, "reader connections loading thread pages beside the writers")
	threads := flag.String("threads", "", "comma-separated thread ids to reply to and read")
	started := flag.String("started", "", "a file made once the accounts have signed in; the replies start when it is removed, so a script can start its clocks between")
	flood := flag.Bool("flood", false, "the flood instead (see flood.go): questions and me-toos from new accounts on every -bases instance while -streams live readers watch -incident")
	bases := flag.String("bases", "", "with -flood: comma-separated instances")
	questions := flag.Int("questions", 1000, "with -flood: new questions")
	meToos := flag.Int("metoos", 5000, "with -flood: me-toos (each account once on the incident thread, the rest on new questions)")
	streams := flag.Int("streams", 2000, "with -flood: live readers of the incident thread")
	incident := flag.String("incident", "", "with -flood: the incident thread's id")
	category := flag.String("category", "1", "with -flood: the category questions are asked in")
	pids := flag.String("pids", "", "with -flood: the instances' process ids, to read their memory")
	flag.Parse()
	if *flood {
		p := floodPlan{bases: strings.Split(*bases, ","), accounts: *accounts, questions: *questions, meToos: *meToos,
			streams: *streams, readers: *readers, duration: *duration, incident: *incident, category: *category, pids: *pids}
		acked, err := runFlood(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "writeload:", err)
			os.Exit(1)
		}
		// A person says it once a thread: pressing again is acknowledged
		// and changes nothing, so what the database must hold is the
		// distinct pairs.
		pairs, incident := map[meTooAck]bool{}, 0
		for _, m := range acked.meToos {
			if !pairs[m] && m.thread == p.incident {
				incident++
			}
			pairs[m] = true
		}
		// For .ci/floodbench to compare with the database.
		fmt.Printf("ACKED questions=%d metoos=%d incident=%d\n", acked.questions, len(pairs), incident)
		return
	}
	if err := run(*base, *accounts, *rate, *inflight, *duration, *readers, *threads, *started); err != nil {
		fmt.Fprintln(os.Stderr, "writeload:", err)
		os.Exit(1)
	}
}

func run(base string, accounts int, rate float64, inflight int, duration time.Duration, readers int, threadList, started string) error {
	u, err := url.Parse(base)
	if err != nil || u.Hostname() != "127.0.0.1" {
		return fmt.Errorf("-base must be an http address on 127.0.0.1, not %q", base)
	}
	if accounts < 1 || inflight < 1 || readers < 0 || rate < 0 || duration <= 0 || duration > 10*time.Minute {
		return errors.New("bad -accounts, -inflight, -readers, -rate or -duration (at most 10m)")
	}
	var ids []string
	for _, id := range strings.Split(threadList, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return errors.New("-threads: no thread ids")
	}
	client := &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConns:        inflight + readers + 16,
			MaxIdleConnsPerHost: inflight + readers + 16,
		},
	}
	start := time.Now()
	signedIn, err := signInAll(client, base, accounts)
	if err != nil {
		return err
	}
	fmt.Printf("signed in %d accounts in %v\n", len(signedIn), time.Since(start).Round(time.Millisecond))
	pages, err := threadPages(client, base, ids)
	if err != nil {
		return err
	}

	if started != "" {
		if err := waitForGo(started); err != nil {
			return err
		}
	}
	stop := make(chan struct{})
	var readWG sync.WaitGroup
	readLat := make([][]time.Duration, readers)
	var readErrors atomic.Int64
	for r := range readers {
		readWG.Add(1)
		go func() {
			defer readWG.Done()
			for i := r; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				t0 := time.Now()
				status, _, err := do(client, "GET", pages[i%len(pages)], "", "")
				if err != nil || status != http.StatusOK {
					readErrors.Add(1)
					continue
				}
				readLat[r] = append(readLat[r], time.Since(t0))
			}
		}()
	}

	var (
		mu        sync.Mutex
		writeLat  []time.Duration
		posted    atomic.Int64
		refused   atomic.Int64
		failed    atomic.Int64
		late      atomic.Int64
		seq       atomic.Int64
		statusMu  sync.Mutex
		statuses  = map[string]int{}
		writeWG   sync.WaitGroup
		slots     = make(chan struct{}, inflight)
		writeFrom = time.Now()
	)
	reply := func(due time.Time) {
		n := seq.Add(1)
		acct := signedIn[int(n)%len(signedIn)]
		thread := ids[rand.IntN(len(ids))]
		// Every body differs, or the duplicate rule would refuse it.
		body := fmt.Sprintf("Reply %d from %s: have you tried **clearing the cache** and signing in again? "+
			"It fixed the same error for me on version 4.%d. See the [status page](https://example.com/status/%d).", n, acct.name, n%9, n)
		form := url.Values{"body": {body}, "_csrf": {acct.csrf}}
		status, loc, err := do(client, "POST", base+"/t/"+thread+"/replies", form.Encode(), acct.cookies)
		took := time.Since(due)
		switch {
		case err != nil:
			failed.Add(1)
			statusMu.Lock()
			statuses["error"]++
			statusMu.Unlock()
			return
		case status == http.StatusSeeOther && !strings.Contains(loc, "reply=kept"):
			posted.Add(1)
		case status == http.StatusSeeOther:
			refused.Add(1) // kept beside the form: a posting rule or budget said no
		default:
			failed.Add(1)
		}
		statusMu.Lock()
		key := fmt.Sprint(status)
		if status == http.StatusSeeOther && strings.Contains(loc, "reply=kept") {
			key = "303 kept"
		}
		statuses[key]++
		statusMu.Unlock()
		mu.Lock()
		writeLat = append(writeLat, took)
		mu.Unlock()
	}
	if rate > 0 {
		interval := time.Duration(float64(time.Second) / rate)
		for due := writeFrom; time.Since(writeFrom) < duration; due = due.Add(interval) {
			if d := time.Until(due); d > 0 {
				time.Sleep(d)
			}
			select {
			case slots <- struct{}{}:
			default:
				late.Add(1) // every slot busy: the server is far behind
				continue
			}
			writeWG.Add(1)
			go func(due time.Time) {
				defer func() { <-slots; writeWG.Done() }()
				reply(due)
			}(due)
		}
	} else {
		for range inflight {
			writeWG.Add(1)
			go func() {
				defer writeWG.Done()
				for time.Since(writeFrom) < duration {
					reply(time.Now())
				}
			}()
		}
	}
	writeWG.Wait()
	elapsed := time.Since(writeFrom)
	close(stop)
	readWG.Wait()

	var reads []time.Duration
	for _, l := range readLat {
		reads = append(reads, l...)
	}
	mode := fmt.Sprintf("open-loop at %.0f/s, at most %d waiting", rate, inflight)
	if rate == 0 {
		mode = fmt.Sprintf("closed-loop, %d writers", inflight)
	}
	fmt.Printf("\n== writes (%s, %d accounts, %d threads, %v)\n", mode, len(signedIn), len(ids), elapsed.Round(time.Millisecond))
	fmt.Printf("%-22s %.1f\n", "posts/s", float64(posted.Load())/elapsed.Seconds())
	fmt.Printf("%-22s %d posted, %d refused (kept), %d failed, %d not sent (all slots busy)\n", "replies", posted.Load(), refused.Load(), failed.Load(), late.Load())
	fmt.Printf("%-22s %s\n", "statuses", formatStatuses(statuses))
	fmt.Printf("%-22s %s\n", "post latency", percentiles(writeLat))
	fmt.Printf("\n== reads (%d connections, %d thread pages)\n", readers, len(pages))
	fmt.Printf("%-22s %.1f (%d errors)\n", "pages/s", float64(len(reads))/elapsed.Seconds(), readErrors.Load())
	fmt.Printf("%-22s %s\n", "page latency", percentiles(reads))
	return nil
}

// account is one signed-in browser: its cookies and its form token, and
// the instance it signed in on.
type account struct {
	name, csrf, cookies, base string
}

// errUnavailable is a 503: the server asks to be tried again.
var errUnavailable = errors.New("service unavailable")

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signInAll signs the accounts in through the development sign-in, a few
// at a time.
func signInAll(client *http.Client, base string, n int) ([]account, error) {
	return signInAllAs(client, base, n, "load")
}

// signInAllAs is signInAll with usernames starting with prefix.
func signInAllAs(client *http.Client, base string, n int, prefix string) ([]account, error) {
	out := make([]account, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			name := fmt.Sprintf("%s%03d", prefix, i)
			a, err := signIn(client, base, name)
			for try := 1; errors.Is(err, errUnavailable) && try < 5; try++ {
				time.Sleep(time.Duration(try) * 100 * time.Millisecond)
				a, err = signIn(client, base, name)
			}
			if err != nil {
				errs <- err
				return
			}
			out[i] = a
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return out, nil
}

func signIn(client *http.Client, base, name string) (account, error) {
	resp, err := client.Get(base + "/login")
	if err != nil {
		return account{}, err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(page)
	if m == nil {
		return account{}, fmt.Errorf("sign in %s: no development sign-in form at /login (is the server on 127.0.0.1 without OAuth providers?)", name)
	}
	a := account{name: name, csrf: string(m[1])}
	jar := map[string]string{}
	keep := func(r *http.Response) {
		for _, c := range r.Cookies() {
			jar[c.Name] = c.Value
		}
	}
	keep(resp)
	cookies := func() string {
		var parts []string
		for k, v := range jar {
			parts = append(parts, k+"="+v)
		}
		return strings.Join(parts, "; ")
	}
	form := url.Values{"username": {name}, "next": {"/"}, "_csrf": {a.csrf}}
	req, _ := http.NewRequest("POST", base+"/auth/dev", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", cookies())
	resp, err = client.Do(req)
	if err != nil {
		return account{}, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	keep(resp)
	if resp.StatusCode == http.StatusServiceUnavailable {
		return account{}, fmt.Errorf("sign in %s: %w", name, errUnavailable)
	}
	if resp.StatusCode != http.StatusSeeOther || jar["hiroba_session"] == "" {
		return account{}, fmt.Errorf("sign in %s: status %d without a session (HIROBA_LIMIT_SIGNIN high enough?)", name, resp.StatusCode)
	}
	a.cookies = cookies()
	return a, nil
}

// threadPages resolves each thread's address to the page readers load.
func threadPages(client *http.Client, base string, ids []string) ([]string, error) {
	var pages []string
	for _, id := range ids {
		status, loc, err := do(client, "GET", base+"/t/"+id, "", "")
		if err != nil {
			return nil, err
		}
		switch {
		case status >= 300 && status < 400 && loc != "":
			pages = append(pages, base+loc)
		case status == http.StatusOK:
			pages = append(pages, base+"/t/"+id)
		default:
			return nil, fmt.Errorf("thread %s: status %d", id, status)
		}
	}
	return pages, nil
}

// do sends one request and reads the whole response, so the connection is
// reused.
func do(client *http.Client, method, target, form, cookies string) (int, string, error) {
	var body io.Reader
	if form != "" {
		body = strings.NewReader(form)
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		return 0, "", err
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookies != "" {
		req.Header.Set("Cookie", cookies)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), err
}

func percentiles(d []time.Duration) string {
	if len(d) == 0 {
		return "no samples"
	}
	slices.Sort(d)
	at := func(p float64) time.Duration {
		return d[min(len(d)-1, int(p*float64(len(d))))].Round(100 * time.Microsecond)
	}
	return fmt.Sprintf("p50 %v  p90 %v  p99 %v  max %v  (%d)", at(0.50), at(0.90), at(0.99), d[len(d)-1].Round(100*time.Microsecond), len(d))
}

func formatStatuses(m map[string]int) string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s: %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// waitForGo makes the file and waits until it is removed.
func waitForGo(file string) error {
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		return err
	}
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
			return nil
		}
	}
	return fmt.Errorf("-started: %s was not removed within a minute", file)
}
