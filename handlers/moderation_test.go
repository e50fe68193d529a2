package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hiroba/handlers/ratelimit"
	"hiroba/models"
)

// grant gives a signed-in browser's user a role, as `hiroba admin grant` would.
func grant(t *testing.T, f *forum, username string, role models.Role) {
	t.Helper()
	if err := f.srv.Store.GrantRole(context.Background(), username, role); err != nil {
		t.Fatal(err)
	}
}

func TestModerationRoutesRefuseMembersAndVisitors(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, member, _ := askAndAnswer(t, f)
		anon := f.browser()
		anon.get("/login")
		mod := f.browser()
		mod.signIn("mo")
		grant(t, f, "mo", models.RoleModerator)
		gets := []string{"/review", "/mod/u/ken", "/admin/audit", "/admin/words", "/admin/rules"}
		posts := []string{"/review/2", "/mod/t/1", "/mod/p/2/hide", "/mod/p/2/unhide", "/mod/u/ken", "/admin/words", "/admin/words/1/delete", "/admin/rules"}
		for _, b := range []*browser{anon, member} {
			for _, p := range gets {
				expect(t, b.get(p), http.StatusForbidden)
			}
			for _, p := range posts {
				b.get("/login")
				expect(t, b.post(p, url.Values{"action": {"hide"}, "decision": {"approve"}}), http.StatusForbidden)
			}
		}
		// Moderators reach moderation, not administration.
		expect(t, mod.get("/review"), http.StatusOK, "Review queue")
		expect(t, mod.get("/admin/rules"), http.StatusForbidden)
		// Nobody edits, deletes or accepts on another's thread.
		member.get("/t/1")
		expect(t, member.post("/p/1/edit", url.Values{"body": {"hijack"}}), http.StatusForbidden)
		expect(t, member.post("/p/1/delete", url.Values{}), http.StatusForbidden)
		expect(t, member.post("/t/1/solution", url.Values{"post_id": {"2"}}), http.StatusForbidden)
	})
}

func TestFlagAndReviewThroughPages(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, helper, thread := askAndAnswer(t, f)
		mod := f.browser()
		mod.signIn("mo")
		grant(t, f, "mo", models.RoleModerator)
		// A moderator's flag alone hides the reply.
		expect(t, mod.get("/p/2/flag"), http.StatusOK, "Spam or advertising")
		r := mod.post("/p/2/flag", url.Values{"reason": {"spam"}, "note": {"link farm"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("flag: %d", r.Status)
		}
		expect(t, f.browser().get(thread), http.StatusOK, "This post is hidden while moderators review it.")
		// Its author still sees it, with its status.
		expect(t, helper.get(thread), http.StatusOK, "Hidden pending review", "Billing refunds duplicates")
		expect(t, mod.get("/review"), http.StatusOK, "Billing refunds duplicates", "link farm", "Approve")
		mod.get("/review")
		r = mod.post("/review/2", url.Values{"decision": {"approve"}, "reason": {"legit"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("review: %d", r.Status)
		}
		expect(t, f.browser().get(thread), http.StatusOK, "Billing refunds duplicates")
		grant(t, f, "mo", models.RoleAdmin)
		expect(t, mod.get("/admin/audit"), http.StatusOK, "Approved the post", "legit")
	})
}

func TestThreadModeration(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		asker, _, thread := askAndAnswer(t, f)
		mod := f.browser()
		mod.signIn("mo")
		grant(t, f, "mo", models.RoleModerator)
		expect(t, mod.get(thread), http.StatusOK, "Close thread", "Move thread")
		mod.post("/mod/t/1", url.Values{"action": {"close"}, "reason": {"answered"}})
		page := asker.get(thread)
		expect(t, page, http.StatusOK, "This thread is closed to new replies.")
		refuse(t, page, `action="/t/1/replies"`)
		kept := asker.post("/t/1/replies", url.Values{"body": {"one more thing"}})
		expect(t, asker.follow(kept.Location), http.StatusOK, "closed", "one more thing")
		mod.get(thread)
		mod.post("/mod/t/1", url.Values{"action": {"hide"}})
		expect(t, f.browser().get(thread), http.StatusNotFound)
		refuse(t, f.browser().get("/"), "Charged twice for one plan")
		expect(t, mod.get(thread), http.StatusOK, "This thread is not public")
	})
}

func TestSuspendedUserSeesTheReason(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, helper, thread := askAndAnswer(t, f)
		mod := f.browser()
		mod.signIn("mo")
		grant(t, f, "mo", models.RoleModerator)
		mod.get("/mod/u/ken")
		r := mod.post("/mod/u/ken", url.Values{"action": {"silence"}, "days": {"3"}, "reason": {"Please stop posting links"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("silence: %d", r.Status)
		}
		helper.get(thread)
		p := helper.post("/t/1/replies", url.Values{"body": {"my text stays"}})
		expect(t, helper.follow(p.Location), http.StatusOK, "a moderator limited your account", "my text stays")
	})
}

