package handlers_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"hiroba/migrations"
	"hiroba/models"
)

var menuLink = regexp.MustCompile(`<li(?: class="[^"]*")?><a href="([^"]+)"`)

// menuLinks lists the addresses in the header's account menu.
func menuLinks(t *testing.T, p page) string {
	t.Helper()
	start := strings.Index(p.Body, `<details class="account-menu">`)
	if start < 0 {
		return ""
	}
	end := strings.Index(p.Body[start:], "</details>")
	var out []string
	for _, m := range menuLink.FindAllStringSubmatch(p.Body[start:start+end], -1) {
		out = append(out, m[1])
	}
	return strings.Join(out, " ")
}

// The account menu offers the pages the viewer's role opens, and no others;
// a visitor has a sign-in link instead. Signing out is in the menu, a form
// with the CSRF token.
func TestAccountMenuFollowsTheRole(t *testing.T) {
	t.Parallel()
	f := newForum(t, migrations.SQLite)
	anon := f.browser().get("/")
	if got := menuLinks(t, anon); got != "" {
		t.Errorf("a visitor has an account menu: %q", got)
	}
	expect(t, anon, http.StatusOK, `<a class="sign-in" href="/login?next=%2F">Sign in</a>`)

	own := "/u/%s /notifications /settings/notifications"
	for _, tc := range []struct {
		name  string
		role  models.Role
		staff string
	}{
		{"member", models.RoleMember, ""},
		{"mod", models.RoleModerator, " /review /mod/known-issues"},
		{"admin", models.RoleAdmin, " /review /mod/known-issues /admin/settings /admin/categories /admin/dashboard /admin/rules /admin/words /admin/audit"},
	} {
		b := f.browser()
		b.signIn(tc.name)
		if tc.role != models.RoleMember {
			grant(t, f, tc.name, tc.role)
		}
		p := b.get("/")
		want := strings.Replace(own, "%s", tc.name, 1) + tc.staff
		if got := menuLinks(t, p); got != want {
			t.Errorf("%s's menu: %q, want %q", tc.name, got, want)
		}
		expect(t, p, http.StatusOK, `<span class="me-name">`+tc.name+`</span><span class="visually-hidden">account menu</span>`,
			`<form method="post" action="/logout" data-sign-out>`, `name="_csrf" value="`+b.csrf+`"`)
		// Every page the menu offers opens for this viewer.
		for _, path := range strings.Fields(want) {
			expect(t, b.get(path), http.StatusOK)
		}
	}
}

// The search page's own form is its only search box; the search tips
// follow the results.
func TestSearchPageHasOneSearchBox(t *testing.T) {
	t.Parallel()
	f := newForum(t, migrations.SQLite)
	b := f.browser()
	home := b.get("/")
	if n := strings.Count(home.Body, `type="search"`); n != 1 {
		t.Errorf("the home page has %d search boxes, want the header's", n)
	}
	p := b.get("/search?q=invoice")
	expect(t, p, http.StatusOK, `id="search-q"`)
	refuse(t, p, `id="header-q"`)
	if n := strings.Count(p.Body, `type="search"`); n != 1 {
		t.Errorf("the search page has %d search boxes, want 1", n)
	}
	if strings.Index(p.Body, "Tips: all words must match") < strings.Index(p.Body, `class="empty no-results"`) {
		t.Error("the search tips come before the results")
	}
}
