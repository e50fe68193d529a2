// Command ceiling serves the render ceiling for .ci/loadtest: a thread
// page of the same shape and size as the forum's (a layout, a list of
// posts, each with its author, time, text and a count), from memory, by
// Fiber and html/template, with no database, no middleware and no work of
// the forum's own. What the forum serves is measured as a ratio of this,
// in the same run, so that the figure does not move with the machine.
//
//	go run ./.ci/ceiling -addr 127.0.0.1:18200 -posts 20 -bytes 18600
package main

import (
	"flag"
	"fmt"
	"html/template"
	"log"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

const page = `<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · {{.Site}}</title>
<link rel="stylesheet" href="/static/css/hiroba.css">
</head>
<body>
<header class="site-header"><a class="brand" href="/">{{.Site}}</a>
<form class="header-search" method="get" action="/search" role="search"><label for="q">{{.SearchLabel}}</label><input id="q" name="q" type="search"></form>
</header>
<main id="main" class="wrap">
<article class="thread" aria-labelledby="thread-title">
<h1 id="thread-title">{{.Title}}</h1>
<p class="thread-meta">{{.Replies}} · <time datetime="{{.Stamp}}">{{.Asked}}</time></p>
<ol class="posts">
{{range .Posts}}<li class="post" id="p{{.ID}}">
<header class="post-header"><span class="avatar" aria-hidden="true">{{.Initial}}</span>
<a class="author" href="/u/{{.Username}}">{{.Name}}</a>
<a class="post-link" href="{{.Path}}"><time datetime="{{.Stamp}}">{{.When}}</time></a></header>
<div class="post-body">{{.HTML}}</div>
<footer class="post-actions"><span class="chip static">{{$.Helpful}} <span class="count">{{.Helpful}}</span></span></footer>
</li>
{{end}}</ol>
</article>
</main>
<footer class="site-footer"><p>{{.Notice}}</p></footer>
</body>
</html>
`

type post struct {
	ID                int64
	Initial, Username string
	Name, Path, Stamp string
	When              string
	HTML              template.HTML
	Helpful           int
}

type thread struct {
	Lang, Title, Site, SearchLabel string
	Replies, Stamp, Asked          string
	Helpful, Notice                string
	Posts                          []post
}

func main() {
	addr := flag.String("addr", "127.0.0.1:18200", "listen address")
	posts := flag.Int("posts", 20, "posts on the page")
	bytes := flag.Int("bytes", 18600, "page size to reach, in bytes, by lengthening the posts' text")
	flag.Parse()

	tmpl := template.Must(template.New("page").Parse(page))
	data := thread{
		Lang: "en", Title: "Export stops at one thousand rows", Site: "Hiroba", SearchLabel: "Search the forum",
		Replies: fmt.Sprintf("%d replies", *posts-1), Stamp: time.Now().UTC().Format(time.RFC3339),
		Asked: "Jan 2, 2026 15:04 UTC", Helpful: "Helpful",
		Notice: "This is a community forum: answers come from other users, not from the company.",
	}
	for i := range *posts {
		data.Posts = append(data.Posts, post{
			ID: int64(i + 1), Initial: "K", Username: "ken", Name: "Ken Sato",
			Path: fmt.Sprintf("/t/1/export-stops#p%d", i+1), Stamp: data.Stamp,
			When: "Jan 2, 2026 15:04 UTC", HTML: "<p></p>", Helpful: i % 3,
		})
	}
	// Lengthen every post's text evenly until the page is the size asked.
	var sb strings.Builder
	if err := tmpl.Execute(&sb, data); err != nil {
		log.Fatal(err)
	}
	if short := *bytes - sb.Len(); short > 0 && *posts > 0 {
		words := strings.Repeat("the export stops at a thousand rows ", short / *posts / 36 + 1)
		text := template.HTML("<p>" + words[:short / *posts] + "</p>")
		for i := range data.Posts {
			data.Posts[i].HTML = text
		}
	}

	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/*", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return tmpl.Execute(c, data)
	})
	log.Fatal(app.Listen(*addr))
}
