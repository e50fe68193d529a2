package guard

import (
	"math"
	"strings"
)

// secrets walks the runs of base64 characters ([A-Za-z0-9_+/-] and
// trailing = padding), judging long ones as random tokens, and the words of
// [A-Za-z0-9_-] inside them, the alphabet of every vendor key, against the
// key shapes, JWTs and secret names.
func (sc *scan) secrets(vendors []vendorKey) {
	s, cls := sc.s, sc.cls
	for i := 0; i < len(s); {
		if cls[s[i]]&clB64 == 0 {
			i++
			continue
		}
		// One pass finds the run and the words in it, which end at + and /.
		j, a := i, i
		for ; j < len(s); j++ {
			c := cls[s[j]]
			if c&clB64 == 0 {
				break
			}
			if c&clWord == 0 {
				if a < j {
					sc.word(vendors, a, j)
				}
				a = j + 1
			}
		}
		if a < j {
			sc.word(vendors, a, j)
		}
		if j-i >= 30 {
			end := j
			for pad := 0; pad < 2 && end < len(s) && s[end] == '='; pad++ {
				end++
			}
			if end < len(s) && (cls[s[end]]&clB64 != 0 || s[end] == '=') {
				end = j
			}
			sc.random(i, end)
		}
		i = j
	}
}

func (sc *scan) word(vendors []vendorKey, i, j int) {
	// Every shape and name below is at least five characters; most words
	// in prose are shorter.
	if j-i < 5 {
		return
	}
	s, w := sc.s, sc.s[i:j]
	if len(w) >= 15 {
		for _, v := range vendors {
			if strings.HasPrefix(w, v.prefix) && v.re.MatchString(w) && (!v.mixed || lettersAndDigits(w[len(v.prefix):])) {
				sc.add(KindAPIKey, i, j, rankAPIKey)
				break
			}
		}
	}
	// A JWT is three base64url segments joined by dots; the first, a JSON
	// header, always encodes to "eyJ". The signature may be empty (alg none).
	if strings.HasPrefix(w, "eyJ") && len(w) >= 10 && j < len(s) && s[j] == '.' {
		p := sc.wordEnd(j + 1)
		if p-(j+1) >= 8 && p < len(s) && s[p] == '.' {
			sc.add(KindToken, i, sc.wordEnd(p+1), rankJWT)
		}
	}
	sc.labelled(i, j)
}

func (sc *scan) wordEnd(i int) int {
	for i < len(sc.s) && sc.cls[sc.s[i]]&clWord != 0 {
		i++
	}
	return i
}

func mixedCase(s string) bool {
	var u, l, d bool
	for i := 0; i < len(s) && !(u && l && d); i++ {
		u = u || isUpper(s[i])
		l = l || isLower(s[i])
		d = d || isDigit(s[i])
	}
	return u && l && d
}

func lettersAndDigits(s string) bool {
	var l, d bool
	for i := 0; i < len(s) && !(l && d); i++ {
		l = l || isUpper(s[i]) || isLower(s[i])
		d = d || isDigit(s[i])
	}
	return l && d
}

// random reports s[i:j] as a token when it reads like random data: upper
// case, lower case and digits, high entropy, and not made of words and
// numbers. The word test is what keeps identifiers out:
// HTTP2ServerPushPromiseFrameHandler, IMG_20261124_153045_HDR,
// x86_64-Linux-GNU-Build-2026-11-24.
//
// Left alone on purpose: hexadecimal (git commit hashes, checksums, trace
// ids, which support threads ask for), UUIDs (request ids), and anything in
// one case, such as ULIDs and base32. A hex key assigned to a name is still
// caught by the labelled-secret rule. Public material in base64 is left
// alone too: SSH public keys, whose blob always starts AAAA, and the
// sha512-… integrity hashes of package-lock.json and <script integrity>.
func (sc *scan) random(i, j int) {
	for i < j && sc.s[i] == '/' {
		i++
	}
	for j > i && sc.s[j-1] == '/' {
		j--
	}
	if j-i < 32 {
		return
	}
	t := sc.s[i:j]
	if strings.HasPrefix(t, "AAAA") {
		return
	}
	for _, h := range [...]string{"sha1-", "sha256-", "sha384-", "sha512-"} {
		if strings.HasPrefix(t, h) {
			return
		}
	}
	if strings.IndexByte(t, '/') < 0 {
		if looksRandom(t) {
			sc.add(KindToken, i, j, rankToken)
		}
		return
	}
	// With slashes this is a path or base64. Judge each stretch between
	// segments that are words or numbers on its own, so a path of words
	// cannot lend its length to a short id; segments under four characters
	// neither break a stretch (random base64 has them) nor, at its ends,
	// belong to it.
	start, last := -1, 0
	for a := i; a <= j; {
		b := j
		if k := strings.IndexByte(sc.s[a:j], '/'); k >= 0 {
			b = a + k
		}
		if seg := sc.s[a:b]; len(seg) < 4 || !oneShape(seg) && plainFraction(seg) < 0.6 {
			if start < 0 {
				start = a
			}
			last = b
		} else if start >= 0 {
			sc.randomStretch(start, last)
			start = -1
		}
		a = b + 1
	}
	if start >= 0 {
		sc.randomStretch(start, last)
	}
}

