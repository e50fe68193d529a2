package app

import (
	"net"
	"net/url"
	"testing"
	"time"

	"hiroba/migrations"
)

func TestTmpBlackhole(t *testing.T) {
	cfg := testConfig(t, migrations.Postgres)
	u, _ := url.Parse(cfg.DatabaseURL)
	proxy := startTCPProxy(t, u.Host)
	u.Host = proxy.addr
	cfg.DatabaseURL = u.String()
	_, forum := startServer(t, cfg)
	c := newBrowserClient(t)
	t.Log(statusOf(t, c, forum+"/"))
	proxy.stop()
	ln, err := net.Listen("tcp", proxy.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var held []net.Conn
		for {
			cn, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, cn)
		}
	}()
	for _, p := range []string{"/", "/", "/readyz", "/readyz", "/"} {
		start := time.Now()
		resp, _ := getPage(t, c, forum+p)
		t.Logf("%s: %d in %v (retry-after %q)", p, resp.StatusCode, time.Since(start), resp.Header.Get("Retry-After"))
	}
}
