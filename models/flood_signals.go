package models

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"hiroba/models/search"
)

// What the flood detector reads in a question: its meaningful words, with a
// small glossary that lets English and Japanese questions about the same
// thing meet, and the errors it quotes, which say more than any word. These
// are rules a moderator can check by reading the questions; nothing here is
// learned.

// How much of a question the detector reads: the title and
// the start of the body, where people say what broke. Errors are looked for
// further down, where pasted output tends to be.
const (
	floodBodyWords  = 400  // characters of the body whose words count
	floodBodyErrors = 2000 // characters of the body searched for errors
)

// floodSignals are what one question says, for comparing it with others.
type floodSignals struct {
	title []search.Keyword // the title's words
	words []search.Keyword // the title's and the body's start, numbered after the title's
	errs  []floodError
}

// floodError is an error a question quotes: an HTTP status, an error code,
// or a message, keyed so that the same error written twice compares equal.
type floodError struct {
	key, show string
}

// readFloodSignals reads a question; kr is shared by the questions read
// together.
func readFloodSignals(kr *search.KeywordReader, title, body string) floodSignals {
	title, body = truncateRunes(title, 300), truncateRunes(body, floodBodyErrors)
	ft, fb := search.Normalize(title), search.Normalize(body)
	var s floodSignals
	s.title = floodKeywords(kr, ft)
	s.words = append(s.words, s.title...)
	next := 0 // the body's words are numbered after the title's
	if len(s.title) > 0 {
		next = s.title[len(s.title)-1].Unit + 1
	}
	for _, k := range floodKeywords(kr, truncateRunes(fb, floodBodyWords)) {
		k.Unit += next
		s.words = append(s.words, k)
	}
	s.errs = floodErrors(title+"\n"+body, ft+"\n"+fb)
	return s
}

// floodKeywords are the words of a normalized text, with the glossary's
// words put for the ones it knows, and without those every support
// question shares.
func floodKeywords(kr *search.KeywordReader, t string) []search.Keyword {
	t = signInWords(t)
	if strings.Contains(t, "direct") {
		t = floodRedirect.ReplaceAllString(t, " loop ")
	}
	if !isASCII(t) {
		t = floodGlossary.Replace(t)
	}
	words := kr.Keywords(t)
	out := words[:0]
	for _, w := range words {
		if !floodCommon[w.Key] && !floodCommon[w.Word] {
			out = append(out, w)
		}
	}
	return out
}

// The glossary: "sign in", "log into", "signin" and ログイン are one word,
// and so are a loop and a redirect, which is how a loop shows. It is kept to
// the words of things breaking, where English and Japanese questions about
// one outage must meet; a longer list would tie questions that only share a
// topic.
var (
	floodRedirect = regexp.MustCompile(`\bre-?direct[a-z]*`)
	floodGlossary = strings.NewReplacer(
		"ログイン", " login ", "サインイン", " login ", "ログアウト", " logout ", "サインアウト", " logout ",
		"ループ", " loop ", "リダイレクト", " loop ",
		"タイムアウト", " timeout ", "アップロード", " upload ", "ダウンロード", " download ",
		"パスワード", " password ", "アップデート", " update ", "更新", " update ",
		"レート制限", " rate limit ", "制限", " limit ", "クッキー", " cookie ", "キーボード", " keyboard ", "キー", " key ",
		"画像", " image ",
		"接続", " connect ", "障害", " outage ", "ダウン", " down ", "請求", " bill ", "支払", " pay ",
	)
)

// signInWords writes "login" for the ways of saying sign in (sign in,
// signing in, log into, logged on, sign-in, signin) and "logout" for the
// ways of saying sign out, in normalized text.
func signInWords(t string) string {
	var b strings.Builder
	done := 0 // how much of t is in b
	for i := 0; i < len(t); {
		if !isWordByte(t[i]) {
			i++
			continue
		}
		end := i
		for end < len(t) && isWordByte(t[end]) {
			end++
		}
		says, upTo := signInWord(t, t[i:end], end)
		if says != "" {
			b.WriteString(t[done:i])
			b.WriteString(says)
			done, end = upTo, upTo
		}
		i = end
	}
	if done == 0 {
		return t
	}
	b.WriteString(t[done:])
	return b.String()
}

