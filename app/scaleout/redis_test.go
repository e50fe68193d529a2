package scaleout

// A redis-server of the harness's own, so that it can be stopped: the
// machine's on 6379 is shared by other tests.

import (
	"bufio"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

type redisServer struct {
	bin     string
	dir     string
	port    int
	logPath string
	proc    *process
}

func (r *redisServer) url() string { return "redis://" + loopback(r.port) + "/0" }

// start runs the server on its port, keeping nothing on disk, and waits
// until it answers.
func (r *redisServer) start() error {
	cmd := exec.Command(r.bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(r.port),
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", r.dir)
	p, err := startProcess("redis-server", filepath.Join(r.dir, "redis.log"), cmd)
	if err != nil {
		return err
	}
	r.proc = p
	r.logPath = p.logPath
	err = waitFor(10*time.Second, func() error {
		if !p.running() {
			return fmt.Errorf("redis-server exited: %v", p.cmd.ProcessState)
		}
		return r.ping()
	})
	if err != nil {
		p.kill()
		return fmt.Errorf("redis-server on %d: %w\n%s", r.port, err, logTail(r.logPath, 20))
	}
	return nil
}

// stop ends the server the way an operator's restart does (SIGTERM).
func (r *redisServer) stop() {
	if r.proc != nil {
		r.proc.stop(5 * time.Second)
	}
}

func (r *redisServer) ping() error {
	c, err := net.DialTimeout("tcp", loopback(r.port), time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != "+PONG" {
		return fmt.Errorf("PING answered %q", line)
	}
	return nil
}
