package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"hiroba/models"
)

// floodQuestion is one question of the fixture: when it was asked, in
// minutes after the fixture's start, and which burst it belongs to ("" for
// ordinary traffic).
type floodQuestion struct {
	minute      float64
	burst       string
	title, body string
}

// The fixture: an hour of ordinary questions in English and Japanese, of
// every kind a support forum gets (billing, signing in, the API, flagged
// prompts), some of them close to the outage's words; and in its last
// twelve minutes two bursts: fifteen people who cannot sign in because the
// sign-in page loops, asking in their own words and languages, and six who
// get 429 from the API, fewer than the threshold.
var floodFixture = []floodQuestion{
	{0, "", "Charged twice for the Pro plan", "My card shows two charges of $20 this month. Can someone explain?"},
	{1.5, "", "How do I download my invoices?", "I need the PDF invoices for my accountant."},
	{3, "", "プロンプトが不適切と判定されました", "料理のレシピを聞いただけなのに、ポリシー違反と表示されます。"},
	{4.5, "", "Python SDK times out on long completions", "With stream=False the client gives up after 60 seconds."},
	{6, "", "請求書の宛名を会社名に変えたい", "経理から会社名で発行してほしいと言われました。"},
	{7.5, "", "Login with SSO stopped working for our org", "Our Okta integration gives an error after the certificate rotation."},
	{9, "", "Best way to count tokens before sending?", "I want to stay under the context length."},
	{10.5, "", "APIキーを再発行する方法", "キーが漏れたかもしれないので、新しいキーに変えたいです。"},
	{12, "", "Webhook not firing for completed batches", "The batch finishes but our endpoint never gets the callback."},
	{13.5, "", "Prompt flagged as unsafe for a medical question", "I asked about drug interactions for my own prescription."},
	{15, "", "Refund for unused credits", "We bought credits by mistake, can they be refunded?"},
	{16.5, "", "日本語の出力が途中で切れる", "長い文章を生成すると最後まで出力されません。max_tokensは十分です。"},
	{18, "", "Export all my conversation history", "Is there a way to export everything as JSON?"},
	{19.5, "", "Two-factor codes not arriving by SMS", "I switched phones and the SMS never comes."},
	{21, "", "Difference between the Team and Enterprise plans", "We are 30 people, which plan fits?"},
	{22.5, "", "context_length_exceeded with a short prompt", "I send 2,000 tokens and get context_length_exceeded. The model should take 128k."},
	{24, "", "料金プランの違いを教えてください", "個人プランとチームプランのどちらがいいですか。"},
	{25.5, "", "Add a member to my organization", "The invite email never arrives for my colleague."},
	{27, "", "Streaming responses cut off mid-sentence", "Using server-sent events, the stream closes early about once an hour."},
	{28.5, "", "Change the email address on my account", "I left my old job and lost access to that address."},
	{30, "", "支払い方法をクレジットカードから請求書払いに変更", "年間契約にしたいので、請求書払いにできますか。"},
	{31.5, "", "Fine-tuning job stuck in queued", "It has been queued for six hours."},
	{33, "", "Why was my account suspended?", "I got an email saying my account was suspended for policy reasons."},
	{34.5, "", "Embeddings differ between two calls", "The same text gives slightly different vectors, is that expected?"},
	{36, "", "VAT number on invoices", "Our VAT number does not appear on the invoices."},
	{37.5, "", "画像のアップロードに失敗する", "PNGファイルをアップロードすると失敗します。サイズは2MBです。"},
	{39, "", "Where can I see my usage per project?", "The dashboard only shows the total."},
	{40.5, "", "Assistant ignores the system prompt", "It answers in English even when told to answer in Japanese."},
	{42, "", "Cancel my subscription", "How do I stop the monthly renewal?"},
	{43.5, "", "Audio transcription in Japanese is wrong", "Names come out as random kanji."},
	{45, "", "Can't log in with my Google account", "Clicking 'Continue with Google' shows a blank page on Firefox."},
	{46.5, "", "What is the rate limit for the free tier?", "How many requests per minute can I make before paying?"},
	{48, "", "API returns 500 when uploading large files", "Files over 20 MB fail with status 500, smaller ones work."},
	{49.5, "", "ログインできない 二段階認証のコードが届かない", "機種変更したので、認証アプリのコードがありません。"},
	{51, "", "How do I update my billing address?", "I moved and the invoices still show the old address. Where is the page for that?"},
	{52.5, "", "invalid_api_key after rotating my key", "I created a new key and now get invalid_api_key. Is there a delay?"},
	{54, "", "Model keeps answering in English", "Even with a Japanese prompt the answer is in English."},
	{55.5, "", "Prompt rejected by moderation for a history essay", "Writing about the war gets flagged."},
	{57, "", "Invoice PDF is blank", "The downloaded invoice opens as an empty page."},
	{58.5, "", "ファインチューニングの料金", "学習にかかる費用はどこで確認できますか。"},

	// The outage: the sign-in page sends everyone back to itself.
	{48.2, "login", "Login loop after update", "Since this morning's update I sign in and it sends me straight back to the sign-in page."},
	{48.9, "login", "can't sign in, keeps redirecting", "Every time I enter my password it redirects me back to the login screen. Tried another browser too."},
	{49.3, "login", "ログインできません ループします", "ログインするとまたログイン画面に戻されて、ずっとループします。"},
	{50.1, "login", "Stuck in a redirect loop when logging in", "Chrome says ERR_TOO_MANY_REDIRECTS right after I log in."},
	{50.8, "login", "ERR_TOO_MANY_REDIRECTS on the sign in page", "Started about ten minutes ago, in Safari and in Chrome."},
	{51.6, "login", "ログイン後にリダイレクトが止まらない", "アップデート後、ログインボタンを押すとリダイレクトが繰り返されます。"},
	{52.2, "login", "Login page refreshes forever", "It keeps going back and forth between the dashboard and the login page, like a loop."},
	{52.9, "login", "Sign-in broken? Keeps bouncing me back", "I log in, see the dashboard for a second, then I'm redirected to sign in again."},
	{53.4, "login", "サインインするとループする", "サインインしてもすぐにサインイン画面に戻ります。スマホでも同じです。"},
	{54.4, "login", "Is login down? Redirect loop for everyone on our team", "Five of us cannot get in since 10:40."},
	{55.1, "login", "ログインループが発生しています", "スマホでもPCでもログインループになります。キャッシュも消しました。"},
	{55.8, "login", "Endless login loop on the mobile app", "The app opens the browser to log in and then returns to the same screen."},
	{56.6, "login", "Can't log in - page keeps reloading", "After entering my credentials the page reloads and asks me to sign in again. Looks like a redirect loop."},
	{57.4, "login", "ログインできない(無限ループ)", "ログインしようとすると同じ画面に何度も戻ってしまいます。"},
	{58.1, "login", "Logged out immediately after logging in", "I sign in and get kicked back to the login form instantly. Started after the update."},

	// A second, smaller burst: the API's rate limiter misfires for a few.
	{50.4, "429", "Error 429 on every request", "All API calls return 429 Too Many Requests even though we are far below our quota."},
	{51.9, "429", "APIが429を返します", "数分前からすべてのリクエストで429エラーになります。"},
	{53.7, "429", "rate_limit_exceeded with almost no traffic", "Response: `{\"error\": {\"code\": \"rate_limit_exceeded\", \"message\": \"Rate limit reached\"}}`"},
	{55.3, "429", "Getting Too Many Requests for 10 minutes", "Our nightly batch job fails with HTTP 429 on the first call."},
	{56.9, "429", "429エラーが出る", "レート制限に達していないはずなのに rate_limit_exceeded が返ってきます。"},
	{58.6, "429", "Rate limited on the first call of the day", "The very first request gets status 429."},
}

