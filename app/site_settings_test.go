package app

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hiroba/models"
)

// An admin's settings reach every instance at once: the other instance
// had the home page kept for an hour, and shows the new name at the next
// look after the save, with no restart.
func TestSiteSettingsReachEveryInstance(t *testing.T) {
	requireRedis(t, pagesRedisURL)
	a, b, baseA, baseB := cachedPair(t, pagesRedisURL)
	admin := newBrowserClient(t)
	signInDev(t, admin, baseA, "ada")
	if err := a.Store.GrantRole(context.Background(), "ada", models.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	getPage(t, http.DefaultClient, baseB+"/")
	hits := b.Pages.Stats().Hits
	if _, body := getPage(t, http.DefaultClient, baseB+"/"); b.Pages.Stats().Hits == hits || !strings.Contains(body, "Hiroba") {
		t.Fatal("B did not keep its home page: this test would prove nothing")
	}

	token := pageToken(t, admin, baseA+"/admin/settings")
	resp, err := admin.PostForm(baseA+"/admin/settings", url.Values{"_csrf": {token}, "site_name": {"Acme Community"}, "notice_en": {"Staff never ask for your password."}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	redirectTo(t, resp, http.StatusSeeOther)

	took, tries := seen(t, baseB+"/", "Acme Community")
	t.Logf("B showed the new name %v after A's 303, at visit %d", took, tries)
	_, body := getPage(t, http.DefaultClient, baseB+"/")
	if !strings.Contains(body, "Staff never ask for your password.") {
		t.Error("B shows the new name but not the new notice")
	}
}
