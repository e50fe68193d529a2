package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hiroba/models"
	"hiroba/views"
)

// outage is what a dozen people ask when the sign-in page loops.
var outage = []string{
	"Login loop after update", "can't sign in, keeps redirecting", "ログインできません ループします",
	"Stuck in a redirect loop when logging in", "ログイン後にリダイレクトが止まらない", "Login page refreshes forever, like a loop",
	"Sign-in broken? Keeps redirecting me back", "サインインするとループする", "Is login down? Redirect loop for everyone",
	"ログインループが発生しています", "Endless login loop on the mobile app", "Can't log in - redirect loop again",
}

// askOutage has a dozen people ask about the outage, and returns their
// questions.
func askOutage(t *testing.T, f *forum) []models.Thread {
	t.Helper()
	ctx := context.Background()
	var threads []models.Thread
	for i, title := range outage {
		u, _, err := f.srv.Store.SignInUser(ctx, models.SignIn{Provider: "test", ProviderUserID: fmt.Sprint(i), Nickname: fmt.Sprintf("asker%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		th, err := f.srv.Store.CreateThread(ctx, models.NewThread{UserID: u.ID, CategoryID: 1, Title: title, Body: title + ". Since a few minutes ago."})
		if err != nil {
			t.Fatal(err)
		}
		threads = append(threads, th)
	}
	f.srv.Store.CreateThread(ctx, models.NewThread{UserID: 1, CategoryID: 1, Title: "Invoice PDF is blank", Body: "The download is empty."})
	return threads
}

// The review queue opens with the flood: how many about what, the
// questions, and the button that takes them into a known issue; in both
// languages.
func TestReviewQueueShowsTheFlood(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		mod := f.browser()
		mod.signIn("mo")
		grant(t, f, "mo", models.RoleModerator)
		expect(t, mod.get("/review"), http.StatusOK, "Nothing to review.")
		refuse(t, mod.get("/review"), `class="flood"`)

		threads := askOutage(t, f)
		page := mod.get("/review")
		expect(t, page, http.StatusOK, `<h2 id="flood-0">12 questions about “login loop” in under a minute</h2>`,
			escaped(outage[1]), `action="/mod/floods/open"`, "Open a known issue from these")
		for _, th := range threads {
			expect(t, page, http.StatusOK, `<a href="`+views.ThreadPath(th.ID, th.Slug)+`"`, fmt.Sprintf(`name="thread" value="%d"`, th.ID))
		}
		refuse(t, page, "Invoice PDF is blank")
		if i, j := strings.Index(page.Body, `class="flood"`), strings.Index(page.Body, `class="lead"`); i < 0 || i > j {
			t.Error("the flood is not at the top of the queue")
		}
		mod.lang = "ja"
		expect(t, mod.get("/review"), http.StatusOK, "1 分足らずのうちに「login loop」についての質問が 12 件", "これらの質問から既知の問題を作成")
	})
}

// The button sends the flood's questions; what it sends is checked as the
// known issue will need it: a moderator's, with the page's token, naming
// public questions of a flood. Until known issues exist, a good request is
// answered "unavailable", and the flood waits in the queue.
func TestOpeningAnIncidentFromAFlood(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		threads := askOutage(t, f)
		form := url.Values{}
		for _, th := range threads {
			form.Add("thread", fmt.Sprint(th.ID))
		}
		with := func(extra ...string) url.Values {
			return url.Values{"thread": append(append([]string{}, form["thread"]...), extra...)}
		}

		anon, member := f.browser(), f.browser()
		anon.get("/")
		member.signIn("ken")
		expect(t, anon.post("/mod/floods/open", with()), http.StatusForbidden)
		expect(t, member.post("/mod/floods/open", with()), http.StatusForbidden)

		mod := f.browser()
		mod.signIn("mo")
		grant(t, f, "mo", models.RoleModerator)
		mod.get("/review")
		expect(t, mod.postRaw("/mod/floods/open", with()), http.StatusForbidden) // no token
		expect(t, mod.post("/mod/floods/open", url.Values{"thread": {"x"}, "_csrf": {"forged"}}), http.StatusForbidden)

		invalid := "No known issue was opened"
		for name, v := range map[string]url.Values{
			"nothing":      {},
			"one question": {"thread": {fmt.Sprint(threads[0].ID)}},
			"not a number": with("twelve"),
			"no thread":    with("999999"),
		} {
			mod.get("/review")
			p := mod.post("/mod/floods/open", v)
			expect(t, p, http.StatusUnprocessableEntity, invalid, `class="flood"`)
			if !strings.Contains(p.Body, invalid) {
				t.Errorf("%s: not refused", name)
			}
		}
		// A question hidden since the page was loaded is no flood's.
		if err := f.srv.Store.ModerateThread(context.Background(), f.user("mo"), threads[3].ID, models.ThreadHide, 0, "spam"); err != nil {
			t.Fatal(err)
		}
		mod.get("/review")
		expect(t, mod.post("/mod/floods/open", with()), http.StatusUnprocessableEntity, invalid)

		// The flood as it is now passes every check: one action opens a
		// known issue on its first question and merges the rest into it.
		now := url.Values{}
		for _, th := range threads {
			if th.ID != threads[3].ID {
				now.Add("thread", fmt.Sprint(th.ID))
			}
		}
		mod.get("/review")
		p := mod.post("/mod/floods/open", now)
		if want := fmt.Sprintf("/t/%d", threads[0].ID); p.Status != http.StatusSeeOther || p.Location != want {
			t.Fatalf("opening the incident: %d to %q, want 303 to %s\n%s", p.Status, p.Location, want, p.Body)
		}
		incident := anon.get(fmt.Sprintf("/t/%d", threads[0].ID))
		if incident.Status == http.StatusMovedPermanently {
			incident = anon.get(incident.Location)
		}
		expect(t, incident, http.StatusOK, "11 people asked about this before it was known", threads[0].Title)
		if merged := anon.get(fmt.Sprintf("/t/%d", threads[1].ID)); merged.Status != http.StatusMovedPermanently {
			t.Errorf("a flood question not merged into the incident thread: %d", merged.Status)
		}
		refuse(t, mod.get("/review"), "questions about “login loop”")
	})
}

