package scaleout

// Hiroba instances: the real binary, built once, each a process of its own
// on a loopback port, all over the same primary, replica, Redis, uploads
// and session secret.

import (
	"fmt"
	"net/http"
	"os/exec"
	"time"
)

// instance is one `hiroba serve`.
type instance struct {
	name    string // as HAProxy names it: h1, h2, h3
	addr    string
	logPath string
	env     []string
	proc    *process
}

func (in *instance) base() string { return "http://" + in.addr }

// start runs the instance (appending to its log) and waits until /readyz
// says its database answers.
func (in *instance) start(bin string) error {
	cmd := exec.Command(bin, "serve")
	cmd.Env = in.env
	p, err := startProcess(in.name, in.logPath, cmd)
	if err != nil {
		return err
	}
	in.proc = p
	client := &http.Client{Timeout: time.Second}
	err = waitFor(60*time.Second, func() error {
		if !p.running() {
			return fmt.Errorf("exited: %v", p.cmd.ProcessState)
		}
		resp, err := client.Get(in.base() + "/readyz")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("/readyz: status %d", resp.StatusCode)
		}
		return nil
	})
	if err != nil {
		p.kill()
		return fmt.Errorf("instance %s on %s: %w\n%s", in.name, in.addr, err, logTail(in.logPath, 40))
	}
	return nil
}

// instanceEnv is the whole configuration of an instance: nothing from the
// machine's HIROBA_ variables, only what the harness sets.
func instanceEnv(addr string, settings map[string]string) []string {
	env := environWithout("HIROBA_")
	env = append(env, "HIROBA_ADDR="+addr)
	for k, v := range settings {
		env = append(env, k+"="+v)
	}
	return env
}
