package models

// The support figures vendors ask a community for, week by week and
// category by category: how many questions came, how many had a reply
// within a day, how long the first reply took, how many were solved. Only
// what a visitor may read counts (the rule in visibility.go with no
// viewer): public threads, and replies that are public.

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// DashboardWeeks is how many weeks the dashboard looks back, this one included.
const DashboardWeeks = 12

// AnsweredWithin is how soon a first reply counts as quick.
const AnsweredWithin = 24 * time.Hour

// Figures are one cell of the dashboard: the questions asked in a week (or
// in the whole period) and what became of them.
type Figures struct {
	Questions int
	// Replied counts the questions that have a reply from someone other
	// than the asker; AnsweredIn24h those whose first such reply came
	// within AnsweredWithin of the question.
	Replied       int
	AnsweredIn24h int
	Solved        int
	// MedianFirstReply is the median of the time to the first reply, over
	// the questions that have one; zero when none has.
	MedianFirstReply time.Duration
	firstReplies     []time.Duration
}

// AnsweredShare is AnsweredIn24h as a share of the questions, 0 to 1.
func (f Figures) AnsweredShare() float64 { return share(f.AnsweredIn24h, f.Questions) }

// SolvedShare is the share of the questions that are solved, 0 to 1.
func (f Figures) SolvedShare() float64 { return share(f.Solved, f.Questions) }

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

func (f *Figures) add(q dashboardQuestion) {
	f.Questions++
	if q.Solved {
		f.Solved++
	}
	if q.FirstReply == nil {
		return
	}
	wait := max(q.FirstReply.Sub(q.CreatedAt), 0)
	f.Replied++
	if wait <= AnsweredWithin {
		f.AnsweredIn24h++
	}
	f.firstReplies = append(f.firstReplies, wait)
}

// finish computes the median once every question is in.
func (f *Figures) finish() {
	n := len(f.firstReplies)
	if n == 0 {
		return
	}
	slices.Sort(f.firstReplies)
	if n%2 == 1 {
		f.MedianFirstReply = f.firstReplies[n/2]
	} else {
		f.MedianFirstReply = (f.firstReplies[n/2-1] + f.firstReplies[n/2]) / 2
	}
	f.firstReplies = nil
}

// DashboardWeek is one week's figures; Start is its Monday, 00:00 in the
// zone the dashboard was asked in.
type DashboardWeek struct {
	Start time.Time
	Figures
}

// DashboardCategory is one category's figures over the whole period, and
// week by week.
type DashboardCategory struct {
	Category Category
	Figures
	Weeks []DashboardWeek
}

// Dashboard is the support figures of the last DashboardWeeks weeks, oldest
// week first: across every category, and per category.
type Dashboard struct {
	Weeks      []DashboardWeek
	Total      Figures
	Categories []DashboardCategory
}

type dashboardQuestion struct {
	ID         int64
	CategoryID int64
	CreatedAt  time.Time
	Solved     bool
	FirstReply *time.Time
}

// weekStart is the Monday 00:00 of the week t falls in, in zone.
func weekStart(t time.Time, zone *time.Location) time.Time {
	t = t.In(zone)
	back := (int(t.Weekday()) + 6) % 7 // days since Monday
	return time.Date(t.Year(), t.Month(), t.Day()-back, 0, 0, 0, 0, zone)
}

// SupportDashboard computes the dashboard as of now, with weeks starting on
// Monday in zone. It reads each public question of the period once, with
// its first reply: two queries, bounded by the questions of twelve weeks,
// and the figures are counted in Go, where a median is the same on every
// database.
func (s *Store) SupportDashboard(ctx context.Context, now time.Time, zone *time.Location) (Dashboard, error) {
	if zone == nil {
		zone = time.UTC
	}
	current := weekStart(now, zone)
	starts := make([]time.Time, DashboardWeeks)
	for i := range starts {
		starts[i] = current.AddDate(0, 0, -7*(DashboardWeeks-1-i))
	}
	since := starts[0].UTC()
	db := s.db.WithContext(ctx)

	cats, err := s.Categories(ctx)
	if err != nil {
		return Dashboard{}, err
	}
	visible, args := visibleThreadSQL(nil, "t")
	var questions []dashboardQuestion
	if err := db.Raw(`SELECT t.id, t.category_id, t.created_at, t.solution_post_id IS NOT NULL AS solved FROM threads t
		WHERE t.created_at >= ? AND t.created_at < ? AND `+visible+` ORDER BY t.id`,
		append([]any{since, now.UTC()}, args...)...).Scan(&questions).Error; err != nil {
		return Dashboard{}, fmt.Errorf("models: dashboard questions: %w", err)
	}
	// The first public reply by someone other than the asker: the row
	// itself, not MIN(created_at), whose type SQLite would lose.
	var replies []struct {
		ThreadID  int64
		CreatedAt time.Time
	}
	if err := db.Raw(`SELECT p.thread_id, p.created_at FROM posts p JOIN threads t ON t.id = p.thread_id
		WHERE t.created_at >= ? AND t.created_at < ? AND `+visible+` AND p.position = (
			SELECT MIN(r.position) FROM posts r WHERE r.thread_id = t.id AND r.position > 1
			AND r.user_id <> t.user_id AND `+publicPostSQL("r")+`)`,
		append([]any{since, now.UTC()}, args...)...).Scan(&replies).Error; err != nil {
		return Dashboard{}, fmt.Errorf("models: dashboard first replies: %w", err)
	}
	first := make(map[int64]time.Time, len(replies))
	for _, r := range replies {
		first[r.ThreadID] = r.CreatedAt
	}

	d := Dashboard{Weeks: make([]DashboardWeek, DashboardWeeks)}
	byCat := make(map[int64]int, len(cats))
	d.Categories = make([]DashboardCategory, len(cats))
	for i, c := range cats {
		byCat[c.ID] = i
		d.Categories[i] = DashboardCategory{Category: c, Weeks: make([]DashboardWeek, DashboardWeeks)}
		for w, start := range starts {
			d.Categories[i].Weeks[w].Start = start
		}
	}
	for w, start := range starts {
		d.Weeks[w].Start = start
	}
	for _, q := range questions {
		if at, ok := first[q.ID]; ok {
			q.FirstReply = &at
		}
		w := weekIndex(starts, q.CreatedAt)
		if w < 0 {
			continue
		}
		d.Weeks[w].add(q)
		d.Total.add(q)
		if i, ok := byCat[q.CategoryID]; ok {
			d.Categories[i].add(q)
			d.Categories[i].Weeks[w].add(q)
		}
	}
	d.Total.finish()
	for w := range d.Weeks {
		d.Weeks[w].finish()
	}
	for i := range d.Categories {
		d.Categories[i].finish()
		for w := range d.Categories[i].Weeks {
			d.Categories[i].Weeks[w].finish()
		}
	}
	return d, nil
}

// weekIndex is the week of starts that t falls in, -1 for none.
func weekIndex(starts []time.Time, t time.Time) int {
	for i := len(starts) - 1; i >= 0; i-- {
		if !t.Before(starts[i]) {
			return i
		}
	}
	return -1
}
