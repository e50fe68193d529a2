package views

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"hiroba/public"
)

// Pages are compiled templates (the .templ files beside this one, turned
// into Go by `go tool templ generate`): type-checked against their data and
// run as plain Go, with no reflection. A page's data
// reaches its component through compiledPage, which names the type it takes.
var compiledPages = map[Page]func(data any) (templ.Component, error){}

// compiledPage adapts a page component to the Renderer, which is handed its
// data as any: the handlers pass the data by value, a pointer works too.
func compiledPage[D any](page Page, component func(D) templ.Component) {
	compiledPages[page] = func(data any) (templ.Component, error) {
		switch d := data.(type) {
		case D:
			return component(d), nil
		case *D:
			return component(*d), nil
		}
		var want D
		return nil, fmt.Errorf("views: page %s takes %T, not %T", page, want, data)
	}
}

type assetsKey struct{}

// asset is the content-hashed address of a file under public/, for the
// pages; the Renderer puts the assets in the context it renders with.
func asset(ctx context.Context, name string) string {
	return ctx.Value(assetsKey{}).(*public.Assets).URL(name)
}

// query escapes a value for a URL's query, spaces as %20.
func query(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// id writes a row's id for an attribute or a path.
func id(n int64) string { return strconv.FormatInt(n, 10) }

// colorScheme is the page's colour-scheme: the chosen theme, or both.
func colorScheme(theme string) string {
	if theme == "" {
		return "light dark"
	}
	return theme
}

// or is the first of its strings that is not empty.
func or(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