// The thresholds are the admins': a higher one hides the flood from the
// queue, a lower window too, and a refused value is said beside its field.
func TestFloodSettingsOnTheRulesPage(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		askOutage(t, f)
		admin := f.browser()
		admin.signIn("root")
		grant(t, f, "root", models.RoleAdmin)
		expect(t, admin.get("/admin/rules"), http.StatusOK, `name="flood_threshold" type="text" value="10"`,
			`name="flood_window" type="text" value="15m"`, "A flood is more than this many alike new questions")
		expect(t, admin.get("/review"), http.StatusOK, "12 questions about")

		save := func(threshold, window string) page {
			v := rulesForm()
			v.Set("flood_threshold", threshold)
			v.Set("flood_window", window)
			admin.get("/admin/rules")
			return admin.post("/admin/rules", v)
		}
		if p := save("12", "15m"); p.Status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", p.Status, p.Body)
		}
		refuse(t, admin.get("/review"), `class="flood"`)
		save("11", "0s")
		refuse(t, admin.get("/review"), `class="flood"`)
		save("11", "1h")
		expect(t, admin.get("/review"), http.StatusOK, "12 questions about")

		p := save("0", "a while")
		expect(t, p, http.StatusUnprocessableEntity, `name="flood_threshold" type="text" value="0" aria-invalid="true"`,
			`name="flood_window" type="text" value="a while" aria-invalid="true"`)
		if r, _ := f.srv.Store.Rules(context.Background()); r.FloodThreshold != 11 {
			t.Errorf("a refused form stored a threshold of %d", r.FloodThreshold)
		}
		admin.lang = "ja"
		expect(t, admin.get("/admin/rules"), http.StatusOK, "似た新しい質問がこの数を超えたら急増とみなす")
	})
}
