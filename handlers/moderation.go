package handlers

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"hiroba/models"
	"hiroba/views"
)

func (h *Handler) registerModeration(app *fiber.App) {
	mod, admin := requireRole(models.User.CanModerate), requireRole(models.User.CanAdmin)
	app.Get("/review", mod, h.showReview)
	app.Post("/review/:id<int>", mod, h.reviewPost)
	app.Post("/mod/t/:id<int>", mod, h.moderateThread)
	app.Post("/mod/p/:id<int>/hide", mod, h.hidePost)
	app.Post("/mod/p/:id<int>/unhide", mod, h.hidePost)
	app.Get("/mod/u/:username", mod, h.showModerateUser)
	app.Post("/mod/u/:username", mod, h.moderateUser)
	app.Get("/admin/audit", admin, h.showAudit)
	app.Get("/admin/words", admin, h.showWords)
	app.Post("/admin/words", admin, h.addWord)
	app.Post("/admin/words/:id<int>/delete", admin, h.deleteWord)
	app.Get("/admin/rules", admin, h.showRules)
	app.Post("/admin/rules", admin, h.saveRules)
}

// requireRole refuses members and visitors before a moderation route runs.
func requireRole(allowed func(models.User) bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := currentUser(c)
		if u == nil || !allowed(*u) {
			return fiber.ErrForbidden
		}
		return c.Next()
	}
}

// showFlag asks why a post is being flagged.
func (h *Handler) showFlag(c *fiber.Ctx) error {
	if currentUser(c) == nil {
		return c.Redirect("/login?next="+c.OriginalURL(), fiber.StatusSeeOther)
	}
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	post, err := h.store.PostByID(c.UserContext(), int64(id))
	if err != nil {
		return err
	}
	b := h.base(c, "")
	b.Title = b.T("flag.title")
	return h.render(c, fiber.StatusOK, views.Flag, views.FlagData{Base: b, Post: post})
}

// flagPost records a flag and goes back to the post.
func (h *Handler) flagPost(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	in := models.FlagInput{PostID: id, Reason: models.FlagReason(c.FormValue("reason")), Note: utils.CopyString(c.FormValue("note"))}
	hidden, err := h.store.FlagPost(c.UserContext(), user, in)
	if models.IsInvalid(err) {
		return fiber.NewError(fiber.StatusUnprocessableEntity, "invalid note")
	}
	if err != nil {
		return err
	}
	post, err := h.store.PostByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	if hidden {
		h.flash(c, "flash.flag_hidden")
	} else {
		h.flash(c, "flash.flagged")
	}
	return h.redirectToPost(c, post)
}

// showReview lists what waits for a moderator.
func (h *Handler) showReview(c *fiber.Ctx) error {
	items, err := h.store.ReviewQueue(c.UserContext(), 100)
	if err != nil {
		return err
	}
	b := h.base(c, "")
	b.Title = b.T("review.title")
	return h.render(c, fiber.StatusOK, views.Review, views.ReviewData{Base: b, Items: items})
}

// reviewPost applies a moderator's decision to a queued post.
func (h *Handler) reviewPost(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	decision := models.ReviewDecision(c.FormValue("decision"))
	if err := h.store.Review(c.UserContext(), user, id, decision, utils.CopyString(c.FormValue("reason"))); err != nil {
		return err
	}
	h.flash(c, "flash.reviewed")
	return c.Redirect("/review", fiber.StatusSeeOther)
}

