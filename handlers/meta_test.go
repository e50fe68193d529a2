package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// head is what a crawler or a link preview reads from a page's <head>.
type head struct {
	canonical string
	meta      map[string]string // by property or name
	jsonLD    []string
}

func readHead(t *testing.T, p page) head {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(p.Body))
	if err != nil {
		t.Fatal(err)
	}
	h := head{meta: map[string]string{}}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			a := map[string]string{}
			for _, at := range n.Attr {
				a[at.Key] = at.Val
			}
			switch {
			case n.Data == "link" && a["rel"] == "canonical":
				h.canonical = a["href"]
			case n.Data == "meta" && a["property"] != "":
				h.meta[a["property"]] = a["content"]
			case n.Data == "meta" && a["name"] != "":
				h.meta[a["name"]] = a["content"]
			case n.Data == "script" && a["type"] == "application/ld+json" && n.FirstChild != nil:
				h.jsonLD = append(h.jsonLD, n.FirstChild.Data)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return h
}

// schemaShapes are the schema.org types a QAPage is built of, with the
// properties each may have and those search engines require of it.
var schemaShapes = map[string]struct{ allowed, required []string }{
	"QAPage":   {[]string{"@context", "@type", "mainEntity", "inLanguage"}, []string{"mainEntity"}},
	"Question": {[]string{"@type", "name", "text", "answerCount", "dateCreated", "author", "url", "acceptedAnswer", "suggestedAnswer"}, []string{"name", "answerCount", "dateCreated", "author"}},
	"Answer":   {[]string{"@type", "text", "dateCreated", "upvoteCount", "url", "author"}, []string{"text", "dateCreated", "url", "author", "upvoteCount"}},
	"Person":   {[]string{"@type", "name", "url"}, []string{"name"}},
}

// checkShape walks structured data and reports every object that is not
// a known type, has a property its type does not, lacks one it needs, or
// holds a value of the wrong kind.
func checkShape(t *testing.T, path string, v any) {
	t.Helper()
	switch x := v.(type) {
	case []any:
		for i, e := range x {
			checkShape(t, path+"["+string(rune('0'+i))+"]", e)
		}
	case map[string]any:
		typ, _ := x["@type"].(string)
		shape, ok := schemaShapes[typ]
		if !ok {
			t.Errorf("%s: unknown @type %q", path, typ)
			return
		}
		for k, val := range x {
			if !contains(shape.allowed, k) {
				t.Errorf("%s (%s): property %q is not one of %v", path, typ, k, shape.allowed)
			}
			switch k {
			case "name", "text":
				if s, _ := val.(string); strings.TrimSpace(s) == "" {
					t.Errorf("%s.%s is empty", path, k)
				}
			case "dateCreated":
				if _, err := time.Parse(time.RFC3339, val.(string)); err != nil {
					t.Errorf("%s.dateCreated: %v", path, err)
				}
			case "answerCount", "upvoteCount":
				if _, ok := val.(float64); !ok {
					t.Errorf("%s.%s is %T, want a number", path, k, val)
				}
			case "url":
				if u, err := url.Parse(val.(string)); err != nil || !u.IsAbs() {
					t.Errorf("%s.url %q is not absolute", path, val)
				}
			}
			checkShape(t, path+"."+k, val)
		}
		for _, k := range shape.required {
			if _, ok := x[k]; !ok {
				t.Errorf("%s (%s): no %q", path, typ, k)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestThreadPagesDescribeThemselves(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		asker, helper, thread := askAndAnswer(t, f)
		// A second reply, then hidden by its author: no structured data
		// or preview may show it.
		helper.get(thread)
		helper.post("/t/1/replies", url.Values{"body": {"Ignore this one, wrong thread entirely."}})
		helper.get(thread)
		expect(t, helper.post("/p/3/delete", url.Values{}), http.StatusSeeOther)
		asker.get(thread)
		expect(t, asker.post("/t/1/solution", url.Values{"post_id": {"2"}}), http.StatusSeeOther)

		p := fetch(t, f, thread+"?utm_source=mail", "en")
		expect(t, p, http.StatusOK)
		h := readHead(t, p)
		if h.canonical != testBase+thread {
			t.Errorf("canonical %q, want %q", h.canonical, testBase+thread)
		}
		want := map[string]string{
			"og:title": "Charged twice for one plan", "og:site_name": "Hiroba", "og:type": "article",
			"og:url": testBase + thread, "og:locale": "en_US", "og:description": "Two charges this month.",
			"description": "Two charges this month.", "twitter:card": "summary",
		}
		for k, v := range want {
			if h.meta[k] != v {
				t.Errorf("%s = %q, want %q", k, h.meta[k], v)
			}
		}
		if len(h.jsonLD) != 1 {
			t.Fatalf("%d JSON-LD documents, want 1", len(h.jsonLD))
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(h.jsonLD[0]), &doc); err != nil {
			t.Fatalf("JSON-LD: %v\n%s", err, h.jsonLD[0])
		}
		checkShape(t, "QAPage", doc)
		q := doc["mainEntity"].(map[string]any)
		if q["name"] != "Charged twice for one plan" || q["text"] != "Two charges this month." || q["answerCount"] != 1.0 {
			t.Errorf("question %v", q)
		}
		acc, _ := q["acceptedAnswer"].(map[string]any)
		if acc == nil || acc["text"] != "Billing refunds duplicates within a week." || acc["url"] != testBase+thread+"#p2" {
			t.Errorf("accepted answer %v", acc)
		}
		if _, ok := q["suggestedAnswer"]; ok {
			t.Errorf("the deleted reply or the accepted one is suggested: %v", q["suggestedAnswer"])
		}
		if strings.Contains(h.jsonLD[0], "wrong thread") {
			t.Error("the deleted reply is in the structured data")
		}
	})
}

func TestListsAreCanonicalToThePlainList(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		askAndAnswer(t, f)
		for path, want := range map[string]string{
			"/":                         "/",
			"/?show=solved&sort=votes":  "/",
			"/c/billing?sort=activity":  "/c/billing",
			"/c/billing?page=1":         "/c/billing",
			"/u/hana?utm_campaign=news": "/u/hana",
		} {
			p := fetch(t, f, path, "ja")
			expect(t, p, http.StatusOK)
			h := readHead(t, p)
			if h.canonical != testBase+want {
				t.Errorf("%s: canonical %q, want %q", path, h.canonical, testBase+want)
			}
			if h.meta["og:locale"] != "ja_JP" || h.meta["og:site_name"] != "Hiroba" || h.meta["og:description"] == "" {
				t.Errorf("%s: OpenGraph %v", path, h.meta)
			}
			if len(h.jsonLD) != 0 {
				t.Errorf("%s: structured data on a list: %v", path, h.jsonLD)
			}
		}
	})
}
