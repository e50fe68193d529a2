// Package guard finds personal data and secrets in a post before it is
// published. Posts are public and members cannot see each other's accounts,
// so an email address, phone number, card number or key pasted into a
// question would otherwise reach everyone. The guard only reports: the author
// sees each finding highlighted and chooses to redact, edit or post anyway.
//
// Detection favours what people are asked to share in support threads: UUIDs
// (request ids), git commit hashes, versions, dates, prices, error codes and
// line numbers are deliberately left alone, because flagging them would teach
// authors to click "Post anyway" without reading.
package guard

import (
	"cmp"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
)

// Kind names what a finding is; the form explains each kind in the reader's
// language, and Highlight writes it into data-kind.
type Kind string

const (
	// KindEmail is an email address.
	KindEmail Kind = "email"
	// KindAPIKey is a credential in a vendor's recognisable shape
	// (OpenAI, Anthropic, GitHub, AWS, Slack, Stripe, Google).
	KindAPIKey Kind = "api_key"
	// KindToken is a JSON Web Token or a long random-looking string that is
	// probably a session token, key or password hash.
	KindToken Kind = "token"
	// KindSecret is a value written after a name that says what it is:
	// password=…, "api_key": "…", Authorization: Bearer …, パスワード：….
	KindSecret Kind = "secret"
	// KindCard is a payment card number.
	KindCard Kind = "card"
	// KindPhone is a phone number.
	KindPhone Kind = "phone"
	// KindAccountID is an order or account id matching a configured pattern.
	KindAccountID Kind = "account_id"
)

// Finding is one match. Start and End are byte offsets into the checked text
// and Text is text[Start:End], as the author typed it.
type Finding struct {
	Kind       Kind
	Start, End int
	Text       string
}

// Options configures a Guard.
type Options struct {
	// AccountIDPatterns are regular expressions (RE2 syntax) for this site's
	// order and account ids, e.g. `\bORD-\d{8}\b`. They are matched line by
	// line against the text with full-width characters folded to ASCII. A
	// pattern containing a literal ("ORD-") is only run on lines that contain
	// it, which keeps long posts fast.
	AccountIDPatterns []string
}

// Guard checks text. Build it once with New; it holds no per-call state and
// is safe for concurrent use.
type Guard struct {
	cls      *byteClasses
	vendors  []vendorKey
	accounts []accountPattern
}

type vendorKey struct {
	prefix string
	re     *regexp.Regexp
	// mixed requires a letter and a digit after the prefix, for prefixes
	// short enough to start ordinary hyphenated words (sk-learn-plugin),
	// which have no digits; keys, even made-up ones in one case, do.
	mixed bool
}

type accountPattern struct {
	re  *regexp.Regexp
	lit string
}

// New compiles the detectors and the configured account id patterns. A
// pattern that does not compile is an error, so a typo fails start-up.
func New(opts Options) (*Guard, error) {
	g := &Guard{cls: newByteClasses()}
	for _, v := range []struct {
		prefix, expr string
		mixed        bool
	}{
		// OpenAI (sk-, sk-proj-, sk-svcacct-) and Anthropic (sk-ant-).
		{"sk-", `^sk-[A-Za-z0-9_-]{20,}$`, true},
		// GitHub personal, OAuth, user-to-server, server and refresh tokens.
		{"gh", `^gh[pousr]_[A-Za-z0-9]{30,}$`, false},
		{"github_pat_", `^github_pat_[A-Za-z0-9_]{30,}$`, false},
		// AWS access key ids, long-term and temporary.
		{"AKIA", `^AKIA[A-Z0-9]{16}$`, false},
		{"ASIA", `^ASIA[A-Z0-9]{16}$`, false},
		{"xox", `^xox[baprs]-[A-Za-z0-9-]{10,}$`, false},
		// Stripe: secret and restricted keys in both modes (test keys
		// still open the account's test data), publishable live keys.
		{"sk_", `^sk_(?:live|test)_[A-Za-z0-9]{16,}$`, false},
		{"rk_", `^rk_(?:live|test)_[A-Za-z0-9]{16,}$`, false},
		{"pk_live_", `^pk_live_[A-Za-z0-9]{16,}$`, false},
		{"AIza", `^AIza[A-Za-z0-9_-]{35}$`, false},
	} {
		g.vendors = append(g.vendors, vendorKey{v.prefix, regexp.MustCompile(v.expr), v.mixed})
	}
	for _, p := range opts.AccountIDPatterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("guard: account id pattern %q: %w", p, err)
		}
		g.accounts = append(g.accounts, accountPattern{re: re, lit: requiredLiteral(re)})
	}
	return g, nil
}

