package seed

import (
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
)

// lexicon maps a slot name to its choices, most common first. A choice may
// hold further slots, written {name}, which are filled in turn.
type lexicon map[string][]string

// category holds what is said in one category: phrases of its own, and the
// topics people ask about there, most common first. A topic keeps a thread
// coherent: its title, question and answers are about the same thing.
type category struct {
	lexicon
	topics []lexicon
}

// language is everything the generator needs to write in one language.
type language struct {
	code       string
	space      string // between sentences: English needs one, Japanese none
	common     lexicon
	categories map[string]category
}

// scope is where a slot is looked up: the thread's topic, then its category,
// then the language's shared phrases.
type scope struct {
	lang  *language
	cat   category
	slug  string
	topic lexicon
}

func (s scope) choices(slot string) []string {
	if c, ok := s.topic[slot]; ok {
		return c
	}
	if c, ok := s.cat.lexicon[slot]; ok {
		return c
	}
	return s.lang.common[slot]
}

// sentenceSlots hold whole sentences or titles. They are drawn with a flatter
// Zipf curve than single words, so that a large forum does not repeat its
// favourite sentence in every other post while still having favourites.
var sentenceSlots = map[string]bool{
	"title": true, "problem": true, "detail": true, "context": true, "question": true,
	"answer": true, "tip": true, "aside": true, "steps": true, "code": true, "tried": true,
	"reply_open": true, "reply_close": true, "followup": true, "me_too": true, "short": true,
	"ask": true, "greeting": true, "thanks": true, "link_sentence": true,
}

const (
	wordExponent     = 1.0
	sentenceExponent = 0.6
	maxDepth         = 6
	stepSeparator    = " | "
)

// writer draws text from a random source. Every choice goes through the one
// source, in a fixed order, which is what makes a seed reproducible.
type writer struct {
	rng  *rand.Rand
	cdfs map[cdfKey][]float64
}

type cdfKey struct {
	n        int
	sentence bool
}

func newWriter(rng *rand.Rand) *writer {
	return &writer{rng: rng, cdfs: map[cdfKey][]float64{}}
}

// zipf picks an index below n with probability proportional to 1/(k+1)^s:
// a few choices are common and a long tail is rare, as in real writing.
func (w *writer) zipf(n int, sentence bool) int {
	if n <= 1 {
		return 0
	}
	key := cdfKey{n, sentence}
	cdf, ok := w.cdfs[key]
	if !ok {
		s := wordExponent
		if sentence {
			s = sentenceExponent
		}
		cdf = make([]float64, n)
		total := 0.0
		for k := range n {
			total += 1 / math.Pow(float64(k+1), s)
			cdf[k] = total
		}
		for k := range cdf {
			cdf[k] /= total
		}
		w.cdfs[key] = cdf
	}
	return min(sort.SearchFloat64s(cdf, w.rng.Float64()), n-1)
}

func (w *writer) chance(p float64) bool { return w.rng.Float64() < p }

// geometric draws a count with the given mean: usually small, sometimes
// large, and zero often enough to matter.
func (w *writer) geometric(mean float64) int {
	if mean <= 0 {
		return 0
	}
	p := 1 / (mean + 1)
	u := 1 - w.rng.Float64() // (0, 1]
	return int(math.Floor(math.Log(u) / math.Log(1-p)))
}

// pick draws one choice of a slot and fills the slots inside it.
func (w *writer) pick(s scope, slot string) string {
	var b strings.Builder
	w.fill(&b, s, "{"+slot+"}", 0)
	return b.String()
}

// post collects the sentences of one post, so that a post never says the
// same thing twice even when its slot has few choices.
type post struct {
	w    *writer
	s    scope
	used map[string]bool
}

func (w *writer) newPost(s scope) *post { return &post{w: w, s: s, used: map[string]bool{}} }

// fresh draws a choice the post has not used yet, or "" when a few tries
// find none; callers leave an empty choice out. Choices are told apart
// before their slots are filled: "I'm on Chrome" and "I'm on Safari" in one
// post would be the same sentence twice.
func (p *post) fresh(slot string) string {
	list := p.s.choices(slot)
	if len(list) == 0 {
		panic("seed: no phrases for slot {" + slot + "} in " + p.s.lang.code + "/" + p.s.slug)
	}
	for range 5 {
		tmpl := list[p.w.zipf(len(list), sentenceSlots[slot])]
		if !p.used[tmpl] {
			p.used[tmpl] = true
			var b strings.Builder
			p.w.fill(&b, p.s, tmpl, 1)
			return b.String()
		}
	}
	return ""
}

// detail draws a detail of the topic or, as often, of the category in
// general, so that a topic with one detail does not repeat it everywhere.
func (p *post) detail() string {
	if p.w.chance(0.5) {
		general := *p
		general.s.topic = nil
		return general.fresh("detail")
	}
	return p.fresh("detail")
}

// add appends the non-empty choices.
func add(list []string, choices ...string) []string {
	for _, c := range choices {
		if c != "" {
			list = append(list, c)
		}
	}
	return list
}

