package handlers

// Duplicates and merges: an asker or a moderator closes a thread as a
// duplicate of another, or undoes that; a moderator merges a thread into
// another after confirming, lists the merges and undoes one. A merged
// thread's addresses lead to where its posts went.

import (
	"errors"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"hiroba/models"
	"hiroba/views"
)

func (h *Handler) registerDuplicates(app *fiber.App) {
	mod := requireRole(models.User.CanModerate)
	app.Get("/p/:id<int>", h.showPost)
	app.Post("/t/:id<int>/duplicate", h.closeAsDuplicate)
	app.Post("/t/:id<int>/duplicate/undo", h.reopenDuplicate)
	app.Get("/mod/t/:id<int>/merge", mod, h.showMergeThread)
	app.Post("/mod/t/:id<int>/merge", mod, h.mergeThread)
	app.Get("/mod/merges", mod, h.showMerges)
	app.Post("/mod/merges/:id<int>/undo", mod, h.unmergeThread)
}

// mergedRedirectCache is how long a browser keeps the redirect of a merged
// thread's address: a merge can be undone, and a permanent redirect kept
// for good would hide the thread from whoever saw it once.
const mergedRedirectCache = "public, max-age=3600"

// threadMoved answers a thread page whose thread was merged with a
// permanent redirect to the page its posts are on now; any other error
// goes on as it is. The browser keeps the post's anchor (#p…) across the
// redirect, and the page's script finds a post the page does not show.
func (h *Handler) threadMoved(c *fiber.Ctx, err error) error {
	var merged *models.MergedError
	if !errors.As(err, &merged) {
		return err
	}
	c.Set(fiber.HeaderCacheControl, mergedRedirectCache)
	to := views.PagePath(views.ThreadPath(merged.ThreadID, merged.Slug), models.PageOfPosition(merged.Position))
	return c.Redirect(to, fiber.StatusMovedPermanently)
}

// showPost sends a post's permanent address to where the post is now: its
// thread, page and anchor, which a merge can change.
func (h *Handler) showPost(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	p, err := h.store.PostByID(c.UserContext(), currentUser(c), int64(id))
	if err != nil {
		return err
	}
	return c.Redirect(views.PostPath(p.ThreadID, p.Thread.Slug, p.Position, p.ID), fiber.StatusFound)
}

// threadAddress is a thread's address in any of the forms people paste:
// /t/123/slug, with or without the site, a page or an anchor.
var threadAddress = regexp.MustCompile(`^/t/([0-9]+)(?:/|$)`)

// threadRef reads a thread named by its number ("123", "#123") or its
// address.
func threadRef(s string) (int64, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, n > 0
	}
	u, err := url.Parse(s)
	if err != nil {
		return 0, false
	}
	m := threadAddress.FindStringSubmatch(u.Path)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	return n, err == nil && n > 0
}

// dupeRefusal is the message for a thread that cannot be the original of
// another, or a merge that cannot be done; "" for any other error.
func dupeRefusal(t views.Translator, err error) string {
	switch {
	case errors.Is(err, models.ErrSameThread):
		return t.T("dupe.same")
	case errors.Is(err, models.ErrOriginalUnavailable):
		return t.T("dupe.unavailable")
	case errors.Is(err, models.ErrMerged):
		return t.T("dupe.merged")
	}
	return ""
}

// fillDupes adds to a thread page what it shows about duplicates: the
// original it sends readers to, and who may close, reopen or merge it.
func (h *Handler) fillDupes(c *fiber.Ctx, d *views.ThreadData) error {
	ctx := c.UserContext()
	th := d.View.Thread
	var err error
	if d.Dupes.Original, err = h.store.DuplicateOriginal(ctx, d.User, th); err != nil {
		return err
	}
	if o := d.Dupes.Original; o != nil {
		dependsOn(c, models.ThreadKey(o.ID)) // its title, and whether it is still there
	}
	if d.User == nil {
		return nil
	}
	user := *d.User
	d.Dupes.MayClose = user.MayCloseAsDuplicate(th)
	if d.Dupes.MayReopen, err = h.store.MayReopenDuplicate(ctx, user, th); err != nil {
		return err
	}
	if user.CanModerate() {
		d.Dupes.Merges, err = h.store.MergesInto(ctx, user, th.ID)
	}
	return err
}