// signInWord says what the word w, ending t at end, and the word after it
// mean together, and where they end; "" when they are not signing in or out.
func signInWord(t, w string, end int) (string, int) {
	switch w {
	case "signin", "signon", "logon":
		return " login ", end
	case "signout", "logoff":
		return " logout ", end
	case "sign", "signs", "signed", "signing", "log", "logs", "logged", "logging":
	default:
		return "", 0
	}
	k := end
	for k < len(t) && (t[k] == ' ' || t[k] == '\t' || t[k] == '-') {
		k++
	}
	next := k
	for next < len(t) && isWordByte(t[next]) {
		next++
	}
	switch t[k:next] {
	case "in", "on", "into":
		return " login ", next
	case "out", "off":
		return " logout ", next
	}
	return "", 0
}

func isWordByte(c byte) bool {
	return c >= 0x80 || c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// floodCommon are words (as keys) that nearly every support question uses
// whatever it is about: sharing them says nothing.
var floodCommon = map[string]bool{
	"error": true, "problem": true, "issu": true, "work": true, "happen": true, "tri": true, "use": true,
	"need": true, "want": true, "still": true, "keep": true, "anymor": true, "suddenli": true, "today": true,
	"sinc": true, "everi": true, "thank": true, "fix": true, "wrong": true, "someth": true, "anyth": true,
	"got": true, "also": true, "alway": true, "never": true, "time": true, "day": true, "morn": true,
	"even": true, "like": true, "know": true, "see": true, "seem": true, "way": true, "thing": true,
	"hi": true, "hello": true, "im": true, "ive": true, "doesn": true, "isn": true, "wasn": true, "didn": true,
	"won": true, "aren": true, "couldn": true, "shouldn": true, "ll": true, "ve": true, "re": true, "m": true,
	"d": true, "go": true, "make": true, "say": true, "tell": true, "show": true, "one": true, "everyth": true,
	"mani": true, "much": true, "minut": true, "hour": true, "second": true, "ago": true, "week": true,
	"page": true, "screen": true, "site": true, "websit": true,
	"エラー": true, "問題": true, "発生": true, "質問": true, "方法": true, "場合": true, "状態": true,
	"現在": true, "今日": true, "突然": true, "今朝": true, "昨日": true, "使用": true, "利用": true,
	"対応": true, "解決": true, "原因": true, "確認": true, "何度": true, "可能": true,
}

// errnos are the system's errors that people paste from their programs.
var errnos = []string{"ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH", "EPIPE", "EACCES", "ENOENT"}

// errorWords are the words that make an identifier an error code rather
// than a name: rate_limit_exceeded and invalid_api_key are errors, max_tokens
// and user_id are not.
var errorWords = map[string]bool{
	"err": true, "error": true, "exceeded": true, "invalid": true, "failed": true, "failure": true,
	"denied": true, "expired": true, "unavailable": true, "insufficient": true, "missing": true,
	"timeout": true, "overloaded": true, "forbidden": true, "unauthorized": true, "refused": true,
	"reset": true, "not": true, "no": true, "too": true, "bad": true, "exception": true,
}

// statusWords are HTTP statuses and generic error messages that people
// write without quotes: each is the same error, however it is written.
var statusWords = []struct{ phrase, key string }{
	{"too many requests", "429"}, {"internal server error", "500"}, {"bad gateway", "502"},
	{"service unavailable", "503"}, {"gateway timeout", "504"}, {"リクエストが多すぎます", "429"},
	{"something went wrong", "something went wrong"}, {"an error occurred", "an error occurred"},
	{"an error has occurred", "an error occurred"},
	{"エラーが発生しました", "エラーが発生しました"}, {"問題が発生しました", "問題が発生しました"},
}

// statusContext are the words that make a number beside them a status.
var statusContext = map[string]bool{
	"error": true, "errors": true, "status": true, "http": true, "https": true, "code": true, "returned": true,
	"returns": true, "return": true, "response": true, "got": true, "getting": true, "throws": true,
	"failed": true, "fails": true,
}

// statusContextJA are the same in Japanese, found inside a run of text:
// 429エラー, ステータス500, 500を返します.
var statusContextJA = []string{"エラー", "ステータス", "コード", "返"}

func isStatusContext(tok string) bool {
	if statusContext[tok] {
		return true
	}
	for _, w := range statusContextJA {
		if strings.Contains(tok, w) {
			return true
		}
	}
	return false
}

// floodErrors finds the errors a text quotes; folded is the text
// normalized.
func floodErrors(text, folded string) []floodError {
	var out []floodError
	add := func(key, show string) {
		if key != "" && !slices.ContainsFunc(out, func(e floodError) bool { return e.key == key }) {
			out = append(out, floodError{key: key, show: show})
		}
	}
	// An HTTP status counts where the words around it say it is one:
	// "error 429", "HTTP 500", "status code 503", "429エラー".
	toks := rawTokens(folded)
	for i, t := range toks {
		if !isHTTPStatus(t) {
			continue
		}
		for j := max(0, i-3); j < min(len(toks), i+4); j++ {
			if j != i && isStatusContext(toks[j]) {
				add(t, t)
				break
			}
		}
	}
	for _, w := range statusWords {
		if strings.Contains(folded, w.phrase) {
			add(w.key, w.key)
		}
	}
	for _, m := range errorCodes(text) {
		add(strings.ToLower(m), m)
	}
	eachQuote(text, func(open rune, q string) {
		if open == '`' && strings.Contains(q, `"`) {
			return // code quoting JSON: its strings are read one by one
		}
		key := quoteKey(q)
		if _, known := statusKey(key); known || !quoteLongEnough(key) {
			return // a known message is said already, under its own name
		}
		show := "“" + strings.TrimSpace(q) + "”"
		if open == '「' || open == '『' {
			show = "「" + strings.TrimSpace(q) + "」"
		}
		add(key, show)
	})
	return out
}

// isHTTPStatus reports whether a word is a client or server error status.
func isHTTPStatus(t string) bool {
	return len(t) == 3 && (t[0] == '4' || t[0] == '5') && '0' <= t[1] && t[1] <= '9' && '0' <= t[2] && t[2] <= '9'
}

// errorCodes finds error codes as programs write them: rate_limit_exceeded
// and ERR_TOO_MANY_REDIRECTS (an identifier with a part from errorWords),
// AuthenticationError (a CamelCase name ending in Error or Exception), and
// the system's (ECONNRESET).
func errorCodes(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return !(r == '_' || r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)))
	}) {
		w = strings.Trim(w, "_")
		switch {
		case w == "" || !unicode.IsLetter(rune(w[0])):
		case strings.Contains(w, "_"):
			for _, part := range strings.Split(strings.ToLower(w), "_") {
				if errorWords[part] {
					out = append(out, w)
					break
				}
			}
		case isCamelError(w), slices.Contains(errnos, w):
			out = append(out, w)
		}
	}
	return out
}