// randomStretch drops short segments from both ends of s[i:j], as in
// /services/T0/B0/<token>, and reports the rest if it reads as random.
func (sc *scan) randomStretch(i, j int) {
	for i < j {
		k := strings.IndexByte(sc.s[i:j], '/')
		if k < 0 || k >= 4 {
			break
		}
		i += k + 1
	}
	for i < j {
		k := strings.LastIndexByte(sc.s[i:j], '/')
		if k < 0 || j-(i+k+1) >= 4 {
			break
		}
		j = i + k
	}
	if j-i >= 32 && looksRandom(sc.s[i:j]) {
		sc.add(KindToken, i, j, rankToken)
	}
}

func looksRandom(t string) bool {
	if !mixedCase(t) || plainFraction(t) >= 0.6 {
		return false
	}
	var counts [256]int32
	var seen [256]byte
	distinct := 0
	for i := 0; i < len(t); i++ {
		if counts[t[i]] == 0 {
			seen[distinct] = t[i]
			distinct++
		}
		counts[t[i]]++
	}
	h := 0.0
	for _, c := range seen[:distinct] {
		p := float64(counts[c]) / float64(len(t))
		h -= p * math.Log2(p)
	}
	return h >= 3.7
}

// plainFraction is the share of t made of words and numbers: whole
// segments between separators that are all digits or all one case (or
// Capitalised), and inside other segments the runs that read as syllables,
// a capital and two or more lower-case letters or three or more lower-case
// letters, at least a quarter of them vowels. Identifiers score well above
// 0.6; random tokens of 32 characters reach it about once in a thousand,
// longer ones less often.
func plainFraction(t string) float64 {
	plain := 0
	for i := 0; i < len(t); {
		if !isAlnum(t[i]) {
			i++
			continue
		}
		j := i
		for j < len(t) && isAlnum(t[j]) {
			j++
		}
		seg := t[i:j]
		if oneShape(seg) {
			plain += len(seg)
		} else {
			plain += wordRuns(seg)
		}
		i = j
	}
	return float64(plain) / float64(len(t))
}

func oneShape(seg string) bool {
	var d, u, l int
	for i := 0; i < len(seg); i++ {
		switch c := seg[i]; {
		case isDigit(c):
			d++
		case isUpper(c):
			u++
		default:
			l++
		}
	}
	n := len(seg)
	return d == n || u == n || l == n || (isUpper(seg[0]) && l == n-1)
}

func wordRuns(seg string) int {
	covered := 0
	for i := 0; i < len(seg); {
		j := i
		if isUpper(seg[j]) {
			j++
		}
		k := j
		for k < len(seg) && isLower(seg[k]) {
			k++
		}
		if (k-j >= 3 || (j > i && k-j >= 2)) && vowels(seg[i:k])*4 >= k-i {
			covered += k - i
			i = k
			continue
		}
		i++
	}
	return covered
}

func vowels(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] | 0x20 {
		case 'a', 'e', 'i', 'o', 'u':
			n++
		}
	}
	return n
}

// labelled finds name: value and name=value pairs (also quoted, as in JSON
// and YAML), "Authorization: <scheme> value" and "Bearer value", and
// reports the value. Values that are references rather than secrets are
// skipped: ${VAR}, process.env.API_KEY, getToken(), accessToken,
// placeholders such as YOUR_API_KEY or xxxx, and short or plain values like
// "undefined" or "expired".
func (sc *scan) labelled(i, j int) {
	s, w := sc.s, sc.s[i:j]
	if len(w) == 6 && strings.EqualFold(w, "bearer") {
		if j < len(s) && s[j] == ' ' {
			sc.secretValue(j, 8, false)
		}
		return
	}
	// Most words are not followed by ':' or '=', so test that first.
	p := assignment(s, j)
	if p < 0 {
		return
	}
	if strings.EqualFold(w, "authorization") {
		// Skip the scheme (Bearer, Basic, token) when a value follows it.
		p = skipSpaces(s, p)
		if q := sc.wordEnd(p); q > p && q < len(s) && s[q] == ' ' && isAlpha(s[p]) {
			p = q
		}
		sc.secretValue(p, 8, false)
		return
	}
	password, ok := secretName(w)
	if !ok {
		return
	}
	minLen := 8
	if password {
		minLen = 6 // hunter2
	}
	// In an environment file (DB_PASSWORD=value) the value is never a
	// variable, so a name-like value is still a secret.
	sc.secretValue(p, minLen, s[j] == '=' && envName(w))
}

