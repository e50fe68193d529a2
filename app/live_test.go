package app

// A thread's live events, read as a browser reads them, from a whole forum
// on a loopback port: new replies reach a reader within a second, a
// reconnecting reader is told what it missed, each reader counts only what
// they may see, the bounds refuse with a status and Retry-After, quiet
// streams are kept alive and then closed, shutting down does not wait on
// them, and the page cache stays out of their way.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"hiroba/handlers/forwarded"
	"hiroba/handlers/live"
	"hiroba/handlers/ratelimit"
	"hiroba/migrations"
	"hiroba/models"
)

// sseEvent is one event of a stream, or a comment (a heartbeat).
type sseEvent struct {
	ID, Name, Data string
	Comment        bool
}

// sseStream is a live stream as a browser's EventSource reads it.
type sseStream struct {
	resp   *http.Response
	events chan sseEvent
	cancel context.CancelFunc
}

// openEvents opens a stream with the cookies of jarFrom (nil: a visitor)
// and the headers given; the response is returned whatever its status.
func openEvents(t *testing.T, jarFrom *http.Client, rawURL string, header http.Header) *sseStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	for k, vs := range header {
		req.Header[k] = vs
	}
	client := &http.Client{}
	if jarFrom != nil {
		client.Jar = jarFrom.Jar
	}
	resp, err := client.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	s := &sseStream{resp: resp, events: make(chan sseEvent, 64), cancel: cancel}
	t.Cleanup(s.close)
	if resp.StatusCode != http.StatusOK {
		close(s.events)
		return s
	}
	go func() {
		defer close(s.events)
		r := bufio.NewReader(resp.Body)
		var ev sseEvent
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimSuffix(line, "\n")
			switch {
			case line == "":
				if ev.Name != "" || ev.Data != "" {
					s.events <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, ":"):
				s.events <- sseEvent{Comment: true}
			case strings.HasPrefix(line, "id: "):
				ev.ID = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				ev.Name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.Data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return s
}

func (s *sseStream) close() {
	s.cancel()
	s.resp.Body.Close()
}

// next waits up to within for the next event named name, skipping others.
func (s *sseStream) next(t *testing.T, name string, within time.Duration) sseEvent {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatalf("the stream ended before a %q event", name)
			}
			if ev.Name == name || name == ":" && ev.Comment {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %q event within %v", name, within)
		}
	}
}

// replies reads the next "replies" event.
func (s *sseStream) replies(t *testing.T, within time.Duration) (live.Replies, sseEvent) {
	t.Helper()
	ev := s.next(t, "replies", within)
	var r live.Replies
	if err := json.Unmarshal([]byte(ev.Data), &r); err != nil {
		t.Fatalf("replies event %q: %v", ev.Data, err)
	}
	return r, ev
}

// ended waits for the stream to end, and fails if it says more than
// comments and the events named in allowed first.
func (s *sseStream) ended(t *testing.T, within time.Duration, allowed ...string) {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return
			}
			if !ev.Comment && !slices.Contains(allowed, ev.Name) {
				t.Fatalf("the stream said %s %s before ending", ev.Name, ev.Data)
			}
		case <-deadline:
			t.Fatalf("the stream is still open after %v", within)
		}
	}
}

var lastPostPattern = regexp.MustCompile(`data-last-post="(\d+)"`)

// liveThread is a new question by the signed-in writer: its path, its
// events' address and the last post id its page shows a visitor.
func liveThread(t *testing.T, writer *http.Client, base, title string) (path, events, last string) {
	t.Helper()
	path = redirectTo(t, submitQuestion(t, writer, base, title), http.StatusSeeOther).Path
	_, page := getPage(t, http.DefaultClient, base+path)
	m := lastPostPattern.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("%s does not say where its posts end (data-last-post)", path)
	}
	id := strings.Split(strings.TrimPrefix(path, "/t/"), "/")[0]
	return path, base + "/t/" + id + "/events", m[1]
}