// floodStart is when the fixture's hour begins.
var floodStart = time.Date(2026, 5, 12, 10, 0, 0, 0, time.UTC)

// seedFloodFixture asks each question of the fixture as a person of its
// own, at its time, and returns the threads by burst.
func seedFloodFixture(t *testing.T, s *models.Store, qs []floodQuestion) map[int64]string {
	t.Helper()
	ctx := context.Background()
	burstOf := map[int64]string{}
	for i, q := range qs {
		u := signIn(t, s, fmt.Sprint(1000+i), fmt.Sprintf("asker%d", i))
		th, err := s.CreateThread(ctx, models.NewThread{UserID: u.ID, CategoryID: 6, Title: q.title, Body: q.body})
		if err != nil {
			t.Fatalf("%q: %v", q.title, err)
		}
		if err := s.Backdate(ctx, "threads", th.ID, floodStart.Add(time.Duration(q.minute*float64(time.Minute)))); err != nil {
			t.Fatal(err)
		}
		burstOf[th.ID] = q.burst
	}
	return burstOf
}

// membership scores what the detector found against the bursts it should
// have found: of the questions in its floods, how many belong to those
// bursts (precision); of the questions of those bursts, how many it found
// (recall).
func membership(floods []models.Flood, burstOf map[int64]string, want ...string) (precision, recall float64) {
	truth := 0
	for _, b := range burstOf {
		if slices.Contains(want, b) {
			truth++
		}
	}
	found, right := 0, 0
	for _, f := range floods {
		for _, th := range f.Threads {
			found++
			if slices.Contains(want, burstOf[th.ID]) {
				right++
			}
		}
	}
	if found > 0 {
		precision = float64(right) / float64(found)
	}
	if truth > 0 {
		recall = float64(right) / float64(truth)
	}
	return precision, recall
}

