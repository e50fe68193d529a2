package views

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"hiroba/models"
)

// What moderators and admins read: the codes the models store (review
// reasons, audit actions) said in the page's language.

// ReviewReason says why the rules put a post in review. A reason is
// stored as "kind" or "kind:detail" (links:3, domain:spam.example).
func (b Base) ReviewReason(code string) string {
	kind, detail, _ := strings.Cut(code, ":")
	switch kind {
	case "links", "images":
		n, _ := strconv.Atoi(detail)
		return b.T("review.reason_"+kind, "Count", n)
	case "repeated_link", "word", "domain":
		return b.T("review.reason_"+kind, "Detail", detail)
	case "edited_after_hidden":
		return b.T("review.reason_edited_after_hidden")
	}
	return code // a reason newer than this page: shown as stored, not lost
}

// FlagReason names the reason someone gave for a flag.
func (b Base) FlagReason(r models.FlagReason) string {
	switch r {
	case models.FlagSpam, models.FlagInappropriate, models.FlagOffTopic, models.FlagOther:
		return b.T("review.flag_" + string(r))
	}
	return string(r)
}

// AuditAction says what a logged action did.
func (b Base) AuditAction(e models.AuditEntry) string {
	id := "audit.action." + e.Action
	if s := b.T(id); s != id {
		return s
	}
	return e.Action
}

// AuditTarget names what an action was done to.
func (b Base) AuditTarget(e models.AuditEntry) string {
	switch e.TargetType {
	case "user":
		if e.TargetName != "" {
			return e.TargetName
		}
		return b.T("audit.target_user", "ID", e.TargetID)
	case "thread", "post", "watched_word", "revision", "category", "known_issue":
		return b.T("audit.target_"+e.TargetType, "ID", e.TargetID)
	case "settings":
		return b.T("audit.target_settings")
	}
	return e.TargetType + " #" + strconv.FormatInt(e.TargetID, 10)
}

// AuditReason is the reason as a moderator typed it; the reasons the
// forum writes itself, and the rules an admin saved, are said in words.
func (b Base) AuditReason(e models.AuditEntry) string {
	switch {
	case e.ActorID == nil && e.Reason == "command line":
		return b.T("audit.reason_command_line")
	case e.ActorID == nil && e.Reason == "HIROBA_ADMIN_EMAILS":
		return b.T("audit.reason_admin_emails")
	case e.Action == "user.delete" && e.ActorID != nil && *e.ActorID == e.TargetID:
		return b.T("audit.reason_own_request")
	case e.Action == "rules.update":
		return b.savedRules(e.Reason)
	case e.Action == "thread.duplicate" || e.Action == "thread.unduplicate" || e.Action == "thread.merge" || e.Action == "thread.unmerge":
		// The forum writes the other thread: the original, or where the
		// posts went.
		var other int64
		if _, err := fmt.Sscanf(e.Reason, "thread #%d", &other); err == nil {
			return b.T("audit.target_thread", "ID", other)
		}
	case strings.HasPrefix(e.Action, "revision."):
		// The forum writes which post the version belongs to.
		var post int64
		if _, err := fmt.Sscanf(e.Reason, "post #%d", &post); err == nil {
			return b.T("audit.target_post", "ID", post)
		}
	}
	return e.Reason
}

// savedRules lists stored rules as the rules form labels them.
func (b Base) savedRules(stored string) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal([]byte(stored), &fields) != nil {
		return stored
	}
	var parts []string
	rules := reflect.TypeFor[models.Rules]()
	for i := range rules.NumField() {
		name := rules.Field(i).Tag.Get("json")
		raw, ok := fields[name]
		if !ok {
			continue
		}
		var s string
		value := string(raw)
		if json.Unmarshal(raw, &s) == nil {
			value = s
			if d, err := time.ParseDuration(s); err == nil {
				value = models.Duration(d).String()
			}
		}
		parts = append(parts, b.T("rules."+name)+": "+value)
	}
	return strings.Join(parts, "; ")
}

// HelpMissing reports that no official help link is configured, which
// leaves members nowhere to go for what only the company can do.
func (b Base) HelpMissing() bool {
	return b.Help.HelpCenter == "" && b.Help.Status == "" && b.Help.ContactForm == ""
}

// Silenced reports whether the user is silenced now, apart from a
// suspension, which says more.
func (d ModUserData) Silenced() bool {
	return !d.Suspended() && d.Target.Silenced(d.now())
}

// Suspended reports whether the user is suspended now.
func (d ModUserData) Suspended() bool { return d.Target.Suspended(d.now()) }

func (d ModUserData) now() time.Time {
	if d.Now.IsZero() {
		return time.Now()
	}
	return d.Now
}

// Untouchable reports that the viewer may take no action on the user:
// moderators do not act on each other; admins do.
func (d ModUserData) Untouchable() bool {
	return d.Target.CanModerate() && (d.User == nil || !d.User.CanAdmin())
}

// PeriodActions are the actions that apply now and last some days.
func (d ModUserData) PeriodActions() []string { return d.actions(true) }

// OtherActions are the actions that apply now and take no period.
func (d ModUserData) OtherActions() []string { return d.actions(false) }

func (d ModUserData) actions(period bool) []string {
	var out []string
	actions := []models.UserAction{models.UserSilence, models.UserSuspend, models.UserRestore, models.UserPurge, models.UserUnpurge, models.UserDelete}
	if d.User != nil && d.User.CanAdmin() {
		actions = append(actions, models.UserGrantStaff, models.UserRevokeStaff)
	}
	for _, a := range actions {
		if a.TakesPeriod() == period && a.AppliesTo(d.Target, d.Purged, d.now()) {
			out = append(out, string(a))
		}
	}
	return out
}

// PeriodSent reports whether the form that came back was the one with days.
func (d ModUserData) PeriodSent() bool {
	a := models.UserAction(d.Sent)
	return !a.Valid() || a.TakesPeriod()
}

// modUserPath is the address of the moderators' page of a user.
func modUserPath(username string) string { return "/mod/u/" + url.PathEscape(username) }

// FlagLine says who flagged a post, why, and the note they left, quoted.
func (d ReviewData) FlagLine(f models.Flag) string {
	s := d.T("review.flagged", "Name", f.User.Username, "Reason", d.FlagReason(f.Reason))
	if f.Note != "" {
		s += ": “" + f.Note + "”"
	}
	return s
}

// floodListed is how many of a flood's questions the review queue lists;
// the button takes them all.
const floodListed = 30

// FloodHeading says how many questions about what arrived in how long:
// "14 questions about “login loop” in 12 minutes".
func (d ReviewData) FloodHeading(f models.Flood) string {
	span := d.T("flood.under_a_minute")
	if m := int(f.Span().Round(time.Minute) / time.Minute); m > 0 {
		span = d.T("flood.in_minutes", "Count", m)
	}
	return d.T("flood.heading", "Count", f.Count, "Label", f.Label, "Span", span)
}

// FloodListed is the part of a flood's questions the queue lists.
func FloodListed(f models.Flood) []models.Thread { return f.Threads[:min(len(f.Threads), floodListed)] }

// FloodUnlisted says how many of a flood's questions are not listed.
func (d ReviewData) FloodUnlisted(f models.Flood) string {
	if n := len(f.Threads) - floodListed; n > 0 {
		return d.T("flood.more", "Count", n)
	}
	return ""
}
