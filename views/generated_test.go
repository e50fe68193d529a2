package views

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The Go written from each .templ file is committed, so that `go run .`
// needs no generator; this keeps it what the .templ file says. After
// editing a .templ file: go tool templ generate -path views
func TestGeneratedViewsAreCurrent(t *testing.T) {
	files, err := filepath.Glob("*.templ")
	if err != nil || len(files) == 0 {
		t.Fatalf("no .templ files (%v)", err)
	}
	generator := filepath.Join(t.TempDir(), "templ")
	if out, err := exec.Command("go", "build", "-o", generator, "github.com/a-h/templ/cmd/templ").CombinedOutput(); err != nil {
		t.Fatalf("build the generator: %v\n%s", err, out)
	}
	for _, f := range files {
		// In a folder of its own: beside a newer _templ.go file the
		// generator skips the file and prints nothing.
		dir := t.TempDir()
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), src, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(generator, "generate", "-stdout", "-f", f)
		cmd.Dir = dir
		want, err := cmd.Output()
		if err != nil {
			t.Fatalf("templ generate %s: %v", f, err)
		}
		got, err := os.ReadFile(strings.TrimSuffix(f, ".templ") + "_templ.go")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s_templ.go is not what %s generates: run `go tool templ generate -path views`", strings.TrimSuffix(f, ".templ"), f)
		}
	}
}
