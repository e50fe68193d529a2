package views

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"

	"hiroba/models"
)

func TestTokenize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Hello, world  v2.10", []string{"Hello", ",", " ", "world", "  ", "v2", ".", "10"}},
		{"請求が二重", []string{"請", "求", "が", "二", "重"}},
		{"カードーを", []string{"カ", "ー", "ド", "ー", "を"}},
		{"ＡＢ１", []string{"Ａ", "Ｂ", "１"}},
		{"한국어 ok", []string{"한", "국", "어", " ", "ok"}},
		{"Zürich→東京\n", []string{"Zürich", "→", "東", "京", "\n"}},
		{"\xff\xfeab", []string{"\xff", "\xfe", "ab"}},
	} {
		got := tokenize(tc.in)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("tokenize(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if strings.Join(got, "") != tc.in {
			t.Errorf("tokens of %q do not join back", tc.in)
		}
	}
}

func TestDiffEnglishWords(t *testing.T) {
	got := diffText("The quick brown fox jumps over the dog.", "The quick red fox leaps over the lazy dog.")
	want := []diffOp{
		{'=', "The quick "}, {'-', "brown"}, {'+', "red"}, {'=', " fox "}, {'-', "jumps"}, {'+', "leaps"},
		{'=', " over the"}, {'+', " lazy"}, {'=', " dog."},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diff = %q\nwant   %q", got, want)
	}
	// A changed word is one change, not a run of changed letters.
	got = diffText("mail me at hana.sato@gmail.com", "mail me here")
	want = []diffOp{{'=', "mail me "}, {'-', "at hana.sato@gmail.com"}, {'+', "here"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diff = %q\nwant   %q", got, want)
	}
	// The "." inside a removed address and the spaces between rewritten
	// words do not cut the change into letters.
	got = diffText("Original wording with old details.", "Second wording, mail me at hana.sato@gmail.com")
	want = []diffOp{{'-', "Original"}, {'+', "Second"}, {'=', " wording"}, {'+', ","}, {'=', " "}, {'-', "with old details."}, {'+', "mail me at hana.sato@gmail.com"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diff = %q\nwant   %q", got, want)
	}
}

func TestDiffJapaneseByCharacter(t *testing.T) {
	got := diffText("今月、請求が二重になりました。", "今月、請求が三重になっています。")
	want := []diffOp{
		{'=', "今月、請求が"}, {'-', "二"}, {'+', "三"}, {'=', "重にな"}, {'-', "りました"}, {'+', "っています"}, {'=', "。"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diff = %q\nwant   %q", got, want)
	}
	// Japanese beside English: the English word changes whole, the
	// Japanese one character at a time.
	got = diffText("Stripeの返金", "PayPalの返品")
	want = []diffOp{{'-', "Stripe"}, {'+', "PayPal"}, {'=', "の返"}, {'-', "金"}, {'+', "品"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diff = %q\nwant   %q", got, want)
	}
}

func TestDiffRendersEscapedAndLabelled(t *testing.T) {
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	html := string(Diff(c.In("en"), `<b onclick="x">old</b> & more`, `<b onclick="x">new</b> & more`))
	want := `&lt;b onclick=&#34;x&#34;&gt;<del><span class="visually-hidden">Removed: </span>old</del>` +
		`<ins><span class="visually-hidden">Added: </span>new</ins>&lt;/b&gt; &amp; more`
	if html != want {
		t.Errorf("Diff = %s\nwant   %s", html, want)
	}
	ja := string(Diff(c.In("ja"), "あ", "い"))
	if !strings.Contains(ja, "削除:") || !strings.Contains(ja, "追加:") {
		t.Errorf("Japanese labels missing: %s", ja)
	}
	if got := Diff(c.In("en"), "", ""); got != "" {
		t.Errorf("empty diff = %q", got)
	}
}

// TestDiffIsShortestAndComplete checks the script against the length of
// the longest common subsequence, computed the slow way, and that it
// rebuilds both texts.
func TestDiffIsShortestAndComplete(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	words := []string{"a", "b", "c", "d", " ", "日", "本"}
	gen := func() []string {
		toks := make([]string, rng.Intn(14))
		for i := range toks {
			toks[i] = words[rng.Intn(len(words))]
		}
		return toks
	}
	for i := 0; i < 2000; i++ {
		a, b := gen(), gen()
		ops, ok := myers(a, b)
		if !ok {
			t.Fatalf("myers gave up on %q, %q", a, b)
		}
		var oldS, newS []string
		edits := 0
		for _, op := range ops {
			if op.kind != '+' {
				oldS = append(oldS, op.text)
			}
			if op.kind != '-' {
				newS = append(newS, op.text)
			}
			if op.kind != '=' {
				edits++
			}
		}
		if !reflect.DeepEqual(oldS, nilIfEmpty(a)) || !reflect.DeepEqual(newS, nilIfEmpty(b)) {
			t.Fatalf("script %q does not rebuild %q → %q", ops, a, b)
		}
		if want := len(a) + len(b) - 2*lcs(a, b); edits != want {
			t.Fatalf("%q → %q: %d edits, shortest is %d", a, b, edits, want)
		}
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func lcs(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				dp[i][j] = dp[i-1][j-1] + 1
			} else {
				dp[i][j] = max(dp[i-1][j], dp[i][j-1])
			}
		}
	}
	return dp[len(a)][len(b)]
}

// TestDiffCostIsBounded: long posts rewritten throughout fall back to
// "everything replaced" instead of costing quadratic time, and a small edit
// in a long post is still found exactly.
func TestDiffCostIsBounded(t *testing.T) {
	var oldB, newB strings.Builder
	for i := 0; oldB.Len() < 20000; i++ {
		oldB.WriteString("word" + string(rune('a'+i%26)) + " ")
		newB.WriteString("term" + string(rune('a'+(i*7)%26)) + " ")
	}
	interleaved := strings.Repeat("x y ", 1200) // under the token cap, over the edit cap
	for _, tc := range []struct{ name, old, new string }{
		{"rewritten", oldB.String(), newB.String()},
		{"scattered", interleaved, strings.ReplaceAll(interleaved, "y", "z")},
		{"cjk", strings.Repeat("日本語の文章", 3500), strings.Repeat("英語で書いた", 3500)},
	} {
		start := time.Now()
		ops := diffText(tc.old, tc.new)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: %v", tc.name, d)
		}
		var oldS, newS strings.Builder
		for _, op := range ops {
			if op.kind != '+' {
				oldS.WriteString(op.text)
			}
			if op.kind != '-' {
				newS.WriteString(op.text)
			}
		}
		if oldS.String() != tc.old || newS.String() != tc.new {
			t.Errorf("%s: the runs do not rebuild both texts", tc.name)
		}
	}
	long := oldB.String()
	got := diffText(long, strings.Replace(long, "wordm ", "wordm changed ", 1))
	if len(got) != 3 || got[1] != (diffOp{'+', "changed "}) {
		t.Errorf("small edit in a long post: %q", got[:min(len(got), 5)])
	}
}

// A withheld version is nobody's "next": the version before it is compared
// with the one after, so its text cannot appear as what an edit changed.
func TestNewHistorySkipsWithheldVersions(t *testing.T) {
	c, _ := NewCatalog()
	post := models.Post{Position: 1, Source: "Refund please.", Thread: models.Thread{Title: "Charged twice"}}
	revs := []models.RevisionView{
		{PostRevision: models.PostRevision{ID: 3, Source: "Refund please, mail hana@gmail.com", Title: "Charged twice, mail me"}, Withheld: true},
		{PostRevision: models.PostRevision{ID: 2, Source: "Refund?", Title: "Charged"}},
		{PostRevision: models.PostRevision{ID: 1, Source: "Refund?", Title: "Charged"}},
	}
	got := NewHistory(c.In("en"), post, revs)
	if got[0].Changes != "" || got[0].TitleChanges != "" {
		t.Errorf("withheld version has changes: %q", got[0].Changes)
	}
	for _, e := range got[1:] {
		if strings.Contains(string(e.Changes), "gmail") || strings.Contains(string(e.TitleChanges), "mail me") {
			t.Errorf("version %d shows withheld text: %s / %s", e.ID, e.Changes, e.TitleChanges)
		}
	}
	if !strings.Contains(string(got[1].Changes), `</span> please.</ins>`) || !strings.Contains(string(got[1].TitleChanges), `</span> twice</ins>`) {
		t.Errorf("version 2 not compared with the post: %s / %s", got[1].Changes, got[1].TitleChanges)
	}
	if got[2].Changes != "Refund?" || got[2].TitleChanges != "" {
		t.Errorf("version 1 against version 2: %q / %q", got[2].Changes, got[2].TitleChanges)
	}
}
