package guard

import "unicode/utf8"

// Phone and card numbers are found in two steps. First the text is cut into
// runs of digit groups joined by a single space, hyphen or dot, or by
// parentheses: "+1 (415) 555-0123" is the groups 1, (415), 555, 0123. Then
// each run is matched against the shapes numbers are written in, group by
// group, so the rules can speak of group lengths and separators instead of
// raw characters.
//
// A number glued to a letter, underscore, slash, dot, comma, hyphen, @, #,
// % or a currency sign is part of something else (v1.2.3, ERR_4021,
// user_id_09012345678, /items/0312345678, ¥12,800), so a match must start
// and end at a clean edge. Inside a run, a match may only start or end at a
// space: 978-0-306-40615-7 holds no phone number in its middle.

type group struct {
	start, end int  // offsets in the folded text, parentheses included
	n          int  // digits
	sep        byte // ' ', '-' or '.' before the group; 0 when adjacent (around parentheses)
	paren      bool
}

func (sc *scan) numbers() {
	s := sc.s
	var gs []group
	for i := 0; i < len(s); {
		if sc.cls[s[i]]&clNumber == 0 {
			i++
			continue
		}
		plus := s[i] == '+'
		p := i
		if plus {
			p++
		}
		g, ok := parseGroup(s, p)
		if !ok {
			i++
			continue
		}
		gs = append(gs[:0], g)
		for {
			q := g.end
			var sep byte
			if q < len(s) && (s[q] == ' ' || s[q] == '-' || s[q] == '.') {
				sep = s[q]
				q++
			}
			next, ok := parseGroup(s, q)
			if !ok || (sep == 0 && !g.paren && !next.paren) {
				break
			}
			next.sep = sep
			gs = append(gs, next)
			g = next
		}
		i = g.end
		// Most numbers in a post are one short group: a year, a count.
		if len(gs) == 1 && gs[0].n < 8 {
			continue
		}
		edge := gs[0].start
		if plus {
			edge--
		}
		clean := okBefore(s, edge)
		sc.phones(gs, plus, clean)
		sc.cards(gs, !plus && clean)
	}
}

// parseGroup reads digits, or up to five digits in parentheses, at p.
func parseGroup(s string, p int) (group, bool) {
	if p >= len(s) {
		return group{}, false
	}
	if s[p] == '(' {
		q := p + 1
		for q < len(s) && isDigit(s[q]) && q-p <= 5 {
			q++
		}
		if q == p+1 || q >= len(s) || s[q] != ')' {
			return group{}, false
		}
		return group{start: p, end: q + 1, n: q - p - 1, paren: true}, true
	}
	q := p
	for q < len(s) && isDigit(s[q]) {
		q++
	}
	if q == p {
		return group{}, false
	}
	return group{start: p, end: q, n: q - p}, true
}

// okBefore reports whether a number may start at i.
func okBefore(s string, i int) bool {
	if i == 0 {
		return true
	}
	c := s[i-1]
	if c >= utf8.RuneSelf {
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		return r != '¥' && r != '￥' && r != '€' && r != '£' && r != '￡' && r != '＄'
	}
	switch c {
	case '_', ',', '/', '\\', '-', '+', '#', '$', '%', '&', '@':
		return false
	case '.', ':':
		// TEL.03-1234-5678 and 電話:090… are labels; 1.0312… and
		// 12:0312… are a decimal and a time.
		return i < 2 || !isDigit(s[i-2])
	}
	return !isAlnum(c)
}

// okAfter reports whether a number may end at i.
func okAfter(s string, i int) bool {
	if i == len(s) {
		return true
	}
	switch c := s[i]; c {
	case '_', '/', '\\', '-', '%', '@':
		return false
	case '.', ',', ':':
		return i+1 == len(s) || !isDigit(s[i+1])
	default:
		return !isAlnum(c)
	}
}

