package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"hiroba/models"
	"hiroba/views"
)

// The categories as admins manage them at /admin/categories: create,
// rename and describe, reorder, archive and open again, merge. Each change
// is the Store's, which logs it and says which pages it changed.

func (h *Handler) registerCategories(app *fiber.App) {
	admin := requireRole(models.User.CanAdmin)
	app.Get("/admin/categories", admin, h.showCategories)
	app.Post("/admin/categories", admin, h.createCategory)
	app.Get("/admin/categories/:id<int>/edit", admin, h.editCategory)
	app.Post("/admin/categories/:id<int>/edit", admin, h.updateCategory)
	app.Post("/admin/categories/:id<int>/move", admin, h.moveCategory)
	app.Post("/admin/categories/:id<int>/archive", admin, h.archiveCategory)
	app.Get("/admin/categories/:id<int>/merge", admin, h.showMergeCategory)
	app.Post("/admin/categories/:id<int>/merge", admin, h.mergeCategory)
	app.Get("/admin/dashboard", admin, h.showDashboard)
}

func (h *Handler) showCategories(c *fiber.Ctx) error {
	return h.renderCategories(c, fiber.StatusOK, models.CategoryInput{}, nil)
}

func (h *Handler) renderCategories(c *fiber.Ctx, status int, form models.CategoryInput, errs map[string]string) error {
	stats, err := h.store.CategoryStats(c.UserContext())
	if err != nil {
		return err
	}
	b := h.baseTitled(c, "categories.title")
	return h.render(c, status, views.AdminCategoriesPage, views.AdminCategoriesData{
		Base: b, Categories: stats, Form: form, Errors: messages(b, errs),
	})
}

// messages turns the catalog keys of refused fields into what they say.
func messages(b views.Base, errs map[string]string) map[string]string {
	out := make(map[string]string, len(errs))
	for field, id := range errs {
		out[field] = b.T(id)
	}
	return out
}

// categoryForm reads a category's names and descriptions as typed.
func categoryForm(c *fiber.Ctx) models.CategoryInput {
	return models.CategoryInput{
		NameEN:        utils.CopyString(c.FormValue("name_en")),
		NameJA:        utils.CopyString(c.FormValue("name_ja")),
		DescriptionEN: utils.CopyString(c.FormValue("description_en")),
		DescriptionJA: utils.CopyString(c.FormValue("description_ja")),
	}
}

// createCategory adds a category; a refused form comes back as typed,
// each reason by its field.
func (h *Handler) createCategory(c *fiber.Ctx) error {
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	form := categoryForm(c)
	_, err = h.store.CreateCategory(c.UserContext(), user, form)
	var refused *models.SettingsError
	if errors.As(err, &refused) {
		return h.renderCategories(c, fiber.StatusUnprocessableEntity, form, refused.Fields)
	}
	if err != nil {
		return err
	}
	h.flash(c, "flash.category_created")
	return c.Redirect("/admin/categories", fiber.StatusSeeOther)
}

func (h *Handler) editCategory(c *fiber.Ctx) error {
	_, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	cat, err := h.store.CategoryByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	form := models.CategoryInput{NameEN: cat.NameEN, NameJA: cat.NameJA, DescriptionEN: cat.DescriptionEN, DescriptionJA: cat.DescriptionJA}
	return h.renderCategory(c, fiber.StatusOK, cat, form, nil)
}

func (h *Handler) renderCategory(c *fiber.Ctx, status int, cat models.Category, form models.CategoryInput, errs map[string]string) error {
	b := h.baseTitled(c, "categories.edit_title")
	return h.render(c, status, views.AdminCategoryPage, views.AdminCategoryData{
		Base: b, Category: cat, Form: form, Errors: messages(b, errs),
	})
}

// updateCategory renames and describes a category; its slug stays.
func (h *Handler) updateCategory(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	cat, err := h.store.CategoryByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	form := categoryForm(c)
	err = h.store.UpdateCategory(c.UserContext(), user, id, form)
	var refused *models.SettingsError
	if errors.As(err, &refused) {
		return h.renderCategory(c, fiber.StatusUnprocessableEntity, cat, form, refused.Fields)
	}
	if err != nil {
		return err
	}
	h.flash(c, "flash.category_saved")
	return c.Redirect("/admin/categories", fiber.StatusSeeOther)
}

// moveCategory moves a category one place up or down the list.
func (h *Handler) moveCategory(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	dir := c.FormValue("direction")
	if dir != "up" && dir != "down" {
		return fiber.ErrBadRequest
	}
	if err := h.store.MoveCategory(c.UserContext(), user, id, dir == "up"); err != nil {
		return err
	}
	return c.Redirect("/admin/categories", fiber.StatusSeeOther)
}

// archiveCategory archives a category or opens it again.
func (h *Handler) archiveCategory(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	action := c.FormValue("action")
	if action != "archive" && action != "unarchive" {
		return fiber.ErrBadRequest
	}
	if err := h.store.SetCategoryArchived(c.UserContext(), user, id, action == "archive"); err != nil {
		return err
	}
	h.flash(c, "flash.category_"+action+"d")
	return c.Redirect("/admin/categories", fiber.StatusSeeOther)
}

// mergeData is the merge page for the category in the route: the others
// to choose from, and with into set, the confirmation.
func (h *Handler) mergeData(c *fiber.Ctx, id, into int64) (views.AdminMergeData, error) {
	stats, err := h.store.CategoryStats(c.UserContext())
	if err != nil {
		return views.AdminMergeData{}, err
	}
	d := views.AdminMergeData{Base: h.baseTitled(c, "categories.merge_title")}
	found := false
	for i, s := range stats {
		switch s.ID {
		case id:
			d.From, found = s, true
		case into:
			d.Into = &stats[i]
			d.Targets = append(d.Targets, s.Category)
		default:
			d.Targets = append(d.Targets, s.Category)
		}
	}
	if !found || len(d.Targets) == 0 {
		return d, fiber.ErrNotFound
	}
	return d, nil
}

func (h *Handler) showMergeCategory(c *fiber.Ctx) error {
	_, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	d, err := h.mergeData(c, id, 0)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.AdminMergePage, d)
}

// mergeCategory asks to confirm a merge, saying what it will move, and
// once confirmed moves every thread and removes the category.
func (h *Handler) mergeCategory(c *fiber.Ctx) error {
	user, id, err := actorAndID(c)
	if err != nil {
		return err
	}
	into, _ := strconv.ParseInt(c.FormValue("into"), 10, 64)
	d, err := h.mergeData(c, id, into)
	if err != nil {
		return err
	}
	if d.Into == nil {
		d.Error = d.T("categories.merge_choose")
		return h.render(c, fiber.StatusUnprocessableEntity, views.AdminMergePage, d)
	}
	if c.FormValue("confirm") != "yes" {
		return h.render(c, fiber.StatusOK, views.AdminMergePage, d)
	}
	if err := h.store.MergeCategories(c.UserContext(), user, id, into); err != nil {
		return err
	}
	h.flash(c, "flash.category_merged")
	return c.Redirect("/admin/categories", fiber.StatusSeeOther)
}

// showDashboard shows the support figures of the last weeks, the weeks
// starting on Monday in the reader's zone.
func (h *Handler) showDashboard(c *fiber.Ctx) error {
	b := h.baseTitled(c, "dashboard.title")
	d, err := h.store.SupportDashboard(c.UserContext(), b.Now, b.Zone)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.AdminDashboardPage, views.AdminDashboardData{Base: b, Dashboard: d})
}