// secretName reports whether w ends in a name after which a value is a
// secret, compared without case at a word edge: DB_PASSWORD, client_secret,
// accessToken, OPENAI_API_KEY, but not mytoken; and whether it names a
// password, which may be shorter than a key.
func secretName(w string) (password, ok bool) {
	for _, n := range [...]string{
		"password", "passwd", "passphrase",
		"secret", "secret_key", "secretkey", "token",
		"api_key", "apikey", "api-key", "access_key", "accesskey",
	} {
		k := len(w) - len(n)
		if k >= 0 && strings.EqualFold(w[k:], n) && (k == 0 || !isAlpha(w[k-1]) || isUpper(w[k])) {
			return strings.HasPrefix(n, "pass"), true
		}
	}
	return false, false
}

func envName(w string) bool {
	for i := 0; i < len(w); i++ {
		if !isUpper(w[i]) && !isDigit(w[i]) && w[i] != '_' {
			return false
		}
	}
	return true
}

// assignment skips a closing quote, then ':' or '=' with spaces around it,
// and returns where the value may start, or -1.
func assignment(s string, p int) int {
	if p < len(s) && (s[p] == '"' || s[p] == '\'') {
		p++
	}
	p = skipSpaces(s, p)
	if p >= len(s) || (s[p] != ':' && s[p] != '=') {
		return -1
	}
	return p + 1
}

func skipSpaces(s string, p int) int {
	for p < len(s) && (s[p] == ' ' || s[p] == '\t') {
		p++
	}
	return p
}

// secretValue reports the value starting at p, after spaces and an opening
// quote, if it looks like a secret: at least minLen characters, two kinds
// of character (or 16 characters), not a placeholder, and, unless literal,
// not a name in code.
func (sc *scan) secretValue(p, minLen int, literal bool) {
	s := sc.s
	p = skipSpaces(s, p)
	if p < len(s) && (s[p] == '"' || s[p] == '\'') {
		p++
	} else if strings.HasPrefix(s[p:], "「") {
		p += len("「")
	}
	// A value starting inside one already judged is not judged again:
	// name=name=name… would otherwise rescan the same text for each name.
	if p < sc.valueEnd {
		return
	}
	q := p
	for q < len(s) && isValue(s[q]) {
		q++
	}
	sc.valueEnd = q
	for q > p && s[q-1] == '.' {
		q--
	}
	v := s[p:q]
	if len(v) < minLen || placeholder(v) || strings.Contains(v, "://") {
		return
	}
	if q < len(s) && (s[q] == '(' || s[q] == '[') {
		return
	}
	var classes, digits int
	var u, l, o bool
	for k := 0; k < len(v); k++ {
		switch c := v[k]; {
		case isDigit(c):
			digits++
		case isUpper(c):
			u = true
		case isLower(c):
			l = true
		default:
			o = true
		}
	}
	for _, b := range []bool{digits > 0, u, l, o} {
		if b {
			classes++
		}
	}
	if classes < 2 && len(v) < 16 {
		return
	}
	if digits == 0 && !literal && identifier(v) {
		return
	}
	sc.add(KindSecret, p, q, rankSecret)
}

// isValue accepts the printable ASCII a secret may contain, stopping at
// quotes, brackets and the punctuation that ends a value in code or prose.
func isValue(c byte) bool {
	switch c {
	case '"', '\'', '`', ',', ';', '<', '>', '(', ')', '{', '}', '[', ']', '&':
		return false
	}
	return ' ' < c && c <= '~'
}

func placeholder(v string) bool {
	if v[0] == '$' || v[0] == '%' || strings.Trim(v, v[:1]) == "" {
		return true
	}
	l := strings.ToLower(v)
	for _, p := range []string{"xxxx", "****", "...", "your", "example", "redacted", "changeme", "placeholder", "dummy"} {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// identifier reports whether v reads as a name in code (accessToken,
// this.token, process.env.API_KEY) rather than a value.
func identifier(v string) bool {
	for _, part := range strings.Split(v, ".") {
		if part == "" || isDigit(part[0]) {
			return false
		}
		for k := 0; k < len(part); k++ {
			if !isAlnum(part[k]) && part[k] != '_' && part[k] != '$' {
				return false
			}
		}
	}
	return true
}

// japaneseSecrets finds パスワード：value, パスワード=value and パスワードは value.
func (sc *scan) japaneseSecrets() {
	const name = "パスワード"
	s := sc.s
	sc.valueEnd = 0 // positions start over from the other pass
	for i := 0; ; {
		k := strings.Index(s[i:], name)
		if k < 0 {
			return
		}
		p := skipSpaces(s, i+k+len(name))
		i = p
		switch {
		case strings.HasPrefix(s[p:], ":"), strings.HasPrefix(s[p:], "="):
			p++
		case strings.HasPrefix(s[p:], "は"):
			p += len("は")
		default:
			continue
		}
		sc.secretValue(p, 6, false)
	}
}
