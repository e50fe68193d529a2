package models

import (
	"cmp"
	"context"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"time"

	"hiroba/models/search"
)

// Noticing the flood: when the product breaks, many people ask about it at
// once, each in their own words. The detector groups the new questions of
// the last minutes that look alike, by rules a moderator can check by
// reading them (flood_signals.go says what is read), and reports each group
// larger than the threshold, so the review queue can say "14 questions about
// 'login loop' in 12 minutes".
//
// Two questions are alike when
//   - they quote the same error: an HTTP status with the word error or
//     status beside it, an error code (rate_limit_exceeded), or the same
//     quoted message (「エラーが発生しました」); or
//   - their titles share a meaningful word, and they share another one,
//     anywhere in their titles or the start of their bodies. Meaningful
//     words are the search index's (English stems, Japanese kanji and
//     katakana words) without those every question uses (error, problem,
//     エラー), with a small glossary putting one word for the ways of saying
//     one thing in both languages (sign in, log into, ログイン; loop,
//     redirect, ループ).
//
// A flood is a chain of alike questions (single-link clustering): everyone
// asking about one outage need not share words with everyone else, only
// with someone else who asked.

// Flood is a burst of alike questions.
type Flood struct {
	// Label is what they are about: the error most of them quote and the
	// words most of them share, as they wrote them.
	Label       string
	Count       int
	First, Last time.Time // when the first and the latest were asked
	Threads     []Thread  // oldest first: ID, title, slug, language, asker, time
}

// Span is how long the questions took to arrive.
func (f Flood) Span() time.Duration { return f.Last.Sub(f.First) }

// ThreadIDs are the flood's questions, for a form to send back.
func (f Flood) ThreadIDs() []int64 {
	ids := make([]int64, len(f.Threads))
	for i, th := range f.Threads {
		ids[i] = th.ID
	}
	return ids
}

// maxFloodQuestions bounds what one look reads: the newest of a window
// with more than this are enough to see a flood in.
const maxFloodQuestions = 5000

// Floods finds the groups of more than threshold alike questions asked in
// the window before now, largest first. Only questions everyone may read
// count (not held, hidden or deleted, not closed as a duplicate or merged);
// a window of 0 looks for none.
func (s *Store) Floods(ctx context.Context, now time.Time, threshold int, window time.Duration) ([]Flood, error) {
	if window <= 0 {
		return nil, nil
	}
	qs, err := s.floodQuestions(ctx, now.Add(-window), now)
	if err != nil {
		return nil, err
	}
	if len(qs) <= threshold {
		return nil, nil
	}
	var floods []Flood
	for _, members := range floodGroups(qs) {
		if len(members) > threshold {
			floods = append(floods, newFlood(qs, members))
		}
	}
	slices.SortFunc(floods, func(a, b Flood) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), b.Last.Compare(a.Last))
	})
	return floods, nil
}

// floodQuestion is a question the detector reads.
type floodQuestion struct {
	thread Thread
	floodSignals
}

// floodQuestions loads the public, open-standing questions asked in
// (since, until], oldest first, with the start of their text.
func (s *Store) floodQuestions(ctx context.Context, since, until time.Time) ([]floodQuestion, error) {
	where, args := floodQuestionSQL()
	q := "SELECT t.id, t.category_id, t.user_id, t.title, COALESCE(t.title_lang, ''), t.slug, t.created_at," +
		" SUBSTR(p.source, 1, ?) FROM threads t JOIN posts p ON p.thread_id = t.id AND p.position = 1" +
		" WHERE t.created_at > ? AND t.created_at <= ? AND " + where + " ORDER BY t.created_at DESC, t.id DESC LIMIT ?"
	args = append([]any{floodBodyErrors, since.UTC(), until.UTC()}, args...)
	rows, err := s.db.WithContext(ctx).Raw(q, append(args, maxFloodQuestions)...).Rows()
	if err != nil {
		return nil, fmt.Errorf("models: flood questions: %w", err)
	}
	var qs []floodQuestion
	var bodies []string
	err = scanRows(rows, func() []any {
		qs = append(qs, floodQuestion{})
		bodies = append(bodies, "")
		t := &qs[len(qs)-1].thread
		return []any{&t.ID, &t.CategoryID, &t.UserID, &t.Title, &t.TitleLang, &t.Slug, &t.CreatedAt, &bodies[len(bodies)-1]}
	})
	if err != nil {
		return nil, fmt.Errorf("models: flood questions: %w", err)
	}
	// Read once the rows are closed: the connection is not held while the
	// text is.
	var kr search.KeywordReader
	for i := range qs {
		qs[i].floodSignals = readFloodSignals(&kr, qs[i].thread.Title, bodies[i])
	}
	slices.Reverse(qs)
	return qs, nil
}

// floodQuestionSQL is what makes a question count in a flood, over the
// thread t and its question p: everyone may read it, and it is not closed
// as a duplicate of another or merged into one (those are counted where
// they point).
func floodQuestionSQL() (string, []any) {
	visible, args := visibleThreadSQL(nil, "t")
	return visible + " AND " + publicPostSQL("p") + " AND t.duplicate_of IS NULL AND t.merged_into IS NULL", args
}

// floodMaxAge is how old a question may be and still be taken from a flood
// into a known issue: a moderator may act an hour after the review queue
// showed the flood, but a question from days ago is no part of this outage.
const floodMaxAge = 24 * time.Hour