// majority is the burst most of a flood's questions belong to.
func majority(f models.Flood, burstOf map[int64]string) string {
	count := map[string]int{}
	best := ""
	for _, th := range f.Threads {
		b := burstOf[th.ID]
		count[b]++
		if count[b] > count[best] || best == "" {
			best = b
		}
	}
	return best
}

func describe(floods []models.Flood, burstOf map[int64]string) string {
	var b strings.Builder
	for _, f := range floods {
		fmt.Fprintf(&b, "\n%q: %d questions, %v", f.Label, f.Count, f.Span())
		for _, th := range f.Threads {
			fmt.Fprintf(&b, "\n    [%s] %s", burstOf[th.ID], th.Title)
		}
	}
	return b.String()
}

// The detector on an hour of ordinary traffic with two bursts in it: with
// the default settings (more than 10 within 15 minutes) it finds the
// sign-in outage alone, under a label a moderator recognises, and with a
// lower threshold the API's smaller burst too, as a flood of its own.
func TestFloodsFindTheBurstAmongOrdinaryTraffic(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		burstOf := seedFloodFixture(t, s, floodFixture)
		now := floodStart.Add(time.Hour)
		r := models.DefaultRules
		floods, err := s.Floods(ctx, now, r.FloodThreshold, time.Duration(r.FloodWindow))
		if err != nil {
			t.Fatal(err)
		}
		precision, recall := membership(floods, burstOf, "login")
		t.Logf("default settings: precision %.2f, recall %.2f%s", precision, recall, describe(floods, burstOf))
		if len(floods) != 1 || majority(floods[0], burstOf) != "login" {
			t.Fatalf("want the sign-in flood alone; got %s", describe(floods, burstOf))
		}
		if precision < 0.9 || recall < 0.8 {
			t.Errorf("precision %.2f, recall %.2f; want at least 0.9 and 0.8", precision, recall)
		}
		f := floods[0]
		if f.Label != "login loop" {
			t.Errorf("label %q, want %q", f.Label, "login loop")
		}
		if f.Count != len(f.Threads) || f.First.After(f.Last) || f.Last.After(now) || f.Span() > 15*time.Minute {
			t.Errorf("flood of %d threads counts %d, from %v to %v", len(f.Threads), f.Count, f.First, f.Last)
		}
		for i := 1; i < len(f.Threads); i++ {
			if f.Threads[i].CreatedAt.Before(f.Threads[i-1].CreatedAt) {
				t.Errorf("threads out of order: %v before %v", f.Threads[i-1].CreatedAt, f.Threads[i].CreatedAt)
			}
		}
		if f.Threads[0].Slug == "" || f.Threads[0].Title == "" {
			t.Errorf("a flood's thread lacks what a link needs: %+v", f.Threads[0])
		}

		// A lower threshold shows the API's burst as well, apart.
		floods, err = s.Floods(ctx, now, 5, 15*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		precision, recall = membership(floods, burstOf, "login", "429")
		t.Logf("threshold 5: precision %.2f, recall %.2f%s", precision, recall, describe(floods, burstOf))
		if len(floods) != 2 || majority(floods[0], burstOf) != "login" || majority(floods[1], burstOf) != "429" {
			t.Fatalf("want the sign-in and the API floods; got %s", describe(floods, burstOf))
		}
		if precision < 0.9 || recall < 0.8 {
			t.Errorf("precision %.2f, recall %.2f; want at least 0.9 and 0.8", precision, recall)
		}
		if !strings.HasPrefix(floods[1].Label, "429") {
			t.Errorf("the API flood is labelled %q, want its status first", floods[1].Label)
		}
	})
}

