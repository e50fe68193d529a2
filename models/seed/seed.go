// Package seed writes a believable forum: support questions and answers in
// English and Japanese across the default categories, by a few hundred
// members of whom a few are very active, spread over the past year. The same
// seed always writes the same forum, so a measurement can be repeated.
package seed

import (
	"math/rand/v2"
	"strconv"
	"time"

	"hiroba/models"
)

// Categories are the slugs of the default categories, and how often people
// ask in each: how-to questions most, safety questions least.
var Categories = []struct {
	Slug  string
	Share float64
}{
	{"using", 0.25}, {"api", 0.22}, {"account", 0.18}, {"billing", 0.15}, {"lounge", 0.12}, {"safety", 0.08},
}

// JapaneseShare is the part of threads written in Japanese.
const JapaneseShare = 0.3

// SolvedShare is the part of threads with an answer whose asker accepted one.
const SolvedShare = 0.45

const (
	defaultUsers = 300
	year         = 365 * 24 * time.Hour
)

// Options size the forum.
type Options struct {
	Threads int       // threads Next returns
	Replies float64   // average replies per thread
	Users   int       // members; 300 when zero
	End     time.Time // nothing is written after it; today at 00:00 UTC when zero
}

// Post is one generated post; Author indexes Users.
type Post struct {
	Author    int
	Body      string
	CreatedAt time.Time
	HelpfulBy []int // the members who found it helpful, indexes of Users
}

// Thread is one generated thread; its first post is the question.
type Thread struct {
	Lang     string // "en" or "ja"
	Category string // a slug of Categories
	Title    string
	Posts    []Post
	Solution int // the index in Posts of the reply the asker accepted; 0 when unsolved
}

// Generator writes threads one at a time, so a large forum never has to be
// held in memory. It is not safe for concurrent use.
type Generator struct {
	opts    Options
	w       *writer
	judge   *writer // draws solutions and votes, apart from the text
	people  []person
	active  map[string][]int // member indexes per language, most active first
	replies []int            // replies of each thread, drawn up front
	total   int
	next    int
}

// New prepares a forum for a seed. Reply counts are drawn up front, from a
// source of their own, so the total is known before any text is written.
func New(seed int64, opts Options) *Generator {
	if opts.Users <= 0 {
		opts.Users = defaultUsers
	}
	if opts.End.IsZero() {
		opts.End = time.Now().UTC().Truncate(24 * time.Hour)
	}
	g := &Generator{
		opts:   opts,
		w:      newWriter(rand.New(rand.NewPCG(uint64(seed), 0x68697230626121))),
		judge:  newWriter(rand.New(rand.NewPCG(uint64(seed), 0x766f746573))),
		active: map[string][]int{},
	}
	counts := newWriter(rand.New(rand.NewPCG(uint64(seed), 0x7265706c696573)))
	g.replies = make([]int, max(opts.Threads, 0))
	g.total = len(g.replies)
	for i := range g.replies {
		g.replies[i] = counts.geometric(opts.Replies)
		g.total += g.replies[i]
	}
	g.makePeople()
	return g
}

func (g *Generator) makePeople() {
	taken := map[string]bool{}
	for len(g.people) < g.opts.Users {
		lang := "en"
		if g.w.chance(0.4) {
			lang = "ja"
		}
		p := g.w.makePerson(lang)
		base := p.username
		for n := 2; taken[p.username]; n++ {
			p.username = base + strconv.Itoa(n)
		}
		taken[p.username] = true
		// Members joined before the year of posts, over the year before it.
		p.joined = g.opts.End.Add(-year - time.Duration(g.w.rng.Int64N(int64(year)))).Truncate(time.Second)
		g.people = append(g.people, p)
	}
	// Who is active is independent of when they were made up, so the most
	// active members are not all alphabetically or chronologically first.
	for _, i := range g.w.rng.Perm(len(g.people)) {
		g.active[g.people[i].lang] = append(g.active[g.people[i].lang], i)
	}
	if len(g.active["en"]) == 0 || len(g.active["ja"]) == 0 {
		// A tiny forum may draw only one language of members; both pools must
		// have someone in them.
		g.active["en"] = append(g.active["en"], g.active["ja"]...)
		g.active["ja"] = g.active["en"]
	}
}

// Users are the members who write the forum; Post.Author is an index into
// this slice.
func (g *Generator) Users() []models.User {
	out := make([]models.User, len(g.people))
	for i, p := range g.people {
		out[i] = models.User{Username: p.username, Name: p.name, CreatedAt: p.joined, UpdatedAt: p.joined}
	}
	return out
}

// TotalPosts is how many posts Next writes in all.
func (g *Generator) TotalPosts() int { return g.total }

// Next writes the next thread, oldest first; false once Options.Threads
// have been written.
func (g *Generator) Next() (Thread, bool) {
	if g.next >= len(g.replies) {
		return Thread{}, false
	}
	i := g.next
	g.next++
	// Threads are spread evenly over the year, each somewhere in its slot,
	// so IDs grow with time as on a real forum.
	span := year - 24*time.Hour
	slot := span / time.Duration(len(g.replies))
	start := g.opts.End.Add(-year).Add(time.Duration(i)*slot + time.Duration(g.w.rng.Int64N(int64(max(slot, 1)))))
	return g.thread(start, g.replies[i]), true
}

// ThreadWithReplies writes one more thread with exactly that many replies,
// at some time in the year.
func (g *Generator) ThreadWithReplies(replies int) Thread {
	start := g.opts.End.Add(-year).Add(time.Duration(g.w.rng.Int64N(int64(year - 24*time.Hour))))
	return g.thread(start, replies)
}

