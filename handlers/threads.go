package handlers

import (
	"errors"
	"html/template"
	"math"
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

// listFilter reads a list's filter and order from its query string; unknown
// values fall back to the defaults.
func listFilter(c *fiber.Ctx) models.ThreadFilter {
	f := models.ThreadFilter{Show: models.ShowLatest, Sort: models.SortActivity, Page: pageNumber(c), PerPage: threadsPerPage}
	switch show := models.ThreadShow(c.Query("show")); show {
	case models.ShowUnanswered, models.ShowUnsolved, models.ShowSolved:
		f.Show = show
	}
	switch sort := models.ThreadSort(c.Query("sort")); sort {
	case models.SortCreated, models.SortHelpful, models.SortAffected:
		f.Sort = sort
	}
	return f
}

// showHome lists categories and the latest threads.
func (h *Handler) showHome(c *fiber.Ctx) error {
	return h.showList(c, nil)
}

// showCategory lists one category's threads.
func (h *Handler) showCategory(c *fiber.Ctx) error {
	cat, err := h.store.CategoryBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	return h.showList(c, &cat)
}

func (h *Handler) showList(c *fiber.Ctx, cat *models.Category) error {
	ctx := c.UserContext()
	cats, err := h.store.Categories(ctx)
	if err != nil {
		return err
	}
	f := listFilter(c)
	f.Pins = true
	base, title := "/", ""
	dependsOn(c, models.KeyCategories)
	if cat != nil {
		f.CategoryID, base, title = cat.ID, "/c/"+cat.Slug, cat.Name(language(c))
		dependsOn(c, models.CategoryKey(cat.ID))
	} else {
		dependsOn(c, models.KeyHome)
	}
	list, err := h.store.Threads(ctx, f)
	if err != nil {
		return err
	}
	data := views.ListData{
		Base: h.base(c, title), Categories: cats, Category: cat, List: list,
		ListPath: views.ListPath(base, string(f.Show), string(f.Sort)), BasePath: base,
		Show: string(f.Show), Sort: string(f.Sort),
	}
	if f.Show != models.ShowLatest {
		data.Title = data.Heading() // the tab says which list it holds
	}
	// Each page of the plain list is its own; a filtered or sorted list
	// is the plain list's first page in another order.
	data.Meta.Canonical = h.cfg.BaseURL + base
	if data.ListPath == base {
		data.Meta.Canonical = h.cfg.BaseURL + views.PagePath(base, list.Page)
	}
	if cat != nil {
		data.Meta.Description = cat.Description(language(c))
	}
	t := data.Translator
	switch {
	case cat != nil:
		data.Alternates = []views.Alternate{h.alternate(h.categoryTitle(c, t, *cat), categoryFeedPath(cat.Slug))}
	case f.Show == models.ShowSolved:
		data.Alternates = []views.Alternate{h.alternate(h.solvedTitle(c, t), solvedFeedPath), h.alternate(h.latestTitle(c, t), latestFeedPath)}
	default:
		data.Alternates = []views.Alternate{h.alternate(h.latestTitle(c, t), latestFeedPath), h.alternate(h.solvedTitle(c, t), solvedFeedPath)}
	}
	return h.render(c, fiber.StatusOK, views.Home, data)
}

// redirectThread sends /t/{id} to the thread's canonical address.
func (h *Handler) redirectThread(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	view, err := h.store.ThreadPage(c.UserContext(), currentUser(c), int64(id), 1)
	if err != nil {
		return h.threadMoved(c, err)
	}
	return c.Redirect(views.ThreadPath(view.Thread.ID, view.Thread.Slug), fiber.StatusMovedPermanently)
}

// showThread shows one page of a thread with the reply form.
func (h *Handler) showThread(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	view, err := h.store.ThreadPage(c.UserContext(), currentUser(c), int64(id), pageNumber(c))
	if err != nil {
		return h.threadMoved(c, err)
	}
	if slug, _ := url.PathUnescape(c.Params("slug")); slug != view.Thread.Slug {
		return c.Redirect(views.PagePath(views.ThreadPath(view.Thread.ID, view.Thread.Slug), view.Page), fiber.StatusMovedPermanently)
	}
	reply, err := h.keptReply(c, view.Thread.ID)
	if err != nil {
		return err
	}
	return h.renderThread(c, fiber.StatusOK, view, reply)
}

func (h *Handler) renderThread(c *fiber.Ctx, status int, view models.ThreadView, reply views.PostForm) error {
	return h.renderThreadWith(c, status, views.ThreadData{View: view, Reply: reply})
}

// renderThreadWith shows a thread page with the forms on it as given.
func (h *Handler) renderThreadWith(c *fiber.Ctx, status int, data views.ThreadData) error {
	ctx := c.UserContext()
	view := data.View
	dependsOn(c, models.ThreadKey(view.Thread.ID))
	data.Base = h.baseWithoutBell(c, view.Thread.Title)
	var anonymous *models.User
	if anonymous.CanView(view.Thread) { // the feed is what a visitor may read
		data.Alternates = []views.Alternate{h.alternate(h.threadTitle(c, data.Translator, view.Thread), threadFeedPath(view.Thread.ID))}
	}
	var err error
	if data.Solution, err = h.store.SolutionOf(ctx, view); err != nil {
		return err
	}
	data.Meta = h.threadMeta(view, data.Solution, data.User == nil)
	data.HandOff = views.HandOff(data.Help.ContactForm, h.cfg.BaseURL, data.User, view.Thread)
	if err := h.fillDupes(c, &data); err != nil {
		return err
	}
	if data.Live, err = h.liveThread(c, view); err != nil {
		return err
	}
	if data.User != nil && data.User.CanModerate() {
		cats, err := h.store.Categories(ctx)
		if err != nil {
			return err
		}
		// A thread moves only into a category that takes threads.
		data.Categories = models.OpenCategories(cats, view.Thread.CategoryID)
	}
	if data.User != nil {
		// The votes, the watch buttons, the bell and the flag links: one read.
		ids := make([]int64, len(view.Posts))
		for i, p := range view.Posts {
			ids[i] = p.ID
		}
		st, err := h.store.ReaderState(ctx, *data.User, view.Thread.ID, ids)
		if err != nil {
			return err
		}
		if data.MayFlag, err = flagAllowed(st.MayFlag); err != nil {
			return err
		}
		data.Voted, data.Watching, data.Unread = st.Voted, string(st.Watch), st.Unread
		data.MeToo = st.MeToo
	}
	return h.render(c, status, views.Thread, data)
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
	// A form that comes back keeps the threads that may already answer it:
	// a refusal is no reason to hide them.
	if data.Similar == nil && strings.TrimSpace(data.Form.Title) != "" {
		if data.Similar, err = h.store.SimilarThreads(c.UserContext(), data.Form.Title, similarLimit); err != nil {
			return err
		}
	}
	data.Base = h.base(c, "")
	data.Title = data.T("title.new")
	data.Incidents = h.openIssues(c.UserContext())
	data.Categories = models.OpenCategories(cats, 0) // archived ones take no questions
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
	if status, err := h.attachFormImages(c, &form); err != nil || status != 0 {
		if err != nil {
			return err
		}
		return h.renderCompose(c, status, form)
	}
	t := h.catalog.In(language(c))
	form.Errors = in.validate(t)
	if in.CategoryID > 0 {
		if cat, err := h.store.CategoryByID(c.UserContext(), in.CategoryID); err != nil {
			form.Errors["category"] = t.T("form.category_required")
		} else if cat.Archived() {
			form.Errors["category"] = t.T("refused.archived")
		}
	}
	if len(form.Errors) > 0 {
		return h.renderCompose(c, fiber.StatusUnprocessableEntity, form)
	}
	if c.FormValue("action") == "preview" {
		status, err := h.previewForm(c, &form)
		if err != nil {
			return err
		}
		// Without a script, this step is where the asker sees the threads
		// that may already answer the question.
		similar, err := h.store.SimilarThreads(c.UserContext(), in.Title, similarLimit)
		if err != nil {
			return err
		}
		return h.renderComposeWith(c, status, views.ComposeData{Form: form, Similar: similar, Checked: true})
	}
	title, body, check, err := h.screenPrivacy(c, strings.TrimSpace(in.Title), in.Body)
	if err != nil {
		return err
	}
	if check != nil {
		form.Privacy = check
		return h.renderCompose(c, fiber.StatusUnprocessableEntity, form)
	}
	th, err := h.store.CreateThread(c.UserContext(), models.NewThread{
		UserID: user.ID, CategoryID: in.CategoryID, Title: title, Body: body,
	})
	if msg, status, refused := h.refusal(c, t, err); refused {
		form.Errors = map[string]string{"body": msg}
		return h.renderCompose(c, status, form)
	}
	if err != nil {
		return err
	}
	if th.FirstPostStatus == models.StatusHeld {
		h.flash(c, "flash.held")
	}
	// Landing on the question's anchor tells the composer's script the
	// draft became a post.
	return c.Redirect(views.ThreadPath(th.ID, th.Slug)+"#p"+strconv.FormatInt(th.FirstPostID, 10), fiber.StatusSeeOther)
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
	html, err := h.renderMarkdown(c, body)
	if msg, refused := markupRefusal(h.catalog.In(language(c)), err); refused {
		return h.renderMarkupRefusal(c, msg)
	}
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, views.Preview, views.PreviewData{Base: h.base(c, ""), HTML: html})
}