// isCamelError reports whether w is a CamelCase name of an error or
// exception (TypeError, RateLimitError), not the word itself.
func isCamelError(w string) bool {
	name, ok := strings.CutSuffix(w, "Error")
	if !ok {
		name, ok = strings.CutSuffix(w, "Exception")
	}
	return ok && len(name) >= 2 && 'A' <= name[0] && name[0] <= 'Z'
}

// eachQuote calls fn with the text inside each pair of quotes on one line:
// "…", “…”, 「…」, 『…』 and `…`.
func eachQuote(s string, fn func(open rune, q string)) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		var closing rune
		switch r {
		case '"', '`':
			closing = r
		case '“':
			closing = '”'
		case '「':
			closing = '」'
		case '『':
			closing = '』'
		default:
			continue
		}
		end := strings.IndexRune(s[i:], closing)
		if end < 0 {
			continue
		}
		q := s[i : i+end]
		if strings.IndexByte(q, '\n') >= 0 || utf8.RuneCountInString(q) > maxQuote {
			continue // no quote: look for one from the next character on
		}
		fn(r, q)
		i += end + utf8.RuneLen(closing)
	}
}

// maxQuote is the longest message taken for a quote.
const maxQuote = 160

// quoteKey is a quoted message as it compares: normalized, spaces
// collapsed, without the full stop people add or leave out.
func quoteKey(q string) string {
	k := strings.Join(strings.Fields(search.Normalize(q)), " ")
	return strings.TrimRightFunc(k, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
}

// quoteLongEnough keeps quoted messages and drops quoted words: a quoted
// button label ("Save") is no error.
func quoteLongEnough(k string) bool {
	for _, r := range k {
		if search.IsCJK(r) {
			return utf8.RuneCountInString(k) >= 6
		}
	}
	return utf8.RuneCountInString(k) >= 10
}

func statusKey(k string) (string, bool) {
	for _, w := range statusWords {
		if k == w.phrase {
			return w.key, true
		}
	}
	return "", false
}

// rawTokens splits normalized text into words at everything but letters
// and digits, and where CJK text meets other text (APIが429を返します is
// api, が, 429, を返します), keeping stop words, for reading the words
// around a number.
func rawTokens(s string) []string {
	var out []string
	start, cjk := -1, false
	for i, r := range s {
		inWord := unicode.IsLetter(r) || unicode.IsDigit(r)
		if start >= 0 && (!inWord || search.IsCJK(r) != cjk) {
			out = append(out, s[start:i])
			start = -1
		}
		if inWord && start < 0 {
			start, cjk = i, search.IsCJK(r)
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// truncateRunes cuts s to at most n characters.
func truncateRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
