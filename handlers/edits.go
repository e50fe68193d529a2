package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"hiroba/models"
	"hiroba/views"
)

// loadOwnPost finds a post the viewer may change: their own, or any post
// for a moderator.
func (h *Handler) loadOwnPost(c *fiber.Ctx) (models.User, models.Post, error) {
	user, id, err := actorAndID(c)
	if err != nil {
		return user, models.Post{}, err
	}
	post, err := h.store.PostByID(c.UserContext(), &user, id)
	if err != nil {
		return user, models.Post{}, err
	}
	if post.Deleted() {
		return user, models.Post{}, models.ErrConflict
	}
	if !user.CanEdit(post, post.Thread) {
		return user, models.Post{}, fiber.ErrForbidden
	}
	return user, post, nil
}

// editPost shows the edit form, filled with the post as it is.
func (h *Handler) editPost(c *fiber.Ctx) error {
	_, post, err := h.loadOwnPost(c)
	if err != nil {
		return err
	}
	form := views.PostForm{Body: post.Source}
	if post.Position == 1 {
		form.Title, form.CategoryID = post.Thread.Title, post.Thread.CategoryID
	}
	// An edit waiting for a moderator is what the author last wrote: they
	// go on from it, not from the public text.
	pending, err := h.store.PendingEditOf(c.UserContext(), post.ID)
	if err != nil {
		return err
	}
	if pending != nil {
		form.Body, form.Pending = pending.Source, true
		if post.Position == 1 && pending.Title != "" {
			form.Title = pending.Title
		}
	}
	return h.renderEdit(c, fiber.StatusOK, post, form)
}

func (h *Handler) renderEdit(c *fiber.Ctx, status int, post models.Post, form views.PostForm) error {
	cats, err := h.store.Categories(c.UserContext())
	if err != nil {
		return err
	}
	b := h.baseTitled(c, "edit.title")
	// A question may stay where it is, or move where questions are taken.
	cats = models.OpenCategories(cats, post.Thread.CategoryID)
	var shown []models.Upload
	if u := currentUser(c); u != nil && u.CanModerate() {
		if shown, err = h.store.UploadsOf(c.UserContext(), post.UserID, models.UploadHashes(post.HTML)); err != nil {
			return err
		}
	}
	return h.render(c, status, views.Edit, views.EditData{Base: b, Post: post, Categories: cats, Form: form, Images: shown})
}

// updatePost saves an edit; the previous text is kept as a revision.
func (h *Handler) updatePost(c *fiber.Ctx) error {
	user, post, err := h.loadOwnPost(c)
	if err != nil {
		return err
	}
	t := h.catalog.In(language(c))
	form := views.PostForm{Body: utils.CopyString(c.FormValue("body"))}
	if post.Position == 1 {
		form.Title = utils.CopyString(c.FormValue("title"))
		form.CategoryID, _ = strconv.ParseInt(c.FormValue("category"), 10, 64)
	}
	if status, err := h.attachFormImages(c, &form); err != nil || status != 0 {
		if err != nil {
			return err
		}
		return h.renderEdit(c, status, post, form)
	}
	edit := models.PostEdit{Body: form.Body}
	if post.Position == 1 {
		form.Errors = threadInput{CategoryID: form.CategoryID, Title: form.Title, Body: form.Body}.validate(t)
		edit.Title, edit.CategoryID = strings.TrimSpace(form.Title), form.CategoryID
	} else if msg := validateBody(t, form.Body); msg != "" {
		form.Errors = map[string]string{"body": msg}
	}
	if len(form.Errors) > 0 {
		return h.renderEdit(c, fiber.StatusUnprocessableEntity, post, form)
	}
	if c.FormValue("action") == "preview" {
		status, err := h.previewForm(c, &form)
		if err != nil {
			return err
		}
		return h.renderEdit(c, status, post, form)
	}
	var check *views.PrivacyCheck
	if edit.Title, edit.Body, check, err = h.screenPrivacy(c, edit.Title, edit.Body); err != nil {
		return err
	} else if check != nil {
		form.Privacy = check
		return h.renderEdit(c, fiber.StatusUnprocessableEntity, post, form)
	}
	edited, held, err := h.store.EditPost(c.UserContext(), user, post.ID, edit)
	if msg, status, refused := h.refusal(c, t, err); refused {
		form.Errors = map[string]string{"body": msg}
		return h.renderEdit(c, status, post, form)
	}
	if err != nil {
		return err
	}
	if held {
		h.flash(c, "flash.edit_held")
	} else {
		h.flash(c, "flash.edited")
	}
	return h.redirectToPost(c, edited)
}

// deletePost soft-deletes a post and goes back to where it was.
func (h *Handler) deletePost(c *fiber.Ctx) error {
	user, post, err := h.loadOwnPost(c)
	if err != nil {
		return err
	}
	if _, err := h.store.DeletePost(c.UserContext(), user, post.ID); err != nil {
		return err
	}
	return h.redirectToPost(c, post)
}
