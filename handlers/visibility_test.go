package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"hiroba/app"
	"hiroba/handlers/ratelimit"
	"hiroba/models"
)

// The states a reply can be in, each set up through the pages the way
// people and moderators would reach it.
var visibilityStates = []string{"public", "held", "rejected", "hidden", "threadhidden", "deleted", "suspended", "purged"}

// The read paths, and who reads them.
var (
	visibilityPaths   = []string{"thread", "history", "profile", "flag", "search", "similar", "notifications"}
	visibilityViewers = []string{"anonymous", "member", "author", "moderator"}
)

// visibleWant is the table the one visibility rule must produce: for a
// state and a read path, which viewers see the reply (its text, or for
// "similar" its thread, for "flag" the flag form). Read it as the spec.
var visibleWant = map[string]map[string]string{
	//                thread    history   profile   flag      search    similar   notifications
	// Letters: a anonymous, m member, u author, o moderator; "-" nobody.
	"public":       row("amuo", "amuo", "amuo", "muo", "amuo", "amuo", "mo"),
	"held":         row("uo", "uo", "uo", "uo", "-", "amuo", "-"),
	"rejected":     row("uo", "uo", "uo", "uo", "-", "amuo", "-"),
	"hidden":       row("uo", "uo", "uo", "uo", "-", "amuo", "o"),
	"threadhidden": row("o", "o", "o", "o", "-", "-", "o"),
	// A deleted post shows as a placeholder on its thread, for everyone;
	// its text stays readable to moderators in history and on profiles.
	// Deleting a post takes its notifications with it.
	"deleted": row("-", "o", "o", "o", "-", "amuo", "-"),
	// Suspension signs the author out: they read as a visitor does.
	"suspended": row("amuo", "amuo", "amuo", "mo", "amuo", "amuo", "mo"),
	"purged":    row("-", "o", "o", "o", "-", "amuo", "-"),
}

func row(cells ...string) map[string]string {
	out := map[string]string{}
	for i, p := range visibilityPaths {
		out[p] = cells[i]
	}
	return out
}

var viewerLetter = map[string]string{"anonymous": "a", "member": "m", "author": "u", "moderator": "o"}

var (
	threadIDIn = regexp.MustCompile(`^/t/(\d+)/`)
	postIDIn   = regexp.MustCompile(`#p(\d+)$`)
)

// visibilityCase is one state's thread and reply.
type visibilityCase struct {
	state             string
	threadID, replyID string
	title, word       string // the thread's title; a word only the reply holds
	author            string
}

