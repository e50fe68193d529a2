package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hiroba/models"
	"hiroba/views"
)

// showUser shows a profile: the user's questions and their replies.
func (h *Handler) showUser(c *fiber.Ctx) error {
	ctx := c.UserContext()
	name, err := urlParam(c, "username")
	if err != nil {
		return fiber.ErrNotFound
	}
	u, err := h.store.UserByUsername(ctx, name)
	if err != nil {
		return err
	}
	if u.Deleted() {
		return fiber.ErrNotFound // the name stays reserved; the person is gone
	}
	viewer := currentUser(c)
	threads, err := h.store.Threads(ctx, models.ThreadFilter{UserID: u.ID, PerPage: 20, Viewer: viewer})
	if err != nil {
		return err
	}
	replies, pages, err := h.store.UserPosts(ctx, viewer, u.ID, pageNumber(c), 20)
	if err != nil {
		return err
	}
	// The profile shows its threads' titles, counts and solutions, which
	// others' writes to those threads change.
	dependsOn(c, models.UserKey(u.ID))
	for _, th := range threads.Threads {
		dependsOn(c, models.ThreadKey(th.ID))
	}
	for _, p := range replies {
		dependsOn(c, models.ThreadKey(p.ThreadID))
	}
	return h.render(c, fiber.StatusOK, views.Profile, views.ProfileData{
		Base: h.base(c, u.DisplayName()), Profile: u, Threads: threads, Replies: replies, RepliesOf: pages,
	})
}