func TestPostingRulesKeepTheText(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		if err := f.srv.Store.SetRules(context.Background(), models.DefaultRules); err != nil {
			t.Fatal(err)
		}
		b := f.browser()
		b.signIn("newbie")
		b.get("/new")
		p := b.post("/new", url.Values{"category": {"6"}, "title": {"Free spins every day"}, "body": {"Join the best online casino"}})
		expect(t, p, http.StatusUnprocessableEntity, "which this forum does not allow", "Join the best online casino")
		b.post("/new", url.Values{"category": {"3"}, "title": {"API key not working"}, "body": {"401 errors"}})
		b.get("/t/1")
		p = b.post("/t/1/replies", url.Values{"body": {"Also on staging"}})
		expect(t, b.follow(p.Location), http.StatusOK, "You are posting quickly", "Also on staging")
		if p.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
		// A held post tells its author and stays out of public view.
		rules := models.DefaultRules
		rules.NewCooldown = 0
		f.srv.Store.SetRules(context.Background(), rules)
		b.get("/t/1")
		p = b.post("/t/1/replies", url.Values{"body": {"links https://a.example https://b.example https://c.example"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("held reply: %d %s", p.Status, p.Body)
		}
		expect(t, b.get(strings.Split(p.Location, "#")[0]), http.StatusOK, "Your post is waiting for a moderator", "Waiting for a moderator")
		refuse(t, f.browser().get("/t/1"), "https://a.example")
	})
}

func TestRateLimitsAnswer429(t *testing.T) {
	// A server with a tight search budget, counted in memory.
	limited := newLimitedForum(t, ratelimit.Rule{Name: "search", Limit: 2, Window: time.Minute})
	b := limited.browser()
	expect(t, b.get("/search?q=a"), http.StatusOK)
	expect(t, b.get("/search?q=b"), http.StatusOK)
	p := b.get("/search?q=c")
	expect(t, p, http.StatusTooManyRequests, "Too many requests. Please try again in")
	if p.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After header")
	}
}

func TestModerationFormsKeepWhatWasTyped(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, helper, thread := askAndAnswer(t, f)
		helper.get(thread)
		// A flag note that cannot be stored comes back with the note and the choice.
		helper.get("/p/1/flag")
		p := helper.post("/p/1/flag", url.Values{"reason": {"off_topic"}, "note": {"see \x00 here"}})
		// The page cannot show a NUL; it shows the replacement character.
		expect(t, p, http.StatusUnprocessableEntity, "Choose a reason", "see \uFFFD here", `value="off_topic" required checked`)
		// Flagging twice says so instead of failing.
		helper.get("/p/1/flag")
		helper.post("/p/1/flag", url.Values{"reason": {"spam"}})
		helper.get("/p/1/flag")
		if p := helper.post("/p/1/flag", url.Values{"reason": {"spam"}}); p.Status != http.StatusSeeOther {
			t.Errorf("second flag: %d", p.Status)
		}
		expect(t, helper.get(thread), http.StatusOK, "You have already flagged this post")

		admin := f.browser()
		admin.signIn("root")
		grant(t, f, "root", models.RoleAdmin)
		admin.get("/mod/u/hana")
		p = admin.post("/mod/u/hana", url.Values{"action": {"suspend"}, "days": {"a week"}, "reason": {"Spam links"}})
		expect(t, p, http.StatusUnprocessableEntity, "whole number of days", `value="a week"`, `value="Spam links"`)
		if u, _ := f.srv.Store.UserByUsername(context.Background(), "hana"); u.SuspendedUntil != nil {
			t.Error("a refused form suspended the user")
		}
		admin.get("/admin/rules")
		p = admin.post("/admin/rules", url.Values{"new_account_age": {"one day"}, "new_account_min_posts": {"3"}, "new_max_links": {"2"},
			"new_max_images": {"0"}, "new_max_threads_per_day": {"3"}, "new_max_replies_per_day": {"10"}, "new_cooldown": {"30s"},
			"cooldown": {"5s"}, "duplicate_window": {"5m"}, "flag_threshold": {"0"}})
		expect(t, p, http.StatusUnprocessableEntity, "Nothing was saved", `value="one day" aria-invalid="true"`, `value="0" aria-invalid="true"`, `value="30s"`)
		// Nothing was stored: the threshold is still the one in force.
		expect(t, admin.get("/admin/rules"), http.StatusOK, `name="flag_threshold" type="text" value="3"`)
	})
}
