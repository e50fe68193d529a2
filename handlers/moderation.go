package handlers

import (
	"errors"
	"net/url"
	"slices"
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
	app.Post("/mod/floods/open", mod, h.openFloodIncident)
	app.Post("/mod/t/:id<int>", mod, h.moderateThread)
	app.Post("/mod/p/:id<int>/hide", mod, h.hidePost)
	app.Post("/mod/p/:id<int>/unhide", mod, h.hidePost)
	app.Get("/mod/u/:username", mod, h.showModerateUser)
	app.Post("/mod/u/:username", mod, h.moderateUser)
	app.Get("/admin/audit", admin, h.showAudit)
	app.Get("/admin/words", admin, h.showWords)
	app.Post("/admin/words", admin, h.addWord)
	app.Post("/admin/words/:id<int>/delete", admin, h.deleteWord)
	app.Get("/admin/settings", admin, h.showSiteSettings)
	app.Post("/admin/settings", admin, h.saveSiteSettings)
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
		return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	data := views.FlagData{Post: models.Post{ID: int64(id)}, Reason: string(models.FlagSpam)}
	err = h.store.MayFlag(c.UserContext(), *currentUser(c))
	switch {
	case errors.Is(err, models.ErrNewAccount):
		// Said before anything is typed, rather than after.
		data.Refused = h.catalog.In(language(c)).T("flag.new_account")
		return h.renderFlag(c, fiber.StatusForbidden, data)
	case err != nil:
		return err // a restriction says until when and why
	}
	return h.renderFlag(c, fiber.StatusOK, data)
}

// mayFlag asks the models whether the user may flag posts, for pages that
// offer the action only to those who may take it.
func (h *Handler) mayFlag(c *fiber.Ctx, user models.User) (bool, error) {
	return flagAllowed(h.store.MayFlag(c.UserContext(), user))
}

// flagAllowed reads MayFlag's answer: a newcomer or a restricted user may
// not flag, which is no error of the page's.
func flagAllowed(err error) (bool, error) {
	var restricted *models.RestrictedError
	if errors.Is(err, models.ErrNewAccount) || errors.As(err, &restricted) {
		return false, nil
	}
	return err == nil, err
}

func (h *Handler) renderFlag(c *fiber.Ctx, status int, data views.FlagData) error {
	post, err := h.store.PostByID(c.UserContext(), currentUser(c), data.Post.ID)
	if err != nil {
		return err
	}
	data.Base, data.Post = h.baseTitled(c, "flag.title"), post
	return h.render(c, status, views.Flag, data)
}

// flagPost records a flag and goes back to the post.
func (h *Handler) flagPost(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	in := models.FlagInput{PostID: id, Reason: models.FlagReason(c.FormValue("reason")), Note: utils.CopyString(c.FormValue("note"))}
	post, hidden, err := h.store.FlagPost(c.UserContext(), user, in)
	if models.IsInvalid(err) {
		return h.renderFlag(c, fiber.StatusUnprocessableEntity, views.FlagData{
			Post: models.Post{ID: id}, Reason: string(in.Reason), Note: in.Note,
			Error: h.catalog.In(language(c)).T("flag.invalid"),
		})
	}
	switch {
	case errors.Is(err, models.ErrNewAccount):
		// A form from before the rules changed: say why, keeping the note.
		return h.renderFlag(c, fiber.StatusForbidden, views.FlagData{
			Post: models.Post{ID: id}, Note: in.Note, Refused: h.catalog.In(language(c)).T("flag.new_account"),
		})
	case errors.Is(err, models.ErrConflict):
		h.flash(c, "flash.already_flagged")
	case err != nil:
		return err
	case hidden:
		h.flash(c, "flash.flag_hidden")
	default:
		h.flash(c, "flash.flagged")
	}
	return h.redirectToPost(c, post)
}

// showReview lists what waits for a moderator.
func (h *Handler) showReview(c *fiber.Ctx) error {
	return h.renderReview(c, fiber.StatusOK, views.ReviewForm{})
}

