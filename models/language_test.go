package models_test

import (
	"context"
	"testing"

	"hiroba/models"
	"hiroba/models/modeltest"
)

func TestDetectLanguage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text, want string
	}{
		{"請求書が届きません", "ja"},
		{"How do I export my invoices?", "en"},
		{"Slack連携でエラーが出ます", "ja"},         // product names in a Japanese title
		{"CSVエクスポート", "ja"},               // one katakana word carries it
		{"How do I change my 請求先?", "en"}, // one Japanese word in an English question
		{"２段階認証を設定したい", "ja"},             // full-width digits are not letters
		{"ログインできない。エラー: `TypeError: cannot read properties of undefined (reading 'token')`", "ja"},
		{"設定画面で次のように出ます。\n\n```\nError: connection refused while fetching https://api.example.com/v1/settings\n```\n", "ja"},
		{"詳しくは https://example.com/help/account/two-factor-authentication を参照", "ja"},
		{"Since March the **invoice email** never arrives.\n\n- plan: Team", "en"},
		{"東京", "ja"}, // kanji alone
		{"Café au lait", "en"},
		{"👍 +1", ""},
		{"2026-03-01", ""},
		{"", ""},
	} {
		if got := models.DetectLanguage(tc.text); got != tc.want {
			t.Errorf("DetectLanguage(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// Titles and posts are tagged when written and when edited, and rows from
// before the language was kept are tagged when the store migrates.
func TestContentLanguageStoredAndBackfilled(t *testing.T) {
	t.Parallel()
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, dialect := modeltest.Open(t, d)
			s := models.NewStore(db, dialect)
			if err := s.EnsureDefaultCategories(ctx); err != nil {
				t.Fatal(err)
			}
			modeltest.Relax(t, s)
			u := signIn(t, s, "1", "hana")
			cats, err := s.Categories(ctx)
			if err != nil {
				t.Fatal(err)
			}
			th, err := s.CreateThread(ctx, models.NewThread{UserID: u.ID, CategoryID: cats[0].ID, Title: "請求書が届きません", Body: "Since March the invoice never arrives."})
			if err != nil {
				t.Fatal(err)
			}
			reply, err := s.CreateReply(ctx, models.NewReply{UserID: u.ID, ThreadID: th.ID, Body: "設定画面から再送できます。"})
			if err != nil {
				t.Fatal(err)
			}
			check := func(when, title, question, answer string) {
				t.Helper()
				v, err := s.ThreadPage(ctx, &u, th.ID, 1)
				if err != nil {
					t.Fatal(err)
				}
				if v.Thread.TitleLang != title || v.Posts[0].Lang != question || v.Posts[1].Lang != answer {
					t.Errorf("%s: title %q, question %q, reply %q; want %q, %q, %q", when,
						v.Thread.TitleLang, v.Posts[0].Lang, v.Posts[1].Lang, title, question, answer)
				}
			}
			check("written", "ja", "en", "ja")

			if _, _, err := s.EditPost(ctx, u, reply.ID, models.PostEdit{Body: "You can send it again from Settings."}); err != nil {
				t.Fatal(err)
			}
			check("edited", "ja", "en", "en")

			// As an older version of the forum left them.
			if err := db.Exec(`UPDATE threads SET title_lang = NULL`).Error; err != nil {
				t.Fatal(err)
			}
			if err := db.Exec(`UPDATE posts SET lang = NULL`).Error; err != nil {
				t.Fatal(err)
			}
			check("before the backfill", "", "", "")
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			check("backfilled", "ja", "en", "en")
		})
	}
}
