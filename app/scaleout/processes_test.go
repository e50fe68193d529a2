package scaleout

// Child processes of the harness: each writes to a log file of its own,
// which the test prints when it fails, and none outlives the test.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// process is one running child: a Hiroba instance, redis-server or HAProxy.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{}
}

// startProcess runs cmd with its output appended to logPath. The caller's
// cleanups (cluster.cleanup) stop it.
func startProcess(name, logPath string, cmd *exec.Cmd) (*process, error) {
	out, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer out.Close() // the child holds its own copy
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

func (p *process) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// kill ends the process at once, as a crash or the OOM killer would.
func (p *process) kill() {
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return
	}
	<-p.exited
}

// stop asks the process to end and kills it if it has not within wait.
func (p *process) stop(wait time.Duration) {
	if !p.running() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(wait):
		p.kill()
	}
}

// logTail is the end of a log file, for a failure's report.
func logTail(path string, lines int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	all := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(all) > lines {
		all = append([][]byte{[]byte(fmt.Sprintf("… %d lines before", len(all)-lines))}, all[len(all)-lines:]...)
	}
	return string(bytes.Join(all, []byte("\n")))
}

// logHas reports whether a log file holds the text.
func logHas(path, text string) bool {
	b, err := os.ReadFile(path)
	return err == nil && bytes.Contains(b, []byte(text))
}

func loopback(port int) string { return "127.0.0.1:" + strconv.Itoa(port) }

// waitFor repeats check until it succeeds or the time is up, and returns
// its last error.
func waitFor(within time.Duration, check func() error) error {
	deadline := time.Now().Add(within)
	for {
		err := check()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// environWithout is the test's environment less the variables with the
// prefix, so nothing set for the machine reaches a child by accident.
func environWithout(prefix string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, prefix) {
			env = append(env, kv)
		}
	}
	return env
}