// endsClean reports whether a match of gs[:n] may end there.
func endsClean(s string, gs []group, n int) bool {
	if n == len(gs) {
		return okAfter(s, gs[n-1].end)
	}
	return gs[n].sep == ' '
}

func (sc *scan) phones(gs []group, plus, cleanStart bool) {
	for i := 0; i < len(gs); {
		if (i == 0 && !cleanStart) || (i > 0 && gs[i].sep != ' ') {
			i++
			continue
		}
		var n int
		start := gs[i].start
		if i == 0 && plus {
			n = sc.intlPhone(gs)
			start--
		} else {
			n = max(sc.jpPhone(gs[i:]), sc.usPhone(gs[i:]))
		}
		if n > 0 && endsClean(sc.s, gs, i+n) {
			sc.add(KindPhone, start, gs[i+n-1].end, rankPhone)
			i += n
			continue
		}
		i++
	}
}

// intlPhone matches "+CC" and 8 to 15 digits in all: +81 90-1234-5678,
// +1 (415) 555-0123, +44 (0)20 7946 0958, +33 1 23 45 67 89, +819012345678.
// The separator after the country code and around parentheses is free; the
// rest must agree, so "+81 90-1234-5678 2 times" ends before the 2.
func (sc *scan) intlPhone(gs []group) int {
	cc := gs[0]
	if cc.paren {
		return 0
	}
	best := 0
	if cc.n >= 8 && cc.n <= 15 {
		best = 1
	}
	if cc.n > 3 {
		return best
	}
	total := cc.n
	var sep byte
	for j := 1; j < len(gs); j++ {
		g, prev := gs[j], gs[j-1]
		if g.paren && g.n > 4 {
			break
		}
		if j > 1 && !prev.paren && !g.paren {
			if sep == 0 {
				sep = g.sep
			} else if g.sep != sep {
				break
			}
		}
		if total += g.n; total > 15 {
			break
		}
		if !g.paren && g.n >= 2 && total >= 8 {
			best = j + 1
		}
	}
	return best
}

// jpPhone matches Japanese domestic numbers: a leading 0 that is not 00,
// eleven digits for mobile, IP and 0800 numbers (0[5789]0), ten for the rest
// (landlines, 0120, 0570). Written 090-1234-5678, 03-1234-5678,
// 0120-123-456, 090 1234 5678, 03(1234)5678, (03)1234-5678, or unseparated
// for mobile and free-dial numbers only: ten unseparated digits starting
// with 0 are as likely an id as a landline.
func (sc *scan) jpPhone(gs []group) int {
	var d [16]byte
	if len(gs) >= 3 {
		a, b, c := gs[0], gs[1], gs[2]
		ok := a.n >= 2 && a.n <= 5 && b.n >= 1 && b.n <= 4 && c.n >= 3 && c.n <= 4 && !c.paren
		switch {
		case !ok:
		case !a.paren && !b.paren:
			ok = b.sep != 0 && b.sep == c.sep
		case b.paren:
			ok = !a.paren && b.sep != '-' && b.sep != '.' && c.sep != '.'
		default: // (03)1234-5678
			ok = b.sep != '.' && c.sep != 0
		}
		if ok {
			digits := sc.digits(d[:0], gs[:3])
			if len(digits) == jpLength(digits) {
				return 3
			}
		}
	}
	if a := gs[0]; !a.paren && (a.n == 10 || a.n == 11) {
		digits := sc.digits(d[:0], gs[:1])
		if len(digits) == jpLength(digits) && (len(digits) == 11 || string(digits[:4]) == "0120" || string(digits[:4]) == "0570") {
			return 1
		}
	}
	return 0
}

func jpLength(d []byte) int {
	if len(d) < 3 || d[0] != '0' || d[1] == '0' {
		return -1
	}
	if (d[1] == '5' || d[1] == '7' || d[1] == '8' || d[1] == '9') && d[2] == '0' {
		return 11
	}
	return 10
}

