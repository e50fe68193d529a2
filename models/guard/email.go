package guard

import "strings"

// emails finds addresses of the common shape local@domain.tld. The local
// part is limited to the characters people actually use (letters, digits and
// ._%+-) so that markdown around an address (`code`, **bold**, <link>) is
// never swallowed into it. Full-width ＠ and letters arrive here folded.
//
// Not reported, because they are not anyone's mailbox:
//   - git@host: SSH remotes such as git@github.com:org/repo.git;
//   - name@2x.png: image assets at a pixel density;
//   - addresses at reserved domains (example.com/.net/.org, .test,
//     .example, .invalid, .localhost, .local), which is what people write
//     when they mean "an address".
//
// npm-style name@1.2.3 and @scope/pkg fail on their own: the former has no
// alphabetic top-level domain, the latter no local part.
func (sc *scan) emails() {
	s := sc.s
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '@')
		if j < 0 {
			return
		}
		at := i + j
		i = at + 1
		start := at
		for start > 0 && isLocal(s[start-1]) && at-start <= 64 {
			start--
		}
		if at-start > 64 {
			continue
		}
		for start < at && s[start] == '.' {
			start++
		}
		local := s[start:at]
		// In scheme://user:password@host the part before @ is a password,
		// and in scheme://token@host a token the key detectors judge.
		if start >= 2 && s[start-2:start] == "//" {
			continue
		}
		if start > 0 && s[start-1] == ':' && local != "" {
			u := start - 1
			for u > 0 && isLocal(s[u-1]) && start-u <= 64 {
				u--
			}
			if u >= 2 && s[u-2:u] == "//" {
				sc.add(KindSecret, start, at, rankSecret)
				continue
			}
		}
		if local == "" || local[len(local)-1] == '.' || strings.Contains(local, "..") {
			continue
		}
		end := at + 1
		for end < len(s) && isDomain(s[end]) && end-at <= 254 {
			end++
		}
		for end > at+1 && (s[end-1] == '.' || s[end-1] == '-') {
			end--
		}
		domain := s[at+1 : end]
		if !validDomain(domain) || notAMailbox(local, domain) {
			continue
		}
		sc.add(KindEmail, start, end, rankEmail)
	}
}

func isLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func isDomain(c byte) bool { return isAlnum(c) || c == '.' || c == '-' }

func validDomain(d string) bool {
	if len(d) > 253 {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 {
		return false
	}
	for k := 0; k < len(tld); k++ {
		if !isAlpha(tld[k]) {
			return false
		}
	}
	return true
}

func notAMailbox(local, domain string) bool {
	if local == "git" {
		return true
	}
	d := strings.ToLower(domain)
	if first, _, _ := strings.Cut(d, "."); len(first) >= 2 && first[len(first)-1] == 'x' && allDigits(first[:len(first)-1]) {
		return true
	}
	for _, r := range []string{"example.com", "example.net", "example.org"} {
		if d == r || strings.HasSuffix(d, "."+r) {
			return true
		}
	}
	switch d[strings.LastIndexByte(d, '.')+1:] {
	case "test", "example", "invalid", "localhost", "local":
		return true
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}