// replyID posts a reply and returns its post id.
func replyID(t *testing.T, br *http.Client, forum, thread, body string) string {
	t.Helper()
	token := pageToken(t, br, forum+thread)
	id := strings.Split(strings.TrimPrefix(thread, "/t/"), "/")[0]
	resp, err := br.PostForm(forum+"/t/"+id+"/replies", map[string][]string{"_csrf": {token}, "body": {body}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := redirectTo(t, resp, http.StatusSeeOther)
	if !strings.HasPrefix(loc.Fragment, "p") {
		t.Fatalf("reply %q refused: back to %s", body, loc)
	}
	return strings.TrimPrefix(loc.Fragment, "p")
}

func TestReaderHearsOfNewRepliesWithinASecond(t *testing.T) {
	cfg := testConfig(t, migrations.SQLite)
	_, base := startServer(t, cfg)
	writer := newBrowserClient(t)
	signInDev(t, writer, base, "bob")
	thread, events, last := liveThread(t, writer, base, "Sync stops at 99 percent")

	// A browser asks for compression; the stream must come as it is.
	st := openEvents(t, nil, events+"?after="+last, http.Header{"Accept-Encoding": {"gzip, br"}})
	h := st.resp.Header
	if st.resp.StatusCode != http.StatusOK || h.Get("Content-Type") != "text/event-stream" || h.Get("Cache-Control") != "no-store" ||
		h.Get("X-Accel-Buffering") != "no" || h.Get("Content-Encoding") != "" {
		t.Fatalf("GET events: %d %v", st.resp.StatusCode, h)
	}
	if r, _ := st.replies(t, 5*time.Second); r.Count != 0 {
		t.Fatalf("before any reply the reader is told of %d", r.Count)
	}
	if ev := st.next(t, "metoo", time.Second); ev.Data != `{"count":0}` {
		t.Errorf("metoo = %s, want a count of 0", ev.Data)
	}

	var delays []time.Duration
	var ids []string
	for i := 1; i <= 3; i++ {
		ids = append(ids, replyID(t, writer, base, thread, fmt.Sprintf("Try a smaller folder first, take %d.", i)))
		acked := time.Now()
		r, ev := st.replies(t, time.Second)
		delays = append(delays, time.Since(acked))
		if r.Count != i || fmt.Sprint(r.Newest) != ids[i-1] || !strings.HasSuffix(r.First, "#p"+ids[0]) || ev.ID != last {
			t.Fatalf("after reply %d: %+v (id %s), want %d new, the newest %s, starting at #p%s, id %s", i, r, ev.ID, i, ids[i-1], ids[0], last)
		}
	}
	t.Logf("a reader heard of each reply %v after the writer's 303", delays)
	if _, page := getPage(t, http.DefaultClient, base+thread); !strings.Contains(page, "take 1.") {
		t.Errorf("the replies the stream announced are not on the page")
	}

	// Gone for a while: two more replies, then the browser reconnects,
	// sending the id it was given. It hears of all five at once.
	st.close()
	for i := 4; i <= 5; i++ {
		ids = append(ids, replyID(t, writer, base, thread, fmt.Sprintf("Try a smaller folder first, take %d.", i)))
	}
	again := openEvents(t, nil, events+"?after="+last, http.Header{"Last-Event-ID": {last}})
	if r, _ := again.replies(t, 5*time.Second); r.Count != 5 || fmt.Sprint(r.Newest) != ids[4] {
		t.Errorf("resumed with Last-Event-ID %s: %+v, want the 5 replies since, the newest %s", last, r, ids[4])
	}
	// Last-Event-ID wins over the address's: the browser keeps the
	// address it first opened.
	resumed := openEvents(t, nil, events+"?after=0", http.Header{"Last-Event-ID": {ids[2]}})
	if r, _ := resumed.replies(t, 5*time.Second); r.Count != 2 {
		t.Errorf("resumed after reply 3: %+v, want the 2 replies since", r)
	}
}

func TestEachReaderCountsOnlyWhatTheyMaySee(t *testing.T) {
	ctx := t.Context()
	cfg := testConfig(t, migrations.SQLite)
	srv, base := startServer(t, cfg)
	asker, helper, mod := newBrowserClient(t), newBrowserClient(t), newBrowserClient(t)
	signInDev(t, asker, base, "bob")
	signInDev(t, helper, base, "carol")
	signInDev(t, mod, base, "mia")
	if err := srv.Store.GrantRole(ctx, "mia", models.RoleModerator); err != nil {
		t.Fatal(err)
	}
	moderator, err := srv.Store.UserByUsername(ctx, "mia")
	if err != nil {
		t.Fatal(err)
	}
	thread, events, last := liveThread(t, asker, base, "Printer prints blank pages")
	url := events + "?after=" + last
	visitor, author, staff := openEvents(t, nil, url, nil), openEvents(t, helper, url, nil), openEvents(t, mod, url, nil)
	for _, st := range []*sseStream{visitor, author, staff} {
		st.replies(t, 5*time.Second)
	}

	id := replyID(t, helper, base, thread, "Buy my printer cleaning kit.")
	for _, st := range []*sseStream{visitor, author, staff} {
		if r, _ := st.replies(t, time.Second); r.Count != 1 {
			t.Fatalf("after a public reply: %+v", r)
		}
	}
	var postID int64
	fmt.Sscan(id, &postID)
	if _, err := srv.Store.SetPostHidden(ctx, moderator, postID, true, "advertising"); err != nil {
		t.Fatal(err)
	}
	// Hidden: the visitor's count goes back to none; its author still
	// sees it (and where it stands), and so does the moderator.
	if r, _ := visitor.replies(t, time.Second); r.Count != 0 {
		t.Errorf("a visitor counts a hidden reply: %+v", r)
	}
	replyID(t, asker, base, thread, "Which driver version do you have?")
	if r, _ := visitor.replies(t, time.Second); r.Count != 1 {
		t.Errorf("visitor after one hidden and one public reply: %+v, want 1", r)
	}
	for name, st := range map[string]*sseStream{"its author": author, "a moderator": staff} {
		if r, _ := st.replies(t, time.Second); r.Count != 2 {
			t.Errorf("%s after one hidden and one public reply: %+v, want 2", name, r)
		}
	}

	// The thread hidden: a visitor's stream ends, and a new one is not
	// found; the asker's goes on.
	asking := openEvents(t, asker, url, nil)
	asking.replies(t, 5*time.Second)
	asking.next(t, "metoo", time.Second)
	var threadID int64
	fmt.Sscan(strings.Split(strings.TrimPrefix(thread, "/t/"), "/")[0], &threadID)
	if err := srv.Store.ModerateThread(ctx, moderator, threadID, models.ThreadHide, 0, "spam"); err != nil {
		t.Fatal(err)
	}
	visitor.ended(t, 2*time.Second, "replies", "metoo", "banner")
	if again := openEvents(t, nil, url, nil); again.resp.StatusCode != http.StatusNotFound {
		t.Errorf("a visitor's stream of a hidden thread: %d, want 404", again.resp.StatusCode)
	}
	if again := openEvents(t, helper, url, nil); again.resp.StatusCode != http.StatusNotFound {
		t.Errorf("a replier's stream of a hidden thread: %d, want 404", again.resp.StatusCode)
	}
	if again := openEvents(t, asker, url, nil); again.resp.StatusCode != http.StatusOK {
		t.Errorf("the asker's stream of their hidden thread: %d, want 200", again.resp.StatusCode)
	} else if r, _ := again.replies(t, 5*time.Second); r.Count != 1 {
		t.Errorf("the asker of a hidden thread: %+v, want the public reply only", r)
	}
	select {
	case _, open := <-asking.events:
		if !open {
			t.Error("the asker's stream ended when their thread was hidden")
		}
	case <-time.After(300 * time.Millisecond):
	}
	if got := openEvents(t, nil, base+"/t/999999/events", nil); got.resp.StatusCode != http.StatusNotFound {
		t.Errorf("a stream of no thread: %d, want 404", got.resp.StatusCode)
	}
}

func TestStreamsAreBoundedPerAddressAndPerInstance(t *testing.T) {
	cfg := testConfig(t, migrations.SQLite)
	cfg.Live.Max, cfg.Live.PerAddr = 3, 2
	// A reader who closes the connection is noticed at the next write.
	cfg.Live.Heartbeat = 100 * time.Millisecond
	// Behind a proxy on this machine, each stream says which client it is.
	var err error
	if cfg.TrustedProxies, err = forwarded.Parse("127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	srv, base := startServer(t, cfg)
	writer := newBrowserClient(t)
	signInDev(t, writer, base, "bob")
	_, events, last := liveThread(t, writer, base, "Too many tabs")
	from := func(addr string) *sseStream {
		return openEvents(t, nil, events+"?after="+last, http.Header{"X-Forwarded-For": {addr}})
	}
	a1, _ := from("198.51.100.1"), from("198.51.100.1")
	refused := from("198.51.100.1")
	if refused.resp.StatusCode != http.StatusTooManyRequests || refused.resp.Header.Get("Retry-After") == "" {
		t.Errorf("a third stream from one address: %d, Retry-After %q; want 429 with it", refused.resp.StatusCode, refused.resp.Header.Get("Retry-After"))
	}
	from("198.51.100.2")
	busy := from("198.51.100.3")
	if busy.resp.StatusCode != http.StatusServiceUnavailable || busy.resp.Header.Get("Retry-After") == "" {
		t.Errorf("a fourth stream on an instance that takes three: %d, Retry-After %q; want 503 with it", busy.resp.StatusCode, busy.resp.Header.Get("Retry-After"))
	}
	if n := srv.Live.Streams(); n != 3 {
		t.Errorf("%d streams open, want 3", n)
	}
	// A reader who leaves frees their place.
	a1.replies(t, 5*time.Second)
	a1.close()
	for start := time.Now(); srv.Live.Streams() > 2; time.Sleep(10 * time.Millisecond) {
		if time.Since(start) > 5*time.Second {
			t.Fatal("a closed stream still counts after 5s")
		}
	}
	if again := from("198.51.100.1"); again.resp.StatusCode != http.StatusOK {
		t.Errorf("a stream in the place of one that ended: %d, want 200", again.resp.StatusCode)
	}
}

func TestQuietStreamsHaveHeartbeatsAndThenEnd(t *testing.T) {
	cfg := testConfig(t, migrations.SQLite)
	cfg.Live.Heartbeat = 100 * time.Millisecond
	cfg.Live.Idle = 800 * time.Millisecond
	srv, base := startServer(t, cfg)
	writer := newBrowserClient(t)
	signInDev(t, writer, base, "bob")
	_, events, last := liveThread(t, writer, base, "Nothing happens here")
	st := openEvents(t, nil, events+"?after="+last, nil)
	st.replies(t, 5*time.Second)
	opened := time.Now()
	st.next(t, ":", 500*time.Millisecond)
	st.next(t, ":", 500*time.Millisecond)
	st.next(t, "bye", 2*time.Second)
	st.ended(t, time.Second)
	if idle := time.Since(opened); idle < 600*time.Millisecond {
		t.Errorf("a stream idle for 800ms ended after %v", idle)
	}
	for start := time.Now(); srv.Live.Streams() > 0; time.Sleep(10 * time.Millisecond) {
		if time.Since(start) > 5*time.Second {
			t.Fatal("an ended stream still counts after 5s")
		}
	}
}

func TestShuttingDownDoesNotWaitOnStreams(t *testing.T) {
	cfg := testConfig(t, migrations.SQLite)
	srv, base := startServer(t, cfg)
	writer := newBrowserClient(t)
	signInDev(t, writer, base, "bob")
	_, events, last := liveThread(t, writer, base, "Stop the server")
	st := openEvents(t, nil, events+"?after="+last, nil)
	st.replies(t, 5*time.Second)

	// Serve returns when the stream has ended and every connection is
	// closed; the stream would otherwise stay for half an hour.
	srv.Live.Close()
	start := time.Now()
	st.ended(t, 3*time.Second, "metoo", "banner")
	t.Logf("the stream ended %v after the hub closed", time.Since(start))
	if refused := openEvents(t, nil, events+"?after="+last, nil); refused.resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("a stream while shutting down: %d, want 503", refused.resp.StatusCode)
	}
}

func TestShutdownIsPromptWithOpenStreams(t *testing.T) {
	_, base, stop := startStoppable(t, testConfig(t, migrations.SQLite))
	writer := newBrowserClient(t)
	signInDev(t, writer, base, "bob")
	_, events, last := liveThread(t, writer, base, "Shut down under readers")
	st := openEvents(t, nil, events+"?after="+last, nil)
	st.replies(t, 5*time.Second)

	start := time.Now()
	if err := stop(10 * time.Second); err != nil {
		t.Fatalf("with a live stream open: %v", err)
	}
	t.Logf("stopped in %v with a stream open", time.Since(start))
	st.ended(t, time.Second, "metoo", "banner")
}

func TestPageCacheNeverKeepsStreams(t *testing.T) {
	cfg := testConfig(t, migrations.SQLite)
	cfg.PageCacheTTL = time.Hour
	srv, base := startServer(t, cfg)
	writer := newBrowserClient(t)
	signInDev(t, writer, base, "bob")
	thread, events, last := liveThread(t, writer, base, "Cached pages, live streams")
	getPage(t, http.DefaultClient, base+thread)
	hits := srv.Pages.Stats().Hits
	getPage(t, http.DefaultClient, base+thread)
	if srv.Pages.Stats().Hits == hits {
		t.Fatal("the thread page is not kept: this test would prove nothing")
	}
	before := srv.Pages.Stats()
	for i := range 2 {
		st := openEvents(t, nil, events+"?after="+last, nil)
		st.replies(t, 5*time.Second)
		replyID(t, writer, base, thread, fmt.Sprintf("Reply %d while a visitor streams.", i))
		if r, _ := st.replies(t, time.Second); r.Count != i+1 {
			t.Fatalf("stream %d: %+v, want %d new", i, r, i+1)
		}
		st.close()
	}
	after := srv.Pages.Stats()
	if after.Hits != before.Hits || after.Misses != before.Misses {
		t.Errorf("the page cache looked up event streams: before %+v, after %+v", before, after)
	}
}

// TestRepliesOnOneInstanceReachStreamsOnAnother: two instances sharing
// PostgreSQL and Redis; a reader streaming from B hears of each reply
// written on A within a second.
func TestRepliesOnOneInstanceReachStreamsOnAnother(t *testing.T) {
	requireRedis(t, pagesRedisURL)
	_, b, baseA, baseB := cachedPair(t, pagesRedisURL)
	writer := newBrowserClient(t)
	signInDev(t, writer, baseA, "bob")
	thread, events, last := liveThread(t, writer, baseA, "Login loops on the mobile app")
	events = strings.Replace(events, baseA, baseB, 1)
	st := openEvents(t, nil, events+"?after="+last, nil)
	st.replies(t, 5*time.Second)
	if b.Live.Streams() != 1 {
		t.Fatalf("B follows %d streams, want the reader's", b.Live.Streams())
	}
	const writes = 20
	var delays []time.Duration
	for i := 1; i <= writes; i++ {
		replyID(t, writer, baseA, thread, fmt.Sprintf("Same here, reply %d, written on A.", i))
		acked := time.Now()
		r, _ := st.replies(t, time.Second)
		delays = append(delays, time.Since(acked))
		if r.Count != i {
			t.Fatalf("reply %d: B's reader was told %+v", i, r)
		}
	}
	slices.Sort(delays)
	t.Logf("%d replies on A; B's reader heard of each in p50 %v, max %v after the writer's 303",
		writes, delays[writes/2].Round(time.Microsecond), delays[writes-1].Round(time.Microsecond))
}

func TestLiveBoundsFromEnvironment(t *testing.T) {
	load := func(env map[string]string) (Config, error) {
		return LoadConfig(func(k string) string { return env[k] }, nil)
	}
	cfg, err := load(nil)
	if err != nil || cfg.Live.Max != 10000 || cfg.Live.PerAddr != 20 || cfg.Live.Idle != 30*time.Minute {
		t.Errorf("defaults: %+v (%v), want 10000 streams, 20 per address, 30m idle", cfg.Live, err)
	}
	cfg, err = load(map[string]string{"HIROBA_SSE_MAX": "500", "HIROBA_SSE_PER_ADDR": "4", "HIROBA_SSE_IDLE": "10m"})
	if err != nil || cfg.Live.Max != 500 || cfg.Live.PerAddr != 4 || cfg.Live.Idle != 10*time.Minute {
		t.Errorf("set: %+v (%v)", cfg.Live, err)
	}
	for name, bad := range map[string]string{"HIROBA_SSE_MAX": "0", "HIROBA_SSE_PER_ADDR": "many", "HIROBA_SSE_IDLE": "100ms"} {
		if _, err := load(map[string]string{name: bad}); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: %v, want an error naming it", name, bad, err)
		}
	}
}

// Pub/sub keeps nothing for an instance that is not listening: B, cut off
// from Redis, cannot hear A's writes. Its streams fall back to polling the
// database, so its reader still hears of a reply written on A meanwhile, a
// few seconds late; once Redis is back, B reads its streams' threads again
// and hears of A's replies at once.
func TestStreamsPollWhileRedisIsAwayAndCatchUpWhenItComesBack(t *testing.T) {
	requireRedis(t, pagesRedisURL)
	proxy := startTCPProxy(t, "127.0.0.1:6379")
	cfg := testConfig(t, migrations.Postgres)
	cfg.RedisURL = pagesRedisURL
	cfg.Limits.PostIP = ratelimit.Rule{Name: "postip-" + randomHex(6), Limit: 10000, Window: time.Minute}
	_, baseA := startServer(t, cfg)
	cfgB := cfg
	cfgB.RedisURL = "redis://" + proxy.addr + "/14"
	_, baseB := startServer(t, cfgB)
	writer := newBrowserClient(t)
	signInDev(t, writer, baseA, "bob")
	thread, events, last := liveThread(t, writer, baseA, "Push notifications stopped")
	st := openEvents(t, nil, strings.Replace(events, baseA, baseB, 1)+"?after="+last, nil)
	st.replies(t, 5*time.Second)

	proxy.stop()
	replyID(t, writer, baseA, thread, "Same on my phone, written while B is cut off.")
	cut := time.Now()
	if r, _ := st.replies(t, live.PollWhileAway+10*time.Second); r.Count != 1 {
		t.Errorf("while Redis is away: %+v, want the reply written on A", r)
	}
	t.Logf("with Redis away, B's reader heard of A's reply %v after it was written (polling every %v)", time.Since(cut).Round(time.Millisecond), live.PollWhileAway)
	proxy.restart(t)
	back := time.Now()
	// Heard again through Redis once B has subscribed again: three replies
	// in a row each heard within a second (polling alone would be that
	// quick one time in three).
	inARow := 0
	waitUntil(t, "B hears A's replies at once again", func() bool {
		replyID(t, writer, baseA, thread, fmt.Sprintf("Written once Redis is back, %v after.", time.Since(back).Round(time.Millisecond)))
		select {
		case ev := <-st.events:
			if ev.Name == "replies" {
				inARow++
			}
		case <-time.After(time.Second):
			inARow = 0
		}
		return inARow == 3
	})
	t.Logf("B's reader heard A's replies at once again %v after Redis came back", time.Since(back).Round(time.Millisecond))
}
