package views

import (
	"html/template"
	"time"
)

// Clock writes moments for one reader: in their language and time zone,
// relative to now while they are recent. Pages reach it through Base; the
// mailer builds one per recipient.
type Clock struct {
	Translator
	Zone *time.Location // nil: UTC
	Now  time.Time      // zero: the time of the call
	// Horizon, when set, learns when each relative time written will
	// read differently; nil for what no cache keeps (mail).
	Horizon *Horizon
}

// Horizon is the first moment a page's relative times ("3 minutes ago")
// would read differently if it were rendered again. A cache keeps the page
// no longer, so a kept page says exactly what a fresh one would.
type Horizon struct{ at time.Time }

// Until is the horizon; zero when nothing on the page changes with time.
func (h *Horizon) Until() time.Time {
	if h == nil {
		return time.Time{}
	}
	return h.at
}

func (h *Horizon) see(t time.Time) {
	if h != nil && (h.at.IsZero() || t.Before(h.at)) {
		h.at = t
	}
}

// nextChange is when what Ago writes of t changes next: the next whole
// minute or hour of its age, the moment it stops being recent, or, for a
// moment still to come, when it comes. Zero: never.
func (c Clock) nextChange(t time.Time) time.Time {
	d := c.now().Sub(t)
	switch {
	case d < 0:
		return t
	case d >= recent:
		return time.Time{}
	case d < time.Minute:
		return t.Add(time.Minute)
	case d < time.Hour:
		return t.Add((d/time.Minute + 1) * time.Minute)
	}
	return t.Add((d/time.Hour + 1) * time.Hour)
}

// recent is how long a moment is told relative to now: "3 hours ago" reads
// better than a date, but "12 days ago" asks the reader to count.
const recent = 24 * time.Hour

// Time renders a moment for a page: relative while recent, with the exact
// time in a tooltip, absolute after; always with the moment in UTC for
// machines.
func (c Clock) Time(t time.Time) template.HTML {
	// Concatenated, not formatted: a thread page writes one per post.
	exact := template.HTMLEscapeString(c.Date(t))
	if d := c.now().Sub(t); d < 0 || d >= recent {
		if d < 0 {
			c.Horizon.see(t) // from then on it reads as recent
		}
		return template.HTML(`<time datetime="` + Stamp(t) + `">` + exact + `</time>`)
	}
	return template.HTML(`<time datetime="` + Stamp(t) + `" title="` + exact + `">` +
		template.HTMLEscapeString(c.Ago(t)) + `</time>`)
}

// Ago says how long ago a recent moment was; an older one (or one still to
// come) is its date.
func (c Clock) Ago(t time.Time) string {
	if c.Horizon != nil {
		if next := c.nextChange(t); !next.IsZero() {
			c.Horizon.see(next)
		}
	}
	d := c.now().Sub(t)
	switch {
	case d < 0 || d >= recent:
		return c.Date(t)
	case d < time.Minute:
		return c.T("time.just_now")
	case d < time.Hour:
		return c.T("time.minutes_ago", "Count", int(d/time.Minute))
	default:
		return c.T("time.hours_ago", "Count", int(d/time.Hour))
	}
}

// Date is a full date and time in the reader's language and zone, the zone
// named so that nobody mistakes it for their own.
func (c Clock) Date(t time.Time) string {
	zone := c.Zone
	if zone == nil {
		zone = time.UTC
	}
	t = t.In(zone)
	if c.Lang() == "ja" {
		return t.Format("2006年1月2日 15:04 ") + zoneLabel(t)
	}
	return t.Format("Jan 2, 2006 15:04 ") + zoneLabel(t)
}

func (c Clock) now() time.Time {
	if c.Now.IsZero() {
		return time.Now()
	}
	return c.Now
}

// Stamp is a moment for machines: RFC 3339 in UTC, the same for every
// reader, for datetime attributes and structured data.
func Stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