// renderReview shows the queue; a refused decision comes back beside its
// post, with the reason as typed. A post no longer in the queue has no form
// to come back to.
func (h *Handler) renderReview(c *fiber.Ctx, status int, form views.ReviewForm) error {
	items, err := h.store.ReviewQueue(c.UserContext(), 100)
	if err != nil {
		return err
	}
	if form.PostID != 0 && !slices.ContainsFunc(items, func(it models.ReviewItem) bool { return it.Post.ID == form.PostID }) {
		return fiber.ErrNotFound
	}
	b := h.baseTitled(c, "review.title")
	return h.render(c, status, views.Review, views.ReviewData{Base: b, Floods: h.floods(c), Items: items, Form: form})
}

// reviewPost applies a moderator's decision to a queued post.
func (h *Handler) reviewPost(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	form := views.ReviewForm{PostID: id, Reason: utils.CopyString(c.FormValue("reason"))}
	decision := models.ReviewDecision(c.FormValue("decision"))
	if !decision.Valid() {
		form.Error = h.catalog.In(language(c)).T("review.invalid_decision")
		return h.renderReview(c, fiber.StatusUnprocessableEntity, form)
	}
	if err := h.store.Review(c.UserContext(), user, id, decision, form.Reason); err != nil {
		return err
	}
	h.flash(c, "flash.reviewed")
	return c.Redirect("/review", fiber.StatusSeeOther)
}

