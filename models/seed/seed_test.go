package seed

import (
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"hiroba/models"
)

var end = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func generate(seed int64, opts Options) ([]models.User, []Thread) {
	g := New(seed, opts)
	users := g.Users()
	var threads []Thread
	for {
		t, ok := g.Next()
		if !ok {
			return users, threads
		}
		threads = append(threads, t)
	}
}

func TestSameSeedSameForum(t *testing.T) {
	opts := Options{Threads: 200, Replies: 4, End: end}
	u1, t1 := generate(7, opts)
	u2, t2 := generate(7, opts)
	if !reflect.DeepEqual(u1, u2) || !reflect.DeepEqual(t1, t2) {
		t.Fatal("the same seed wrote two different forums")
	}
	_, t3 := generate(8, opts)
	if reflect.DeepEqual(t1, t3) {
		t.Fatal("two seeds wrote the same forum")
	}
	// Asking for the users later, or not at all, does not change the threads.
	g := New(7, opts)
	first, _ := g.Next()
	if !reflect.DeepEqual(first, t1[0]) {
		t.Fatal("threads depend on whether Users was called")
	}
}

func TestBothLanguages(t *testing.T) {
	_, threads := generate(1, Options{Threads: 1000, Replies: 3, End: end})
	ja := 0
	for _, th := range threads {
		cjk := hasCJK(th.Title) && hasCJK(th.Posts[0].Body)
		if th.Lang == "ja" {
			ja++
			if !cjk {
				t.Errorf("Japanese thread without Japanese text: %q", th.Title)
			}
		} else if hasCJK(th.Title) {
			t.Errorf("English thread with a Japanese title: %q", th.Title)
		}
	}
	if share := float64(ja) / float64(len(threads)); share < 0.25 || share > 0.35 {
		t.Errorf("Japanese share = %.2f, want about %.2f", share, JapaneseShare)
	}
}

func hasCJK(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			return true
		}
	}
	return false
}

func TestLengthsAndMarkdownVary(t *testing.T) {
	_, threads := generate(3, Options{Threads: 500, Replies: 5, End: end})
	shortest, longest := 1<<30, 0
	var paragraphs [8]int
	marks := map[string]int{}
	for _, th := range threads {
		for _, p := range th.Posts {
			n := len([]rune(p.Body))
			shortest, longest = min(shortest, n), max(longest, n)
			paragraphs[min(strings.Count(p.Body, "\n\n"), 7)]++
			for mark, re := range markdown {
				if re.MatchString(p.Body) {
					marks[mark]++
				}
			}
		}
	}
	if shortest > 40 || longest < 1000 {
		t.Errorf("post lengths from %d to %d characters, want from a line to several paragraphs", shortest, longest)
	}
	if paragraphs[0] == 0 || paragraphs[5]+paragraphs[6]+paragraphs[7] == 0 {
		t.Errorf("paragraph counts do not vary: %v", paragraphs)
	}
	for mark := range markdown {
		if marks[mark] < 10 {
			t.Errorf("only %d posts with %s", marks[mark], mark)
		}
	}
}

var markdown = map[string]*regexp.Regexp{
	"code span":    regexp.MustCompile("[^`]`[^`\n]+`"),
	"code block":   regexp.MustCompile("(?m)^```"),
	"bullet list":  regexp.MustCompile(`(?m)^- `),
	"ordered list": regexp.MustCompile(`(?m)^1\. `),
	"link":         regexp.MustCompile(`\]\(https://|<https://`),
	"bold":         regexp.MustCompile(`\*\*[^*]+\*\*`),
}

func TestRepliesAroundTheAverage(t *testing.T) {
	const n, mean = 2000, 5.0
	g := New(1, Options{Threads: n, Replies: mean, End: end})
	replies, none, most := 0, 0, 0
	for {
		th, ok := g.Next()
		if !ok {
			break
		}
		r := len(th.Posts) - 1
		replies += r
		most = max(most, r)
		if r == 0 {
			none++
		}
	}
	if got := float64(replies) / n; got < mean*0.9 || got > mean*1.1 {
		t.Errorf("average replies = %.2f, want about %.1f", got, mean)
	}
	if none < n/20 || most < 3*mean {
		t.Errorf("%d threads without replies, at most %d replies: want some of each extreme", none, most)
	}
	if g.TotalPosts() != n+replies {
		t.Errorf("TotalPosts = %d, wrote %d", g.TotalPosts(), n+replies)
	}
	if th := g.ThreadWithReplies(19); len(th.Posts) != 20 {
		t.Errorf("ThreadWithReplies(19) wrote %d posts", len(th.Posts))
	}
}

func TestTimesWithinTheYearAndInOrder(t *testing.T) {
	users, threads := generate(5, Options{Threads: 300, Replies: 6, End: end})
	var last time.Time
	for _, th := range threads {
		if th.Posts[0].CreatedAt.Before(last) {
			t.Errorf("thread %q starts before the one written before it", th.Title)
		}
		last = th.Posts[0].CreatedAt
		for j, p := range th.Posts {
			if p.CreatedAt.Before(end.Add(-year)) || p.CreatedAt.After(end) {
				t.Errorf("post at %v is outside the year before %v", p.CreatedAt, end)
			}
			if j > 0 && !p.CreatedAt.After(th.Posts[j-1].CreatedAt) {
				t.Errorf("%q: post %d is not after post %d", th.Title, j+1, j)
			}
			if users[p.Author].CreatedAt.After(p.CreatedAt) {
				t.Errorf("%s posted before joining", users[p.Author].Username)
			}
		}
	}
}