// floodHeldOut is a second fixture, written after the rules were settled on
// the first and not used to tune them: another hour, another outage (image
// uploads failing, in both languages), a small burst of people asking for a
// dark mode, and ordinary traffic with uploads and payments in it.
var floodHeldOut = []floodQuestion{
	{0, "", "How do I change my username?", "I picked a silly one when I signed up."},
	{2, "", "Annual plan discount?", "Is there a discount if we pay for a year up front?"},
	{4, "", "モデルの回答が毎回違う", "同じ質問をしても答えが変わります。temperatureは0です。"},
	{6, "", "Can I use the API from a browser?", "Our frontend wants to call the API directly with fetch."},
	{8, "", "領収書をPDFでダウンロードしたい", "経費精算のために領収書が必要です。"},
	{10, "", "Delete my account and data", "Please tell me how to remove everything."},
	{12, "", "What file types can I attach?", "Can I attach a spreadsheet to a chat?"},
	{14, "", "Organization billing email is wrong", "Invoices go to someone who left the company."},
	{16, "", "Response format JSON sometimes invalid", "With response_format json the output is cut and does not parse."},
	{18, "", "チームメンバーの招待メールが届かない", "招待したメンバーにメールが届いていないようです。"},
	{20, "", "Usage dashboard shows zero for yesterday", "Yesterday's usage is 0 although we made thousands of calls."},
	{22, "", "Translate a whole document", "What is the best way to translate a 50 page PDF?"},
	{24, "", "Card declined but bank says fine", "My card keeps getting declined on the payment page, the bank sees no attempt."},
	{26, "", "音声入力が使えない", "マイクの許可はしているのに音声入力ボタンが反応しません。"},
	{28, "", "Limit on image size for vision?", "What is the maximum resolution I can send to the vision model?"},
	{30, "", "Change the default model for my team", "Everyone gets the old model unless they switch."},
	{32, "", "Password reset link expired", "The link in the email says it expired, I clicked it right away."},
	{34, "", "バッチAPIの結果が取得できない", "ステータスはcompletedなのに出力ファイルが空です。"},
	{36, "", "Does the API keep my data?", "Do you train on what we send through the API?"},
	{38, "", "Keyboard shortcuts list", "Is there a list of shortcuts for the chat?"},
	{40, "", "Upload a CSV for analysis", "How do I get the assistant to read my CSV file?"},
	{42, "", "Invoice shows the wrong currency", "We are billed in USD but want JPY."},
	{44, "", "請求金額が想定より高い", "今月の請求が先月の3倍になっています。"},
	{46, "", "Streaming stops after the first token", "With Node 18 the stream ends after one chunk."},
	{47, "", "Can I get a refund for last month?", "We did not use the service at all."},
	{49, "", "Chat history disappeared", "All my conversations from last week are gone."},
	{51, "", "How do I attach a file on mobile?", "The paperclip icon is missing on Android."},
	{53, "", "招待リンクの有効期限", "チームの招待リンクは何日有効ですか。"},
	{55, "", "Payment failed with a Japanese credit card", "The card is issued in Japan and the payment fails every time."},
	{58, "", "Rename a project", "Can I rename a project without losing its keys?"},

	// The outage: image uploads fail.
	{46.5, "upload", "Image upload fails since this morning", "Every PNG I try to attach fails with \"Upload failed. Please try again.\""},
	{47.4, "upload", "画像がアップロードできない", "画像を添付すると「アップロードに失敗しました」と出ます。"},
	{48.1, "upload", "Upload failed. Please try again.", "Happens with every image, even a 10 KB one."},
	{48.8, "upload", "Attachments stuck at 99%", "The upload bar reaches 99% and then shows Upload failed."},
	{49.6, "upload", "アップロードに失敗しました と表示される", "スクリーンショットを貼ろうとすると失敗します。"},
	{50.3, "upload", "Can't upload images to chat", "Drag and drop or the button, both give an error: Upload failed."},
	{51.2, "upload", "413 error when uploading a screenshot", "The network tab shows the upload request returned 413."},
	{52, "upload", "ファイル添付ができません", "PDFも画像もアップロードに失敗します。"},
	{52.7, "upload", "Is image upload down?", "Nobody on our team can upload pictures."},
	{53.5, "upload", "Screenshot upload error", "I paste a screenshot and get \"Upload failed. Please try again.\""},
	{54.3, "upload", "画像添付でエラー", "「アップロードに失敗しました」と出て画像が送れません。"},
	{56, "upload", "Uploading any file fails", "Tried PNG, JPG and PDF: upload failed each time."},

	// Under the threshold: a few people want a dark mode.
	{47.8, "dark", "Dark mode please", "The white background hurts at night."},
	{50.9, "dark", "ダークモードはありますか", "夜に使うとまぶしいです。"},
	{54.8, "dark", "Is there a dark theme?", "I could not find one in the settings."},
	{57.2, "dark", "Dark mode for the mobile app", "The website has it but the app does not."},
}