// moderateThread hides, closes, pins or moves a thread. A form the forum
// cannot act on comes back on the thread's page, with the reason as typed.
func (h *Handler) moderateThread(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	catID, _ := strconv.ParseInt(c.FormValue("category"), 10, 64)
	action := models.ThreadAction(c.FormValue("action"))
	form := views.ModForm{Reason: utils.CopyString(c.FormValue("reason"))}
	t := h.catalog.In(language(c))
	switch {
	case !action.Valid():
		form.Errors = map[string]string{"action": t.T("mod.invalid_action")}
	case action == models.ThreadMove:
		cat, err := h.store.CategoryByID(ctx, catID)
		switch {
		case errors.Is(err, models.ErrNotFound):
			form.Errors = map[string]string{"category": t.T("mod.invalid_category")}
		case err != nil:
			return err
		case cat.Archived():
			form.Errors = map[string]string{"category": t.T("refused.archived_move")}
		}
	}
	if len(form.Errors) > 0 {
		view, err := h.store.ThreadPage(ctx, &user, id, 1)
		if err != nil {
			return err
		}
		return h.renderThreadWith(c, fiber.StatusUnprocessableEntity, views.ThreadData{View: view, Mod: form})
	}
	if err := h.store.ModerateThread(ctx, user, id, action, catID, form.Reason); err != nil {
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
	post, err := h.store.SetPostHidden(c.UserContext(), user, id, hide, utils.CopyString(c.FormValue("reason")))
	if err != nil {
		return err
	}
	return h.redirectToPost(c, post)
}

// showModerateUser offers the actions a moderator may take on a user.
func (h *Handler) showModerateUser(c *fiber.Ctx) error {
	return h.renderModerateUser(c, fiber.StatusOK, views.ModUserData{Days: "7"})
}

func (h *Handler) renderModerateUser(c *fiber.Ctx, status int, data views.ModUserData) error {
	name, err := urlParam(c, "username")
	if err != nil {
		return fiber.ErrNotFound
	}
	if data.Target, err = h.store.UserByUsername(c.UserContext(), name); err != nil {
		return err
	}
	if data.Purged, err = h.store.Purged(c.UserContext(), data.Target.ID); err != nil {
		return err
	}
	data.Base = h.baseTitled(c, "moduser.title", "Name", data.Target.Username)
	return h.render(c, status, views.ModUser, data)
}

// moderateUser silences, suspends, restores or purges a user for a period,
// with a reason the user will see.
func (h *Handler) moderateUser(c *fiber.Ctx) error {
	user, _ := requireUser(c)
	action := models.UserAction(utils.CopyString(c.FormValue("action")))
	form := views.ModUserData{Days: "7", Reason: utils.CopyString(c.FormValue("reason")), Sent: string(action)}
	t := h.catalog.In(language(c))
	days := 0
	if !action.Valid() || action.TakesPeriod() {
		// Only the actions that last some days ask for them.
		form.Days = strings.TrimSpace(c.FormValue("days"))
		var err error
		if days, err = strconv.Atoi(form.Days); err != nil || days < 1 || days > 3650 {
			form.Error = t.T("moduser.bad_days")
		}
	}
	if !action.Valid() {
		form.ActionError = t.T("moduser.invalid_action")
	} else if action == models.UserDelete && strings.TrimSpace(form.Reason) == "" {
		form.ActionError = t.T("moduser.delete_needs_reason")
	}
	if form.Error != "" || form.ActionError != "" {
		return h.renderModerateUser(c, fiber.StatusUnprocessableEntity, form)
	}
	name, err := urlParam(c, "username")
	if err != nil {
		return fiber.ErrNotFound
	}
	target, err := h.store.UserByUsername(c.UserContext(), name)
	if err != nil {
		return err
	}
	purged, err := h.store.Purged(c.UserContext(), target.ID)
	if err != nil {
		return err
	}
	if !action.AppliesTo(target, purged, time.Now()) {
		// A page from before another moderator acted: nothing to do.
		form.ActionError = t.T("moduser.not_applicable")
		return h.renderModerateUser(c, fiber.StatusConflict, form)
	}
	if err := h.store.ModerateUser(c.UserContext(), user, target.ID, action, time.Now().AddDate(0, 0, days), form.Reason); err != nil {
		return err
	}
	h.flash(c, "flash.user_moderated")
	return c.Redirect("/mod/u/"+url.PathEscape(target.Username), fiber.StatusSeeOther)
}

// showAudit lists every moderator action.
func (h *Handler) showAudit(c *fiber.Ctx) error {
	entries, pages, err := h.store.AuditLog(c.UserContext(), pageNumber(c), 50)
	if err != nil {
		return err
	}
	b := h.baseTitled(c, "audit.title")
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
	b := h.baseTitled(c, "words.title")
	return h.render(c, status, views.Words, views.WordsData{Base: b, Words: words, Form: form})
}

// addWord watches a new word or domain.
func (h *Handler) addWord(c *fiber.Ctx) error {
	user, _ := requireUser(c)
	form := views.WordForm{Pattern: strings.TrimSpace(utils.CopyString(c.FormValue("pattern"))), Kind: c.FormValue("kind"), Action: c.FormValue("action")}
	w := models.WatchedWord{Pattern: form.Pattern, Kind: form.Kind, Action: models.WatchAction(form.Action)}
	err := h.store.AddWatchedWord(c.UserContext(), user, w)
	switch {
	case models.IsInvalid(err):
		form.Error = h.catalog.In(language(c)).T("words.invalid")
	case errors.Is(err, models.ErrConflict):
		form.Error = h.catalog.In(language(c)).T("words.duplicate")
	case err != nil:
		return err
	}
	if form.Error != "" {
		return h.renderWords(c, fiber.StatusUnprocessableEntity, form)
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

// showRules shows the spam defaults and the request budgets for admins to change.
func (h *Handler) showRules(c *fiber.Ctx) error {
	r, err := h.store.Rules(c.UserContext())
	if err != nil {
		return err
	}
	return h.renderRules(c, fiber.StatusOK, h.rulesFields(r), "")
}

func (h *Handler) renderRules(c *fiber.Ctx, status int, fields []views.RuleField, errMsg string) error {
	b := h.baseTitled(c, "rules.title")
	return h.render(c, status, views.RulesPage, views.RulesData{Base: b, Fields: fields, Error: errMsg})
}

// saveRules stores new spam defaults and budgets; a refused form comes back
// as typed, with the reason beside each field it could not use.
func (h *Handler) saveRules(c *fiber.Ctx) error {
	user, _ := requireUser(c)
	t := h.catalog.In(language(c))
	r, fields, ok := h.readRules(c, t)
	if !ok {
		return h.renderRules(c, fiber.StatusUnprocessableEntity, fields, t.T("rules.invalid"))
	}
	if err := h.store.SaveRules(c.UserContext(), user, r); err != nil {
		return err
	}
	// This instance applies new budgets from the next request; the others
	// within storedTTL.
	h.limits.forget()
	h.flash(c, "flash.rules_saved")
	return c.Redirect("/admin/rules", fiber.StatusSeeOther)
}

// ruleSetting is one field of the rules form: a count, a duration, or a
// request budget (named as in models.BudgetNames).
type ruleSetting struct {
	name     string
	count    func(*models.Rules) *int
	duration func(*models.Rules) *models.Duration
	budget   string
	min      int // the least a count may be
}

// ruleSettings lists the form's fields once, for showing and for reading.
var ruleSettings = func() []ruleSetting {
	settings := []ruleSetting{
		{name: "new_account_age", duration: func(r *models.Rules) *models.Duration { return &r.NewAccountAge }},
		{name: "new_account_min_posts", count: func(r *models.Rules) *int { return &r.NewAccountMinPosts }},
		{name: "new_max_links", count: func(r *models.Rules) *int { return &r.NewMaxLinks }},
		{name: "new_max_images", count: func(r *models.Rules) *int { return &r.NewMaxImages }},
		{name: "new_max_threads_per_day", count: func(r *models.Rules) *int { return &r.NewMaxThreadsPerDay }},
		{name: "new_max_replies_per_day", count: func(r *models.Rules) *int { return &r.NewMaxRepliesPerDay }},
		{name: "new_cooldown", duration: func(r *models.Rules) *models.Duration { return &r.NewCooldown }},
		{name: "cooldown", duration: func(r *models.Rules) *models.Duration { return &r.Cooldown }},
		{name: "duplicate_window", duration: func(r *models.Rules) *models.Duration { return &r.DuplicateWindow }},
		{name: "flag_threshold", count: func(r *models.Rules) *int { return &r.FlagThreshold }, min: 1},
		{name: "uploads_per_day", count: func(r *models.Rules) *int { return &r.UploadsPerDay }},
		{name: "flood_threshold", count: func(r *models.Rules) *int { return &r.FloodThreshold }, min: 1},
		{name: "flood_window", duration: func(r *models.Rules) *models.Duration { return &r.FloodWindow }},
	}
	for _, b := range models.BudgetNames {
		settings = append(settings, ruleSetting{name: "limit_" + b, budget: b})
	}
	return settings
}()

// rulesFields fills the form from stored rules. A budget left to the
// server shows empty, with the server's budget as its placeholder.
func (h *Handler) rulesFields(r models.Rules) []views.RuleField {
	fields := make([]views.RuleField, len(ruleSettings))
	for i, s := range ruleSettings {
		fields[i].Name = s.name
		switch {
		case s.count != nil:
			fields[i].Value = strconv.Itoa(*s.count(&r))
		case s.duration != nil:
			fields[i].Value = s.duration(&r).String()
		default:
			if b := *r.Budgets.Field(s.budget); b != (models.Budget{}) {
				fields[i].Value = b.String()
			}
			fields[i].Budget, fields[i].Placeholder = true, h.cfg.Limits.Budget(s.budget).String()
		}
	}
	return fields
}

// readRules parses the form, giving each field it cannot use its reason.
func (h *Handler) readRules(c *fiber.Ctx, t views.Translator) (models.Rules, []views.RuleField, bool) {
	var r models.Rules
	fields := h.rulesFields(r) // names and placeholders
	ok := true
	for i, s := range ruleSettings {
		v := strings.TrimSpace(utils.CopyString(c.FormValue(s.name)))
		fields[i].Value = v
		switch {
		case s.count != nil:
			n, err := strconv.Atoi(v)
			if err != nil || n < s.min {
				fields[i].Error = t.T("rules.bad_count", "Min", s.min)
			}
			*s.count(&r) = n
		case s.duration != nil:
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				fields[i].Error = t.T("rules.bad_duration")
			}
			*s.duration(&r) = models.Duration(d)
		case v != "": // empty: the server's budget
			b, err := models.ParseBudget(v)
			if err != nil {
				fields[i].Error = t.T("rules.bad_budget")
			}
			*r.Budgets.Field(s.budget) = b
		}
		fields[i].Invalid = fields[i].Error != ""
		ok = ok && !fields[i].Invalid
	}
	return r, fields, ok
}
