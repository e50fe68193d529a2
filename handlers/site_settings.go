package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hiroba/models"
	"hiroba/views"
)

// The site's name, tagline, official links, notice wording and default
// language are set on /admin/settings and stored in the database; the
// server's configuration (environment) fills whatever is left empty. A
// save applies at once here and within storedTTL on every other instance,
// and drops every cached page (models.KeyAll).

// siteDefaults are the settings as the server's configuration has them.
func (h *Handler) siteDefaults() models.SiteSettings {
	return models.SiteSettings{
		SiteName:      h.cfg.SiteName,
		HelpCenterURL: h.cfg.Help.HelpCenter,
		StatusURL:     h.cfg.Help.Status,
		ContactURL:    h.cfg.Help.ContactForm,
	}
}

// site is the settings in force: each stored field over the server's.
func (h *Handler) site(ctx context.Context) models.SiteSettings {
	s, d := h.siteStored.get(ctx), h.siteDefaults()
	fill := func(v *string, def string) {
		if *v == "" {
			*v = def
		}
	}
	fill(&s.SiteName, d.SiteName)
	fill(&s.HelpCenterURL, d.HelpCenterURL)
	fill(&s.StatusURL, d.StatusURL)
	fill(&s.ContactURL, d.ContactURL)
	return s
}

// withSite puts the settings in force on a page.
func withSite(b *views.Base, s models.SiteSettings) {
	b.SiteName = s.SiteName
	b.Help = views.HelpLinks{HelpCenter: s.HelpCenterURL, Status: s.StatusURL, ContactForm: s.ContactURL}
	b.Tagline = s.Tagline
	if b.Lang() == "ja" {
		b.Notice = s.NoticeJA
	} else {
		b.Notice = s.NoticeEN
	}
}

func (h *Handler) showSiteSettings(c *fiber.Ctx) error {
	stored, err := h.store.SiteSettings(c.UserContext())
	if err != nil {
		return err
	}
	return h.renderSiteSettings(c, fiber.StatusOK, stored, "", nil)
}

// renderSiteSettings shows the page; daysTyped is the days field as typed
// when it was not a number, so it comes back as it was.
func (h *Handler) renderSiteSettings(c *fiber.Ctx, status int, form models.SiteSettings, daysTyped string, errs map[string]string) error {
	b := h.baseTitled(c, "settings.title")
	msgs := map[string]string{}
	for field, id := range errs {
		msgs[field] = b.T(id)
	}
	return h.render(c, status, views.SiteSettingsPage, views.SiteSettingsData{
		Base: b, Form: form, Defaults: h.siteDefaults(), Errors: msgs, DaysTyped: daysTyped,
	})
}

// saveSiteSettings stores the form; "reset" stores nothing over the
// defaults. A refused form comes back as typed, each reason by its field.
func (h *Handler) saveSiteSettings(c *fiber.Ctx) error {
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	var form models.SiteSettings
	var daysTyped string
	if c.FormValue("action") != "reset" {
		form = models.SiteSettings{
			SiteName:        c.FormValue("site_name"),
			Tagline:         c.FormValue("tagline"),
			HelpCenterURL:   c.FormValue("help_center_url"),
			StatusURL:       c.FormValue("status_url"),
			ContactURL:      c.FormValue("contact_url"),
			NoticeEN:        c.FormValue("notice_en"),
			NoticeJA:        c.FormValue("notice_ja"),
			DefaultLanguage: c.FormValue("default_language"),
		}
		if days := strings.TrimSpace(c.FormValue("handoff_days")); days != "" {
			n, err := strconv.Atoi(days)
			if err != nil {
				n, daysTyped = -1, days // refused by Check; the text comes back
			}
			form.HandOffDays = n
		}
	}
	err = h.store.SaveSiteSettings(c.UserContext(), user, form, views.Languages)
	var refused *models.SettingsError
	if errors.As(err, &refused) {
		return h.renderSiteSettings(c, fiber.StatusUnprocessableEntity, form, daysTyped, refused.Fields)
	}
	if err != nil {
		return err
	}
	h.siteStored.forget()
	h.flash(c, "flash.settings_saved")
	return c.Redirect("/admin/settings", fiber.StatusSeeOther)
}
