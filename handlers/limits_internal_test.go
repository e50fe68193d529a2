package handlers

import (
	"testing"
	"time"

	"hiroba/handlers/ratelimit"
)

// A rule set in part keeps the default's other fields: a configuration that
// only raises a limit must not leave the rule without a name (which the
// limiter refuses, letting every request through) or without a window.
func TestLimitsSetInPartKeepTheirDefaults(t *testing.T) {
	var l Limits
	l.Search.Limit = 1000
	l.Flag = ratelimit.Rule{Name: "flag-custom", Limit: 3, Window: time.Hour}
	got := l.withDefaults()
	if want := (ratelimit.Rule{Name: DefaultLimits.Search.Name, Limit: 1000, Window: DefaultLimits.Search.Window}); got.Search != want {
		t.Errorf("search: %+v, want %+v", got.Search, want)
	}
	if got.Flag != l.Flag {
		t.Errorf("flag: %+v, want it as set: %+v", got.Flag, l.Flag)
	}
	if got.Post != DefaultLimits.Post {
		t.Errorf("post: %+v, want the default %+v", got.Post, DefaultLimits.Post)
	}
}
