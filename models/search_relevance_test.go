package models_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"hiroba/models"
)

// The relevance tests run one forum's worth of realistic support threads
// through both databases and hold them to the same expected answers: a
// deployment must not find different threads because it runs on SQLite
// instead of PostgreSQL.

type fixtureReply struct {
	author string
	body   string
}

// fixtureThread is a question and its replies. Key names the thread in the
// expectations; threads are created in the order of searchFixtureThreads, so
// a later thread is newer.
type fixtureThread struct {
	key      string
	category string // slug of a default category
	author   string
	title    string
	body     string
	replies  []fixtureReply
}

var searchFixtureUsers = []string{"hana", "ken", "mika", "tom", "priya", "alex", "lee", "sato"}

var searchFixtureThreads = []fixtureThread{
	{key: "charged-twice", category: "billing", author: "tom",
		title:   "Charged twice for the Pro plan this month",
		body:    "My card statement shows two identical charges of $20 on March 3. I only have one workspace. Can someone from billing look at this and refund the duplicate?",
		replies: []fixtureReply{{"sato", "Duplicates like this are usually a pending authorization that drops off within a few days. If it's still there after a week, open a ticket from the Billing page and attach the statement."}}},
	{key: "refund-annual", category: "billing", author: "priya",
		title:   "Refund for an annual plan I bought by mistake",
		body:    "I meant to pick monthly but clicked annual at checkout. It's been two days and I haven't used any of the paid features. Is a refund possible?",
		replies: []fixtureReply{{"sato", "Within 14 days of purchase you can request a refund from Settings → Plan. The money goes back to the original card."}}},
	{key: "seikyu-toiawase", category: "billing", author: "hana",
		title: "請求に関するお問い合わせ",
		body:  "先月分の請求金額がいつもより高くなっています。プランは変えていないので、内訳を確認する方法を教えてください。"},
	{key: "export-old", category: "using", author: "tom",
		title: "Data export link expired",
		body:  "I requested a data export on Monday but the link in the email had already expired when I clicked it."},
	{key: "invalid-api-key", category: "api", author: "alex",
		title: "401 invalid API key right after creating it",
		body:  "I created a new key in the dashboard, copied it into my `.env`, and every request returns `401 Unauthorized` with the message \"Invalid API key\". The old key worked fine.",
		replies: []fixtureReply{
			{"sato", "New keys can take a minute to become active. Also check that there is no trailing newline in the value in your `.env` file."},
			{"alex", "It was the newline. Thanks!"},
		}},
	{key: "2fa-lost-phone", category: "account", author: "tom",
		title:   "Lost my phone, can't get 2FA codes",
		body:    "My phone was stolen and the 2FA codes went with it. I never saved the backup codes. How do I get back into my account?",
		replies: []fixtureReply{{"sato", "Use the \"Can't use your authenticator?\" link on the sign-in page to start account recovery. It takes one to three business days."}}},
	{key: "refund-pending", category: "billing", author: "alex",
		title: "Refunds still pending after 10 days",
		body:  "Support confirmed my refund on the 2nd, but nothing has shown up in my bank account yet. How long do refunds usually take?"},
	{key: "seikyusho-todokanai", category: "billing", author: "ken",
		title:   "請求書が届きません",
		body:    "毎月メールで届いていた請求書が、今月はまだ届いていません。迷惑メールフォルダも確認しました。",
		replies: []fixtureReply{{"sato", "請求書は「設定」→「プラン」→「請求履歴」からPDFでダウンロードできます。"}}},
	{key: "key-shows-invalid", category: "api", author: "tom",
		title: "API key marked invalid in the dashboard",
		body:  "The key list shows a red \"invalid\" badge next to my production key, but requests with it still succeed. Is the key about to stop working?"},
	{key: "authenticator-codes", category: "account", author: "priya",
		title:   "Authenticator app codes always rejected",
		body:    "Every 6-digit code from Google Authenticator is rejected. I already scanned the QR code again twice.",
		replies: []fixtureReply{{"lee", "Check that your phone sets its clock automatically. A drift of a minute is enough to break these codes."}}},
	{key: "cancel-subscription", category: "billing", author: "lee",
		title:   "How do I cancel my subscription before it renews?",
		body:    "My subscription renews on the 15th and I don't want another month. If I cancel now, do I get a refund for the unused days or does it just stop at the end of the period?",
		replies: []fixtureReply{{"sato", "Cancelling stops the renewal and you keep access until the end of the period. Monthly plans don't get a prorated refund."}}},
	{key: "niju-seikyu", category: "billing", author: "mika",
		title:   "二重請求されています",
		body:    "クレジットカードの明細に同じ金額が2回載っています。返金してもらえますか？",
		replies: []fixtureReply{{"sato", "仮売上の場合は数日で自動的に取り消されます。1週間たっても残っている場合はサポートまでご連絡ください。"}}},
	{key: "rate-limit-429", category: "api", author: "priya",
		title:   "Constant 429 Too Many Requests even at low volume",
		body:    "We send about 20 requests per minute and still get 429 errors. The rate limit on our tier is supposed to be 60 RPM. Does the limit count failed retries?",
		replies: []fixtureReply{{"sato", "Retries count against the rate limit too. Use exponential backoff and honour the Retry-After header instead of retrying immediately."}}},
	{key: "password-reset-email", category: "account", author: "alex",
		title:   "Password reset email never arrives",
		body:    "I requested a password reset five times. Nothing in my inbox or spam. My email is on a company domain, if that matters.",
		replies: []fixtureReply{{"sato", "Company mail filters often quarantine these. Ask IT to allow mail from our domain, then request the reset again."}}},
	{key: "billed-after-cancel", category: "billing", author: "ken",
		title: "Still billed after I cancelled",
		body:  "I cancelled on the 1st and got the confirmation email, but today I was billed again for another month. Please help."},
	{key: "henkin-nenkan", category: "billing", author: "hana",
		title: "年額プランの返金について",
		body:  "間違えて年額プランを購入してしまいました。まだ3日しか経っていませんが、返金は可能でしょうか。"},
	{key: "rate-limit-increase", category: "api", author: "lee",
		title: "How to request a higher rate limit",
		body:  "Our nightly batch jobs need more throughput than the default rate limit allows. Is there a form to request an increase?"},
	{key: "nidankai-kishu", category: "account", author: "hana",
		title: "二段階認証のスマホを機種変更してしまった",
		body:  "機種変更の前に二段階認証を解除するのを忘れていました。Google Authenticatorのコードが新しいスマホに移っておらず、ログインできません。"},
	{key: "billing-address", category: "billing", author: "priya",
		title:   "Billing address on invoices is wrong",
		body:    "We moved offices and I updated the address in Settings, but new invoices still show the old one. Our accounting team needs the correct address for VAT.",
		replies: []fixtureReply{{"mika", "Same here. The invoice uses the address saved at the time of payment, so only the next invoice picks up the change."}}},
	{key: "invoice-pdf", category: "billing", author: "mika",
		title:   "Where can I download invoices as PDF?",
		body:    "Our finance team needs a PDF invoice for every payment, but I can only find the receipt emails. Is there a page with all past invoices?",
		replies: []fixtureReply{{"sato", "Settings → Plan → Billing history. Every row has a PDF link."}}},
	{key: "spending-limit", category: "billing", author: "alex",
		title: "Spending limit reached but usage shows only $40",
		body:  "I set a monthly spending limit of $100 and got an email saying I hit it, yet the usage page only shows $40. Are there charges that don't show up in usage?"},
	{key: "apikey-mukou", category: "api", author: "ken",
		title: "APIキーが無効です",
		body:  "新しく発行したAPIキーを使うと「Invalid API key」と返ってきます。古いキーは削除済みです。"},
	{key: "sdk-timeout-proxy", category: "api", author: "tom",
		title:   "SDK requests time out behind a corporate proxy",
		body:    "From the office network every call fails with a timeout error after 60 seconds. At home the same script works. We have to go through an HTTP proxy.",
		replies: []fixtureReply{{"priya", "Set HTTPS_PROXY in the environment and the SDK will use it. You can also raise the timeout while you test."}}},
	{key: "password-saisettei", category: "account", author: "ken",
		title:   "パスワード再設定のメールが届かない",
		body:    "パスワードを忘れたので再設定を申請しましたが、メールが届きません。迷惑メールにも入っていませんでした。",
		replies: []fixtureReply{{"mika", "私も同じでした。キャリアメールだと届かないことがあるので、Gmailに変えたら届きました。"}}},
	{key: "sdk-hangs-upload", category: "api", author: "alex",
		title:   "Python SDK hangs on large uploads",
		body:    "Uploading a 200 MB file with the Python SDK never finishes. Smaller files are fine. No exception, it just sits there.",
		replies: []fixtureReply{{"lee", "Are you behind a proxy? Ours silently dropped long uploads until IT raised the body size limit."}}},
	{key: "card-hankaku", category: "billing", author: "ken",
		title: "ｸﾚｼﾞｯﾄｶｰﾄﾞが登録できない",
		body:  "ｶｰﾄﾞ番号を入力すると「このｶｰﾄﾞはご利用いただけません」と表示されます。VISAです。"},
	{key: "sdk-html-response", category: "api", author: "priya",
		title:   "SDK error: unexpected token < in JSON",
		body:    "Since this morning the Node SDK throws `SyntaxError: Unexpected token < in JSON at position 0`. Logging the raw response shows `<!DOCTYPE html><title>502 Bad Gateway</title>` instead of JSON.",
		replies: []fixtureReply{{"sato", "That is an HTML error page from a gateway in front of the API, not the API itself. It cleared up after the incident on the status page."}}},
	{key: "email-change", category: "account", author: "lee",
		title:   "Changing the email on my account",
		body:    "I'm leaving my job and need to move my account to a personal email. Where do I change it without losing my history?",
		replies: []fixtureReply{{"tom", "Settings → Profile → Email. You'll get a confirmation link at the new address."}}},
	{key: "locked-out", category: "account", author: "alex",
		title: "Locked out after changing my password",
		body:  "Reset emails do arrive, but the link inside says it has expired every time I click it."},
	{key: "prompt-flagged", category: "safety", author: "tom",
		title:   "Harmless prompt flagged as violating content policy",
		body:    "I asked for a summary of a news article about a court case and got a content policy warning. Nothing in it was graphic. Is there a way to appeal?",
		replies: []fixtureReply{{"sato", "Use the \"Report a mistake\" link under the warning. Flags on news summaries are a known false positive."}}},
	{key: "apikey-zenkaku", category: "api", author: "hana",
		title: "ＡＰＩキーを再発行したのに反映されない",
		body:  "管理画面でＡＰＩキーを再発行しましたが、アプリからのリクエストは古いキーのまま通っているようです。"},
	{key: "account-deletion", category: "account", author: "priya",
		title: "Account deletion: how long until my data is gone?",
		body:  "I deleted my account last week. How long do you keep backups, and will I get an email once everything is removed?"},
	{key: "login-dekinai", category: "account", author: "mika",
		title: "ログインできません",
		body:  "正しいパスワードを入れても「認証エラー」と表示されます。パスワードの再設定も試しました。"},
	{key: "account-flagged", category: "safety", author: "alex",
		title: "My account got flagged after a medical question",
		body:  "I asked about drug interactions for my mother's prescriptions and now my account shows a warning banner. Will this get me banned?"},
	{key: "invoice-seido", category: "billing", author: "mika",
		title: "インボイス制度に対応した請求書は発行できますか",
		body:  "経理から、登録番号と消費税の内訳が記載された請求書がほしいと言われました。適格請求書の発行には対応していますか？"},
	{key: "login-loop-vpn", category: "account", author: "ken",
		title: "Login page keeps reloading",
		body:  "Every time I sign in, the page reloads and I end up back at the login form. I'm on a VPN for work, if that matters."},
	{key: "export-history", category: "using", author: "priya",
		title:   "How do I export all my conversations?",
		body:    "I want a copy of everything before I delete my account. Is there an export button somewhere, or do I have to ask support?",
		replies: []fixtureReply{{"sato", "Settings → Data controls → Export data. You'll get an email with a download link that works for 24 hours."}}},
	{key: "rate-limit-ja", category: "api", author: "mika",
		title: "レート制限（429エラー）の上限を知りたい",
		body:  "無料プランのレート制限は1分あたり何リクエストまでですか？ドキュメントに記載が見つかりませんでした。"},
	{key: "captcha-every-time", category: "account", author: "tom",
		title:   "Captcha shows up on every sign in",
		body:    "Is there a way to stop the captcha? I have to solve it several times a day.",
		replies: []fixtureReply{{"sato", "Captchas appear more often when your IP address changes a lot, for example when you're on a VPN."}}},
	{key: "policy-ja", category: "safety", author: "mika",
		title:   "コンテンツポリシー違反と表示される",
		body:    "小説の戦闘シーンを書いてもらおうとしたら、コンテンツポリシー違反と表示されました。どこまでが許されるのでしょうか。",
		replies: []fixtureReply{{"sato", "暴力表現そのものは禁止されていません。具体的な手順の説明を求めると制限されることがあります。"}}},
	{key: "dark-mode", category: "using", author: "alex",
		title:   "Is there a dark mode?",
		body:    "The white background hurts my eyes at night. I looked in Settings but couldn't find a theme option.",
		replies: []fixtureReply{{"hana", "Settings → Appearance → Theme. It was added last month."}}},
	{key: "sdk-timeout-ja", category: "api", author: "ken",
		title:   "Python SDKでタイムアウトエラーが出る",
		body:    "長い文章を送ると ReadTimeout になります。timeoutの設定はどこで変えられますか？",
		replies: []fixtureReply{{"sato", "クライアントを作るときに `timeout=120` を渡してください。"}}},
	{key: "shortcut-ja", category: "using", author: "hana",
		title: "キーボードショートカットの一覧はありますか",
		body:  "送信をEnterではなくCtrl+Enterにしたいです。設定で変えられますか？"},
	{key: "idempotency", category: "api", author: "lee",
		title:   "Duplicate orders when the client retries a request",
		body:    "When our server retries after a timeout we sometimes create the same order twice. Is there a way to make retries safe?",
		replies: []fixtureReply{{"sato", "Send an Idempotency-Key header with a unique value per logical request. Retries with the same key return the first result instead of creating a new one."}}},
	{key: "nidankai-sms", category: "account", author: "mika",
		title: "SMSの認証コードが届かない",
		body:  "二段階認証をSMSにしていますが、コードが届きません。海外にいるからでしょうか。"},
	{key: "report-ja", category: "safety", author: "hana",
		title: "不適切な回答を報告する方法",
		body:  "明らかに間違った医療情報が出てきたので報告したいのですが、ボタンが見当たりません。"},
	{key: "widget-embed", category: "using", author: "lee",
		title: "Embedding the chat widget on our site",
		body:  "I added the `<script>` tag from the docs to our page, but the widget never shows up:\n\n<script src=\"https://widget.example.com/embed.js\"></script>\n\nIs the widget only for paid plans? <b>Please</b> help."},
	{key: "ryoshusho", category: "billing", author: "ken",
		title: "領収書の宛名を会社名にしたい",
		body:  "経費精算に使うので、領収書の宛名を会社名に変えたいです。金額は消費税10%込みで表示されますか？"},
	{key: "cafe-meetup", category: "lounge", author: "lee",
		title: "Offline meetup at a café in Shibuya?",
		body:  "A few of us in Tokyo talked about meeting up. Anyone up for a café meetup on a Saturday afternoon?"},
	{key: "jikoshoukai", category: "lounge", author: "hana",
		title: "はじめまして、大阪のエンジニアです",
		body:  "普段はPythonでAPIを使った社内ツールを作っています。よろしくお願いします。"},
	{key: "export-ja", category: "using", author: "ken",
		title: "データのエクスポートが終わらない",
		body:  "エクスポートボタンを押しても「準備中」のままで、1日たってもメールが来ません。"},
	{key: "daily-use", category: "lounge", author: "tom",
		title: "What do you use it for every day?",
		body:  "Mostly drafting emails and summarizing meeting notes. Curious what everyone else does."},
	{key: "webhook-ja", category: "api", author: "ken",
		title: "Webhookの署名検証に失敗する",
		body:  "Webhookを受け取るたびに署名が一致しないというエラーになります。シークレットは再発行済みです。"},
	{key: "dark-mode-ja", category: "using", author: "hana",
		title: "ダークモードはありますか",
		body:  "夜に使うと画面がまぶしいです。テーマを変える設定はありますか？"},
	{key: "flag-ja", category: "safety", author: "ken",
		title: "医療の質問をすると毎回フラグが付く",
		body:  "薬の飲み合わせについて聞いただけなのに警告が表示されます。アカウントが停止されることはありますか？"},
	{key: "offkai", category: "lounge", author: "mika",
		title: "東京でオフ会しませんか",
		body:  "渋谷あたりのカフェで、週末の午後に集まれたらうれしいです。"},
	{key: "account-delete-ja", category: "account", author: "hana",
		title: "アカウントを削除したい",
		body:  "退会してデータを完全に消したいです。削除するとチャット履歴も消えますか？"},
	{key: "vat-invoices", category: "billing", author: "lee",
		title: "Adding a VAT number to invoices I already paid",
		body:  "Our company got its VAT number after we paid for March and April. Can those invoices be reissued with the number on them?"},
	{key: "partial-refund", category: "billing", author: "priya",
		title:   "Partial refund after downgrading from Team to Pro?",
		body:    "We downgraded in the middle of the billing cycle. Do we get a partial refund, or a credit for the unused seats?",
		replies: []fixtureReply{{"tom", "We got a credit on the next bill, not money back."}}},
	// The same question as export-old, asked again much later: only the
	// weekday and one verb differ, so both match every query equally.
	{key: "export-new", category: "using", author: "lee",
		title: "Data export link expired",
		body:  "I requested a data export on Friday but the link in the email had already expired when I opened it."},
}

