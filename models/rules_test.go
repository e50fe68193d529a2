package models

import (
	"encoding/json"
	"testing"
	"time"
)

// Durations read back the way the rules form asks for them.
func TestDurationString(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{30 * time.Second, "30s"},
		{90 * time.Second, "1m30s"},
		{5 * time.Minute, "5m"},
		{30 * time.Minute, "30m"},
		{90 * time.Minute, "1h30m"},
		{24 * time.Hour, "24h"},
		{72*time.Hour + 5*time.Second, "72h5s"},
		{1500 * time.Millisecond, "1s"},
		{-5 * time.Minute, "-5m"},
	} {
		got := Duration(tc.in).String()
		if got != tc.want {
			t.Errorf("Duration(%v) = %q, want %q", tc.in, got, tc.want)
		}
		// What is shown is what the form reads back.
		if back, err := time.ParseDuration(got); err != nil || back != tc.in.Truncate(time.Second) {
			t.Errorf("%q reads back as %v, %v", got, back, err)
		}
	}
	b, err := json.Marshal(DefaultRules)
	if err != nil {
		t.Fatal(err)
	}
	var r Rules
	if err := json.Unmarshal(b, &r); err != nil || r != DefaultRules {
		t.Errorf("rules do not survive storage: %s → %+v, %v", b, r, err)
	}
}
