package handlers

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"hiroba/models"
	"hiroba/views"
)

// Known issues: moderators run them on /mod/known-issues; every page shows
// the active ones in banners, which a reader may dismiss one by one; the
// composer shows the open ones above the title. The active issues are read
// like the site settings (stored.go): once per storedTTL per instance, at
// once after a change here, and before the next page on the instances that
// hear of a change elsewhere (it drops every page: models.KeyAll).

// dismissedCookie lists the banners a reader dismissed (views.DismissToken),
// separated by dots.
const dismissedCookie = "hiroba_dismissed"

// dismissedFor is how long a dismissal is remembered; an issue open longer
// than this shows again, which it is right to.
const dismissedFor = 30 * 24 * time.Hour

// knownIssuesListed bounds the moderators' list.
const knownIssuesListed = 100

// newKnownIssuesCache holds the issues whose banners pages show.
func newKnownIssuesCache(store *models.Store, log *slog.Logger) *stored[[]models.KnownIssue] {
	return newStored("known issues", nil, func(ctx context.Context) ([]models.KnownIssue, error) {
		return store.ActiveKnownIssues(ctx, time.Now())
	}, log)
}

func (h *Handler) registerKnownIssues(app *fiber.App) {
	mod := requireRole(models.User.CanModerate)
	app.Get(views.KnownIssuesPath, mod, h.showKnownIssues)
	app.Post(views.KnownIssuesPath, mod, h.openKnownIssue)
	app.Get(views.KnownIssuesPath+"/:id<int>", mod, h.showKnownIssue)
	app.Post(views.KnownIssuesPath+"/:id<int>", mod, h.updateKnownIssue)
	app.Post(views.KnownIssuesPath+"/:id<int>/resolve", mod, h.resolveKnownIssue)
}

// activeIssues are the known issues whose banners show now.
func (h *Handler) activeIssues(ctx context.Context) []models.KnownIssue {
	all, now := h.knownIssues.get(ctx), time.Now()
	out := make([]models.KnownIssue, 0, len(all))
	for _, k := range all {
		if k.Shown(now) {
			out = append(out, k)
		}
	}
	return out
}

// openIssues are the active issues still open, for the composer.
func (h *Handler) openIssues(ctx context.Context) []models.KnownIssue {
	return slices.DeleteFunc(h.activeIssues(ctx), models.KnownIssue.Resolved)
}

// dismissed is the set of banners the reader dismissed, as the cookie
// lists them.
func dismissed(c *fiber.Ctx) map[string]bool {
	out := map[string]bool{}
	for _, t := range strings.Split(c.Cookies(dismissedCookie), ".") {
		if t != "" {
			out[t] = true
		}
	}
	return out
}

// banners are the active issues the reader has not dismissed.
func (h *Handler) banners(c *fiber.Ctx) []models.KnownIssue {
	active := h.activeIssues(c.UserContext())
	if len(active) == 0 {
		return nil
	}
	gone := dismissed(c)
	return slices.DeleteFunc(active, func(k models.KnownIssue) bool { return gone[views.DismissToken(k)] })
}

// dismissedKey is the part of a page's cache key that its banners depend
// on: the reader's dismissals of the active issues. Dismissals of issues
// long gone do not split the cache.
func (h *Handler) dismissedKey(c *fiber.Ctx) string {
	if c.Cookies(dismissedCookie) == "" {
		return ""
	}
	gone := dismissed(c)
	var keep []string
	for _, k := range h.activeIssues(c.UserContext()) {
		if t := views.DismissToken(k); gone[t] {
			keep = append(keep, t)
		}
	}
	return strings.Join(keep, ".")
}

