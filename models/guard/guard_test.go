package guard

import (
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

const (
	alnum  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b64url = alnum + "-_"
	b64std = alnum + "+/"
	upperD = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	digits = "0123456789"
	hexLow = "0123456789abcdef"
)

// fake returns n characters of alphabet, the same on every run. Key-shaped
// fixtures are generated rather than written out so that secret scanners
// reading the repository have nothing to report.
func fake(seed uint64, alphabet string, n int) string {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func testGuard(t testing.TB) *Guard {
	t.Helper()
	g, err := New(Options{AccountIDPatterns: []string{`\bORD-\d{8}\b`, `\bacct_[A-Za-z0-9]{16,}\b`}})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func jwt(seed uint64) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." +
		enc.EncodeToString([]byte(`{"sub":"1234567890","name":"Taro","iat":1764000000}`)) + "." +
		fake(seed, b64url, 43)
}

func TestCheckFinds(t *testing.T) {
	g := testGuard(t)
	var (
		openai    = "sk-" + fake(1, alnum, 48)
		project   = "sk-proj-" + fake(2, b64url, 120)
		anthropic = "sk-ant-api03-" + fake(3, b64url, 93) + "AA"
		ghp       = "ghp_" + fake(4, alnum, 36)
		gho       = "gho_" + fake(5, alnum, 36)
		ghs       = "ghs_" + fake(6, alnum, 36)
		pat       = "github_pat_" + fake(7, alnum, 22) + "_" + fake(8, alnum, 59)
		akia      = "AKIA" + fake(9, upperD, 16)
		asia      = "ASIA" + fake(10, upperD, 16)
		slack     = "xoxb-" + fake(11, digits, 12) + "-" + fake(12, digits, 13) + "-" + fake(13, alnum, 24)
		skLive    = "sk_live_" + fake(14, alnum, 24)
		rkLive    = "rk_live_" + fake(15, alnum, 24)
		pkLive    = "pk_live_" + fake(16, alnum, 24)
		skTest    = "sk_test_" + fake(17, alnum, 24)
		google    = "AIza" + fake(18, b64url, 35)
		token     = jwt(19)
		session   = fake(20, b64std, 40) + "=="
		opaque    = fake(21, alnum, 48)
		awsSecret = fake(22, b64std, 40)
		hexKey    = fake(23, hexLow, 32)
	)
	tests := []struct {
		name, text string
		kind       Kind
		want       string
	}{
		// Email addresses.
		{"email", "Please reply to tanaka.hanako@gmail.com thanks", KindEmail, "tanaka.hanako@gmail.com"},
		{"email ja", "連絡先はtaro.yamada+hiroba@docomo.ne.jpです。", KindEmail, "taro.yamada+hiroba@docomo.ne.jp"},
		{"email code span", "my login is `support@acme-corp.co.jp`", KindEmail, "support@acme-corp.co.jp"},
		{"email bold", "**me@fastmail.fm** is mine", KindEmail, "me@fastmail.fm"},
		{"email link", "<mailto:Jane_Doe@Outlook.COM>", KindEmail, "Jane_Doe@Outlook.COM"},
		{"email sentence end", "Write to jane@proton.me.", KindEmail, "jane@proton.me"},
		{"email full-width", "メール：ｔａｒｏ＠ｇｍａｉｌ．ｃｏｍ まで", KindEmail, "ｔａｒｏ＠ｇｍａｉｌ．ｃｏｍ"},
		{"email full-width at", "taro＠gmail.com に送ってください", KindEmail, "taro＠gmail.com"},
		{"email mailto", "[mail me](mailto:taro@gmail.com)", KindEmail, "taro@gmail.com"},

		// Vendor keys.
		{"openai", "My key " + openai + " stopped working", KindAPIKey, openai},
		{"openai project", "OPENAI_API_KEY=" + project, KindAPIKey, project},
		{"openai json", `{"api_key": "` + project + `"}`, KindAPIKey, project},
		{"anthropic", "APIキーは " + anthropic + " です", KindAPIKey, anthropic},
		// One case with digits, as in documentation's made-up keys: still a
		// key to whoever pastes it.
		{"openai lower case", "key sk-live-abcdefghijklmnopqrstuvwx1234 fails", KindAPIKey, "sk-live-abcdefghijklmnopqrstuvwx1234"},
		{"github ghp", "git clone https://" + ghp + "@github.com/org/repo", KindAPIKey, ghp},
		{"github gho code", "`" + gho + "`", KindAPIKey, gho},
		{"github ghs", "token: " + ghs, KindAPIKey, ghs},
		{"github pat", "GH_TOKEN=" + pat + " gh pr list", KindAPIKey, pat},
		{"aws akia", "aws_access_key_id = " + akia, KindAPIKey, akia},
		{"aws asia", "AWS_ACCESS_KEY_ID=" + asia + "\n", KindAPIKey, asia},
		{"slack", "bot token " + slack + " returns invalid_auth", KindAPIKey, slack},
		{"stripe sk live", "Stripe::Key = '" + skLive + "'", KindAPIKey, skLive},
		{"stripe rk live", "restricted " + rkLive, KindAPIKey, rkLive},
		{"stripe pk live", "publishable " + pkLive, KindAPIKey, pkLive},
		{"stripe sk test", "テスト用の " + skTest + " でもエラー", KindAPIKey, skTest},
		{"google", "maps?key=" + google + "&v=3", KindAPIKey, google},
		{"curl header", `curl -H "Authorization: token ` + ghp + `" https://api.github.com/user`, KindAPIKey, ghp},

		// Tokens.
		{"jwt bearer", "Authorization: Bearer " + token, KindToken, token},
		{"jwt ja", "このトークン" + token + "が期限切れと言われます", KindToken, token},
		{"jwt cookie", "Cookie: session=" + token + "; Path=/", KindToken, token},
		{"random base64", "my session cookie is " + session + " if that helps", KindToken, session},
		{"random ja", "セッションIDは" + opaque + "です", KindToken, opaque},
		{"random in path", "https://hooks.example.net/services/T0/B0/" + opaque, KindToken, opaque},

		// Labelled secrets.
		{"password env", "DB_PASSWORD=Summer2024!", KindSecret, "Summer2024!"},
		{"password json", `{"user": "taro", "password": "hunter2hunter2"}`, KindSecret, "hunter2hunter2"},
		{"password yaml", "  password: 'P@ssw0rd-2026'", KindSecret, "P@ssw0rd-2026"},
		{"hex api key", "api_key: " + hexKey, KindSecret, hexKey},
		{"aws secret", "aws_secret_access_key = " + awsSecret, KindSecret, awsSecret},
		{"basic auth", "Authorization: Basic dXNlcjpwYXNzd29yZA==", KindSecret, "dXNlcjpwYXNzd29yZA=="},
		{"query token", "/reset?access_token=a1B2c3D4e5F6g7H8&lang=ja", KindSecret, "a1B2c3D4e5F6g7H8"},
		{"camel token", "accessToken: 'k9Pq2Lm7Xv4Rt8Zw'", KindSecret, "k9Pq2Lm7Xv4Rt8Zw"},
		{"password short", "password: hunter2", KindSecret, "hunter2"},
		{"password env words", "PASSWORD=CorrectHorseBatteryStaple", KindSecret, "CorrectHorseBatteryStaple"},
		{"url password", "git clone https://taro:hunter2pass@git.corp.jp/repo.git", KindSecret, "hunter2pass"},
		{"dsn password", "DATABASE_URL=postgres://admin:S3cr3tP4ss@db.internal:5432/app", KindSecret, "S3cr3tP4ss"},
		{"password ja", "パスワードは abc12345 です", KindSecret, "abc12345"},
		{"password ja colon", "パスワード：Passw0rd!", KindSecret, "Passw0rd!"},
		{"password ja quote", "パスワード=「tanaka1985」", KindSecret, "tanaka1985"},
		{"password ja before name", "パスワード：Passw0rd!\ntoken: 12345", KindSecret, "Passw0rd!"},

		// Payment cards.
		{"visa spaced", "My card 4111 1111 1111 1111 was charged twice", KindCard, "4111 1111 1111 1111"},
		{"visa plain", "card: `4242424242424242`", KindCard, "4242424242424242"},
		{"visa then expiry", "4111 1111 1111 1111 12/28 cvc", KindCard, "4111 1111 1111 1111"},
		{"visa comma", "exp 12/28 card 4111111111111111, cvc 123", KindCard, "4111111111111111"},
		{"visa full-width", "カード番号は４１１１ １１１１ １１１１ １１１１です", KindCard, "４１１１ １１１１ １１１１ １１１１"},
		{"visa full-width hyphen", "４２４２－４２４２－４２４２－４２４２で払いました", KindCard, "４２４２－４２４２－４２４２－４２４２"},
		{"visa ideographic space", "４１１１\u3000１１１１\u3000１１１１\u3000１１１１", KindCard, "４１１１\u3000１１１１\u3000１１１１\u3000１１１１"},
		{"mastercard hyphen", "5555-5555-5555-4444 declined", KindCard, "5555-5555-5555-4444"},
		{"mastercard 2-series", "using 2223003122003222 now", KindCard, "2223003122003222"},
		{"amex", "Amex 3782 822463 10005 declined", KindCard, "3782 822463 10005"},
		{"discover", "Discover 6011111111111117.", KindCard, "6011111111111117"},
		{"jcb", "JCBカード 3530 1113 3330 0000 が使えません", KindCard, "3530 1113 3330 0000"},
		{"diners", "Diners 3056 930902 5904", KindCard, "3056 930902 5904"},
		{"unionpay", "银联 6200 0000 0000 0005", KindCard, "6200 0000 0000 0005"},

		// Phone numbers.
		{"jp mobile", "Call me at 090-1234-5678 please", KindPhone, "090-1234-5678"},
		{"jp mobile full-width", "電話番号は０９０－１２３４－５６７８です", KindPhone, "０９０－１２３４－５６７８"},
		{"jp mobile long mark", "携帯：０８０ー１２３４ー５６７８", KindPhone, "０８０ー１２３４ー５６７８"},
		{"jp mobile plain", "09012345678に電話ください", KindPhone, "09012345678"},
		{"jp mobile spaces", "`080 1234 5678`", KindPhone, "080 1234 5678"},
		{"jp landline", "TEL 03-1234-5678 (平日)", KindPhone, "03-1234-5678"},
		{"jp landline label", "TEL:06-6123-4567", KindPhone, "06-6123-4567"},
		{"jp landline dotted label", "TEL.06-6123-4567", KindPhone, "06-6123-4567"},
		{"jp free dial", "窓口 0120-123-456 へ", KindPhone, "0120-123-456"},
		{"jp navi dial", "0570-012-345", KindPhone, "0570-012-345"},
		{"jp parens", "03(1234)5678", KindPhone, "03(1234)5678"},
		{"jp area parens", "(03)1234-5678", KindPhone, "(03)1234-5678"},
		{"jp full-width parens", "電話：０３（１２３４）５６７８", KindPhone, "０３（１２３４）５６７８"},
		{"intl jp", "reach me on +81 90-1234-5678 anytime", KindPhone, "+81 90-1234-5678"},
		{"intl jp hyphens", "+81-3-1234-5678", KindPhone, "+81-3-1234-5678"},
		{"intl jp plain", "WhatsApp +819012345678", KindPhone, "+819012345678"},
		{"intl us", "+1 (415) 555-0123", KindPhone, "+1 (415) 555-0123"},
		{"intl uk", "office +44 20 7946 0958.", KindPhone, "+44 20 7946 0958"},
		{"intl uk trunk", "+44 (0)20 7946 0958", KindPhone, "+44 (0)20 7946 0958"},
		{"intl fr", "+33 1 23 45 67 89", KindPhone, "+33 1 23 45 67 89"},
		{"intl stops", "+81 90-1234-5678 2 times", KindPhone, "+81 90-1234-5678"},
		{"us parens", "call (415) 555-0123 today", KindPhone, "(415) 555-0123"},
		{"us hyphens", "415-555-0123", KindPhone, "415-555-0123"},
		{"us dots", "my cell is 415.555.0123.", KindPhone, "415.555.0123"},
		{"us toll free", "1-800-555-0199", KindPhone, "1-800-555-0199"},
		{"phone after date", "2026-11-24 090-1234-5678", KindPhone, "090-1234-5678"},

		// Configured account ids.
		{"order id", "Order ORD-20261124 never arrived", KindAccountID, "ORD-20261124"},
		{"order id full-width", "注文番号ＯＲＤ－１２３４５６７８です", KindAccountID, "ＯＲＤ－１２３４５６７８"},
		{"account id", "account acct_1Nv0FGQ9RKHgCVdK is locked", KindAccountID, "acct_1Nv0FGQ9RKHgCVdK"},
		{"order id later line", "hello\nsecond line ORD-87654321\n", KindAccountID, "ORD-87654321"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := g.Check(tt.text)
			if len(got) != 1 || got[0].Kind != tt.kind || got[0].Text != tt.want {
				t.Fatalf("Check(%q)\n got %+v\nwant one %s %q", tt.text, got, tt.kind, tt.want)
			}
			if f := got[0]; tt.text[f.Start:f.End] != f.Text {
				t.Errorf("offsets %d:%d hold %q, Text is %q", f.Start, f.End, tt.text[f.Start:f.End], f.Text)
			}
		})
	}
}

func TestCheckIgnores(t *testing.T) {
	g := testGuard(t)
	tests := []string{
		// Versions.
		"Upgraded to v1.2.3 yesterday and v10.20.30 today",
		"Running 2.10.4 on Ubuntu 22.04",
		"go version go1.26.8 linux/amd64",
		"semver 10.20.30-beta.1+build.20261124",
		"Windows 10 22H2 build 19045.3693, KB5034441",
		// Dates and times.
		"It broke on 2026-11-24 at 09:30",
		"2026/11/24 と 11/24/2026 と 24.11.2026",
		"２０２６年１１月２４日に発生しました",
		"timestamp 2026-11-24T09:30:00+09:00",
		"営業時間 09:00-18:00、12:30:45.123",
		"unix time 1732406400 or 1732406400123 ms",
		// Prices and quantities.
		"It costs $1,299.00 per seat",
		"¥12,800 でした",
		"１２，８００円でした",
		"we have 1,234,567 users and ¥1,234,567,890 revenue",
		"€1.299,00 inkl. MwSt.",
		"10^9 requests, 1e10 bytes, 1000000000000 bytes",
		"16 GB = 17179869184 bytes",
		"2.5x faster than 3x",
		// Network.
		"server at 192.168.0.1 and 10.0.0.255:8080",
		"IPv6 2001:db8::1 works",
		"localhost:3000 and port 8080",
		// Status and error codes.
		"got HTTP 429 then 503",
		"error ERR_4021 on checkout",
		"HRESULT 0x80070005 access denied",
		"E11000 duplicate key error",
		"ticket #12345678 is still open",
		// Identifiers people are asked to share.
		"user_id_1234567890 was not found",
		"request id 123e4567-e89b-12d3-a456-426614174000",
		"Request-Id: 123E4567-E89B-12D3-A456-426614174000",
		"fixed in commit da39a3ee5e6b4b0d3255bfef95601890afd80709",
		"sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"ULID 01ARZ3NDEKTSV4RRFFQ69G5FAV",
		"docker pull ghcr.io/org/app@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		// Public keys and integrity hashes.
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + fake(24, b64std, 43) + " taro@laptop",
		`"integrity": "sha512-` + fake(25, b64std, 86) + `=="`,
		// Code.
		"colors #0a0b0c and #090909",
		"panic at main.go:123 and server.js:42:13",
		"at handler (/app/src/server.js:42:13)",
		"chmod 0755 script.sh",
		"HTTP2ServerPushPromiseFrameHandlerV3Impl is null",
		"IMG_20261124_153045_HDR_Portrait_Mode2.jpg",
		"x86_64-Linux-GNU-Build-2026-11-24-Release",
		"GET /api/v1/users/12345/settings/notifications",
		"https://example.com/docs/getting-started/installation-guide-for-windows",
		"pip install sk-learn-wrapper-plugin",
		"ThisIsAVeryLongCamelCaseIdentifierName2",
		"max_tokens: 4096",
		"token: undefined",
		"password: ********",
		"api_key: YOUR_API_KEY",
		"apiKey: process.env.OPENAI_API_KEY",
		"const token = getToken(request)",
		"token: accessToken,",
		"password=${DB_PASSWORD}",
		"db.connect(user=user, password=self.password)",
		"password: secret",
		"Bearer token is missing",
		"token: https://example.org/callback",
		// Books, barcodes, postal codes.
		"ISBN 978-4-06-123456-2",
		"ISBN 0-306-40615-2",
		"JAN 4901234567894",
		"〒100-0001 東京都千代田区",
		"ZIP 94103-1234",
		// Numbers that fail the card checks.
		"4111 1111 1111 1112",
		"1234 5678 9012 3456",
		"order 4111111111111111111111",
		"tracking 9400 1000 0000 0000 0000 00",
		"4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
		// Numbers that fail the phone checks.
		"+1 for this idea",
		"+100 points",
		"score +12.5%",
		"ID 0312345678",
		"415 555 0123",
		"1-2-3-4-5",
		"0.0.1234",
		"ratio 1.09012345678",
		"id=a09012345678",
		"/items/09012345678",
		// Email look-alikes.
		"git@github.com:org/repo.git",
		"icon@2x.png and logo@3x.png",
		"npm install lodash@4.17.21 react@18.2.0",
		"npm i @types/node",
		"user@example.com or admin@mail.example.org",
		"admin@localhost",
		"root@server.local",
	}
	if len(tests) < 40 {
		t.Fatalf("only %d negatives", len(tests))
	}
	for _, text := range tests {
		if got := g.Check(text); len(got) != 0 {
			t.Errorf("Check(%q) = %+v, want nothing", text, got)
		}
	}
}

func TestCheckSeveral(t *testing.T) {
	g := testGuard(t)
	text := "山田です。メール taro@gmail.com、電話 090-1234-5678、注文 ORD-12345678 です。"
	got := g.Check(text)
	want := []struct {
		kind Kind
		text string
	}{{KindEmail, "taro@gmail.com"}, {KindPhone, "090-1234-5678"}, {KindAccountID, "ORD-12345678"}}
	if len(got) != len(want) {
		t.Fatalf("Check = %+v", got)
	}
	for i, w := range want {
		f := got[i]
		if f.Kind != w.kind || f.Text != w.text || f.Start != strings.Index(text, w.text) || f.End != f.Start+len(w.text) {
			t.Errorf("finding %d = %+v, want %s %q at %d", i, f, w.kind, w.text, strings.Index(text, w.text))
		}
	}
}

func TestCheckLongestWins(t *testing.T) {
	g := testGuard(t)
	// The local part is a phone number; the address is the finding.
	got := g.Check("send to 090-1234-5678@docomo.ne.jp")
	if len(got) != 1 || got[0].Kind != KindEmail || got[0].Text != "090-1234-5678@docomo.ne.jp" {
		t.Fatalf("got %+v", got)
	}
}

func TestNewRejectsBadPattern(t *testing.T) {
	if _, err := New(Options{AccountIDPatterns: []string{`ORD-(\d+`}}); err == nil {
		t.Fatal("New accepted an unbalanced pattern")
	}
}

func TestRequiredLiteral(t *testing.T) {
	for pattern, want := range map[string]string{
		`\bORD-\d{8}\b`:             "ORD-",
		`\bacct_[A-Za-z0-9]{16,}\b`: "acct_",
		`(?i)ord-\d+`:               "",
		`\d{3}-\d{7}`:               "-",
		`(?:INV|ORD)-\d+`:           "-",
		`[A-Z]{3}\d+`:               "",
	} {
		g, err := New(Options{AccountIDPatterns: []string{pattern}})
		if err != nil {
			t.Fatal(err)
		}
		if got := g.accounts[0].lit; got != want {
			t.Errorf("requiredLiteral(%q) = %q, want %q", pattern, got, want)
		}
	}
}

func TestRedact(t *testing.T) {
	g := testGuard(t)
	text := "メール: taro@gmail.com / 電話 ０９０－１２３４－５６７８ / card 4111-1111-1111-1111"
	want := "メール: [redacted] / 電話 [redacted] / card [redacted]"
	if got := Redact(text, g.Check(text)); got != want {
		t.Errorf("Redact = %q, want %q", got, want)
	}
	if got := Redact(text, nil); got != text {
		t.Errorf("Redact without findings changed the text: %q", got)
	}
	// Findings from elsewhere: out of order, overlapping, out of range.
	fs := []Finding{{Start: 5, End: 9}, {Start: 0, End: 3}, {Start: 2, End: 4}, {Start: 8, End: 99}, {Start: -1, End: 2}}
	if got := Redact("0123456789", fs); got != "[redacted]34[redacted]9" {
		t.Errorf("Redact with odd findings = %q", got)
	}
}

func TestHighlight(t *testing.T) {
	g := testGuard(t)
	text := `<b>電話</b> 090-1234-5678 & "mail" <me@fastmail.fm>`
	want := `&lt;b&gt;電話&lt;/b&gt; <mark class="pii" data-kind="phone">090-1234-5678</mark> &amp; &#34;mail&#34; &lt;<mark class="pii" data-kind="email">me@fastmail.fm</mark>&gt;`
	if got := string(Highlight(text, g.Check(text))); got != want {
		t.Errorf("Highlight =\n%s\nwant\n%s", got, want)
	}
	// A finding whose text is itself markup-like is escaped inside the mark.
	got := string(Highlight("a<b>c", []Finding{{Kind: "x\"y", Start: 1, End: 4}}))
	if want := `a<mark class="pii" data-kind="x&#34;y">&lt;b&gt;</mark>c`; got != want {
		t.Errorf("Highlight = %s, want %s", got, want)
	}
}

func TestOffsetsAfterJapanese(t *testing.T) {
	g := testGuard(t)
	for _, want := range []string{"taro@gmail.com", "０９０－１２３４－５６７８", "４１１１ １１１１ １１１１ １１１１", "ｔａｒｏ＠ｇｍａｉｌ．ｃｏｍ"} {
		text := "東京都千代田区の山田太郎です。連絡先：" + want + "。よろしくお願いします。"
		got := g.Check(text)
		if len(got) != 1 {
			t.Fatalf("Check(%q) = %+v", text, got)
		}
		f := got[0]
		if start := strings.Index(text, want); f.Start != start || f.End != start+len(want) || f.Text != want {
			t.Errorf("finding %+v, want %q at %d:%d", f, want, start, start+len(want))
		}
	}
}

func TestFold(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain ascii", "plain ascii"},
		{"０９０－１２３４－５６７８", "090-1234-5678"},
		{"０９０ー１２３４ー５６７８", "090-1234-5678"},
		{"090‐1234−5678", "090-1234-5678"},
		{"ｔａｒｏ＠ｇｍａｉｌ．ｃｏｍ", "taro@gmail.com"},
		{"４１１１\u3000１１１１", "4111 1111"},
		{"サーバー", "サーバー"}, // a long vowel mark after a letter stays
		{"ＯＲＤ－１２３４５６７８です", "ORD-12345678です"},
		{"\xff０\xe3\x80", "\xff0\xe3\x80"},
	} {
		got, sh := fold(tt.in)
		if got != tt.want {
			t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if end := sh.orig(len(got)); end != len(tt.in) {
			t.Errorf("fold(%q): the end maps to %d, want %d", tt.in, end, len(tt.in))
		}
	}
}

func TestConcurrentCheck(t *testing.T) {
	g := testGuard(t)
	text := benchPost(5 << 10)
	want := len(g.Check(text))
	t.Run("group", func(t *testing.T) {
		for range 8 {
			t.Run("worker", func(t *testing.T) {
				t.Parallel()
				for range 20 {
					if n := len(g.Check(text)); n != want {
						t.Errorf("got %d findings, want %d", n, want)
					}
				}
			})
		}
	})
}

// benchPost builds a support post of about n bytes in both languages, with
// code, a stack trace, versions, dates, prices and a few findings.
func benchPost(n int) string {
	paragraphs := []string{
		"Hi all, since upgrading to v2.10.4 on 2026-11-24 the checkout page returns HTTP 429 and then 503. " +
			"Our plan is $1,299.00 per year (¥189,800). Request id 123e4567-e89b-12d3-a456-426614174000.\n",
		"お世話になっております。２０２６年１１月２４日から決済画面でエラー ERR_4021 が出ます。" +
			"料金は１２，８００円のプランです。サーバーは 192.168.0.12:8080 で動いています。\n",
		"```\npanic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\n" +
			"main.handler(0xc000123456)\n\t/app/main.go:123 +0x1d\nnet/http.HandlerFunc.ServeHTTP()\n\t/usr/local/go/src/net/http/server.go:2171 +0x29\n```\n",
		"I tried commit da39a3ee5e6b4b0d3255bfef95601890afd80709 and `npm install react@18.2.0`, " +
			"then restarted with `systemctl restart app.service`. Colors #0a0b0c are fine.\n",
		"連絡先は taro.yamada@gmail.com か 090-1234-5678 までお願いします。注文番号は ORD-20261124 です。\n",
		"The config has `password: ${DB_PASSWORD}` and `apiKey: process.env.API_KEY`, nothing hard-coded. " +
			"HTTP2ServerPushPromiseFrameHandlerV3Impl logs 17179869184 bytes at 09:30-18:00.\n",
	}
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString(paragraphs[i%len(paragraphs)])
	}
	return b.String()
}

