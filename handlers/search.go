package handlers

import (
	"errors"
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"hiroba/models"
	"hiroba/views"
)

const (
	searchPerPage = 20
	similarLimit  = 5
	dateLayout    = "2006-01-02"
)

// searchForm is the search page's query string.
type searchForm = views.SearchForm

func readSearchForm(c *fiber.Ctx) searchForm {
	return searchForm{
		Q:        utils.CopyString(c.Query("q")),
		Category: utils.CopyString(c.Query("category")),
		Author:   strings.TrimPrefix(strings.TrimSpace(utils.CopyString(c.Query("author"))), "@"),
		From:     utils.CopyString(c.Query("from")),
		To:       utils.CopyString(c.Query("to")),
		Sort:     utils.CopyString(c.Query("sort")),
	}
}

// showSearch runs a search and shows ranked results. Whatever was typed, the
// answer is a page: a query that cannot match shows advice, not an error.
func (h *Handler) showSearch(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form := readSearchForm(c)
	t := h.catalog.In(language(c))
	form.Errors = map[string]string{}
	in := models.SearchInput{Query: form.Q, Page: pageNumber(c), PerPage: searchPerPage, Sort: models.SortRelevance}
	if form.Sort == string(models.SortNewest) {
		in.Sort = models.SortNewest
	}
	cats, err := h.store.Categories(ctx)
	if err != nil {
		return err
	}
	for _, cat := range cats {
		if cat.Slug == form.Category {
			in.CategoryID = cat.ID
		}
	}
	if form.Author != "" {
		u, err := h.store.UserByUsername(ctx, form.Author)
		if err == nil && u.Deleted() {
			// Their posts stay, but no longer under their name.
			err = fmt.Errorf("handlers: search author: %w", models.ErrNotFound)
		}
		switch {
		case errors.Is(err, models.ErrNotFound):
			form.Errors["author"] = t.T("search.no_such_author", "Name", form.Author)
		case err != nil:
			return err
		default:
			in.AuthorID = u.ID
		}
	}
	if in.From, err = parseDate(form.From); err != nil {
		form.Errors["from"] = t.T("search.bad_date")
	}
	if in.To, err = parseDate(form.To); err != nil {
		form.Errors["to"] = t.T("search.bad_date")
	} else if !in.To.IsZero() {
		in.To = in.To.AddDate(0, 0, 1) // the whole "to" day is included
	}
	// Results show any thread, and an author named is looked up.
	dependsOn(c, models.KeySearch, models.KeyCategories)
	b := h.base(c, "")
	b.OwnSearch = true
	data := views.SearchData{Base: b, Categories: cats, Form: form, ListPath: searchPath(form)}
	data.Title = t.T("search.title")
	if q := strings.TrimSpace(form.Q); q != "" {
		data.Title = t.T("search.title_for", "Query", form.Q)
		data.Alternates = []views.Alternate{h.alternate(h.searchTitle(c, t, q), searchFeedPath(q))}
	}
	if len(form.Errors) == 0 && strings.TrimSpace(form.Q) != "" {
		data.Searched = true
		if data.Results, err = h.store.Search(ctx, in); err != nil {
			return err
		}
	}
	return h.render(c, fiber.StatusOK, views.Search, data)
}

func parseDate(s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	return time.Parse(dateLayout, strings.TrimSpace(s))
}

// searchPath is the address of a search, for pagination links.
func searchPath(f searchForm) string {
	v := url.Values{}
	for k, val := range map[string]string{"q": f.Q, "category": f.Category, "author": f.Author, "from": f.From, "to": f.To, "sort": f.Sort} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return "/search?" + v.Encode()
}

// similarThreads answers the composer's script with the threads that look
// like the question being typed, as an HTML fragment.
func (h *Handler) similarThreads(c *fiber.Ctx) error {
	results, err := h.store.SimilarThreads(c.UserContext(), utils.CopyString(c.Query("title")), similarLimit)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, max-age=30")
	dependsOn(c, models.KeySearch)
	return h.render(c, fiber.StatusOK, views.Similar, views.SimilarData{Base: h.base(c, ""), Similar: results})
}

// openSearch describes the search to browsers, so they can offer the forum
// as a search engine.
func (h *Handler) openSearch(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "application/opensearchdescription+xml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	dependsOn(c) // the site's name and address only: only a settings save (models.KeyAll) changes it
	name := h.site(c.UserContext()).SiteName
	return c.SendString(fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>%s</ShortName>
  <Description>%s</Description>
  <InputEncoding>UTF-8</InputEncoding>
  <Image height="64" width="64" type="image/svg+xml">%s%s</Image>
  <Url type="text/html" method="get" template="%s/search?q={searchTerms}"/>
</OpenSearchDescription>
`, html.EscapeString(name), html.EscapeString(h.catalog.In(language(c)).T("search.opensearch", "Site", name)),
		html.EscapeString(h.cfg.BaseURL), html.EscapeString(h.assets.URL("icon.svg")), html.EscapeString(h.cfg.BaseURL)))
}