func TestUsers(t *testing.T) {
	g := New(1, Options{Threads: 10, Replies: 2})
	users := g.Users()
	if len(users) != defaultUsers {
		t.Fatalf("%d users, want %d", len(users), defaultUsers)
	}
	seen := map[string]bool{}
	withName := 0
	for _, u := range users {
		if seen[u.Username] {
			t.Errorf("username %q twice", u.Username)
		}
		seen[u.Username] = true
		if models.CleanUsername(u.Username) != u.Username || u.Username != strings.ToLower(u.Username) {
			t.Errorf("username %q is not one the forum would give", u.Username)
		}
		if u.Name != "" {
			withName++
		}
	}
	if withName < len(users)/4 || withName > len(users)*3/4 {
		t.Errorf("%d of %d users have a display name", withName, len(users))
	}
}

func TestCategoriesAreTheDefaultOnes(t *testing.T) {
	var want, got []string
	for _, c := range models.DefaultCategories {
		want = append(want, c.Slug)
	}
	share := 0.0
	for _, c := range Categories {
		got = append(got, c.Slug)
		share += c.Share
	}
	for _, slug := range want {
		if !strings.Contains(" "+strings.Join(got, " ")+" ", " "+slug+" ") {
			t.Errorf("no generated threads in category %q", slug)
		}
		for _, l := range []*language{&english, &japanese} {
			if len(l.categories[slug].topics) == 0 {
				t.Errorf("%s/%s has no topics", l.code, slug)
			}
		}
	}
	if share < 0.999 || share > 1.001 {
		t.Errorf("category shares add up to %.3f", share)
	}
}

// Every phrase must fill: a slot missing in some topic would otherwise only
// show up as a panic on the one seed that happens to draw it.
func TestEveryPhraseFills(t *testing.T) {
	w := newWriter(rand.New(rand.NewPCG(1, 2)))
	for _, l := range []*language{&english, &japanese} {
		for slug, cat := range l.categories {
			scopes := []scope{{lang: l, cat: cat, slug: slug}}
			for _, topic := range cat.topics {
				scopes = append(scopes, scope{lang: l, cat: cat, slug: slug, topic: topic})
			}
			for _, s := range scopes {
				for _, lex := range []lexicon{l.common, cat.lexicon, s.topic} {
					for slot, list := range lex {
						for _, tmpl := range list {
							for range 3 {
								func() {
									defer func() {
										if r := recover(); r != nil {
											t.Errorf("%s/%s slot %s: %q: %v", l.code, slug, slot, tmpl, r)
										}
									}()
									var b strings.Builder
									w.fill(&b, s, tmpl, 0)
								}()
							}
						}
					}
				}
				if s.topic != nil {
					for range 20 {
						w.question(s)
						w.reply(s)
					}
				}
			}
		}
	}
}

// Askers accept answers in about SolvedShare of the threads that have one,
// always a reply by someone else; helpful votes come from distinct members
// other than the author, and an accepted answer gets more of them.
func TestSolutionsAndVotes(t *testing.T) {
	users, threads := generate(1, Options{Threads: 1000, Replies: 4, End: end})
	answered, solved, unsolved := 0, 0, 0
	votes, solutionVotes, otherVotes, others := 0, 0, 0, 0
	for _, th := range threads {
		asker := th.Posts[0].Author
		hasAnswer := false
		for _, p := range th.Posts[1:] {
			hasAnswer = hasAnswer || p.Author != asker
		}
		if hasAnswer {
			answered++
		}
		switch {
		case th.Solution == 0:
			unsolved++
		case th.Solution < 1 || th.Solution >= len(th.Posts) || th.Posts[th.Solution].Author == asker:
			t.Fatalf("%q: solution %d of %d posts, by the asker: %v", th.Title, th.Solution, len(th.Posts), th.Posts[th.Solution].Author == asker)
		default:
			solved++
		}
		for j, p := range th.Posts {
			seen := map[int]bool{}
			for _, v := range p.HelpfulBy {
				if v == p.Author || seen[v] || v < 0 || v >= len(users) {
					t.Fatalf("%q post %d: vote by %d (author %d, seen %v)", th.Title, j+1, v, p.Author, seen[v])
				}
				seen[v] = true
			}
			votes += len(p.HelpfulBy)
			switch {
			case j > 0 && j == th.Solution:
				solutionVotes += len(p.HelpfulBy)
			case j > 0 && p.Author != asker:
				otherVotes += len(p.HelpfulBy)
				others++
			}
		}
	}
	if share := float64(solved) / float64(answered); share < SolvedShare-0.07 || share > SolvedShare+0.07 {
		t.Errorf("%d of %d answered threads solved (%.2f), want about %.2f", solved, answered, share, SolvedShare)
	}
	if unsolved == 0 || votes == 0 {
		t.Errorf("%d unsolved threads, %d votes: want some of each", unsolved, votes)
	}
	if perSolution, perOther := float64(solutionVotes)/float64(solved), float64(otherVotes)/float64(others); perSolution <= perOther+0.5 {
		t.Errorf("accepted answers get %.2f votes, other answers %.2f: the accepted ones should get more", perSolution, perOther)
	}
}