func BenchmarkCheck(b *testing.B) {
	g := testGuard(b)
	for _, size := range []struct {
		name string
		n    int
	}{{"5KB", 5 << 10}, {"50KB", 50 << 10}} {
		text := benchPost(size.n)
		b.Run(size.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				g.Check(text)
			}
		})
	}
}

// Inputs built to make a careless scanner quadratic. A linear one checks
// each in about a millisecond; the bound only catches a regression that
// would let one post tie up a request for seconds.
func TestCheckAdversarial(t *testing.T) {
	g := testGuard(t)
	for name, text := range map[string]string{
		"names":    strings.Repeat("token=", 10000),
		"emails":   strings.Repeat("a@b.co", 10000),
		"at signs": strings.Repeat("a", 30000) + strings.Repeat("@", 30000),
		"digits":   strings.Repeat("1 ", 30000),
		"hyphens":  strings.Repeat("0-", 30000),
		"plus":     strings.Repeat("+1 (0)", 10000),
		"jwt":      strings.Repeat("eyJhbGciOi.", 6000),
		"slashes":  strings.Repeat("aB3/", 15000),
		"orders":   strings.Repeat("ORD-", 15000),
		"wide":     strings.Repeat("０－", 20000),
	} {
		start := time.Now()
		g.Check(text)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: Check took %v", name, d)
		}
	}
}
