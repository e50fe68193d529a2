package handlers

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"hiroba/models"
	"hiroba/views"
)

const threadsPerPage = 30

func pageNumber(c *fiber.Ctx) int {
	n, err := strconv.Atoi(c.Query("page", "1"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// showHome lists categories and the latest threads.
func (h *Handler) showHome(c *fiber.Ctx) error {
	cats, err := h.store.Categories(c.UserContext())
	if err != nil {
		return err
	}
	list, err := h.store.Threads(c.UserContext(), models.ThreadFilter{Page: pageNumber(c), PerPage: threadsPerPage})
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.Home, views.ListData{Base: h.base(c, ""), Categories: cats, List: list, ListPath: "/"})
}

// showCategory lists one category's threads.
func (h *Handler) showCategory(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cat, err := h.store.CategoryBySlug(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	cats, err := h.store.Categories(ctx)
	if err != nil {
		return err
	}
	list, err := h.store.Threads(ctx, models.ThreadFilter{CategoryID: cat.ID, Page: pageNumber(c), PerPage: threadsPerPage})
	if err != nil {
		return err
	}
	b := h.base(c, cat.Name(language(c)))
	return h.render(c, fiber.StatusOK, views.Home, views.ListData{Base: b, Categories: cats, Category: &cat, List: list, ListPath: "/c/" + cat.Slug})
}

// redirectThread sends /t/{id} to the thread's canonical address.
func (h *Handler) redirectThread(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	view, err := h.store.ThreadPage(c.UserContext(), int64(id), 1)
	if err != nil {
		return err
	}
	return c.Redirect(views.ThreadPath(view.Thread.ID, view.Thread.Slug), fiber.StatusMovedPermanently)
}

// showThread shows one page of a thread with the reply form.
func (h *Handler) showThread(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	view, err := h.store.ThreadPage(c.UserContext(), int64(id), pageNumber(c))
	if err != nil {
		return err
	}
	if slug, _ := url.PathUnescape(c.Params("slug")); slug != view.Thread.Slug {
		return c.Redirect(views.PagePath(views.ThreadPath(view.Thread.ID, view.Thread.Slug), view.Page), fiber.StatusMovedPermanently)
	}
	return h.renderThread(c, fiber.StatusOK, view, views.PostForm{})
}

func (h *Handler) renderThread(c *fiber.Ctx, status int, view models.ThreadView, reply views.PostForm) error {
	b := h.base(c, view.Thread.Title)
	return h.render(c, status, views.Thread, views.ThreadData{Base: b, View: view, Reply: reply})
}

// newThread shows the composer. Asking needs an account, so visitors are
// sent to sign in first and brought back.
func (h *Handler) newThread(c *fiber.Ctx) error {
	if currentUser(c) == nil {
		return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	form := views.PostForm{}
	if slug := c.Query("category"); slug != "" {
		if cat, err := h.store.CategoryBySlug(c.UserContext(), slug); err == nil {
			form.CategoryID = cat.ID
		}
	}
	return h.renderCompose(c, fiber.StatusOK, form)
}

func (h *Handler) renderCompose(c *fiber.Ctx, status int, form views.PostForm) error {
	return h.renderComposeWith(c, status, views.ComposeData{Form: form})
}

func (h *Handler) renderComposeWith(c *fiber.Ctx, status int, data views.ComposeData) error {
	cats, err := h.store.Categories(c.UserContext())
	if err != nil {
		return err
	}
	data.Base = h.base(c, "")
	data.Title = data.T("title.new")
	data.Categories = cats
	return h.render(c, status, views.Compose, data)
}

// createThread posts a question, or shows the composer again with a preview
// or with the reasons the input was refused — never losing what was typed.
func (h *Handler) createThread(c *fiber.Ctx) error {
	user := currentUser(c)
	if user == nil {
		return c.Redirect("/login?next=/new", fiber.StatusSeeOther)
	}
	catID, _ := strconv.ParseInt(c.FormValue("category"), 10, 64)
	in := threadInput{CategoryID: catID, Title: utils.CopyString(c.FormValue("title")), Body: utils.CopyString(c.FormValue("body"))}
	form := views.PostForm{CategoryID: in.CategoryID, Title: in.Title, Body: in.Body}
	t := h.catalog.In(language(c))
	form.Errors = in.validate(t)
	if in.CategoryID > 0 {
		if _, err := h.store.CategoryByID(c.UserContext(), in.CategoryID); err != nil {
			form.Errors["category"] = t.T("form.category_required")
		}
	}
	if len(form.Errors) > 0 {
		return h.renderCompose(c, fiber.StatusUnprocessableEntity, form)
	}
	if c.FormValue("action") == "preview" {
		html, err := h.renderMarkdown(in.Body)
		if err != nil {
			return err
		}
		form.Preview = html
		// Without a script, this step is where the asker sees the threads
		// that may already answer the question.
		similar, err := h.store.SimilarThreads(c.UserContext(), in.Title, similarLimit)
		if err != nil {
			return err
		}
		return h.renderComposeWith(c, fiber.StatusOK, views.ComposeData{Form: form, Similar: similar, Checked: true})
	}
	th, err := h.store.CreateThread(c.UserContext(), models.NewThread{
		UserID: user.ID, CategoryID: in.CategoryID, Title: strings.TrimSpace(in.Title), Body: in.Body,
	})
	if err != nil {
		return err
	}
	return c.Redirect(views.ThreadPath(th.ID, th.Slug), fiber.StatusSeeOther)
}

// preview renders markdown exactly as a stored post would be, for the
// composer's script.
func (h *Handler) preview(c *fiber.Ctx) error {
	if currentUser(c) == nil {
		return fiber.ErrForbidden
	}
	body := c.FormValue("body")
	if msg := validateBody(h.catalog.In(language(c)), body); msg != "" && strings.TrimSpace(body) != "" {
		return fiber.NewError(fiber.StatusUnprocessableEntity, msg)
	}
	html, err := h.renderMarkdown(body)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.Preview, views.PreviewData{Base: h.base(c, ""), HTML: html})
}

func (h *Handler) renderMarkdown(src string) (template.HTML, error) {
	html, err := h.store.RenderMarkdown(src)
	// The renderer sanitizes its output; that is what makes this conversion safe.
	return template.HTML(html), err
}
