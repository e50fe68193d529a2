package models

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Each posting rule on its own, over a made-up day of the author's posts.

var policyNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func ago(d time.Duration) time.Time { return policyNow.Add(-d) }

func refusedFor(err error) string {
	var r *RefusedError
	if errors.As(err, &r) {
		return r.Reason
	}
	if err != nil {
		return "error: " + err.Error()
	}
	return ""
}

func TestRefuseTooSoon(t *testing.T) {
	rules := Rules{Cooldown: Duration(30 * time.Second), NewCooldown: Duration(2 * time.Minute)}
	for _, tc := range []struct {
		name     string
		newcomer bool
		last     time.Duration // how long ago the last post was; 0: none today
		want     string
	}{
		{"first post of the day", false, 0, ""},
		{"member within the wait", false, 10 * time.Second, RefuseCooldown},
		{"member after the wait", false, time.Minute, ""},
		{"newcomer after a member's wait", true, time.Minute, RefuseCooldown},
		{"newcomer after their wait", true, 3 * time.Minute, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := postingContext{rules: rules, newcomer: tc.newcomer, now: policyNow}
			if tc.last > 0 {
				p.recent = []recentPost{{Position: 2, CreatedAt: ago(tc.last)}}
			}
			if got := refusedFor(p.refuseTooSoon()); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRefuseDuplicate(t *testing.T) {
	rules := Rules{DuplicateWindow: Duration(10 * time.Minute)}
	recent := []recentPost{{Position: 2, Source: "Restart the app.", CreatedAt: ago(time.Minute)}, {Position: 2, Source: "Old text", CreatedAt: ago(time.Hour)}}
	for _, tc := range []struct {
		source string
		want   string
	}{
		{"Restart the app.", RefuseDuplicate},
		{"  Restart the app.\n", RefuseDuplicate},
		{"Restart the app, then sign in.", ""},
		{"Old text", ""}, // outside the window
	} {
		p := postingContext{rules: rules, recent: recent, now: policyNow}
		if got := refusedFor(p.refuseDuplicate(tc.source)); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.source, got, tc.want)
		}
	}
}

func TestRefuseOverDailyCap(t *testing.T) {
	rules := Rules{NewMaxThreadsPerDay: 1, NewMaxRepliesPerDay: 2}
	day := []recentPost{{Position: 1, CreatedAt: ago(time.Hour)}, {Position: 3, CreatedAt: ago(2 * time.Hour)}, {Position: 4, CreatedAt: ago(3 * time.Hour)}}
	for _, tc := range []struct {
		name     string
		newcomer bool
		recent   []recentPost
		isThread bool
		want     string
	}{
		{"newcomer's second question", true, day, true, RefuseThreadsPerDay},
		{"newcomer's third reply", true, day, false, RefuseRepliesPerDay},
		{"newcomer's first reply", true, day[:1], false, ""},
		{"member, no caps", false, day, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := postingContext{rules: rules, newcomer: tc.newcomer, recent: tc.recent, now: policyNow}
			err := p.refuseOverDailyCap(tc.isThread)
			if got := refusedFor(err); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			var r *RefusedError
			if errors.As(err, &r) && r.RetryAfter != 21*time.Hour {
				t.Errorf("retry after %v, want 21h (when the oldest post of the day turns a day old)", r.RetryAfter)
			}
		})
	}
}

func TestContentReasons(t *testing.T) {
	watched := []WatchedWord{
		{Pattern: "casinobonus", Kind: "word", Action: WatchBlock},
		{Pattern: "heldword", Kind: "word", Action: WatchHold},
		{Pattern: "spam.example", Kind: "domain", Action: WatchBlock},
		{Pattern: "quiet", Kind: "word", Action: WatchNofollow},
	}
	rules := Rules{NewMaxLinks: 1, NewMaxImages: 0}
	link := `<a href="https://docs.example/a" rel="nofollow">a</a>`
	for _, tc := range []struct {
		name     string
		newcomer bool
		text     string
		html     string
		recent   []recentPost
		want     string // the refusal, or the reasons joined by commas
	}{
		{"clean", true, "hello", "<p>hello</p>", nil, ""},
		{"blocked word", false, "a casinobonus here", "", nil, "refused:" + RefuseBlockedWord},
		{"held word", false, "a heldword here", "", nil, "word:heldword"},
		{"nofollow word changes nothing", false, "quiet please", "", nil, ""},
		{"blocked domain", false, "see it", `<a href="https://www.spam.example/x">x</a>`, nil, "refused:" + RefuseBlockedWord},
		{"member's links", false, "links", link + link, nil, ""},
		{"newcomer's links", true, "links", link + link, nil, "links:2"},
		{"newcomer repeats a link", true, "again", link, []recentPost{{Source: "see https://docs.example/a"}}, "repeated_link:https://docs.example/a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := postingContext{rules: rules, newcomer: tc.newcomer, recent: tc.recent, now: policyNow}
			reasons, err := p.contentReasons(watched, tc.text, tc.html)
			got := strings.Join(reasons, ",")
			if err != nil {
				got = "refused:" + refusedFor(err)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRefuseRestricted(t *testing.T) {
	later := policyNow.Add(48 * time.Hour)
	for _, tc := range []struct {
		name string
		u    User
		want string
	}{
		{"free", User{}, ""},
		{"silenced", User{SilencedUntil: &later}, RefuseSilenced},
		{"suspended", User{SuspendedUntil: &later}, RefuseSilenced},
		{"silence over", User{SilencedUntil: &policyNow}, ""},
	} {
		if got := refusedFor(refuseRestricted(tc.u, policyNow)); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