// searchFixture is searchFixtureThreads stored in one database.
type searchFixture struct {
	store      *models.Store
	users      map[string]models.User
	categories map[string]int64
	threadKeys map[int64]string // thread id → key
	// createdBefore[k] is an instant after every earlier thread and before
	// thread k; createdAfter[k] is one after thread k and its replies and
	// before the next thread.
	createdBefore, createdAfter map[string]time.Time
}

func loadSearchFixture(t *testing.T, s *models.Store) *searchFixture {
	t.Helper()
	ctx := context.Background()
	fx := &searchFixture{
		store:         s,
		users:         map[string]models.User{},
		categories:    map[string]int64{},
		threadKeys:    map[int64]string{},
		createdBefore: map[string]time.Time{},
		createdAfter:  map[string]time.Time{},
	}
	for _, nick := range searchFixtureUsers {
		fx.users[nick] = signIn(t, s, nick, nick)
	}
	for _, c := range models.DefaultCategories {
		cat, err := s.CategoryBySlug(ctx, c.Slug)
		if err != nil {
			t.Fatal(err)
		}
		fx.categories[c.Slug] = cat.ID
	}
	// PostgreSQL keeps microseconds, so instants between threads need a
	// real gap to compare strictly on both databases.
	mark := func() time.Time {
		time.Sleep(time.Millisecond)
		now := time.Now()
		time.Sleep(time.Millisecond)
		return now
	}
	prev := ""
	for _, ft := range searchFixtureThreads {
		if _, dup := fx.createdBefore[ft.key]; dup {
			t.Fatalf("fixture key %q used twice", ft.key)
		}
		now := mark()
		fx.createdBefore[ft.key] = now
		if prev != "" {
			fx.createdAfter[prev] = now
		}
		th, err := s.CreateThread(ctx, models.NewThread{
			UserID: fx.user(t, ft.author).ID, CategoryID: fx.category(t, ft.category), Title: ft.title, Body: ft.body,
		})
		if err != nil {
			t.Fatalf("thread %s: %v", ft.key, err)
		}
		fx.threadKeys[th.ID] = ft.key
		for _, r := range ft.replies {
			if _, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: fx.user(t, r.author).ID, Body: r.body}); err != nil {
				t.Fatalf("reply in %s: %v", ft.key, err)
			}
		}
		prev = ft.key
	}
	fx.createdAfter[prev] = mark()
	return fx
}

