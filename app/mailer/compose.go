package mailer

import (
	"slices"
	"strings"

	"hiroba/models"
	"hiroba/views"
)

// maxItems is how many notifications one email spells out; the rest are
// counted, with a link to the notifications page.
const maxItems = 25

// Unsubscribe headers (RFC 2369 and RFC 8058): mail clients show an
// unsubscribe button that posts to the link without opening a page.
const (
	HeaderListUnsubscribe     = "List-Unsubscribe"
	HeaderListUnsubscribePost = "List-Unsubscribe-Post"
)

// compose writes the email for a digest in the user's language and time
// zone: a line per notification with its time, a link to the post and the
// start of its text, then why the email came and how to stop it.
func (w *Worker) compose(d models.Digest) (models.Mail, error) {
	lang := d.Prefs.Lang
	if !slices.Contains(views.Languages, lang) {
		lang = views.Languages[0]
	}
	t := w.catalog.In(lang)
	// An email is read later than it is written: its times are dates, in
	// the recipient's zone, never "5 minutes ago".
	clock := views.Clock{Translator: t, Zone: views.ReaderZone(lang, d.User.TimeZone)}
	base := strings.TrimRight(w.cfg.BaseURL, "/")
	unsubscribe := w.cfg.Unsubscribe(d.User.ID)

	var body strings.Builder
	line := func(s ...string) {
		body.WriteString(strings.Join(s, " "))
		body.WriteString("\n")
	}
	line(t.T("mail.greeting", "Name", d.User.DisplayName()))
	line()
	line(t.T("mail.intro", "Site", w.cfg.SiteName))
	line()
	threads := map[int64]bool{}
	for i, n := range d.Items {
		threads[n.ThreadID] = true
		if i >= maxItems {
			continue
		}
		line(t.T("mail.item_time", "Item", itemText(t, n), "Time", clock.Date(n.CreatedAt)))
		line(base + views.PostPath(n.Thread.ID, n.Thread.Slug, n.Post.Position, n.PostID))
		if ex := excerpt(n.Post.Source, 200); ex != "" {
			line(">", ex)
		}
		line()
	}
	if more := len(d.Items) - maxItems; more > 0 {
		line(t.T("mail.more", "Count", more), base+"/notifications")
		line()
	}
	line("-- ")
	line(t.T("mail.why"))
	line(t.T("mail.settings"), base+"/settings/notifications")
	line(t.T("mail.unsubscribe"), unsubscribe)

	var subject string
	switch {
	case len(d.Items) == 1:
		subject = itemText(t, d.Items[0])
	case len(threads) == 1:
		subject = t.T("mail.subject_thread", "Count", len(d.Items), "Title", d.Items[0].Thread.Title)
	default:
		subject = t.T("mail.subject_many", "Count", len(d.Items))
	}
	return models.Mail{
		Subject: "[" + w.cfg.SiteName + "] " + subject,
		Body:    body.String(),
		Headers: map[string]string{
			HeaderListUnsubscribe:     "<" + unsubscribe + ">",
			HeaderListUnsubscribePost: "List-Unsubscribe=One-Click",
		},
	}, nil
}

func itemText(t views.Translator, n models.Notification) string {
	return t.T("notification."+string(n.Kind), "Actor", t.Author(n.Actor).Name, "Title", n.Thread.Title)
}

// excerpt is the start of a post's text on one line.
func excerpt(source string, n int) string {
	s := strings.Join(strings.Fields(source), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n])) + "…"
}