// usPhone matches North American numbers: 415-555-0123, 415.555.0123,
// (415) 555-0123, (415)555-0123, 1-800-555-0123. Area code and exchange
// start with 2-9. "415 555 0123" with plain spaces is left alone: three
// space-separated numbers in prose are more often something else.
func (sc *scan) usPhone(gs []group) int {
	k := 0
	if len(gs) >= 4 && !gs[0].paren && gs[0].n == 1 && sc.s[gs[0].start] == '1' && !gs[1].paren {
		k = 1
	}
	if len(gs) < k+3 {
		return 0
	}
	a, b, c := gs[k], gs[k+1], gs[k+2]
	if a.n != 3 || b.n != 3 || c.n != 4 || b.paren || c.paren {
		return 0
	}
	first := a.start
	if a.paren {
		first++
	}
	if sc.s[first] < '2' || sc.s[b.start] < '2' {
		return 0
	}
	if a.paren {
		if k == 1 || b.sep == '.' || c.sep == 0 {
			return 0
		}
		return 3
	}
	if b.sep != c.sep || (b.sep != '-' && b.sep != '.') || (k == 1 && a.sep != b.sep) {
		return 0
	}
	return k + 3
}

// cards matches 14 to 19 digits, unseparated or in groups of 3 to 8 joined
// by the same single space or hyphen, that pass the Luhn check and start
// with an issuer's prefix in a length that issuer uses.
func (sc *scan) cards(gs []group, cleanStart bool) {
	var d [19]byte
	for i := 0; i < len(gs); i++ {
		if gs[i].paren || (i == 0 && !cleanStart) || (i > 0 && gs[i].sep != ' ') {
			continue
		}
		best, digits := -1, 0
		for j := i; j < len(gs); j++ {
			g := gs[j]
			if g.paren || (j > i && g.sep != ' ' && g.sep != '-') || (j > i+1 && g.sep != gs[i+1].sep) {
				break
			}
			if digits += g.n; digits > 19 {
				break
			}
			if j > i && (g.n < 3 || g.n > 8 || gs[i].n < 3 || gs[i].n > 8) {
				break
			}
			if digits >= 14 && validCard(sc.digits(d[:0], gs[i:j+1])) {
				best = j
			}
		}
		if best >= 0 && endsClean(sc.s, gs, best+1) {
			sc.add(KindCard, gs[i].start, gs[best].end, rankCard)
			i = best
		}
	}
}

// digits appends the digits of gs to d.
func (sc *scan) digits(d []byte, gs []group) []byte {
	for _, g := range gs {
		for p := g.start; p < g.end; p++ {
			if isDigit(sc.s[p]) {
				d = append(d, sc.s[p])
			}
		}
	}
	return d
}

func validCard(d []byte) bool {
	n := len(d)
	if n < 14 || n > 19 || !luhn(d) {
		return false
	}
	p2 := int(d[0]-'0')*10 + int(d[1]-'0')
	p3 := p2*10 + int(d[2]-'0')
	p4 := p3*10 + int(d[3]-'0')
	switch {
	case d[0] == '4': // Visa
		// No 13: those are no longer issued, while 13-digit JAN barcodes
		// starting 45 and 49 fill Japanese product questions.
		return n == 16 || n == 19
	case p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720: // Mastercard
		return n == 16
	case p2 == 34 || p2 == 37: // American Express
		return n == 15
	case p4 == 6011, p2 == 65, p3 >= 644 && p3 <= 649: // Discover
		return n >= 16
	case p4 >= 3528 && p4 <= 3589: // JCB
		return n >= 16
	case p2 == 36, p2 == 38, p3 >= 300 && p3 <= 305: // Diners Club
		return n >= 14
	case p2 == 62: // UnionPay
		return n >= 16
	}
	return false
}

func luhn(d []byte) bool {
	sum := 0
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if (len(d)-1-i)%2 == 1 {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}