func (fx *searchFixture) user(t *testing.T, nick string) models.User {
	t.Helper()
	u, ok := fx.users[nick]
	if !ok {
		t.Fatalf("no fixture user %q", nick)
	}
	return u
}

func (fx *searchFixture) category(t *testing.T, slug string) int64 {
	t.Helper()
	id, ok := fx.categories[slug]
	if !ok {
		t.Fatalf("no category %q", slug)
	}
	return id
}

func (fx *searchFixture) instant(t *testing.T, times map[string]time.Time, key string) time.Time {
	t.Helper()
	at, ok := times[key]
	if !ok {
		t.Fatalf("no fixture thread %q", key)
	}
	return at
}

// search runs a query and names the threads found, in ranked order. Every
// snippet is checked on the way: whatever was asked, a snippet may hold no
// markup but balanced <mark> tags.
func (fx *searchFixture) search(t *testing.T, in models.SearchInput) ([]string, models.SearchResults) {
	t.Helper()
	if in.PerPage == 0 {
		in.PerPage = 200 // every match on one page
	}
	res, err := fx.store.Search(context.Background(), in)
	if err != nil {
		t.Fatalf("Search(%q): %v", in.Query, err)
	}
	keys := make([]string, len(res.Results))
	for i, r := range res.Results {
		key, ok := fx.threadKeys[r.Thread.ID]
		if !ok {
			t.Fatalf("Search(%q) returned unknown thread %d %q", in.Query, r.Thread.ID, r.Thread.Title)
		}
		keys[i] = key
		checkSnippetMarkup(t, in.Query, key, r.Snippet)
	}
	if !res.Capped && res.TotalItems != int64(len(keys)) {
		t.Errorf("Search(%q): TotalItems = %d but %d results", in.Query, res.TotalItems, len(keys))
	}
	return keys, res
}

