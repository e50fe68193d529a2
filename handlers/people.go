package handlers

// People's data: a user downloads everything stored about them, or deletes
// their account (models/people.go says what stays and why).

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

const (
	dataExportPath    = "/settings/data"
	accountDeletePath = "/settings/account/delete"
	// exportDeadline bounds the reads of one download, which run after the
	// handler has returned, as the file streams.
	exportDeadline = 2 * time.Minute
)

// registerPeople mounts the download and the account deletion.
func (h *Handler) registerPeople(app *fiber.App) {
	app.Get(dataExportPath, h.downloadData)
	app.Post(accountDeletePath, h.deleteOwnAccount)
}

// downloadData sends the signed-in user everything stored about them as
// one JSON file, written as it is read.
func (h *Handler) downloadData(c *fiber.Ctx) error {
	user := currentUser(c)
	if user == nil {
		return c.Redirect("/login?next="+url.QueryEscape(notificationSettingsPath), fiber.StatusSeeOther)
	}
	now := time.Now()
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentDisposition, exportDisposition(user.Username, now))
	store, log, id, userID := h.store, h.log, requestID(c), user.ID
	// Once the first bytes are out a failure can only cut the file short,
	// which no JSON reader takes for a whole one.
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), exportDeadline)
		defer cancel()
		if err := store.ExportUser(ctx, userID, now, w); err != nil {
			log.Warn("data download cut short", slog.String("request_id", id), slog.Int64("user_id", userID), slog.Any("error", err))
		}
	})
	return nil
}

// exportDisposition names the download hiroba-<username>-<date>.json; a
// username beyond ASCII is given in the RFC 6266 form too, beside a plain
// name every browser can save.
func exportDisposition(username string, now time.Time) string {
	date := now.UTC().Format("2006-01-02")
	name := "hiroba-" + username + "-" + date + ".json"
	for _, r := range name {
		if r > 0x7e || r < 0x20 || r == '"' || r == '\\' {
			return `attachment; filename="hiroba-` + date + `.json"; filename*=UTF-8''` + url.PathEscape(name)
		}
	}
	return `attachment; filename="` + name + `"`
}

// deleteOwnAccount deletes the signed-in user's account once they have
// typed their username, and signs them out.
func (h *Handler) deleteOwnAccount(c *fiber.Ctx) error {
	user := currentUser(c)
	if user == nil {
		return c.Redirect("/login?next="+url.QueryEscape(notificationSettingsPath), fiber.StatusSeeOther)
	}
	ctx := c.UserContext()
	confirm := strings.TrimSpace(utils.CopyString(c.FormValue("confirm")))
	if confirm != user.Username {
		prefs, err := h.store.NotificationPrefs(ctx, user.ID)
		if err != nil {
			return err
		}
		t := h.catalog.In(language(c))
		return h.renderSettingsWith(c, fiber.StatusUnprocessableEntity, *user, prefs,
			map[string]string{"confirm": t.T("people.confirm_mismatch")}, confirm)
	}
	if err := h.store.DeleteAccount(ctx, *user, user.ID, ""); err != nil {
		return fmt.Errorf("handlers: delete own account: %w", err)
	}
	h.clearCookie(c, sessionCookie, "/")
	h.flash(c, "flash.account_deleted")
	return c.Redirect("/", fiber.StatusSeeOther)
}
