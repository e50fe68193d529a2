package scaleout

// HAProxy in front of the instances, as an operator without containers
// would run it: round robin, health checks on /readyz, a request whose
// connection to an instance fails sent to another, and X-Forwarded-For for
// the forum to read the visitor's address from.

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

type haproxy struct {
	bin       string
	port      int // the forum, as visitors reach it
	statsPort int // HAProxy's view of the servers, as CSV
	cfgPath   string
	proc      *process
}

func (h *haproxy) base() string { return "http://" + loopback(h.port) }

// haproxyConfig checks every instance's /readyz each 250 ms: two failures
// take it out, two successes bring it back. A connection that fails is
// tried again up to three times, on another instance each time
// (redispatch 1), so a request that meets an instance just killed, before
// the checks notice, still gets a page.
func haproxyConfig(port, statsPort int, servers []*instance) string {
	var b strings.Builder
	fmt.Fprintf(&b, `global
    maxconn 2000
    log stderr format raw local0 info

defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 10s
    retries 3
    option redispatch 1
    option forwardfor

frontend forum
    bind %s
    default_backend hiroba

frontend stats
    bind %s
    stats enable
    stats uri /stats

backend hiroba
    balance roundrobin
    option httpchk
    http-check send meth GET uri /readyz
    http-check expect status 200
    default-server inter 250ms fall 2 rise 2
`, loopback(port), loopback(statsPort))
	for _, in := range servers {
		fmt.Fprintf(&b, "    server %s %s check\n", in.name, in.addr)
	}
	return b.String()
}

// start runs HAProxy in the foreground (-db) and waits until every server
// is up.
func (h *haproxy) start(dir string, servers []*instance) error {
	h.cfgPath = filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(h.cfgPath, []byte(haproxyConfig(h.port, h.statsPort, servers)), 0o644); err != nil {
		return err
	}
	if out, err := exec.Command(h.bin, "-c", "-f", h.cfgPath).CombinedOutput(); err != nil {
		return fmt.Errorf("haproxy -c: %w\n%s", err, out)
	}
	p, err := startProcess("haproxy", filepath.Join(dir, "haproxy.log"), exec.Command(h.bin, "-f", h.cfgPath, "-db"))
	if err != nil {
		return err
	}
	h.proc = p
	err = waitFor(15*time.Second, func() error {
		if !p.running() {
			return fmt.Errorf("haproxy exited: %v", p.cmd.ProcessState)
		}
		status, err := h.servers()
		if err != nil {
			return err
		}
		for _, in := range servers {
			if !strings.HasPrefix(status[in.name], "UP") {
				return fmt.Errorf("server %s is %q", in.name, status[in.name])
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("haproxy on %d: %w\n%s", h.port, err, logTail(p.logPath, 30))
	}
	return nil
}

// servers is what HAProxy thinks of each server: UP, DOWN, "UP 1/2"…
func (h *haproxy) servers() (map[string]string, error) {
	client := &http.Client{Timeout: time.Second}
	resp, err := client.Get(fmt.Sprintf("http://%s/stats;csv", loopback(h.statsPort)))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(body), "# ")))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil || len(rows) == 0 {
		return nil, fmt.Errorf("stats: %v: %q", err, body)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	out := map[string]string{}
	for _, row := range rows[1:] {
		if row[col["pxname"]] == "hiroba" && row[col["svname"]] != "BACKEND" {
			out[row[col["svname"]]] = row[col["status"]]
		}
	}
	return out, nil
}