// dismissKnownIssue hides a banner from this browser and goes back. It
// only sets a preference cookie, like the language and theme switches, so
// it takes no session and no CSRF token: a forged one could hide a banner
// and nothing else, and a form without a token keeps every page that shows
// a banner cacheable. The page's script sends it without leaving the page
// (js=1) and hides the banner itself.
func (h *Handler) dismissKnownIssue(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	gone := dismissed(c)
	var keep []string
	for _, k := range h.activeIssues(c.UserContext()) {
		if t := views.DismissToken(k); gone[t] || k.ID == int64(id) {
			keep = append(keep, t)
		}
	}
	if len(keep) == 0 {
		h.clearCookie(c, dismissedCookie, "/")
	} else {
		h.setCookie(c, dismissedCookie, strings.Join(keep, "."), "/", time.Now().Add(dismissedFor))
	}
	if c.FormValue("js") == "1" {
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(localPath(c.FormValue("next")), fiber.StatusSeeOther)
}

// showKnownIssues lists the known issues with the form to open one.
func (h *Handler) showKnownIssues(c *fiber.Ctx) error {
	return h.renderKnownIssues(c, fiber.StatusOK, views.KnownIssueForm{Incident: "new"})
}

func (h *Handler) renderKnownIssues(c *fiber.Ctx, status int, form views.KnownIssueForm) error {
	ctx := c.UserContext()
	issues, err := h.store.KnownIssues(ctx, knownIssuesListed)
	if err != nil {
		return err
	}
	cats, err := h.store.Categories(ctx)
	if err != nil {
		return err
	}
	return h.render(c, status, views.KnownIssuesPage, views.KnownIssuesData{
		Base: h.baseTitled(c, "known.title_page"), Issues: issues, Categories: models.OpenCategories(cats, 0), Form: form,
	})
}

// knownIssueForm reads the fields an issue's forms share.
func knownIssueForm(c *fiber.Ctx) views.KnownIssueForm {
	return views.KnownIssueForm{Input: models.KnownIssueInput{
		TitleEN: utils.CopyString(c.FormValue("title_en")), TitleJA: utils.CopyString(c.FormValue("title_ja")),
		BodyEN: utils.CopyString(c.FormValue("body_en")), BodyJA: utils.CopyString(c.FormValue("body_ja")),
		Severity: utils.CopyString(c.FormValue("severity")), StatusURL: utils.CopyString(c.FormValue("status_url")),
	}}
}

// issueErrors words a refusal's reasons in the reader's language.
func (h *Handler) issueErrors(c *fiber.Ctx, fields map[string]string) map[string]string {
	t := h.catalog.In(language(c))
	out := make(map[string]string, len(fields))
	for f, id := range fields {
		out[f] = t.T(id)
	}
	return out
}

// openKnownIssue opens a known issue, on a new incident thread or on one
// that exists; a refused form comes back as typed.
func (h *Handler) openKnownIssue(c *fiber.Ctx) error {
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	form := knownIssueForm(c)
	form.Incident, form.Thread = c.FormValue("incident"), utils.CopyString(c.FormValue("thread"))
	if form.Incident == "existing" {
		form.Input.ThreadID, _ = threadRef(form.Thread)
		if form.Input.ThreadID == 0 {
			form.Errors = h.issueErrors(c, map[string]string{"thread": "known.bad_thread"})
			return h.renderKnownIssues(c, fiber.StatusUnprocessableEntity, form)
		}
	} else {
		form.Incident = "new"
		form.Input.CategoryID, _ = strconv.ParseInt(c.FormValue("category"), 10, 64)
	}
	_, err = h.store.OpenKnownIssue(c.UserContext(), user, form.Input)
	if refused, status, ok := h.issueRefusal(c, err, "body_en"); ok {
		form.Errors = refused
		return h.renderKnownIssues(c, status, form)
	}
	if err != nil {
		return err
	}
	h.knownIssues.forget()
	h.flash(c, "flash.known_issue_opened")
	return c.Redirect(views.KnownIssuesPath, fiber.StatusSeeOther)
}

// issueRefusal turns a refused known issue into the reasons beside its
// fields and the status to answer with: the fields the store refused, or
// a posting rule's refusal of the thread's post, shown beside field.
func (h *Handler) issueRefusal(c *fiber.Ctx, err error, field string) (map[string]string, int, bool) {
	var refused *models.KnownIssueError
	if errors.As(err, &refused) {
		return h.issueErrors(c, refused.Fields), fiber.StatusUnprocessableEntity, true
	}
	if msg, status, ok := h.refusal(c, h.catalog.In(language(c)), err); ok {
		return map[string]string{field: msg}, status, true
	}
	return nil, 0, false
}

// showKnownIssue shows one issue with the forms that change and resolve it.
func (h *Handler) showKnownIssue(c *fiber.Ctx) error {
	return h.renderKnownIssue(c, fiber.StatusOK, nil, views.ResolveForm{})
}

// renderKnownIssue shows an issue's page; form, when given, is the change
// as typed, else the issue as it is.
func (h *Handler) renderKnownIssue(c *fiber.Ctx, status int, form *views.KnownIssueForm, resolve views.ResolveForm) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	k, err := h.store.KnownIssue(c.UserContext(), int64(id))
	if err != nil {
		return err
	}
	if form == nil {
		form = &views.KnownIssueForm{Input: models.KnownIssueInput{
			TitleEN: k.TitleEN, TitleJA: k.TitleJA, BodyEN: k.BodyEN, BodyJA: k.BodyJA, Severity: k.Severity, StatusURL: k.StatusURL,
		}}
	}
	b := h.baseTitled(c, "known.title_page")
	b.Title = k.Title(b.Lang()) + " · " + b.Title
	return h.render(c, status, views.KnownIssuePage, views.KnownIssueData{Base: b, Issue: k, Form: *form, Resolve: resolve})
}

// updateKnownIssue changes an issue's texts, severity and status link.
func (h *Handler) updateKnownIssue(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	form := knownIssueForm(c)
	_, err = h.store.UpdateKnownIssue(c.UserContext(), user, id, form.Input)
	if refused, status, ok := h.issueRefusal(c, err, "body_en"); ok {
		form.Errors = refused
		return h.renderKnownIssue(c, status, &form, views.ResolveForm{})
	}
	if err != nil {
		return err
	}
	h.knownIssues.forget()
	h.flash(c, "flash.known_issue_saved")
	return c.Redirect(views.KnownIssuePath(id), fiber.StatusSeeOther)
}

// resolveKnownIssue resolves an issue with the resolution in both languages.
func (h *Handler) resolveKnownIssue(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	resolve := views.ResolveForm{
		ResolutionEN: utils.CopyString(c.FormValue("resolution_en")),
		ResolutionJA: utils.CopyString(c.FormValue("resolution_ja")),
	}
	_, err = h.store.ResolveKnownIssue(c.UserContext(), user, id, resolve.ResolutionEN, resolve.ResolutionJA)
	if refused, status, ok := h.issueRefusal(c, err, "resolution_en"); ok {
		resolve.Errors = refused
		return h.renderKnownIssue(c, status, nil, resolve)
	}
	if err != nil {
		return err
	}
	h.knownIssues.forget()
	h.flash(c, "flash.known_issue_resolved")
	return c.Redirect(views.KnownIssuesPath, fiber.StatusSeeOther)
}
