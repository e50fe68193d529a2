// Package views renders the forum's pages. Each page is a compiled template
// (a .templ file, turned into Go by `go tool templ generate`): type-checked
// against its data, and run as plain Go.
package views

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"hiroba/public"
)

// Page names a page.
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

// Renderer renders the pages.
type Renderer struct {
	bufs sync.Pool
	// ctx carries what every page may ask for (the assets).
	ctx context.Context
}

// New makes the renderer; the pages themselves are compiled in (see
// compiled.go).
func New(assets *public.Assets) (*Renderer, error) {
	if assets == nil {
		return nil, fmt.Errorf("views: no assets")
	}
	r := &Renderer{ctx: context.WithValue(context.Background(), assetsKey{}, assets)}
	r.bufs.New = func() any { return new(bytes.Buffer) }
	return r, nil
}

// Render writes a whole page. It renders into a buffer first, so an error
// never leaves half a page on the wire.
func (r *Renderer) Render(w io.Writer, page Page, data any) error {
	c, ok := compiledPages[page]
	if !ok {
		return fmt.Errorf("views: no page %q", page)
	}
	comp, err := c(data)
	if err != nil {
		return err
	}
	buf := r.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer r.bufs.Put(buf)
	if err := comp.Render(r.ctx, buf); err != nil {
		return fmt.Errorf("views: render %s: %w", page, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}