func TestVisibilityMatrix(t *testing.T) {
	roomy := func(c *app.Config) {
		c.Limits.PostIP = ratelimit.Rule{Name: "post-ip", Limit: 10000, Window: time.Minute}
		c.Limits.Search = ratelimit.Rule{Name: "search", Limit: 10000, Window: time.Minute}
	}
	eachDialectWith(t, roomy, func(t *testing.T, f *forum) {
		browsers := map[string]*browser{"anonymous": f.browser(), "member": f.browser(), "moderator": f.browser()}
		browsers["member"].signIn("member")
		browsers["moderator"].signIn("mo")
		grant(t, f, "mo", models.RoleAdmin)
		browsers["moderator"].get("/admin/words")
		if r := browsers["moderator"].post("/admin/words", url.Values{"pattern": {"zqholdme"}, "kind": {"word"}, "action": {"hold"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("watched word: %d", r.Status)
		}
		asker := f.browser()
		asker.signIn("asker")
		authors := map[string]*browser{}
		cases := map[string]*visibilityCase{}
		for _, state := range visibilityStates {
			cases[state] = setUpState(t, f, state, asker, browsers, authors)
		}
		for _, state := range visibilityStates {
			c := cases[state]
			browsers["author"] = authors[state]
			for _, path := range visibilityPaths {
				for _, viewer := range visibilityViewers {
					want := strings.Contains(visibleWant[state][path], viewerLetter[viewer])
					if got := sees(t, browsers[viewer], c, path); got != want {
						t.Errorf("%s reply, %s page, %s viewer: sees = %v, want %v", state, path, viewer, got, want)
					}
				}
			}
		}
	})
}

// setUpState asks a thread, has a fresh author reply and edit the reply (so
// it has a history), and then puts the reply in the state.
func setUpState(t *testing.T, f *forum, state string, asker *browser, browsers map[string]*browser, authors map[string]*browser) *visibilityCase {
	t.Helper()
	c := &visibilityCase{state: state, title: "Question about zqtitle" + state, word: "zqreply" + state, author: "author" + state}
	asker.get("/new")
	p := asker.post("/new", url.Values{"category": {"2"}, "title": {c.title}, "body": {"Something is wrong with " + state}})
	m := threadIDIn.FindStringSubmatch(p.Location)
	if m == nil {
		t.Fatalf("%s: ask: %d %s", state, p.Status, p.Location)
	}
	c.threadID = m[1]
	thread := "/t/" + c.threadID
	for _, who := range []string{"member", "moderator"} {
		b := browsers[who]
		b.get(thread)
		if r := b.post(thread+"/watch", url.Values{}); r.Status != http.StatusSeeOther {
			t.Fatalf("%s: watch: %d", state, r.Status)
		}
	}
	author := f.browser()
	author.signIn(c.author)
	authors[state] = author
	author.get(thread)
	body := "First try " + c.word
	if state == "held" || state == "rejected" {
		body += " zqholdme"
	}
	p = author.post(thread+"/replies", url.Values{"body": {body}})
	m = postIDIn.FindStringSubmatch(p.Location)
	if m == nil {
		t.Fatalf("%s: reply: %d %s\n%s", state, p.Status, p.Location, p.Body)
	}
	c.replyID = m[1]
	author.get("/p/" + c.replyID + "/edit")
	if r := author.post("/p/"+c.replyID+"/edit", url.Values{"body": {body + " (edited)"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("%s: edit: %d\n%s", state, r.Status, r.Body)
	}
	mod := browsers["moderator"]
	act := func(path string, form url.Values) {
		t.Helper()
		mod.get("/review")
		if r := mod.post(path, form); r.Status != http.StatusSeeOther {
			t.Fatalf("%s: %s: %d\n%s", state, path, r.Status, r.Body)
		}
	}
	switch state {
	case "rejected":
		act("/review/"+c.replyID, url.Values{"decision": {"reject"}, "reason": {"spam"}})
	case "hidden":
		act("/mod/p/"+c.replyID+"/hide", url.Values{"reason": {"checking"}})
	case "threadhidden":
		act("/mod/t/"+c.threadID, url.Values{"action": {"hide"}, "reason": {"off topic"}})
	case "deleted":
		author.get(thread)
		if r := author.post("/p/"+c.replyID+"/delete", url.Values{}); r.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d", r.Status)
		}
	case "suspended":
		act("/mod/u/"+c.author, url.Values{"action": {"suspend"}, "days": {"3"}, "reason": {"cool off"}})
	case "purged":
		act("/mod/u/"+c.author, url.Values{"action": {"purge"}, "days": {"1"}, "reason": {"spammer"}})
	}
	if state == "suspended" || state == "purged" {
		// Suspension ends their sessions: they read as a visitor would, and
		// a new sign-in is refused with the reason.
		if r := author.get("/"); strings.Contains(r.Body, `action="/logout"`) {
			t.Errorf("%s: the suspended author is still signed in", state)
		}
	}
	return c
}

// sees reports whether a viewer finds the case's reply on one read path.
func sees(t *testing.T, b *browser, c *visibilityCase, path string) bool {
	t.Helper()
	switch path {
	case "thread":
		return followGet(b, "/t/"+c.threadID).contains(c.word)
	case "history":
		return followGet(b, "/p/"+c.replyID+"/history").contains(c.word)
	case "profile":
		return followGet(b, "/u/"+c.author).contains(c.word)
	case "flag":
		r := b.get("/p/" + c.replyID + "/flag")
		return r.Status == http.StatusOK && strings.Contains(r.Body, `action="/p/`+c.replyID+`/flag"`)
	case "search":
		return followGet(b, "/search?q="+c.word).contains("#p" + c.replyID + `"`)
	case "similar":
		return followGet(b, "/similar?title="+url.QueryEscape("zqtitle"+c.state)).contains("zqtitle" + c.state)
	case "notifications":
		return followGet(b, "/notifications").contains("#p" + c.replyID + `"`)
	}
	t.Fatalf("unknown path %s", path)
	return false
}

type followed struct{ page }

func (p followed) contains(s string) bool {
	return p.Status == http.StatusOK && strings.Contains(p.Body, s)
}

// followGet follows redirects within the site, as a browser would, and
// fails loudly on a server error: a refusal is a 404 or a sign-in page.
func followGet(b *browser, path string) followed {
	b.f.t.Helper()
	p := b.get(path)
	for i := 0; i < 3 && (p.Status == http.StatusMovedPermanently || p.Status == http.StatusFound || p.Status == http.StatusSeeOther); i++ {
		p = b.get(p.Location)
	}
	if p.Status >= 500 {
		b.f.t.Fatalf("GET %s: %d", path, p.Status)
	}
	return followed{p}
}

// A thread a moderator hid leaks nothing, by any road: not its title in a
// redirect, not its question's history, not a reply on a profile, not the
// flag form; and nobody votes on, watches or flags what they cannot see.
func TestHiddenThreadLeaksNothing(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, helper, thread := askAndAnswer(t, f)
		mod := staffMember(t, f, "mo", models.RoleModerator)
		mod.get(thread)
		if r := mod.post("/mod/t/1", url.Values{"action": {"hide"}, "reason": {"scam"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("hide: %d", r.Status)
		}
		member := f.browser()
		member.signIn("outsider")
		for _, b := range []*browser{f.browser(), member} {
			r := b.get("/t/1")
			if r.Status != http.StatusNotFound || r.Location != "" {
				t.Errorf("/t/1: %d, Location %q", r.Status, r.Location)
			}
			refuse(t, r, "Charged twice")
			for _, path := range []string{thread, "/p/1/history", "/p/2/history", "/t/1?page=1"} {
				r := b.get(path)
				if r.Status != http.StatusNotFound && r.Status != http.StatusMovedPermanently {
					t.Errorf("%s: %d", path, r.Status)
				}
				refuse(t, r, "Charged twice", "Two charges this month", "Billing refunds")
			}
			refuse(t, b.get("/u/ken"), "Charged twice", "Billing refunds")
			refuse(t, b.get("/u/hana"), "Charged twice")
		}
		expect(t, member.get("/p/2/flag"), http.StatusNotFound)
		refuse(t, member.get("/p/2/flag"), "Charged twice")
		member.get("/")
		for _, path := range []string{"/p/2/helpful", "/p/2/flag", "/t/1/watch"} {
			expect(t, member.post(path, url.Values{"reason": {"spam"}}), http.StatusNotFound)
		}
		if n := helpfulCount(t, f, 2); n != 0 {
			t.Errorf("a vote on a hidden thread counted: %d", n)
		}
		// The reply's author, who did not ask, is outside it too.
		expect(t, helper.get("/p/2/history"), http.StatusNotFound)
		// Moderators still see it all, with its state.
		expect(t, mod.get(thread), http.StatusOK, "This thread is not public", "Billing refunds")
	})
}

func helpfulCount(t *testing.T, f *forum, postID int64) int {
	t.Helper()
	p, err := f.srv.Store.PostByID(context.Background(), staff, postID)
	if err != nil {
		t.Fatal(err)
	}
	return p.HelpfulCount
}
