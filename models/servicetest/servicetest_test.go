package servicetest

import "testing"

func TestStatusSaysWhatHappened(t *testing.T) {
	t.Setenv("CI", "")
	unused := New("redis")
	ran := New("postgres")
	ran.Ran()
	ran.Ran()
	skipped := New("chromium")
	skipped.Missing("not found")
	skipped.Missing("a later reason")
	both := New("postgres")
	both.Ran()
	both.Missing("connection refused")
	for _, tt := range []struct {
		s    *Service
		want string
	}{
		{unused, "redis: not used by the tests selected"},
		{ran, "postgres: ran"},
		{skipped, "chromium: skipped (not found)"},
		{both, "postgres: ran, then skipped (connection refused)"},
	} {
		if got := tt.s.status(); got != tt.want {
			t.Errorf("status = %q, want %q", got, tt.want)
		}
	}
	t.Setenv("CI", "true")
	if got, want := skipped.status(), "chromium: failed, required under CI=true (not found)"; got != want {
		t.Errorf("under CI: status = %q, want %q", got, want)
	}
}

func TestPackagePathIsThePackageUnderTest(t *testing.T) {
	if got, want := packagePath(), "hiroba/models/servicetest"; got != want {
		t.Errorf("packagePath() = %q, want %q", got, want)
	}
}
