package models

// The links a post carries, read from its rendered HTML the way a browser
// reads them: the posting rules count and check every address that leaves
// the forum, whatever form it was written in ("//host", "HTTPS:", a
// backslash, a host in full-width letters or with an ideographic full stop).

import (
	"strings"
	"unicode"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/idna"

	"hiroba/models/markdown"
	"hiroba/models/search"
)

// postSignals is what the policy looks at in a post's text.
type postSignals struct {
	links  []string // every address leaving the forum, as the page has it
	images int      // images, counting remote ones shown as links
}

// signalsOf reads the links and images of a post's rendered HTML.
func signalsOf(html string) postSignals {
	var s postSignals
	z := xhtml.NewTokenizer(strings.NewReader(html))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return s
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "img":
				s.images++
			case "a":
				var href, class string
				for hasAttr {
					var key, val []byte
					key, val, hasAttr = z.TagAttr()
					switch string(key) {
					case "href":
						href = string(val)
					case "class":
						class = string(val)
					}
				}
				if _, external := linkTarget(href); href != "" && external {
					s.links = append(s.links, href)
				}
				if class == markdown.RemoteImageClass {
					s.images++
				}
			}
		}
	}
}

// repeatedLink finds a link the account already posted today: the mark of a
// link farm rather than of someone pointing at documentation. The page has
// links escaped ("%E3%80%82"), so the earlier text is searched for the link
// both as the page has it and unescaped, in any case.
func repeatedLink(links []string, recent []recentPost) string {
	sources := make([]string, len(recent))
	for i, p := range recent {
		sources[i] = strings.ToLower(p.Source)
	}
	seen := map[string]bool{}
	for _, l := range links {
		forms := []string{strings.ToLower(l), strings.ToLower(unescapeLenient(l))}
		if seen[forms[0]] {
			continue
		}
		seen[forms[0]] = true
		for _, src := range sources {
			if strings.Contains(src, forms[0]) || strings.Contains(src, forms[1]) {
				return l
			}
		}
	}
	return ""
}

// watchedIn reports whether a watched word or domain occurs in a post.
// Words match whole words (any substring in CJK text, which has no spaces),
// compared after the same normalization search uses. A domain matches a
// link to it or to a subdomain, compared as a browser resolves the names,
// and the name written out in the text.
func watchedIn(w WatchedWord, source string, links []string) bool {
	pattern := search.Normalize(w.Pattern)
	if pattern == "" {
		return false
	}
	if w.Kind == "domain" {
		domain := canonicalHost(strings.TrimSpace(w.Pattern))
		for _, l := range links {
			if host, _ := linkTarget(l); onDomain(host, domain) {
				return true
			}
		}
		return containsWord(fullStops.Replace(search.Normalize(source)), fullStops.Replace(pattern))
	}
	return containsWord(search.Normalize(source), pattern)
}

func containsWord(text, word string) bool {
	for from := 0; from <= len(text); {
		i := strings.Index(text[from:], word)
		if i < 0 {
			return false
		}
		i += from
		before, _ := utf8.DecodeLastRuneInString(text[:i])
		after, _ := utf8.DecodeRuneInString(text[i+len(word):])
		first, _ := utf8.DecodeRuneInString(word)
		last, _ := utf8.DecodeLastRuneInString(word)
		startOK := i == 0 || search.IsCJK(first) || !isWordChar(before)
		endOK := i+len(word) == len(text) || search.IsCJK(last) || !isWordChar(after)
		if startOK && endOK {
			return true
		}
		from = i + len(word)
	}
	return false
}

func isWordChar(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

// hostMapping maps a host name the way browsers do before they look it up
// (UTS #46 non-transitional processing, as the URL standard asks): case and
// width folded, "。" and "．" read as ".", Unicode labels in punycode. It
// checks what browsers check and no more, so that a name a browser would
// resolve is never left unmapped.
var hostMapping = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.StrictDomainName(false), idna.CheckHyphens(false))

// specialScheme reports whether a browser reads an address of the scheme
// with a host, and a backslash in it as a slash.
func specialScheme(scheme string) bool {
	switch strings.ToLower(scheme) {
	case "http", "https", "ftp", "ws", "wss", "file":
		return true
	}
	return false
}

// linkTarget reads an address as a browser would and says whether it leaves
// the forum and for which host: "" for an address without one (mailto:).
// An address it cannot read leaves the forum.
func linkTarget(href string) (host string, external bool) {
	// Browsers drop spaces and controls around an address, and tabs and
	// newlines anywhere in it.
	href = strings.TrimFunc(href, func(r rune) bool { return r <= ' ' })
	href = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(href)
	rest := href
	if i := schemeLength(href); i > 0 {
		if !specialScheme(href[:i]) {
			return "", true
		}
		// "https:host", "https:/host" and "https:\\host" all lead to host.
		rest = strings.TrimLeft(strings.ReplaceAll(href[i+1:], `\`, "/"), "/")
	} else {
		rest = strings.ReplaceAll(rest, `\`, "/")
		if !strings.HasPrefix(rest, "//") {
			return "", false // a path on the forum
		}
		rest = strings.TrimLeft(rest, "/")
	}
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		rest = rest[:end]
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	if strings.HasPrefix(rest, "[") {
		if end := strings.IndexByte(rest, ']'); end >= 0 {
			return strings.ToLower(rest[:end+1]), true
		}
	} else if colon := strings.LastIndexByte(rest, ':'); colon >= 0 {
		rest = rest[:colon]
	}
	return canonicalHost(rest), true
}

// schemeLength is the length of an address's scheme, or 0 without one.
func schemeLength(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return i
		default:
			return 0
		}
	}
	return 0
}

// canonicalHost is the name a browser looks up for a host as written:
// percent-escapes decoded, mapped by UTS #46, without the root's dot.
func canonicalHost(host string) string {
	host = unescapeLenient(host)
	mapped, err := hostMapping.ToASCII(host)
	if err != nil && mapped == "" {
		mapped = strings.ToLower(host)
	}
	return strings.TrimRight(mapped, ".")
}

// unescapeLenient decodes the valid %XX escapes of s and keeps the rest.
func unescapeLenient(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// onDomain reports whether a canonical host is a canonical domain or one of
// its subdomains.
func onDomain(host, domain string) bool {
	return host != "" && domain != "" && (host == domain || strings.HasSuffix(host, "."+domain))
}

// fullStops are the characters a browser reads as the dot between labels.
var fullStops = strings.NewReplacer("。", ".", "．", ".", "｡", ".")
