package views

import (
	"net/url"
	"strings"

	"hiroba/models"
)

// HandOff is the asker's way from the forum to official support about
// their thread: the contact address, with {thread_url} and {title} filled
// in where the address names them (each escaped as a query value); an
// address without them is linked as it is. "" when there is no contact
// address, or the viewer is not the thread's asker.
func HandOff(contactURL, baseURL string, viewer *models.User, th models.Thread) string {
	if contactURL == "" || viewer == nil || viewer.ID != th.UserID {
		return ""
	}
	return strings.NewReplacer(
		"{thread_url}", url.QueryEscape(baseURL+ThreadPath(th.ID, th.Slug)),
		"{title}", url.QueryEscape(th.Title),
	).Replace(contactURL)
}
