package views

import (
	"strings"
	"testing"
	"time"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := ParseZone(name)
	if err != nil {
		t.Fatalf("ParseZone(%q): %v", name, err)
	}
	return loc
}

func TestTimesInTheReadersZoneAndLanguage(t *testing.T) {
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	tokyo, newYork := mustZone(t, "Asia/Tokyo"), mustZone(t, "America/New_York")
	clock := func(lang string, zone *time.Location) Clock {
		return Clock{Translator: c.In(lang), Zone: zone, Now: now}
	}
	utc := func(s string) time.Time {
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	tests := []struct {
		name  string
		clock Clock
		at    time.Time
		want  string
	}{
		{"seconds", clock("en", nil), now.Add(-10 * time.Second), "just now"},
		{"a minute", clock("en", tokyo), now.Add(-time.Minute), "1 minute ago"},
		{"minutes ja", clock("ja", tokyo), now.Add(-5 * time.Minute), "5分前"},
		{"hours", clock("en", newYork), now.Add(-3 * time.Hour), "3 hours ago"},
		{"hours ja", clock("ja", newYork), now.Add(-3 * time.Hour), "3時間前"},
		{"just under a day", clock("en", nil), now.Add(-24*time.Hour + time.Second), "23 hours ago"},
		{"a day: absolute", clock("en", nil), now.Add(-24 * time.Hour), "Nov 23, 2026 12:00 UTC"},
		{"no zone is UTC ja", clock("ja", nil), now.Add(-60 * 24 * time.Hour), "2026年9月25日 12:00 UTC"},
		{"Tokyo next day", clock("ja", tokyo), utc("2026-02-20T15:42:00Z"), "2026年2月21日 00:42 JST"},
		{"Tokyo en", clock("en", tokyo), utc("2026-02-20T00:42:00Z"), "Feb 20, 2026 09:42 JST"},
		{"New York day before", clock("en", newYork), utc("2026-02-20T00:42:00Z"), "Feb 19, 2026 19:42 EST"},
		{"New York ja", clock("ja", newYork), utc("2026-07-04T16:00:00Z"), "2026年7月4日 12:00 EDT"},
		{"zone without letters", clock("en", mustZone(t, "America/Sao_Paulo")), utc("2026-02-20T00:42:00Z"), "Feb 19, 2026 21:42 UTC-03:00"},
		{"quarter-hour offset", clock("ja", mustZone(t, "Asia/Kathmandu")), utc("2026-02-20T00:42:00Z"), "2026年2月20日 06:27 UTC+05:45"},
		{"future is absolute", clock("en", tokyo), now.Add(2 * time.Hour), "Nov 24, 2026 23:00 JST"},
		// New York springs forward at 02:00 local: 01:59 EST is followed by 03:00 EDT.
		{"DST last standard minute", clock("en", newYork), utc("2026-03-08T06:59:00Z"), "Mar 8, 2026 01:59 EST"},
		{"DST first daylight minute", clock("en", newYork), utc("2026-03-08T07:00:00Z"), "Mar 8, 2026 03:00 EDT"},
		// And falls back at 02:00: 01:30 happens twice, told apart by the zone.
		{"DST fall back, first 01:30", clock("en", newYork), utc("2026-11-01T05:30:00Z"), "Nov 1, 2026 01:30 EDT"},
		{"DST fall back, second 01:30", clock("ja", newYork), utc("2026-11-01T06:30:00Z"), "2026年11月1日 01:30 EST"},
	}
	for _, tt := range tests {
		if got := tt.clock.Ago(tt.at); got != tt.want {
			t.Errorf("%s: Ago = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestTimeElement(t *testing.T) {
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	b := Base{Translator: c.In("en"), Now: now, Zone: mustZone(t, "Asia/Tokyo")}
	tests := []struct {
		at   time.Time
		want string
	}{
		// Recent: relative, the exact time in the reader's zone on hover.
		{now.Add(-3 * time.Hour), `<time datetime="2026-11-24T09:00:00Z" title="Nov 24, 2026 18:00 JST">3 hours ago</time>`},
		// Older: the date itself, in the reader's zone.
		{now.Add(-60 * 24 * time.Hour), `<time datetime="2026-09-25T12:00:00Z">Sep 25, 2026 21:00 JST</time>`},
	}
	for _, tt := range tests {
		if got := string(b.Time(tt.at)); got != tt.want {
			t.Errorf("Time(%s) =\n%s, want\n%s", tt.at, got, tt.want)
		}
	}
	// The machine-readable moment is the same whatever the reader's zone.
	ny := b
	ny.Zone = mustZone(t, "America/New_York")
	if got := string(ny.Time(now.Add(-3 * time.Hour))); !strings.Contains(got, `datetime="2026-11-24T09:00:00Z" title="Nov 24, 2026 04:00 EST"`) {
		t.Errorf("New York: %s", got)
	}
}

func TestParseZone(t *testing.T) {
	for _, name := range []string{"UTC", "Asia/Tokyo", "America/New_York", "America/Argentina/Buenos_Aires", "Etc/GMT+9", "Asia/Calcutta"} {
		loc, err := ParseZone(name)
		if err != nil || loc.String() != name {
			t.Errorf("ParseZone(%q) = %v, %v", name, loc, err)
		}
	}
	for _, name := range []string{"", "Local", "Mars/Olympus", "asia/tokyo ", "../../etc/passwd", "/usr/share/zoneinfo/UTC",
		"Asia/../Asia/Tokyo", "Asia/Tokyo<script>", "Asia/Tokyo\x00", strings.Repeat("A", 65), "アジア/東京"} {
		if loc, err := ParseZone(name); err == nil {
			t.Errorf("ParseZone(%q) accepted: %v", name, loc)
		}
	}
	// Every zone the settings page offers loads.
	for _, name := range Zones {
		if _, err := ParseZone(name); err != nil {
			t.Errorf("offered zone %q: %v", name, err)
		}
	}
}

func TestReaderZone(t *testing.T) {
	tests := []struct {
		lang  string
		names []string
		want  string
	}{
		{"en", nil, "UTC"},
		{"ja", nil, "Asia/Tokyo"},
		{"ja", []string{"America/New_York"}, "America/New_York"},
		{"ja", []string{"Mars/Olympus"}, "Asia/Tokyo"},
		{"en", []string{"Local"}, "UTC"},
		{"en", []string{"", "Europe/Berlin"}, "Europe/Berlin"},
	}
	for _, tt := range tests {
		if got := ReaderZone(tt.lang, tt.names...).String(); got != tt.want {
			t.Errorf("ReaderZone(%q, %q) = %q, want %q", tt.lang, tt.names, got, tt.want)
		}
	}
}

func TestZoneOptionsHoldTheSelectedZone(t *testing.T) {
	d := NotificationSettingsData{TimeZone: "America/New_York"}
	opts := d.ZoneOptions()
	if len(opts) != len(Zones) {
		t.Fatalf("%d options for %d zones", len(opts), len(Zones))
	}
	var selected []ZoneOption
	for _, o := range opts {
		if o.Selected {
			selected = append(selected, o)
		}
	}
	if len(selected) != 1 || selected[0].Name != "America/New_York" || selected[0].Label != "America/New York" {
		t.Errorf("selected %+v", selected)
	}
	// An alias the list lacks is offered first, so the page shows it.
	d.TimeZone = "Asia/Calcutta"
	if opts := d.ZoneOptions(); len(opts) != len(Zones)+1 || opts[0].Name != "Asia/Calcutta" || !opts[0].Selected {
		t.Errorf("alias: %+v", opts[0])
	}
}
