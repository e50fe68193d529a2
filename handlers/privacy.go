package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"hiroba/models"
	"hiroba/models/guard"
	"hiroba/views"
)

// What the author chose when the guard found personal data in a post.
const (
	privacyRedact = "redact" // replace each match with [redacted], then post
	privacyPost   = "post"   // post as written
)

// screenPrivacy checks a post's title and body for personal data before it
// is published, and the images it shows for what their text gave away.
// With nothing found, or once the author has chosen, it returns the text to
// store; otherwise it returns the check to show, and nothing is published
// or changed behind the author's back. The choice is applied to the text as
// submitted, found afresh, never to offsets that travelled through the form.
// Blacking out an image stores a painted copy and points the post at it.
func (h *Handler) screenPrivacy(c *fiber.Ctx, title, body string) (string, string, *views.PrivacyCheck, error) {
	var inTitle, inBody []guard.Finding
	if h.cfg.Guard != nil {
		inTitle, inBody = h.cfg.Guard.Check(title), h.cfg.Guard.Check(body)
	}
	shown, err := h.imagesWithFindings(c, body)
	if err != nil {
		return title, body, nil, err
	}
	if len(inTitle) == 0 && len(inBody) == 0 && len(shown) == 0 {
		return title, body, nil, nil
	}
	switch c.FormValue("privacy") {
	case privacyRedact:
		for _, up := range shown {
			painted, err := h.blackOut(c.UserContext(), *currentUser(c), up)
			if err != nil {
				return title, body, nil, err
			}
			body = strings.ReplaceAll(body, up.Path(), painted.Path())
		}
		return guard.Redact(title, inTitle), guard.Redact(body, inBody), nil, nil
	case privacyPost:
		return title, body, nil, nil
	}
	check := &views.PrivacyCheck{}
	if len(inTitle) > 0 || len(inBody) > 0 {
		check.Body = guard.Highlight(body, inBody)
	}
	if len(inTitle) > 0 {
		check.Title = guard.Highlight(title, inTitle)
	}
	kinds := append(inTitle, inBody...)
	for _, up := range shown {
		img := views.ImageCheck{URL: up.Path(), Width: up.Width, Height: up.Height}
		for _, f := range up.Findings() {
			kinds = append(kinds, guard.Finding{Kind: guard.Kind(f.Kind)})
			img.Boxes = append(img.Boxes, views.ImageBox{Kind: f.Kind, X: f.Box.Min.X, Y: f.Box.Min.Y, Width: f.Box.Dx(), Height: f.Box.Dy()})
		}
		check.Images = append(check.Images, img)
	}
	check.Kinds = kindsOf(kinds)
	return title, body, check, nil
}

// imagesWithFindings are the author's uploads that the body shows and in
// whose text the guard found something.
func (h *Handler) imagesWithFindings(c *fiber.Ctx, body string) ([]models.Upload, error) {
	user := currentUser(c)
	hashes := models.SourceUploadHashes(body)
	if user == nil || len(hashes) == 0 {
		return nil, nil
	}
	uploads, err := h.store.UploadsOf(c.UserContext(), user.ID, hashes)
	if err != nil {
		return nil, err
	}
	var found []models.Upload
	for _, up := range uploads {
		if up.OCRFindings != "" {
			found = append(found, up)
		}
	}
	return found, nil
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
