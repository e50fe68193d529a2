package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"runtime"
	"slices"
	"testing"
	"time"

	"hiroba/migrations"
	"hiroba/models"
)

// liveBenchStreams is how many readers BenchmarkLiveStreamMemory opens:
// the flood's watchers of an incident thread.
const liveBenchStreams = 2000

// BenchmarkLiveStreamMemory opens liveBenchStreams streams of one thread
// on a forum on a loopback port and reports what each costs the process —
// heap and stacks, after a collection — and how many goroutines; then one
// reply, and how long each reader took to hear of it. The readers are bare
// connections with no goroutine or buffer of their own, so nearly all of
// the cost is the server's. Run it once:
//
//	go test ./app -run '^$' -bench BenchmarkLiveStreamMemory -benchtime=1x
func BenchmarkLiveStreamMemory(b *testing.B) {
	cfg := testConfig(b, migrations.SQLite)
	cfg.Live.Max, cfg.Live.PerAddr = liveBenchStreams+10, liveBenchStreams+10
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	cfg.BaseURL = "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := New(ctx, cfg, NewLogger(io.Discard, "error"))
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	defer func() {
		cancel()
		<-done
		srv.Close()
	}()
	store := srv.Store
	asker, _, err := store.SignInUser(ctx, models.SignIn{Provider: "dev", ProviderUserID: "hana", Nickname: "hana", Name: "hana"})
	if err != nil {
		b.Fatal(err)
	}
	helper, _, err := store.SignInUser(ctx, models.SignIn{Provider: "dev", ProviderUserID: "ken", Nickname: "ken", Name: "ken"})
	if err != nil {
		b.Fatal(err)
	}
	th, err := store.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: 1, Title: "Login loops on every device", Body: "Since this morning."})
	if err != nil {
		b.Fatal(err)
	}
	request := []byte(fmt.Sprintf("GET /t/%d/events?after=%d HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\n\r\n", th.ID, th.FirstPostID, ln.Addr()))

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	goroutines := runtime.NumGoroutine()
	start := time.Now()
	conns := make([]net.Conn, 0, liveBenchStreams)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	buf := make([]byte, 4096)
	for range liveBenchStreams {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatalf("stream %d: %v", len(conns), err)
		}
		conns = append(conns, c)
		if _, err := c.Write(request); err != nil {
			b.Fatal(err)
		}
		// The first events say the stream is open and counted.
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		var got []byte
		for !bytes.Contains(got, []byte("event: metoo")) {
			n, err := c.Read(buf)
			if err != nil {
				b.Fatalf("stream %d: %v after %q", len(conns), err, got)
			}
			got = append(got, buf[:n]...)
		}
		if time.Since(start) > 2*time.Minute {
			b.Fatalf("only %d streams opened in 2 minutes", len(conns))
		}
	}
	opened := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	n := float64(len(conns))
	perStream := float64(int64(after.HeapInuse+after.StackInuse)-int64(before.HeapInuse+before.StackInuse)) / n
	perGoroutines := float64(runtime.NumGoroutine()-goroutines) / n
	b.ReportMetric(perStream, "bytes/stream")
	b.ReportMetric(float64(int64(after.HeapInuse)-int64(before.HeapInuse))/n, "heap-bytes/stream")
	b.ReportMetric(float64(int64(after.StackInuse)-int64(before.StackInuse))/n, "stack-bytes/stream")
	b.ReportMetric(perGoroutines, "goroutines/stream")
	if open := srv.Live.Streams(); open != len(conns) {
		b.Fatalf("the hub follows %d streams, want %d", open, len(conns))
	}

	// One reply; every reader hears of it.
	heard := make(chan time.Duration, len(conns))
	var wrote time.Time
	ready := make(chan struct{})
	for _, c := range conns {
		go func() {
			<-ready
			_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
			buf := make([]byte, 1024)
			var got []byte
			for !bytes.Contains(got, []byte(`"count":1`)) {
				n, err := c.Read(buf)
				if err != nil {
					heard <- -1
					return
				}
				got = append(got, buf[:n]...)
			}
			heard <- time.Since(wrote)
		}()
	}
	wrote = time.Now()
	close(ready)
	if _, err := store.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: helper.ID, Body: "Same here on Android."}); err != nil {
		b.Fatal(err)
	}
	delays := make([]time.Duration, 0, len(conns))
	for range conns {
		d := <-heard
		if d < 0 {
			b.Fatal("a reader never heard of the reply")
		}
		delays = append(delays, d)
	}
	slices.Sort(delays)
	at := func(p float64) time.Duration { return delays[int(p*float64(len(delays)-1))].Round(time.Microsecond) }
	b.ReportMetric(float64(at(0.99).Microseconds())/1000, "ms-p99-delivery")
	b.Logf("%d streams opened in %v: %.0f bytes (heap %.0f, stacks %.0f) and %.1f goroutines each; "+
		"one reply reached all of them from the call that wrote it in p50 %v, p99 %v, max %v",
		len(conns), opened.Round(time.Millisecond), perStream,
		float64(int64(after.HeapInuse)-int64(before.HeapInuse))/n, float64(int64(after.StackInuse)-int64(before.StackInuse))/n,
		perGoroutines, at(0.5), at(0.99), delays[len(delays)-1].Round(time.Microsecond))
}