// closeAsDuplicate closes a thread as a duplicate of the thread named. A
// name that leads nowhere comes back on the thread's page, as typed.
func (h *Handler) closeAsDuplicate(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	t := h.catalog.In(language(c))
	form := views.DupeForm{Original: utils.CopyString(c.FormValue("original"))}
	original, ok := threadRef(form.Original)
	msg := t.T("dupe.bad_reference")
	if ok {
		err := h.store.CloseAsDuplicate(ctx, user, id, original)
		if msg = dupeRefusal(t, err); msg == "" && err != nil {
			return err
		}
	}
	if msg != "" {
		view, err := h.store.ThreadPage(ctx, &user, id, 1)
		if err != nil {
			return err
		}
		form.Errors = map[string]string{"original": msg}
		return h.renderThreadWith(c, fiber.StatusUnprocessableEntity, views.ThreadData{View: view, Dupes: views.DupesData{Form: form}})
	}
	h.flash(c, "flash.duplicate_closed")
	return c.Redirect("/t/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}

// reopenDuplicate undoes a close as a duplicate.
func (h *Handler) reopenDuplicate(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	if err := h.store.ReopenDuplicate(c.UserContext(), user, id); err != nil {
		return err
	}
	h.flash(c, "flash.duplicate_reopened")
	return c.Redirect("/t/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}

// threadMergeData is the merge page of the thread in the route.
func (h *Handler) threadMergeData(c *fiber.Ctx, user models.User, id int64) (views.ThreadMergeData, error) {
	view, err := h.store.ThreadPage(c.UserContext(), &user, id, 1)
	if err != nil {
		return views.ThreadMergeData{}, err
	}
	return views.ThreadMergeData{Base: h.baseTitled(c, "merge.title"), From: view.Thread}, nil
}

// showMergeThread asks which thread to merge a thread into.
func (h *Handler) showMergeThread(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	d, err := h.threadMergeData(c, user, id)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.ThreadMergePage, d)
}

// mergeThread says what a merge will do and asks to confirm it; once
// confirmed it merges, and shows the thread the posts went to.
func (h *Handler) mergeThread(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	d, err := h.threadMergeData(c, user, id)
	if err != nil {
		return err
	}
	d.Into = utils.CopyString(c.FormValue("into"))
	into, ok := threadRef(d.Into)
	if !ok {
		d.Error = d.T("dupe.bad_reference")
		return h.render(c, fiber.StatusUnprocessableEntity, views.ThreadMergePage, d)
	}
	preview, err := h.store.PreviewMerge(ctx, user, id, into)
	if msg := dupeRefusal(d.Translator, err); msg != "" {
		d.Error = msg
		return h.render(c, fiber.StatusUnprocessableEntity, views.ThreadMergePage, d)
	} else if err != nil {
		return err
	}
	if c.FormValue("confirm") != "yes" {
		d.Preview = &preview
		return h.render(c, fiber.StatusOK, views.ThreadMergePage, d)
	}
	m, err := h.store.MergeThreads(ctx, user, id, preview.Into.ID)
	if msg := dupeRefusal(d.Translator, err); msg != "" {
		// Another moderator acted between the confirmation and now.
		d.Error = msg
		return h.render(c, fiber.StatusConflict, views.ThreadMergePage, d)
	} else if err != nil {
		return err
	}
	h.flash(c, "flash.merged")
	return c.Redirect(views.ThreadPath(m.Into.ID, m.Into.Slug), fiber.StatusSeeOther)
}

// showMerges lists every merge, newest first.
func (h *Handler) showMerges(c *fiber.Ctx) error {
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	merges, pages, err := h.store.ThreadMerges(c.UserContext(), user, pageNumber(c), 50)
	if err != nil {
		return err
	}
	b := h.baseTitled(c, "merges.title")
	return h.render(c, fiber.StatusOK, views.ThreadMergesPage, views.ThreadMergesData{Base: b, Merges: merges, Pages: pages})
}

// unmergeThread undoes a merge and goes back to the page it was undone from.
func (h *Handler) unmergeThread(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	back := localPath(c.FormValue("next"))
	if back == "/" {
		back = "/mod/merges"
	}
	err = h.store.Unmerge(c.UserContext(), user, id)
	switch {
	case errors.Is(err, models.ErrMerged):
		h.flash(c, "flash.unmerge_later_first")
	case err != nil:
		return err
	default:
		h.flash(c, "flash.unmerged")
	}
	return c.Redirect(back, fiber.StatusSeeOther)
}
