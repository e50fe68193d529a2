package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hiroba/models/guard"
	"hiroba/views"
)

// What the author chose when the guard found personal data in a post.
const (
	privacyRedact = "redact" // replace each match with [redacted], then post
	privacyPost   = "post"   // post as written
)

// screenPrivacy checks a post's title and body for personal data before it
// is published. With nothing found, or once the author has chosen, it
// returns the text to store; otherwise it returns the check to show, and
// nothing is published or changed behind the author's back. The choice is
// applied to the text as submitted, found afresh, never to offsets that
// travelled through the form.
func (h *Handler) screenPrivacy(c *fiber.Ctx, title, body string) (string, string, *views.PrivacyCheck) {
	if h.cfg.Guard == nil {
		return title, body, nil
	}
	inTitle, inBody := h.cfg.Guard.Check(title), h.cfg.Guard.Check(body)
	if len(inTitle) == 0 && len(inBody) == 0 {
		return title, body, nil
	}
	switch c.FormValue("privacy") {
	case privacyRedact:
		return guard.Redact(title, inTitle), guard.Redact(body, inBody), nil
	case privacyPost:
		return title, body, nil
	}
	check := &views.PrivacyCheck{Body: guard.Highlight(body, inBody)}
	if len(inTitle) > 0 {
		check.Title = guard.Highlight(title, inTitle)
	}
	check.Kinds = kindsOf(append(inTitle, inBody...))
	return title, body, check
}

// kindsOf lists what was found, each kind once, in the order found.
func kindsOf(findings []guard.Finding) []string {
	kinds := []string{}
	seen := map[guard.Kind]bool{}
	for _, f := range findings {
		if !seen[f.Kind] {
			seen[f.Kind] = true
			kinds = append(kinds, string(f.Kind))
		}
	}
	return kinds
}

// privacyKinds answers the composer's script, while the author types, with
// what the guard finds in the draft: the warning in the page comes from
// the same check that stops the post on submit, never from a copy of it.
func (h *Handler) privacyKinds(c *fiber.Ctx) error {
	if currentUser(c) == nil {
		return fiber.ErrForbidden
	}
	var found []guard.Finding
	if h.cfg.Guard != nil {
		found = append(h.cfg.Guard.Check(c.FormValue("title")), h.cfg.Guard.Check(c.FormValue("body"))...)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"kinds": kindsOf(found)})
}
