package servicetest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Unavailable records why the service cannot be used and ends the test:
// a skip, or under CI=true a failure, where a missing service must not
// pass unseen.
func (s *Service) Unavailable(t testing.TB, why string) {
	t.Helper()
	s.Missing(why)
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required under CI=true: %s", s.name, why)
	}
	t.Skipf("%s unavailable: %s", s.name, why)
}

// BuildForum compiles the forum's binary into dir and returns its path,
// for tests that run it as its own process (to kill it, or run several).
func BuildForum(dir string) (string, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("the go command is needed to build the forum: %w", err)
	}
	out, err := exec.Command(goTool, "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		return "", fmt.Errorf("find the module root: %v", err)
	}
	bin := filepath.Join(dir, "hiroba")
	// Without the symbol table and DWARF the link, most of this build's
	// time, is quicker; panics still print their stack.
	build := exec.Command(goTool, "build", "-ldflags=-s -w", "-o", bin, ".")
	build.Dir = filepath.Dir(strings.TrimSpace(string(out)))
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return bin, nil
}

// FreePort finds a loopback port nothing listens on. Another process could
// take it before the server does; on a test machine that is rare enough.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