// fill writes a template, replacing each {slot} by a choice of that slot.
// Braces that do not enclose a slot name (JSON in a code block) are text.
func (w *writer) fill(b *strings.Builder, s scope, tmpl string, depth int) {
	for {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			b.WriteString(tmpl)
			return
		}
		end := strings.IndexByte(tmpl[open:], '}')
		if end < 0 || !isSlotName(tmpl[open+1:open+end]) {
			b.WriteString(tmpl[:open+1])
			tmpl = tmpl[open+1:]
			continue
		}
		b.WriteString(tmpl[:open])
		slot := tmpl[open+1 : open+end]
		tmpl = tmpl[open+end+1:]
		list := s.choices(slot)
		if len(list) == 0 || depth >= maxDepth {
			panic("seed: no phrases for slot {" + slot + "} in " + s.lang.code + "/" + s.slug)
		}
		w.fill(b, s, list[w.zipf(len(list), sentenceSlots[slot])], depth+1)
	}
}

func isSlotName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && r != '_' {
			return false
		}
	}
	return true
}

func (s scope) join(sentences ...string) string { return strings.Join(sentences, s.lang.space) }

// question writes the body of a thread's first post: the problem, some
// detail, perhaps code or what was tried already, and the question itself.
func (w *writer) question(s scope) string {
	p := w.newPost(s)
	var paras []string
	if w.chance(0.4) {
		paras = add(paras, p.fresh("greeting"))
	}
	first := add(nil, p.fresh("problem"))
	for range min(w.geometric(0.9), 3) {
		first = add(first, p.detail())
	}
	paras = append(paras, s.join(first...))
	codeChance := 0.1
	if s.slug == "api" {
		codeChance = 0.55
	}
	if len(s.choices("code")) > 0 && w.chance(codeChance) {
		paras = add(paras, p.fresh("code"))
	}
	if s.slug != "lounge" && w.chance(0.3) {
		var items []string
		for range 2 + w.rng.IntN(3) {
			items = add(items, p.fresh("tried"))
		}
		paras = append(paras, p.fresh("tried_intro")+"\n\n- "+strings.Join(items, "\n- "))
	}
	// Most people write a few lines; some write everything they know.
	extra := min(w.geometric(0.5), 4)
	if w.chance(0.1) {
		extra = min(2+w.geometric(2), 7)
	}
	for range extra {
		var ss []string
		for range 1 + w.rng.IntN(3) {
			if w.chance(0.5) {
				ss = add(ss, p.fresh("context"))
			} else {
				ss = add(ss, p.detail())
			}
		}
		if len(ss) > 0 {
			paras = append(paras, s.join(ss...))
		}
	}
	last := add(nil, p.fresh("question"))
	if w.chance(0.35) {
		last = add(last, p.fresh("ask"))
	}
	paras = append(paras, s.join(last...))
	if w.chance(0.5) {
		paras = add(paras, p.fresh("thanks"))
	}
	return strings.Join(paras, "\n\n")
}

// reply writes an answer: a line now and then, usually a paragraph or two,
// sometimes a numbered procedure, a link, and several paragraphs more.
func (w *writer) reply(s scope) string {
	p := w.newPost(s)
	if w.chance(0.15) {
		return p.fresh("short")
	}
	if w.chance(0.08) {
		return p.fresh("me_too")
	}
	var paras []string
	var first []string
	if w.chance(0.5) {
		first = add(first, p.fresh("reply_open"))
	}
	first = add(first, p.fresh("answer"))
	if w.chance(0.35) {
		first = add(first, p.fresh("answer"))
	}
	paras = append(paras, s.join(first...))
	if len(s.choices("steps")) > 0 && w.chance(0.25) {
		var b strings.Builder
		b.WriteString(p.fresh("steps_intro"))
		b.WriteString("\n")
		for i, step := range strings.Split(p.w.pick(s, "steps"), stepSeparator) {
			b.WriteString("\n")
			b.WriteString(strconv.Itoa(i + 1))
			b.WriteString(". ")
			b.WriteString(step)
		}
		paras = append(paras, b.String())
	}
	if w.chance(0.2) {
		paras = add(paras, p.fresh("link_sentence"))
	}
	extra := min(w.geometric(0.6), 5)
	if w.chance(0.12) {
		extra = min(2+w.geometric(2.5), 9)
	}
	for range extra {
		var ss []string
		for range 1 + w.rng.IntN(3) {
			switch r := w.rng.Float64(); {
			case r < 0.4:
				ss = add(ss, p.fresh("answer"))
			case r < 0.7:
				ss = add(ss, p.fresh("tip"))
			default:
				ss = add(ss, p.fresh("aside"))
			}
		}
		if len(ss) > 0 {
			paras = append(paras, s.join(ss...))
		}
	}
	if w.chance(0.35) {
		paras = add(paras, p.fresh("reply_close"))
	}
	return strings.Join(paras, "\n\n")
}

// followup is the asker coming back: thanks, or it still does not work.
func (w *writer) followup(s scope) string { return w.pick(s, "followup") }
