// Package servicetest tells, for each package whose tests use an outside
// service (PostgreSQL, Redis, Chromium), whether they ran against it or were
// skipped and why: one line per package, which plain `go test ./...` shows.
package servicetest

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Service is one outside service a package's tests use. Tests record what
// happened; Report prints it once they are done.
type Service struct {
	name    string
	mu      sync.Mutex
	ran     bool
	missing string // the first reason a test gave
}

// New names a service as the report line shows it.
func New(name string) *Service { return &Service{name: name} }

// Ran records that a test used the service.
func (s *Service) Ran() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ran = true
}

// Missing records why a test could not use the service: the test skips,
// or fails under CI=true, where a missing service must not pass unseen.
func (s *Service) Missing(reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.missing == "" {
		s.missing = reason
	}
}

func (s *Service) status() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	missing := "skipped"
	if os.Getenv("CI") == "true" {
		missing = "failed, required under CI=true"
	}
	switch {
	case s.missing != "" && s.ran:
		return s.name + ": ran, then " + missing + " (" + s.missing + ")"
	case s.missing != "":
		return s.name + ": " + missing + " (" + s.missing + ")"
	case s.ran:
		return s.name + ": ran"
	default:
		return s.name + ": not used by the tests selected"
	}
}

// Main runs the package's tests, two per core unless -parallel says
// otherwise (see Parallel), and reports on the services; a TestMain that
// has nothing else to do is this one call.
func Main(m *testing.M, services ...*Service) {
	Parallel(2 * runtime.GOMAXPROCS(0))
	m.Run() // the testing package exits with its code when TestMain returns
	Report(services...)
}

// Parallel lets n parallel tests run at once unless -parallel was given.
// Tests that spend most of their time waiting for a database keep the
// cores busier when more of them run than there are cores. TestMain calls
// it before m.Run.
func Parallel(n int) {
	if !flag.Parsed() {
		flag.Parse()
	}
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		_ = flag.Set("test.parallel", strconv.Itoa(n))
	}
}

// Report prints the package's line, such as
//
//	hiroba/handlers	postgres: ran
//
// A passing package's output is shown by `go test ./...` only with -v, so
// without it the line goes where the go command writes its own, when it
// can be reached.
func Report(services ...*Service) {
	parts := []string{packagePath()}
	for _, s := range services {
		parts = append(parts, s.status())
	}
	line := strings.Join(parts, "\t") + "\n"
	if testing.Verbose() || !writeBeside(line) {
		fmt.Print(line)
	}
}

// packagePath is the import path of the package under test.
func packagePath() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Path != "" {
		return strings.TrimSuffix(info.Path, ".test")
	}
	return os.Args[0]
}