// Ranks break ties between findings of equal length over the same text:
// the more specific detector names the finding.
const (
	rankAPIKey = iota
	rankJWT
	rankCard
	rankEmail
	rankPhone
	rankAccountID
	rankSecret
	rankToken
)

type match struct {
	kind       Kind
	start, end int // offsets into the folded text
	rank       int
}

// scan holds one call's folded text and matches.
type scan struct {
	s        string
	cls      *byteClasses
	out      []match
	valueEnd int // end of the last labelled value judged
}

func (sc *scan) add(k Kind, start, end, rank int) {
	if start < end {
		sc.out = append(sc.out, match{k, start, end, rank})
	}
}

// Check returns the findings in text, sorted by Start and not overlapping.
// Where detectors disagree the longest match wins, so a phone number inside
// an email address is reported once, as the address.
func (g *Guard) Check(text string) []Finding {
	s, off := fold(text)
	sc := &scan{s: s, cls: g.cls}
	sc.emails()
	sc.numbers()
	sc.secrets(g.vendors)
	sc.japaneseSecrets()
	sc.accounts(g.accounts)
	ms := resolve(sc.out, len(s))
	if len(ms) == 0 {
		return nil
	}
	fs := make([]Finding, len(ms))
	for i, m := range ms {
		start, end := off.orig(m.start), off.orig(m.end)
		fs[i] = Finding{Kind: m.kind, Start: start, End: end, Text: text[start:end]}
	}
	return fs
}

// resolve keeps the longest of overlapping matches and returns the kept ones
// sorted by start. n is the length of the text.
func resolve(ms []match, n int) []match {
	if len(ms) < 2 {
		return ms
	}
	slices.SortFunc(ms, func(a, b match) int {
		if c := cmp.Compare(b.end-b.start, a.end-a.start); c != 0 {
			return c
		}
		if c := cmp.Compare(a.rank, b.rank); c != 0 {
			return c
		}
		return cmp.Compare(a.start, b.start)
	})
	// Marking the bytes each kept match covers makes the overlap test
	// stop at the first taken byte, so the work stays linear in the text
	// however the matches nest.
	taken := make([]uint64, n/64+1)
	kept := ms[:0]
next:
	for _, m := range ms {
		for p := m.start; p < m.end; p++ {
			if taken[p/64]&(1<<(p%64)) != 0 {
				continue next
			}
		}
		for p := m.start; p < m.end; p++ {
			taken[p/64] |= 1 << (p % 64)
		}
		kept = append(kept, m)
	}
	slices.SortFunc(kept, func(a, b match) int { return cmp.Compare(a.start, b.start) })
	return kept
}

func (sc *scan) accounts(ps []accountPattern) {
	for _, p := range ps {
		for ls := 0; ls <= len(sc.s); {
			if p.lit != "" {
				j := strings.Index(sc.s[ls:], p.lit)
				if j < 0 {
					break
				}
				ls = strings.LastIndexByte(sc.s[:ls+j], '\n') + 1
			}
			le := strings.IndexByte(sc.s[ls:], '\n')
			if le < 0 {
				le = len(sc.s)
			} else {
				le += ls
			}
			for _, m := range p.re.FindAllStringIndex(sc.s[ls:le], -1) {
				sc.add(KindAccountID, ls+m[0], ls+m[1], rankAccountID)
			}
			ls = le + 1
		}
	}
}

// requiredLiteral returns the longest case-sensitive literal every match of
// re contains, or "" if there is none. Lines without it cannot match, and
// strings.Index finds it far faster than the regexp engine scans a long post.
func requiredLiteral(re *regexp.Regexp) string {
	r, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return ""
	}
	return literalIn(r.Simplify())
}

func literalIn(r *syntax.Regexp) string {
	switch r.Op {
	case syntax.OpLiteral:
		if r.Flags&syntax.FoldCase != 0 {
			return ""
		}
		return string(r.Rune)
	case syntax.OpCapture, syntax.OpPlus:
		return literalIn(r.Sub[0])
	case syntax.OpRepeat:
		if r.Min > 0 {
			return literalIn(r.Sub[0])
		}
	case syntax.OpConcat:
		best := ""
		for _, sub := range r.Sub {
			if l := literalIn(sub); len(l) > len(best) {
				best = l
			}
		}
		return best
	}
	return ""
}