func checkSnippetMarkup(t *testing.T, query, key, snippet string) {
	t.Helper()
	if strings.Count(snippet, "<mark>") != strings.Count(snippet, "</mark>") {
		t.Errorf("query %q, thread %s: unbalanced marks in snippet %q", query, key, snippet)
	}
	plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(snippet)
	if strings.ContainsAny(plain, "<>") {
		t.Errorf("query %q, thread %s: unescaped markup in snippet %q", query, key, snippet)
	}
}

// dialectAnswers collects what each database found for each query, so that
// a test can check after all dialects ran that they found the same threads.
type dialectAnswers struct {
	mu      sync.Mutex
	order   []string
	answers map[string]map[string][]string // query name → dialect → thread keys
}

func newDialectAnswers(t *testing.T) *dialectAnswers {
	a := &dialectAnswers{answers: map[string]map[string][]string{}}
	t.Cleanup(func() { a.compare(t) }) // runs after every dialect's subtests
	return a
}

func (a *dialectAnswers) record(name, dialect string, keys []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.answers[name] == nil {
		a.answers[name] = map[string][]string{}
		a.order = append(a.order, name)
	}
	a.answers[name][dialect] = keys
}

// compare reports queries that matched different threads on the two
// databases. Rankings may differ below what a case asserts, since bm25 and
// ts_rank_cd score differently; that is only logged.
func (a *dialectAnswers) compare(t *testing.T) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, name := range a.order {
		byDialect := a.answers[name]
		if len(byDialect) < 2 {
			continue // a database was not available
		}
		var dialects []string
		for d := range byDialect {
			dialects = append(dialects, d)
		}
		slices.Sort(dialects)
		first := byDialect[dialects[0]]
		for _, d := range dialects[1:] {
			other := byDialect[d]
			switch {
			case !slices.Equal(sortedCopy(first), sortedCopy(other)):
				t.Errorf("%s: the databases found different threads:\n  %s: %v\n  %s: %v",
					name, dialects[0], first, d, other)
			case !slices.Equal(first, other):
				t.Logf("%s: same threads, ranked differently:\n  %s: %v\n  %s: %v",
					name, dialects[0], first, d, other)
			}
		}
	}
}