// The held-out fixture, scored as the first is: its numbers are the
// detector's on text it was not fitted to.
func TestFloodsOnAHeldOutFixture(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		burstOf := seedFloodFixture(t, s, floodHeldOut)
		r := models.DefaultRules
		floods, err := s.Floods(context.Background(), floodStart.Add(time.Hour), r.FloodThreshold, time.Duration(r.FloodWindow))
		if err != nil {
			t.Fatal(err)
		}
		precision, recall := membership(floods, burstOf, "upload")
		t.Logf("held out, default settings: precision %.2f, recall %.2f%s", precision, recall, describe(floods, burstOf))
		if len(floods) != 1 || majority(floods[0], burstOf) != "upload" {
			t.Fatalf("want the upload flood alone; got %s", describe(floods, burstOf))
		}
		if precision < 0.9 || recall < 0.8 {
			t.Errorf("precision %.2f, recall %.2f; want at least 0.9 and 0.8", precision, recall)
		}
	})
}

// The settings decide: a shorter window holds fewer of the burst's
// questions, and a higher threshold asks for more of them.
func TestFloodSettingsChangeWhatIsFound(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		burstOf := seedFloodFixture(t, s, floodFixture)
		now := floodStart.Add(time.Hour)
		for _, c := range []struct {
			threshold int
			window    time.Duration
			want      []string // the bursts found, largest first
		}{
			{10, 15 * time.Minute, []string{"login"}},
			{15, 15 * time.Minute, nil}, // fifteen is not more than fifteen
			{14, 15 * time.Minute, []string{"login"}},
			{10, 5 * time.Minute, nil},              // five of them in the last five minutes
			{3, 5 * time.Minute, []string{"login"}}, // four of them alike without the earlier ones between
			{5, 15 * time.Minute, []string{"login", "429"}},
			{5, time.Hour, []string{"login", "429"}},
			{5, 0, nil}, // no window: not looking
		} {
			floods, err := s.Floods(ctx, now, c.threshold, c.window)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range floods {
				got = append(got, majority(f, burstOf))
				if f.Count <= c.threshold || now.Sub(f.First) > c.window {
					t.Errorf("more than %d within %v: a flood of %d from %v", c.threshold, c.window, f.Count, f.First)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("more than %d within %v: found %v, want %v%s", c.threshold, c.window, got, c.want, describe(floods, burstOf))
			}
		}
	})
}