func (h *Handler) renderMarkdown(c *fiber.Ctx, src string) (template.HTML, error) {
	html, err := h.store.RenderMarkdown(c.UserContext(), src)
	// The renderer sanitizes its output; that is what makes this conversion safe.
	return template.HTML(html), err
}

// refusal turns a post the rules refused into the message shown beside the
// text (which stays in the form) and the status to answer with.
func (h *Handler) refusal(c *fiber.Ctx, t views.Translator, err error) (string, int, bool) {
	if msg, refused := markupRefusal(t, err); refused {
		return msg, fiber.StatusUnprocessableEntity, true
	}
	var refused *models.RefusedError
	if !errors.As(err, &refused) {
		return "", 0, false
	}
	seconds := int(math.Ceil(refused.RetryAfter.Seconds()))
	status := fiber.StatusUnprocessableEntity
	if refused.Reason == models.RefuseSilenced {
		status = fiber.StatusForbidden
	}
	if seconds > 0 {
		status = fiber.StatusTooManyRequests
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(seconds))
	}
	detail := refused.Detail
	if !refused.Until.IsZero() {
		detail = views.Clock{Translator: t, Zone: h.zone(c)}.Date(refused.Until)
	}
	return t.T("refused."+refused.Reason, "Count", seconds, "Detail", detail), status, true
}

// threadMeta describes a thread page to search engines and link previews:
// its page's address, the question's opening words, its language, and on
// the first page the question and answers as structured data. Crawlers and
// link previews never sign in, so the description and the structured data
// (the text of every post on the page) are made for visitors only, whose
// pages the page cache keeps.
func (h *Handler) threadMeta(view models.ThreadView, solution *models.Post, visitor bool) views.PageMeta {
	th := view.Thread
	m := views.PageMeta{
		Canonical: h.cfg.BaseURL + views.PagePath(views.ThreadPath(th.ID, th.Slug), view.Page),
		Type:      "article",
		Lang:      th.TitleLang,
	}
	if !visitor {
		return m
	}
	m.JSONLD = views.QAPage(h.cfg.BaseURL, view, solution)
	if len(view.Posts) > 0 && view.Posts[0].Position == 1 && view.Posts[0].Public() {
		m.Description = views.Describe(view.Posts[0].HTML)
	}
	return m
}