// moderateThread hides, closes, pins or moves a thread.
func (h *Handler) moderateThread(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	catID, _ := strconv.ParseInt(c.FormValue("category"), 10, 64)
	action := models.ThreadAction(c.FormValue("action"))
	if err := h.store.ModerateThread(c.UserContext(), user, id, action, catID, utils.CopyString(c.FormValue("reason"))); err != nil {
		return err
	}
	return c.Redirect("/t/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}

// hidePost hides a post pending review, or shows it again.
func (h *Handler) hidePost(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	hide := strings.HasSuffix(c.Path(), "/hide")
	if err := h.store.SetPostHidden(c.UserContext(), user, id, hide, utils.CopyString(c.FormValue("reason"))); err != nil {
		return err
	}
	post, err := h.store.PostByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.redirectToPost(c, post)
}

// showModerateUser offers the actions a moderator may take on a user.
func (h *Handler) showModerateUser(c *fiber.Ctx) error {
	name, err := urlParam(c, "username")
	if err != nil {
		return fiber.ErrNotFound
	}
	target, err := h.store.UserByUsername(c.UserContext(), name)
	if err != nil {
		return err
	}
	b := h.base(c, "")
	b.Title = b.T("moduser.title", "Name", target.Username)
	return h.render(c, fiber.StatusOK, views.ModUser, views.ModUserData{Base: b, Target: target})
}

// moderateUser silences, suspends, restores or purges a user for a period,
// with a reason the user will see.
func (h *Handler) moderateUser(c *fiber.Ctx) error {
	user, _ := requireUser(c)
	name, err := urlParam(c, "username")
	if err != nil {
		return fiber.ErrNotFound
	}
	target, err := h.store.UserByUsername(c.UserContext(), name)
	if err != nil {
		return err
	}
	days, _ := strconv.Atoi(c.FormValue("days", "7"))
	if days < 1 {
		days = 1
	}
	if days > 3650 {
		days = 3650
	}
	until := time.Now().AddDate(0, 0, days)
	action := models.UserAction(c.FormValue("action"))
	if err := h.store.ModerateUser(c.UserContext(), user, target.ID, action, until, utils.CopyString(c.FormValue("reason"))); err != nil {
		return err
	}
	h.flash(c, "flash.user_moderated")
	return c.Redirect("/mod/u/"+target.Username, fiber.StatusSeeOther)
}

// showAudit lists every moderator action.
func (h *Handler) showAudit(c *fiber.Ctx) error {
	entries, pages, err := h.store.AuditLog(c.UserContext(), pageNumber(c), 50)
	if err != nil {
		return err
	}
	b := h.base(c, "")
	b.Title = b.T("audit.title")
	return h.render(c, fiber.StatusOK, views.Audit, views.AuditData{Base: b, Entries: entries, Pages: pages})
}

// showWords lists the watched words and domains.
func (h *Handler) showWords(c *fiber.Ctx) error {
	return h.renderWords(c, fiber.StatusOK, views.WordForm{})
}

func (h *Handler) renderWords(c *fiber.Ctx, status int, form views.WordForm) error {
	words, err := h.store.WatchedWords(c.UserContext())
	if err != nil {
		return err
	}
	b := h.base(c, "")
	b.Title = b.T("words.title")
	return h.render(c, status, views.Words, views.WordsData{Base: b, Words: words, Form: form})
}

// addWord watches a new word or domain.
func (h *Handler) addWord(c *fiber.Ctx) error {
	user, _ := requireUser(c)
	form := views.WordForm{Pattern: strings.TrimSpace(utils.CopyString(c.FormValue("pattern"))), Kind: c.FormValue("kind"), Action: c.FormValue("action")}
	w := models.WatchedWord{Pattern: form.Pattern, Kind: form.Kind, Action: models.WatchAction(form.Action)}
	if err := h.store.AddWatchedWord(c.UserContext(), user, w); err != nil {
		if models.IsInvalid(err) {
			form.Error = h.catalog.In(language(c)).T("words.invalid")
			return h.renderWords(c, fiber.StatusUnprocessableEntity, form)
		}
		return err
	}
	return c.Redirect("/admin/words", fiber.StatusSeeOther)
}

// deleteWord stops watching a word.
func (h *Handler) deleteWord(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	if err := h.store.DeleteWatchedWord(c.UserContext(), user, id); err != nil {
		return err
	}
	return c.Redirect("/admin/words", fiber.StatusSeeOther)
}

// showRules shows the spam defaults for admins to change.
func (h *Handler) showRules(c *fiber.Ctx) error {
	r, err := h.store.Rules(c.UserContext())
	if err != nil {
		return err
	}
	return h.renderRules(c, fiber.StatusOK, r, "")
}

func (h *Handler) renderRules(c *fiber.Ctx, status int, r models.Rules, errMsg string) error {
	b := h.base(c, "")
	b.Title = b.T("rules.title")
	return h.render(c, status, views.RulesPage, views.RulesData{Base: b, Rules: r, Error: errMsg})
}

// saveRules stores new spam defaults.
func (h *Handler) saveRules(c *fiber.Ctx) error {
	user, _ := requireUser(c)
	r, ok := readRules(c)
	if !ok {
		return h.renderRules(c, fiber.StatusUnprocessableEntity, r, h.catalog.In(language(c)).T("rules.invalid"))
	}
	if err := h.store.SaveRules(c.UserContext(), user, r); err != nil {
		return err
	}
	h.flash(c, "flash.rules_saved")
	return c.Redirect("/admin/rules", fiber.StatusSeeOther)
}

func readRules(c *fiber.Ctx) (models.Rules, bool) {
	ok := true
	num := func(name string) int {
		n, err := strconv.Atoi(strings.TrimSpace(c.FormValue(name)))
		if err != nil || n < 0 {
			ok = false
		}
		return n
	}
	dur := func(name string) models.Duration {
		d, err := time.ParseDuration(strings.TrimSpace(c.FormValue(name)))
		if err != nil || d < 0 {
			ok = false
		}
		return models.Duration(d)
	}
	r := models.Rules{
		NewAccountAge: dur("new_account_age"), NewAccountMinPosts: num("new_account_min_posts"),
		NewMaxLinks: num("new_max_links"), NewMaxImages: num("new_max_images"),
		NewMaxThreadsPerDay: num("new_max_threads_per_day"), NewMaxRepliesPerDay: num("new_max_replies_per_day"),
		NewCooldown: dur("new_cooldown"), Cooldown: dur("cooldown"), DuplicateWindow: dur("duplicate_window"),
		FlagThreshold: num("flag_threshold"),
	}
	return r, ok && r.FlagThreshold >= 1
}
