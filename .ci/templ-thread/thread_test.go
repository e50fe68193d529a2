// Package templthread weighs compiled templates (templ) against the
// forum's html/template views on the page that matters most: the posts of
// a thread page, the same rows (views.PostRow) and the same markup, written
// both ways, for a visitor and for a member. It is a module of its own so
// that the forum does not depend on templ for a measurement.
//
//	cd .ci/templ-thread && go test -run TestSameMarkup . && go test -run '^$' -bench . -benchtime 2000x -count 3 .
//
// posts_templ.go is generated from posts.templ by templ v0.3.1100
// (go run github.com/a-h/templ/cmd/templ@v0.3.1100 generate -f posts.templ).
package templthread

import (
	"bytes"
	"context"
	"html/template"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"hiroba/models"
	"hiroba/public"
	"hiroba/views"
)

func data(tb testing.TB, signedIn bool) views.ThreadData {
	cat, err := views.NewCatalog()
	if err != nil {
		tb.Fatal(err)
	}
	now := time.Now()
	th := models.Thread{ID: 7, Slug: "router-blinks", Title: "Router blinks", UserID: 1, PostCount: 20, CreatedAt: now.Add(-48 * time.Hour)}
	sol := int64(102)
	th.SolutionPostID = &sol
	var posts []models.Post
	body := "<p>" + strings.Repeat("Hold the reset button for ten seconds &amp; wait. ", 14) + "</p>"
	for i := 1; i <= 20; i++ {
		uid := int64(1 + i%5)
		posts = append(posts, models.Post{ID: int64(100 + i), ThreadID: 7, UserID: uid, Position: i, HTML: body, Status: models.StatusPublished,
			CreatedAt: now.Add(-time.Duration(30-i) * time.Hour), HelpfulCount: i % 3,
			User: models.User{ID: uid, Username: "user" + string(rune('a'+i%5)), Name: "User Name"}})
	}
	d := views.ThreadData{View: models.ThreadView{Thread: th, Posts: posts, Pagination: models.Pagination{Page: 1, PerPage: 50, TotalItems: 20}}}
	d.Base = views.Base{Translator: cat.In("en"), Title: th.Title, SiteName: "Hiroba", Now: now, Path: "/t/7/router-blinks"}
	if signedIn {
		d.User = &models.User{ID: 9, Username: "reader", Role: models.RoleMember}
		d.CSRFToken = "tok"
		d.MayFlag = true
		d.Voted = map[int64]bool{103: true}
	}
	return d
}

// loopTemplate is the posts loop of views/templates/thread.html as it
// stands, cut out to render on its own.
func loopTemplate(tb testing.TB) *template.Template {
	src, err := os.ReadFile("../../views/templates/thread.html")
	if err != nil {
		tb.Fatal(err)
	}
	s := string(src)
	a := strings.Index(s, "  {{$l := .PostLabels}}")
	b := strings.Index(s, "  </ol>")
	loop := s[a:b]
	loop = strings.ReplaceAll(loop, "$t.ID", ".ThreadID")
	loop = strings.ReplaceAll(loop, `{{template "solution-box" $}}`, "")
	loop = regexp.MustCompile(`\{\{\$l := \.PostLabels\}\}\{\{\$csrf := \.CSRFToken\}\}`).ReplaceAllLiteralString(loop, `{{$l := .L}}{{$csrf := .CSRF}}{{$tid := .ThreadID}}`)
	loop = strings.ReplaceAll(loop, "{{range .PostRows}}", "{{range .Rows}}")
	loop = strings.ReplaceAll(loop, "/t/{{.ThreadID}}", "/t/{{$tid}}")
	avatar := `{{define "avatar"}}{{if .AvatarURL}}<img class="avatar" src="{{.AvatarURL}}" alt="" width="28" height="28" loading="lazy" referrerpolicy="no-referrer">{{else}}<span class="avatar" aria-hidden="true">{{initial .Username}}</span>{{end}}{{end}}`
	t := template.Must(template.New("loop").Funcs(template.FuncMap{"initial": func(s string) string { return string([]rune(s)[:1]) }}).Parse(loop + avatar))
	return t
}

type loopData struct {
	Rows     []views.PostRow
	L        views.PostLabels
	CSRF     string
	ThreadID int64
}

func bench(b *testing.B, signedIn bool, kind string) {
	d := data(b, signedIn)
	ld := loopData{Rows: d.PostRows(), L: d.PostLabels(), CSRF: d.CSRFToken, ThreadID: 7}
	var buf bytes.Buffer
	switch kind {
	case "html-template":
		t := loopTemplate(b)
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := t.Execute(&buf, ld); err != nil {
				b.Fatal(err)
			}
		}
	case "templ":
		c := PostList(ld.Rows, ld.L, ld.CSRF, 7)
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := c.Render(context.Background(), &buf); err != nil {
				b.Fatal(err)
			}
		}
	case "page-html-template":
		assets, err := public.Load()
		if err != nil {
			b.Fatal(err)
		}
		r, err := views.New(assets)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := r.Render(&buf, views.Thread, d); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.SetBytes(int64(buf.Len()))
}

// BenchmarkPosts renders a thread's 20 posts with html/template and with
// templ, and the whole thread page with the forum's renderer for scale.
func BenchmarkPosts(b *testing.B) {
	for _, who := range []string{"anonymous", "signed-in"} {
		for _, kind := range []string{"html-template", "templ", "page-html-template"} {
			b.Run(who+"/"+kind, func(b *testing.B) { bench(b, who == "signed-in", kind) })
		}
	}
}

// TestSameMarkup holds the two to the same posts, but for whitespace and
// how an empty element ends.
func TestSameMarkup(t *testing.T) {
	for _, signedIn := range []bool{false, true} {
		d := data(t, signedIn)
		ld := loopData{Rows: d.PostRows(), L: d.PostLabels(), CSRF: d.CSRFToken, ThreadID: 7}
		var a, b bytes.Buffer
		if err := loopTemplate(t).Execute(&a, ld); err != nil {
			t.Fatal(err)
		}
		if err := PostList(ld.Rows, ld.L, ld.CSRF, 7).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		norm := func(s string) string {
			s = regexp.MustCompile(`>\s+<`).ReplaceAllString(s, "><")
			s = regexp.MustCompile(`\s+`).ReplaceAllString(s, " ")
			s = strings.ReplaceAll(s, "/>", ">")
			s = strings.ReplaceAll(s, "&#34;", "&quot;")
			return strings.TrimSpace(s)
		}
		if x, y := norm(a.String()), norm(b.String()); x != y {
			os.WriteFile("a.html", []byte(x), 0o644)
			os.WriteFile("b.html", []byte(y), 0o644)
			t.Errorf("signedIn=%v: markup differs (a.html, b.html): %d vs %d bytes", signedIn, len(x), len(y))
		}
	}
}