// Only questions everyone may read make a flood: held, hidden, deleted,
// closed as duplicates or merged ones are not counted, not listed, and not
// accepted when a form names them.
func TestFloodsIgnoreQuestionsOutOfView(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		var burst []floodQuestion
		for _, q := range floodFixture {
			if q.burst == "login" {
				burst = append(burst, q)
			}
		}
		burstOf := seedFloodFixture(t, s, burst[:9])
		var visible []int64
		for id := range burstOf {
			visible = append(visible, id)
		}
		mod := moderator(t, s, "9", "mod")
		admin := moderator(t, s, "8", "root")
		admin.Role = models.RoleAdmin
		if err := s.AddWatchedWord(ctx, admin, models.WatchedWord{Pattern: "free-credits", Kind: "word", Action: models.WatchHold}); err != nil {
			t.Fatal(err)
		}
		var out []int64
		for i, q := range burst[9:] {
			u := signIn(t, s, fmt.Sprint(2000+i), fmt.Sprintf("other%d", i))
			body := q.body
			if i == 0 {
				body += " free-credits" // held for review with its question
			}
			th, err := s.CreateThread(ctx, models.NewThread{UserID: u.ID, CategoryID: 6, Title: q.title, Body: body})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Backdate(ctx, "threads", th.ID, floodStart.Add(time.Duration(q.minute*float64(time.Minute)))); err != nil {
				t.Fatal(err)
			}
			switch i {
			case 1:
				err = s.ModerateThread(ctx, mod, th.ID, models.ThreadHide, 0, "spam")
			case 2:
				_, err = s.SetPostHidden(ctx, mod, th.FirstPostID, true, "personal data")
			case 3:
				_, err = s.DeletePost(ctx, u, th.FirstPostID)
			case 4:
				err = s.ExecForTest(ctx, "UPDATE threads SET duplicate_of = ? WHERE id = ?", visible[0], th.ID)
			case 5:
				err = s.ExecForTest(ctx, "UPDATE threads SET merged_into = ? WHERE id = ?", visible[0], th.ID)
			}
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, th.ID)
		}
		if len(out) != 6 {
			t.Fatalf("%d questions out of view, want 6", len(out))
		}
		now := floodStart.Add(time.Hour)
		// Nine in view and six out: not more than ten.
		if floods, err := s.Floods(ctx, now, 10, 15*time.Minute); err != nil || len(floods) != 0 {
			t.Fatalf("questions out of view counted: %v%s", err, describe(floods, burstOf))
		}
		floods, err := s.Floods(ctx, now, 8, 15*time.Minute)
		if err != nil || len(floods) != 1 || floods[0].Count != 9 {
			t.Fatalf("want the nine in view: %v%s", err, describe(floods, burstOf))
		}
		for _, th := range floods[0].Threads {
			if slices.Contains(out, th.ID) {
				t.Errorf("%q is out of view but listed", th.Title)
			}
		}

		// A form may send the flood's questions, and nothing else.
		ids := floods[0].ThreadIDs()
		got, err := s.FloodThreads(ctx, mod, append(ids, ids[0]), now.Add(time.Hour))
		if err != nil || len(got) != 9 || got[0].ID != floods[0].Threads[0].ID || got[0].Slug == "" {
			t.Errorf("the flood's own questions: %d, %v", len(got), err)
		}
		for _, id := range out {
			if _, err := s.FloodThreads(ctx, mod, append(ids[:2:2], id), now); !models.IsInvalid(err) {
				t.Errorf("question %d out of view accepted: %v", id, err)
			}
		}
		for _, bad := range [][]int64{nil, ids[:1], {ids[0], ids[0]}, {ids[0], 1 << 40}} {
			if _, err := s.FloodThreads(ctx, mod, bad, now); !models.IsInvalid(err) {
				t.Errorf("%v accepted: %v", bad, err)
			}
		}
		if _, err := s.FloodThreads(ctx, mod, ids, now.Add(25*time.Hour)); !models.IsInvalid(err) {
			t.Errorf("questions of yesterday accepted: %v", err)
		}
		member := signIn(t, s, "7", "member")
		if _, err := s.FloodThreads(ctx, member, ids, now); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("a member sent a flood: %v", err)
		}
	})
}