func (g *Generator) thread(start time.Time, replies int) Thread {
	w := g.w
	lang := &english
	if w.chance(JapaneseShare) {
		lang = &japanese
	}
	slug := g.category()
	cat := lang.categories[slug]
	s := scope{lang: lang, cat: cat, slug: slug}
	if len(cat.topics) > 0 {
		s.topic = cat.topics[w.zipf(len(cat.topics), true)]
	}
	asker := g.member(lang.code, -1, -1)
	t := Thread{Lang: lang.code, Category: slug, Title: w.pick(s, "title")}
	t.Posts = make([]Post, 0, replies+1)
	t.Posts = append(t.Posts, Post{Author: asker, Body: w.question(s)})
	for j := range replies {
		prev := t.Posts[len(t.Posts)-1].Author
		if j > 0 && prev != asker && w.chance(0.18) {
			t.Posts = append(t.Posts, Post{Author: asker, Body: w.followup(s)})
			continue
		}
		t.Posts = append(t.Posts, Post{Author: g.member(lang.code, asker, prev), Body: w.reply(s)})
	}
	g.stamp(t.Posts, start)
	g.react(&t, asker)
	return t
}

// react decides what readers made of a thread: whether its asker accepted
// a reply, and who found which posts helpful. It draws from a source of its
// own, so a seed's text is the same with or without it.
func (g *Generator) react(t *Thread, asker int) {
	j := g.judge
	var answers []int // replies by someone other than the asker
	for i := 1; i < len(t.Posts); i++ {
		if t.Posts[i].Author != asker {
			answers = append(answers, i)
		}
	}
	if len(answers) > 0 && j.chance(SolvedShare) {
		// The first answers are accepted most often.
		t.Solution = answers[j.zipf(len(answers), true)]
	}
	for i := range t.Posts {
		var votes int
		switch {
		case i == 0:
			votes = j.geometric(0.4) // "me too" on the question
		case t.Posts[i].Author == asker:
			continue // an asker's follow-up is rarely anyone's help
		default:
			votes = j.geometric(0.7)
		}
		if i == t.Solution {
			votes += 1 + j.geometric(1.5)
		}
		t.Posts[i].HelpfulBy = g.voters(t.Lang, votes, t.Posts[i].Author)
	}
}

// voters draws up to n distinct members other than the author, the active
// ones more often, mostly from those who read the thread's language.
func (g *Generator) voters(lang string, n, author int) []int {
	if n == 0 {
		return nil
	}
	var out []int
	seen := map[int]bool{author: true}
	for try := 0; len(out) < n && try < 4*n; try++ {
		pool := g.active[lang]
		if !g.judge.chance(0.88) {
			pool = g.active[otherLanguage(lang)]
		}
		if v := pool[g.judge.zipf(len(pool), false)]; !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// category draws a category by its share of questions.
func (g *Generator) category() string {
	r := g.w.rng.Float64()
	for _, c := range Categories {
		if r < c.Share {
			return c.Slug
		}
		r -= c.Share
	}
	return Categories[0].Slug
}

// member draws someone to write, mostly from those who speak the thread's
// language, the active ones far more often, avoiding the given two when the
// forum has others.
func (g *Generator) member(lang string, avoid1, avoid2 int) int {
	pool := g.active[lang]
	if !g.w.chance(0.88) {
		pool = g.active[otherLanguage(lang)]
	}
	var i int
	for range 4 {
		i = pool[g.w.zipf(len(pool), false)]
		if i != avoid1 && i != avoid2 {
			break
		}
	}
	return i
}

func otherLanguage(lang string) string {
	if lang == "ja" {
		return "en"
	}
	return "ja"
}

// stamp dates the posts: the first reply within hours, later ones spaced
// more widely, every post strictly after the one before, none after End.
func (g *Generator) stamp(posts []Post, start time.Time) {
	start = start.Truncate(time.Second)
	offsets := make([]time.Duration, len(posts))
	for j := 1; j < len(posts); j++ {
		mean := 8 * time.Hour
		if j == 1 {
			mean = 3 * time.Hour
		}
		gap := time.Duration(g.w.rng.ExpFloat64() * float64(mean))
		offsets[j] = offsets[j-1] + max(gap, time.Minute)
	}
	if room := g.opts.End.Sub(start); len(posts) > 1 && offsets[len(posts)-1] > room {
		scale := float64(room) / float64(offsets[len(posts)-1])
		for j := range offsets {
			offsets[j] = time.Duration(float64(offsets[j]) * scale)
		}
	}
	for j := range posts {
		at := start.Add(offsets[j]).Truncate(time.Second)
		if j > 0 && !at.After(posts[j-1].CreatedAt) {
			at = posts[j-1].CreatedAt.Add(time.Second)
		}
		posts[j].CreatedAt = at
	}
}

// Import turns a generated thread into one the store imports, given the IDs
// of the users (in the order of Users) and of the categories by slug.
func (t Thread) Import(userIDs []int64, categoryIDs map[string]int64) models.ImportedThread {
	in := models.ImportedThread{CategoryID: categoryIDs[t.Category], Title: t.Title, Posts: make([]models.ImportedPost, len(t.Posts))}
	if t.Solution > 0 {
		in.Solution = t.Solution + 1
	}
	for j, p := range t.Posts {
		in.Posts[j] = models.ImportedPost{UserID: userIDs[p.Author], Body: p.Body, CreatedAt: p.CreatedAt}
		for _, v := range p.HelpfulBy {
			in.Posts[j].HelpfulBy = append(in.Posts[j].HelpfulBy, userIDs[v])
		}
	}
	return in
}