// FloodThreads checks a moderator's choice of questions to open a known
// issue from, as the review queue's flood sent it, and returns them oldest
// first. Each must still be a question of a flood: one everyone may read,
// not closed as a duplicate or merged, asked within a day of now. Anything
// else is invalid (the page was old, or the form not the page's); ids
// repeated count once.
func (s *Store) FloodThreads(ctx context.Context, actor User, ids []int64, now time.Time) ([]Thread, error) {
	if !actor.CanModerate() {
		return nil, ErrForbidden
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) < 2 || len(ids) > maxFloodQuestions {
		return nil, fmt.Errorf("models: flood of %d questions: %w", len(ids), errInvalid)
	}
	where, args := floodQuestionSQL()
	q := "SELECT " + threadColumns("t") + " FROM threads t JOIN posts p ON p.thread_id = t.id AND p.position = 1" +
		" WHERE t.id IN ? AND t.created_at > ? AND t.created_at <= ? AND " + where + " ORDER BY t.created_at, t.id"
	args = append([]any{ids, now.Add(-floodMaxAge).UTC(), now.UTC()}, args...)
	rows, err := s.db.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("models: flood threads: %w", err)
	}
	var threads []Thread
	err = scanRows(rows, func() []any {
		threads = append(threads, Thread{})
		return threads[len(threads)-1].targets()
	})
	if err != nil {
		return nil, fmt.Errorf("models: flood threads: %w", err)
	}
	if len(threads) != len(ids) {
		return nil, fmt.Errorf("models: %d of %d questions are no flood's: %w", len(ids)-len(threads), len(ids), errInvalid)
	}
	return threads, nil
}

// floodGroups links alike questions and returns each group of two or more,
// as indexes into qs in order. Rather than compare every pair, each question
// lists what another must share with it to be alike (an error; a title word
// with one more word), and questions listing the same thing are joined: the
// work grows with the questions, not with their pairs, so a flood of
// thousands is read as fast as a quiet hour.
func floodGroups(qs []floodQuestion) [][]int {
	parent := make([]int, len(qs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	first := map[uint64]int{}
	var h maphash.Hash
	link := func(i int, key uint64) {
		j, ok := first[key]
		if !ok {
			first[key] = i
			return
		}
		if a, b := find(i), find(j); a != b {
			parent[max(a, b)] = min(a, b)
		}
	}
	for i, q := range qs {
		for _, e := range q.errs {
			h.Reset()
			h.WriteByte('e')
			h.WriteString(e.key)
			link(i, h.Sum64())
		}
		for _, t := range q.title {
			for _, w := range q.words {
				if w.Unit == t.Unit || w.Key == t.Key {
					continue
				}
				h.Reset()
				h.WriteByte('w')
				h.WriteString(t.Key)
				h.WriteByte(0)
				h.WriteString(w.Key)
				link(i, h.Sum64())
			}
		}
	}
	groups := map[int][]int{}
	for i := range qs {
		r := find(i)
		groups[r] = append(groups[r], i)
	}
	var out [][]int
	for _, g := range groups {
		if len(g) > 1 {
			slices.Sort(g)
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b []int) int { return cmp.Compare(a[0], b[0]) })
	return out
}

// newFlood describes a group of alike questions.
func newFlood(qs []floodQuestion, members []int) Flood {
	f := Flood{Count: len(members)}
	for _, i := range members {
		f.Threads = append(f.Threads, qs[i].thread)
	}
	f.First, f.Last = f.Threads[0].CreatedAt, f.Threads[len(f.Threads)-1].CreatedAt
	f.Label = floodLabel(qs, members)
	return f
}

// floodLabel names a group by what most of its questions share: the error
// quoted by at least half of them, if any, then the one or two words (or
// Japanese words) that the most of them use, in the order they are usually
// written, each as most of them wrote it.
func floodLabel(qs []floodQuestion, members []int) string {
	type term struct {
		count int            // questions that use it
		pos   float64        // summed relative position in those questions' titles
		forms map[string]int // how it was written
		first int            // order of first sight, to break ties the same way every time
	}
	errs := map[string]*term{}
	words := map[string]*term{}
	note := func(m map[string]*term, key, form string, pos float64) {
		t := m[key]
		if t == nil {
			t = &term{forms: map[string]int{}, first: len(m)}
			m[key] = t
		}
		t.count++
		t.pos += pos
		t.forms[form]++
	}
	for _, i := range members {
		q := qs[i]
		for _, e := range q.errs {
			note(errs, e.key, e.show, 0)
		}
		// A word counts once per question, by what it is (its key; for a
		// long Japanese word, the whole word), at its first place.
		seen := map[string]bool{}
		n := float64(max(len(q.words), 1))
		for k, w := range q.words {
			key := w.Key
			if w.Key != w.Word && !isASCII(w.Word) {
				key = w.Word // the bigrams of one compound are one word here
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			note(words, key, w.Word, float64(k)/n)
		}
	}
	best := func(m map[string]*term, least int) []*term {
		var ts []*term
		for _, t := range m {
			if t.count >= least {
				ts = append(ts, t)
			}
		}
		slices.SortFunc(ts, func(a, b *term) int { return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.first, b.first)) })
		return ts
	}
	form := func(t *term) string {
		var best string
		for f, n := range t.forms {
			if n > t.forms[best] || (n == t.forms[best] && f < best) {
				best = f
			}
		}
		return best
	}
	var parts []string
	if es := best(errs, (len(members)+1)/2); len(es) > 0 {
		parts = append(parts, form(es[0]))
	}
	ws := best(words, max(2, (len(members)*3+9)/10)) // in at least 30% of them
	ws = ws[:min(len(ws), 2)]
	slices.SortFunc(ws, func(a, b *term) int { return cmp.Compare(a.pos/float64(a.count), b.pos/float64(b.count)) })
	for _, w := range ws {
		parts = append(parts, form(w))
	}
	if len(parts) == 0 {
		return qs[members[0]].thread.Title
	}
	return strings.Join(parts, " ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
