package views

import (
	"testing"
	"time"
)

// A kept page is kept no longer than its relative times read the same: at
// its horizon, the first of them would be written differently, and before
// it, none would.
func TestHorizonIsWhenRelativeTimesChange(t *testing.T) {
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		ages []time.Duration // how long ago each moment on the page was
		want time.Duration   // horizon, from now; 0: none
	}{
		{"nothing recent", []time.Duration{30 * 24 * time.Hour}, 0},
		{"just now", []time.Duration{20 * time.Second}, 40 * time.Second},
		{"minutes", []time.Duration{5*time.Minute + 10*time.Second}, 50 * time.Second},
		{"hours", []time.Duration{3*time.Hour + 15*time.Minute}, 45 * time.Minute},
		{"stops being recent", []time.Duration{23*time.Hour + 59*time.Minute}, time.Minute},
		{"still to come", []time.Duration{-2 * time.Minute}, 2 * time.Minute},
		{"the first of several", []time.Duration{3 * time.Hour, 12*time.Minute + 30*time.Second, 48 * time.Hour}, 30 * time.Second},
	}
	for _, tt := range tests {
		hz := &Horizon{}
		clock := Clock{Translator: c.In("en"), Now: now, Horizon: hz}
		for _, age := range tt.ages {
			clock.Time(now.Add(-age))
		}
		got := hz.Until()
		if tt.want == 0 {
			if !got.IsZero() {
				t.Errorf("%s: horizon %v, want none", tt.name, got.Sub(now))
			}
			continue
		}
		if got.Sub(now) != tt.want {
			t.Errorf("%s: horizon in %v, want %v", tt.name, got.Sub(now), tt.want)
			continue
		}
		// What a page rendered at the horizon says differs; a moment
		// before, it says the same.
		render := func(at time.Time) (out string) {
			cl := Clock{Translator: c.In("en"), Now: at}
			for _, age := range tt.ages {
				out += string(cl.Time(now.Add(-age)))
			}
			return out
		}
		if render(now) != render(got.Add(-time.Millisecond)) || render(now) == render(got) {
			t.Errorf("%s: the page does not change exactly at the horizon", tt.name)
		}
	}
}
