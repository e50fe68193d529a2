// Package views renders the forum's pages from html/template files embedded
// in the binary. Templates are parsed once at start; a page that is missing
// or fails to parse stops start-up, never a request.
package views

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io"
	"os"
	"sync"

	"hiroba/public"
)

//go:embed templates/*.html templates/partials/*.html
var templateFiles embed.FS

// Page names a template.
type Page string

// The pages of the forum.
const (
	Home      Page = "home"
	Thread    Page = "thread"
	Compose   Page = "compose"
	Profile   Page = "profile"
	Login     Page = "login"
	Error     Page = "error"
	Search    Page = "search"
	Edit      Page = "edit"
	History   Page = "history"
	Flag      Page = "flag"
	Review    Page = "review"
	ModUser   Page = "moduser"
	Audit     Page = "audit"
	Words     Page = "words"
	RulesPage Page = "rules"
	// SiteSettingsPage is /admin/settings.
	SiteSettingsPage Page = "site_settings"
	// AdminCategoriesPage is /admin/categories; AdminCategoryPage edits
	// one; AdminMergePage confirms a merge; AdminDashboardPage is
	// /admin/dashboard.
	AdminCategoriesPage Page = "admin_categories"
	AdminCategoryPage   Page = "admin_category"
	AdminMergePage      Page = "admin_merge"
	AdminDashboardPage  Page = "admin_dashboard"
	Preview             Page = "preview" // a fragment, without the layout
	Similar             Page = "similar" // a fragment, without the layout
)

// fragments are pages rendered without the layout, for scripts to insert.
var fragments = map[Page]string{Preview: "preview-fragment", Similar: "similar-fragment"}

var pages = []Page{Home, Thread, Compose, Profile, Login, Error, Search, Edit, History, Flag, Review, ModUser, Audit, Words, RulesPage, Notifications, NotificationSettings, Unsubscribe}

// Renderer executes the parsed pages.
type Renderer struct {
	pages map[Page]*template.Template
	bufs  sync.Pool
	// ctx carries what every compiled page may ask for (the assets).
	ctx     context.Context
	compare bool
}

// New parses the layout, the partials and every page.
func New(assets *public.Assets) (*Renderer, error) {
	funcs := template.FuncMap{
		"asset":      assets.URL,
		"threadPath": ThreadPath,
		"postPath":   PostPath,
		"pagePath":   PagePath,
		"userPath":   UserPath,
		"initial":    initial,
		"pager":      newPager,
		"highlight":  highlight,
		"deref":      deref,
		"deref_time": derefTime,
		"stamp":      Stamp,
		"privacy":    func(t Translator, p *PrivacyCheck) privacyView { return privacyView{t, p} },
		"list":       func(items ...string) []string { return items },
		"quoted":     quoted,
	}
	base, err := template.New("layout").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("views: parse layout: %w", err)
	}
	r := &Renderer{pages: map[Page]*template.Template{}, ctx: context.WithValue(context.Background(), assetsKey{}, assets)}
	r.compare = os.Getenv("HIROBA_VIEWS_COMPARE") != ""
	r.bufs.New = func() any { return new(bytes.Buffer) }
	for _, p := range pages {
		clone, err := base.Clone()
		if err != nil {
			return nil, err
		}
		t, err := clone.ParseFS(templateFiles, "templates/"+string(p)+".html")
		if err != nil {
			return nil, fmt.Errorf("views: parse page %s: %w", p, err)
		}
		r.pages[p] = t
	}
	frag, err := template.New("preview").Funcs(funcs).ParseFS(templateFiles, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	for page := range fragments {
		r.pages[page] = frag
	}
	return r, nil
}

// Render writes a whole page. It renders into a buffer first, so a template
// error never leaves half a page on the wire.
func (r *Renderer) Render(w io.Writer, page Page, data any) error {
	buf := r.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer r.bufs.Put(buf)
	if c, ok := compiledPages[page]; ok {
		comp, err := c(data)
		if err != nil {
			return err
		}
		if err := comp.Render(r.ctx, buf); err != nil {
			return fmt.Errorf("views: render %s: %w", page, err)
		}
		if _, old := r.pages[page]; r.compare && old {
			if err := r.compareWithTemplate(page, data, buf.Bytes()); err != nil {
				return err
			}
		}
	} else if err := r.execute(buf, page, data); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func (r *Renderer) execute(buf *bytes.Buffer, page Page, data any) error {
	t, ok := r.pages[page]
	if !ok {
		return fmt.Errorf("views: no page %q", page)
	}
	name, ok := fragments[page]
	if !ok {
		name = "layout"
	}
	if err := t.ExecuteTemplate(buf, name, data); err != nil {
		return fmt.Errorf("views: render %s: %w", page, err)
	}
	return nil
}
