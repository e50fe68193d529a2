package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"hiroba/models"
)

func siteForm(fields map[string]string) url.Values {
	v := url.Values{}
	for k, s := range fields {
		v.Set(k, s)
	}
	return v
}

func TestSiteSettingsChangeEveryPage(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, member, thread := askAndAnswer(t, f)
		admin := f.browser()
		admin.signIn("ada")
		grant(t, f, "ada", models.RoleAdmin)

		// Only admins reach the page or save it.
		expect(t, member.get("/admin/settings"), http.StatusForbidden)
		member.get("/")
		expect(t, member.post("/admin/settings", siteForm(map[string]string{"site_name": "Pwned"})), http.StatusForbidden)

		expect(t, admin.get("/admin/settings"), http.StatusOK, "Site settings", `name="site_name"`, `placeholder="Hiroba"`)
		saved := admin.post("/admin/settings", siteForm(map[string]string{
			"site_name":       "Acme Community",
			"tagline":         "Answers about Acme, from people who use it.",
			"help_center_url": "https://help.acme.example/",
			"status_url":      "https://status.acme.example/",
			"contact_url":     "https://acme.example/contact",
			"notice_en":       "Staff never ask for your password here.",
			"notice_ja":       "スタッフがここでパスワードを尋ねることはありません。",
		}))
		expect(t, saved, http.StatusSeeOther)

		visitor := f.browser()
		// The tagline describes every page without a description of its
		// own (a thread is described by its question).
		for _, path := range []string{"/", "/search?q=router", "/login"} {
			expect(t, visitor.get(path), http.StatusOK, `<meta name="description" content="Answers about Acme, from people who use it.">`)
		}
		for _, path := range []string{"/", thread, "/search?q=router", "/login"} {
			p := visitor.get(path)
			expect(t, p, http.StatusOK, "Acme Community",
				`href="https://help.acme.example/"`, `href="https://status.acme.example/"`, `href="https://acme.example/contact"`,
				"Staff never ask for your password here.", "not official support")
			refuse(t, p, "<title>Hiroba")
		}
		visitor.lang = "ja"
		expect(t, visitor.get("/"), http.StatusOK, "スタッフがここでパスワードを尋ねることはありません。", "公式サポートではありません")
		expect(t, visitor.get("/opensearch.xml"), http.StatusOK, "<ShortName>Acme Community</ShortName>")

		// The audit log says who changed the settings.
		expect(t, admin.get("/admin/audit"), http.StatusOK, "Changed the site settings")

		// Reset: the server's own settings again.
		admin.get("/admin/settings")
		expect(t, admin.post("/admin/settings", url.Values{"action": {"reset"}}), http.StatusSeeOther)
		p := f.browser().get("/")
		expect(t, p, http.StatusOK, "<title>Hiroba")
		refuse(t, p, "Acme Community", "help.acme.example")
	})
}

func TestSiteSettingsRefuseBadInputAndKeepTheForm(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		admin := f.browser()
		admin.signIn("ada")
		grant(t, f, "ada", models.RoleAdmin)
		admin.get("/admin/settings")
		p := admin.post("/admin/settings", siteForm(map[string]string{
			"site_name":        "Acme Community",
			"help_center_url":  "javascript:alert(1)",
			"status_url":       "status.acme.example",
			"default_language": "xx",
			"handoff_days":     "three",
		}))
		expect(t, p, http.StatusUnprocessableEntity, "Nothing was saved", `value="Acme Community"`,
			`id="help_center_url-error"`, `id="status_url-error"`, `id="default_language-error"`, "Write a full address starting with https://",
			`id="handoff_days-error"`, `value="three"`, "Write a number of days from 1 to 365")
		// Nothing was stored, and no page links the script.
		s, err := f.srv.Store.SiteSettings(context.Background())
		if err != nil || s != (models.SiteSettings{}) {
			t.Fatalf("stored %+v, %v: want nothing", s, err)
		}
		refuse(t, f.browser().get("/"), "Acme Community", "javascript:")
	})
}

func TestDefaultLanguageIsForBrowsersAskingForNeither(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		admin := f.browser()
		admin.signIn("ada")
		grant(t, f, "ada", models.RoleAdmin)
		admin.get("/admin/settings")
		expect(t, admin.post("/admin/settings", url.Values{"default_language": {"ja"}}), http.StatusSeeOther)

		german := f.browser()
		german.lang = "de-DE,de;q=0.9"
		expect(t, german.get("/"), http.StatusOK, `<html lang="ja"`)
		english := f.browser()
		english.lang = "en-US,en;q=0.9"
		expect(t, english.get("/"), http.StatusOK, `<html lang="en"`)
	})
}