// queryLabel names a query in messages, cutting long ones short.
func queryLabel(name, query string) string {
	if r := []rune(query); len(r) > 40 {
		query = string(r[:40]) + "…"
	}
	return fmt.Sprintf("%s (%q)", name, query)
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// relevanceCase is a search and what it must find. Top lists the first
// results as tiers: the members of a tier may come in any order (their
// scores are not meant to be compared), but every tier must come before
// the next.
type relevanceCase struct {
	name  string
	query string

	category     string // slug; empty for every category
	author       string // fixture user; empty for everyone
	postedAfter  string // only posts written after this thread (and its replies)
	postedBefore string // only posts written before this thread
	sort         models.SearchSort

	top  [][]string // expected first results, tier by tier
	also []string   // must be found, anywhere
	not  []string   // must not be found
	only bool       // nothing but top and also may be found
	// sameAs is a query that must give exactly the same ranked results, for
	// inputs that differ only in width, case or inflection.
	sameAs string
}

func tier(keys ...string) []string { return keys }

var relevanceCases = []relevanceCase{
	// Common and rare words.
	{name: "common word ranks title matches first", query: "account",
		top: [][]string{tier("email-change", "account-deletion", "account-flagged")}, also: []string{"2fa-lost-phone", "export-history"}},
	{name: "common billing word", query: "refund",
		top:  [][]string{tier("refund-annual", "refund-pending", "partial-refund")},
		also: []string{"charged-twice", "cancel-subscription"}, not: []string{"henkin-nenkan", "niju-seikyu"}},
	{name: "rare word in a single reply", query: "idempotency",
		top: [][]string{tier("idempotency")}, only: true},
	{name: "number", query: "429",
		top: [][]string{tier("rate-limit-429", "rate-limit-ja")}, only: true},

	// English stemming, on both sides of the index.
	{name: "stemming: billing finds billed", query: "billing",
		top: [][]string{tier("billed-after-cancel", "billing-address")}, also: []string{"charged-twice", "invoice-pdf", "partial-refund"}},
	{name: "stemming: errors finds error", query: "errors",
		top: [][]string{tier("sdk-html-response")}, also: []string{"rate-limit-429", "sdk-timeout-proxy"}},
	{name: "stemming: refunds finds refund", query: "refunds",
		top:  [][]string{tier("refund-annual", "refund-pending", "partial-refund")},
		also: []string{"charged-twice", "cancel-subscription"}, sameAs: "refund"},
	{name: "stemming: timeouts finds timeout", query: "timeouts",
		top: [][]string{tier("sdk-timeout-proxy", "sdk-timeout-ja", "idempotency")}, only: true},
	{name: "stemming: delete account finds deletion", query: "delete account",
		top: [][]string{tier("account-deletion"), tier("export-history")}, only: true},
	// news is not the plural of new: a search for it must not bring up
	// every thread that mentions a new key or a new address.
	{name: "stemming keeps news apart from new", query: "news",
		top: [][]string{tier("prompt-flagged")}, only: true},
	{name: "stemming: flagged finds flagged titles", query: "flagged",
		top: [][]string{tier("prompt-flagged", "account-flagged")}, only: true},

	// Case and width.
	{name: "upper case", query: "INVOICE",
		top: [][]string{tier("billing-address", "invoice-pdf", "vat-invoices")}, only: true, sameAs: "invoice"},
	{name: "mixed case", query: "Refund",
		sameAs: "refund", top: [][]string{tier("refund-annual", "refund-pending", "partial-refund")}},
	{name: "full-width latin equals ASCII", query: "ＡＰＩ",
		sameAs: "API", also: []string{"invalid-api-key", "apikey-mukou", "apikey-zenkaku", "jikoshoukai"}},
	{name: "full-width API キー", query: "ＡＰＩキー",
		top: [][]string{tier("apikey-mukou", "apikey-zenkaku")}, only: true, sameAs: "APIキー"},
	{name: "half-width katakana equals full-width", query: "ｶｰﾄﾞ",
		top: [][]string{tier("card-hankaku"), tier("niju-seikyu")}, only: true, sameAs: "カード"},

	// Phrases, exclusions, OR.
	{name: "exact phrase", query: `"invalid api key"`,
		top: [][]string{tier("invalid-api-key"), tier("apikey-mukou")}, not: []string{"key-shows-invalid"}, only: true},
	{name: "same words without quotes", query: "invalid api key",
		top: [][]string{tier("invalid-api-key", "key-shows-invalid"), tier("apikey-mukou")}, only: true},
	{name: "exclusion", query: "refund -subscription",
		top:  [][]string{tier("refund-annual", "refund-pending", "partial-refund")},
		also: []string{"charged-twice"}, not: []string{"cancel-subscription"}, only: true},
	{name: "OR", query: "2FA OR authenticator",
		top: [][]string{tier("2fa-lost-phone", "authenticator-codes"), tier("nidankai-kishu")}, only: true},
	{name: "two words AND", query: "rate limit",
		top: [][]string{tier("rate-limit-increase"), tier("rate-limit-429")}, only: true},
	{name: "three words AND", query: "password reset email",
		top: [][]string{tier("password-reset-email"), tier("locked-out")}, only: true},
	// locked-out has password at the end of its title and Reset at the
	// start of its body: the words are not together in anything a reader
	// sees.
	{name: "phrase does not span title and body", query: `"password reset"`,
		top: [][]string{tier("password-reset-email")}, not: []string{"locked-out"}, only: true},
	{name: "mixed-language thread found by English words", query: "Python SDK",
		top: [][]string{tier("sdk-hangs-upload", "sdk-timeout-ja")}, only: true},
	{name: "two English words", query: "SDK timeout",
		top: [][]string{tier("sdk-timeout-proxy", "sdk-timeout-ja")}, only: true},
	{name: "content policy", query: "content policy",
		top: [][]string{tier("prompt-flagged")}, only: true},

	// Japanese: words inside sentences written without spaces.
	{name: "japanese word inside a sentence", query: "請求",
		top: [][]string{tier("seikyu-toiawase", "seikyusho-todokanai", "niju-seikyu", "invoice-seido")}, only: true},
	{name: "japanese longer word excludes the shorter one", query: "請求書",
		top: [][]string{tier("seikyusho-todokanai", "invoice-seido")}, not: []string{"seikyu-toiawase"}, only: true},
	{name: "japanese compound", query: "二重請求",
		top: [][]string{tier("niju-seikyu")}, only: true},
	{name: "japanese title above body", query: "返金",
		top: [][]string{tier("henkin-nenkan"), tier("niju-seikyu")}, only: true},
	{name: "japanese verb form", query: "届かない",
		top: [][]string{tier("password-saisettei", "nidankai-sms")}, only: true},
	{name: "japanese word at the end of a sentence", query: "無効",
		top: [][]string{tier("apikey-mukou")}, only: true},
	{name: "japanese unspaced compound must be contiguous", query: "パスワード再設定",
		top: [][]string{tier("password-saisettei")}, not: []string{"login-dekinai"}, only: true},
	{name: "japanese words separated by a space are ANDed", query: "パスワード 再設定",
		top: [][]string{tier("password-saisettei"), tier("login-dekinai")}, only: true},
	{name: "japanese two-step verification", query: "二段階認証",
		top: [][]string{tier("nidankai-kishu"), tier("nidankai-sms")}, only: true},
	{name: "japanese rate limit", query: "レート制限",
		top: [][]string{tier("rate-limit-ja")}, only: true},
	{name: "japanese content policy", query: "コンテンツポリシー",
		top: [][]string{tier("policy-ja")}, only: true},
	{name: "katakana loanword", query: "インボイス",
		top: [][]string{tier("invoice-seido")}, only: true},
	{name: "mixed API キー with a space", query: "API キー",
		top: [][]string{tier("apikey-mukou", "apikey-zenkaku")}, not: []string{"shortcut-ja", "jikoshoukai"}, only: true},
	{name: "mixed sentence as a query", query: "APIキーが無効です",
		top: [][]string{tier("apikey-mukou")}, only: true},
	{name: "english word glued to japanese", query: "webhook",
		top: [][]string{tier("webhook-ja")}, only: true},
	{name: "one kanji", query: "税",
		also: []string{"invoice-seido"}, not: []string{"seikyu-toiawase", "seikyusho-todokanai"}},
	// In ryoshusho 税 is the last character of 消費税, followed by digits; a
	// user searching for 税 expects that thread all the same.
	{name: "one kanji at the end of a word", query: "税",
		also: []string{"invoice-seido", "ryoshusho"}, only: true},

	// The ranking rules the forum promises.
	{name: "title match above reply-only match", query: "proxy",
		top: [][]string{tier("sdk-timeout-proxy"), tier("sdk-hangs-upload")}, only: true},
	{name: "question above reply", query: "vpn",
		top: [][]string{tier("login-loop-vpn"), tier("captcha-every-time")}, only: true},
	{name: "equal matches: newer first", query: "export link expired",
		top: [][]string{tier("export-new"), tier("export-old")}, only: true},
	{name: "equal matches then a weaker one", query: "data export",
		top: [][]string{tier("export-new"), tier("export-old"), tier("export-history")}, only: true},

	// Filters and sort order.
	{name: "category filter: billing", query: "limit", category: "billing",
		top: [][]string{tier("spending-limit")}, not: []string{"rate-limit-increase", "rate-limit-429"}, only: true},
	{name: "category filter: api", query: "limit", category: "api",
		top: [][]string{tier("rate-limit-increase"), tier("rate-limit-429"), tier("sdk-hangs-upload")}, not: []string{"spending-limit"}, only: true},
	{name: "category filter: japanese", query: "エラー", category: "api",
		top: [][]string{tier("rate-limit-ja", "sdk-timeout-ja"), tier("webhook-ja")}, not: []string{"login-dekinai"}, only: true},
	{name: "no category filter", query: "エラー",
		also: []string{"rate-limit-ja", "sdk-timeout-ja", "webhook-ja", "login-dekinai"}, only: true},
	{name: "author filter counts replies", query: "invoice", author: "mika",
		top: [][]string{tier("billing-address", "invoice-pdf")}, not: []string{"vat-invoices"}, only: true},
	{name: "author filter: japanese reply", query: "請求書", author: "sato",
		top: [][]string{tier("seikyusho-todokanai")}, only: true},
	{name: "date range: from", query: "invoice", postedAfter: "invoice-pdf",
		top: [][]string{tier("vat-invoices")}, only: true},
	{name: "date range: to", query: "invoice", postedBefore: "invoice-pdf",
		top: [][]string{tier("billing-address")}, only: true},
	{name: "date range: from and to", query: "invoice", postedAfter: "billing-address", postedBefore: "spending-limit",
		top: [][]string{tier("invoice-pdf")}, only: true},
	{name: "sort by newest", query: "refund", sort: models.SortNewest,
		top: [][]string{tier("partial-refund"), tier("cancel-subscription"), tier("refund-pending"), tier("refund-annual"), tier("charged-twice")}, only: true},
	{name: "sort by newest: japanese", query: "請求", sort: models.SortNewest,
		top: [][]string{tier("invoice-seido"), tier("niju-seikyu"), tier("seikyusho-todokanai"), tier("seikyu-toiawase")}, only: true},

	// Where the engines' text processing differs.
	{name: "accents: cafe finds café", query: "cafe",
		top: [][]string{tier("cafe-meetup")}, only: true},
	{name: "accents: café finds café", query: "café",
		top: [][]string{tier("cafe-meetup")}, only: true},
	{name: "stop words in a query", query: "export my data",
		top: [][]string{tier("export-new"), tier("export-old"), tier("export-history")}, only: true},
}

func (c relevanceCase) input(t *testing.T, fx *searchFixture, query string) models.SearchInput {
	t.Helper()
	in := models.SearchInput{Query: query, Sort: c.sort}
	if c.category != "" {
		in.CategoryID = fx.category(t, c.category)
	}
	if c.author != "" {
		in.AuthorID = fx.user(t, c.author).ID
	}
	if c.postedAfter != "" {
		in.From = fx.instant(t, fx.createdAfter, c.postedAfter)
	}
	if c.postedBefore != "" {
		in.To = fx.instant(t, fx.createdBefore, c.postedBefore)
	}
	return in
}

func TestSearchRelevance(t *testing.T) {
	answers := newDialectAnswers(t)
	eachDialect(t, func(t *testing.T, s *models.Store) {
		fx := loadSearchFixture(t, s)
		for _, c := range relevanceCases {
			t.Run(c.name, func(t *testing.T) {
				got, res := fx.search(t, c.input(t, fx, c.query))
				answers.record(queryLabel(c.name, c.query), s.Dialect(), got)
				checkRanking(t, c, got)
				if c.sort == models.SortNewest {
					for i := 1; i < len(res.Results); i++ {
						if res.Results[i].Post.CreatedAt.After(res.Results[i-1].Post.CreatedAt) {
							t.Errorf("sorted by newest, but result %d (%s) is newer than result %d", i, got[i], i-1)
						}
					}
				}
				if c.sameAs != "" {
					other, _ := fx.search(t, c.input(t, fx, c.sameAs))
					if !slices.Equal(got, other) {
						t.Errorf("query %q found %v\nbut %q found %v; want the same", c.query, got, c.sameAs, other)
					}
				}
			})
		}
	})
}

func checkRanking(t *testing.T, c relevanceCase, got []string) {
	t.Helper()
	pos, expected := 0, len(c.also)
	for _, want := range c.top {
		expected += len(want)
		end := pos + len(want)
		if end > len(got) {
			t.Errorf("query %q: got %d results %v, want at least %d, starting with %v", c.query, len(got), got, end, c.top)
			return
		}
		if !slices.Equal(sortedCopy(got[pos:end]), sortedCopy(want)) {
			order := "in this order"
			if len(want) > 1 {
				order = "in any order"
			}
			t.Errorf("query %q: results %d–%d are %v, want %v %s\nall results: %v", c.query, pos+1, end, got[pos:end], want, order, got)
		}
		pos = end
	}
	for _, k := range c.also {
		if !slices.Contains(got, k) {
			t.Errorf("query %q: %s not found in %v", c.query, k, got)
		}
	}
	for _, k := range c.not {
		if slices.Contains(got, k) {
			t.Errorf("query %q: %s must not be found, got %v", c.query, k, got)
		}
	}
	if c.only && len(got) != expected {
		t.Errorf("query %q: got %d results %v, want only %d", c.query, len(got), got, expected)
	}
}

// awkwardQueries are what people (and scanners) really type into a search
// box. None may fail; empty means no results are possible, some that the
// query still holds a word that is in the fixture.
var awkwardQueries = []struct {
	name  string
	query string
	empty bool
	some  bool
}{
	{name: "empty", query: "", empty: true},
	{name: "blank", query: " \t\n\u3000", empty: true},
	// Whether stop words alone find anything is left open here, but both
	// databases must give the same answer (see dialectAnswers).
	{name: "only stop words", query: "the of and"},
	{name: "only punctuation", query: "!!! ??? ... --- ,;:", empty: true},
	{name: "only japanese punctuation", query: "。、「」・！？", empty: true},
	{name: "1000 characters", query: strings.Repeat("refund ", 143)[:1000], some: true},
	{name: "1000 japanese characters", query: strings.Repeat("請求書が届きません", 112)[:1000*3]},
	{name: "1000 characters of separate words", query: strings.Repeat("a ", 500)},
	{name: "sql injection", query: "'; DROP TABLE posts; --"},
	{name: "sql injection in a phrase", query: `"refund' OR '1'='1"`},
	{name: "like wildcards", query: `%_\`, empty: true},
	{name: "tsquery operators", query: "a & b | !c <-> d"},
	{name: "tsquery operators around words", query: "refund & !invoice | 'billing':*"},
	{name: "fts5 NEAR", query: "NEAR(a b)"},
	{name: "fts5 NEAR with real words", query: "NEAR(refund invoice, 5)"},
	{name: "fts5 column filter", query: "title:foo"},
	{name: "fts5 column filter with a real word", query: "body:refund"},
	{name: "lone star", query: "*", empty: true},
	{name: "trailing star", query: "refund*", some: true},
	{name: "caret and parentheses", query: "^(refund) AND NOT invoice"},
	{name: "invalid utf-8", query: "\xff\xfe", empty: true},
	{name: "invalid utf-8 between words", query: "refund\xff\xfe pending", some: true},
	{name: "truncated utf-8", query: "請求\xe6\xb1", some: true},
	{name: "nul byte", query: "re\x00fund", some: true},
	{name: "unbalanced quote", query: `"invalid api key`, some: true},
	{name: "stray closing quote", query: `invalid api key"`, some: true},
	{name: "only a quote", query: `"`, empty: true},
	{name: "empty phrase", query: `""`, empty: true},
	{name: "typographic quotes", query: "“invalid api key”", some: true},
	{name: "only exclusions", query: "-refund -invoice", empty: true},
	{name: "lone minus", query: "- refund", some: true},
	{name: "dangling OR", query: "OR refund OR", some: true},
	{name: "only OR", query: "OR", empty: true},
	{name: "lower-case or is a word", query: "refund or invoice"},
	{name: "emoji", query: "🎉🔥", empty: true},
	{name: "combining marks alone", query: "\u0301\u3099", empty: true},
	{name: "html", query: "<script>alert(1)</script>"},
}

func TestSearchRelevanceQuerySyntax(t *testing.T) {
	answers := newDialectAnswers(t)
	eachDialect(t, func(t *testing.T, s *models.Store) {
		fx := loadSearchFixture(t, s)
		for _, q := range awkwardQueries {
			t.Run(q.name, func(t *testing.T) {
				got, res := fx.search(t, models.SearchInput{Query: q.query})
				answers.record(queryLabel(q.name, q.query), s.Dialect(), got)
				if q.empty && (len(got) > 0 || res.TotalItems != 0) {
					t.Errorf("query %q: got %v, want no results", q.query, got)
				}
				if q.some && len(got) == 0 {
					t.Errorf("query %q: no results, want some", q.query)
				}
			})
		}
		// Nothing typed above changed the database.
		if got, _ := fx.search(t, models.SearchInput{Query: "refund"}); len(got) != 5 {
			t.Errorf("after the awkward queries, refund finds %v, want 5 threads", got)
		}
	})
}

func TestSearchRelevanceSnippets(t *testing.T) {
	cases := []struct {
		name     string
		query    string
		thread   string
		contains []string
		excludes []string
	}{
		{name: "english word", query: "refund", thread: "refund-annual",
			contains: []string{"Is a <mark>refund</mark> possible?"}},
		{name: "stemmed form in the post", query: "billing", thread: "billed-after-cancel",
			contains: []string{"I was <mark>billed</mark> again"}},
		{name: "case of the post is kept", query: "INVOICE", thread: "invoice-pdf",
			contains: []string{"a PDF <mark>invoice</mark> for", "past <mark>invoices</mark>?"}},
		{name: "japanese word inside a sentence", query: "請求書", thread: "seikyusho-todokanai",
			contains: []string{"届いていた<mark>請求書</mark>が"}},
		{name: "half-width post, full-width query", query: "カード", thread: "card-hankaku",
			contains: []string{"<mark>ｶｰﾄﾞ</mark>番号", "この<mark>ｶｰﾄﾞ</mark>は"}},
		{name: "full-width query, ASCII post", query: "ＡＰＩキー", thread: "apikey-mukou",
			contains: []string{"発行した<mark>APIキー</mark>を"}},
		{name: "code with html is escaped", query: "gateway", thread: "sdk-html-response",
			contains: []string{"&lt;title&gt;502 Bad <mark>Gateway</mark>&lt;/title&gt;"},
			excludes: []string{"<title>", "<!DOCTYPE", "<code>"}},
		{name: "raw html never reaches a snippet", query: "widget", thread: "widget-embed",
			contains: []string{"the &lt;script&gt; tag", "the <mark>widget</mark> never"},
			excludes: []string{"<script", "<b>", "embed.js"}},
	}
	eachDialect(t, func(t *testing.T, s *models.Store) {
		fx := loadSearchFixture(t, s)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, res := fx.search(t, models.SearchInput{Query: c.query})
				i := slices.Index(got, c.thread)
				if i < 0 {
					t.Fatalf("query %q: %s not found in %v", c.query, c.thread, got)
				}
				snippet := res.Results[i].Snippet
				for _, want := range c.contains {
					if !strings.Contains(snippet, want) {
						t.Errorf("query %q: snippet %q lacks %q", c.query, snippet, want)
					}
				}
				for _, bad := range c.excludes {
					if strings.Contains(snippet, bad) {
						t.Errorf("query %q: snippet %q contains %q", c.query, snippet, bad)
					}
				}
			})
		}
	})
}
