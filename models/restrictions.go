package models

import (
	"fmt"
	"time"
)

// What a moderator's limit on an account stops. A suspended account may do
// nothing but read: its sessions end when the suspension starts, and it
// cannot sign in again until it ends. A silenced account may read and
// change its own notification settings (watching, muting, email), nothing
// else: no posts, edits, votes, flags or solutions.

// RestrictedError says that a moderator limited the account, until when and
// why; the page that refuses the action says all three.
type RestrictedError struct {
	Suspended bool // otherwise silenced
	Until     time.Time
	Reason    string
}

func (e *RestrictedError) Error() string {
	kind := "silenced"
	if e.Suspended {
		kind = "suspended"
	}
	return fmt.Sprintf("account %s until %s", kind, e.Until.UTC().Format(time.RFC3339))
}

// MayAct returns a *RestrictedError when the user may not write anything
// now (suspended or silenced), nil when they may.
func (u User) MayAct(now time.Time) error {
	if err := u.MayManageOwn(now); err != nil {
		return err
	}
	if u.Silenced(now) {
		return &RestrictedError{Until: *u.SilencedUntil, Reason: u.ModerationReason}
	}
	return nil
}

// MayManageOwn returns a *RestrictedError when the user may not even change
// their own settings: only suspension stops that.
func (u User) MayManageOwn(now time.Time) error {
	if u.Suspended(now) {
		return &RestrictedError{Suspended: true, Until: *u.SuspendedUntil, Reason: u.ModerationReason}
	}
	return nil
}

// mayModerate refuses moderation to members, and to a moderator an admin
// limited.
func (u User) mayModerate() error {
	if !u.CanModerate() {
		return ErrForbidden
	}
	return u.MayAct(time.Now())
}

// restrictedUntil is the end of whichever limit lasts longer.
func (u User) restrictedUntil() time.Time {
	var until time.Time
	if u.SuspendedUntil != nil {
		until = *u.SuspendedUntil
	}
	if u.SilencedUntil != nil && u.SilencedUntil.After(until) {
		until = *u.SilencedUntil
	}
	return until
}
