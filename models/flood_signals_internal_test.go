package models

import (
	"slices"
	"strings"
	"testing"

	"hiroba/models/search"
)

// What counts as an error a question quotes, and what does not.
func TestFloodErrors(t *testing.T) {
	tests := []struct {
		text string
		want []string // keys
	}{
		{"Error 429 on every request", []string{"429"}},
		{"HTTP/1.1 503", []string{"503"}},
		{"APIが429を返します", []string{"429"}},
		{"429エラーが出る", []string{"429"}},
		{"status code: 502 bad gateway", []string{"502"}},
		{"All calls fail: Too Many Requests", []string{"429"}},
		// Numbers that are no status.
		{"I was charged $429 for 500 requests", nil},
		{"Room 404 at the office", nil},
		// Error codes, not names.
		{`{"error": {"code": "rate_limit_exceeded", "message": "Rate limit reached"}}`, []string{"rate_limit_exceeded", "rate limit reached"}},
		{"Set max_tokens and user_id but got invalid_api_key", []string{"invalid_api_key"}},
		{"Chrome says ERR_TOO_MANY_REDIRECTS", []string{"err_too_many_redirects"}},
		{"openai.AuthenticationError: bad key; ECONNRESET", []string{"authenticationerror", "econnreset"}},
		// Quoted messages, in any quotes, whatever their case or full stop.
		{"画面に「エラーが発生しました。」と出ます", []string{"エラーが発生しました"}},
		{"エラーが発生しましたと表示されて進めない", []string{"エラーが発生しました"}},
		{`It says "Something went wrong. Please try again."`, []string{"something went wrong", "something went wrong. please try again"}},
		{"It says “Upload failed, try later”", []string{"upload failed, try later"}},
		// A quoted word or button is no message.
		{`Click "Save" then 「保存」`, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, e := range floodErrors(tt.text, search.Normalize(tt.text)) {
			got = append(got, e.key)
		}
		slices.Sort(got)
		slices.Sort(tt.want)
		if !slices.Equal(got, tt.want) {
			t.Errorf("floodErrors(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// The glossary lets English and Japanese questions about signing in meet.
func TestFloodKeywordsGlossary(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Can't sign in, keeps redirecting", "login loop"},
		{"Logged out immediately after logging in", "logout immedi login"},
		{"ログインできません ループします", "login loop"},
		{"サインインするとリダイレクトが止まらない", "login loop"},
		{"Log into the login page", "login login"},
		{"blog posts on design", "blog post design"},
		{"An error: problem happens every time", ""},
	}
	for _, tt := range tests {
		var got []string
		for _, k := range floodKeywords(new(search.KeywordReader), search.Normalize(tt.text)) {
			got = append(got, k.Key)
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("floodKeywords(%q) = %q, want %q", tt.text, g, tt.want)
		}
	}
}

// BenchmarkFloodGroups reads and groups a window of 3,000 questions, a
// third of them one outage, as the review queue does on every load during
// one: go test ./models -run '^$' -bench FloodGroups -benchtime 5x
func BenchmarkFloodGroups(b *testing.B) {
	titles := []string{
		"Login loop after update %d", "ログインできません ループします %d", "Error 429 on every request %d",
		"Invoice %d never arrived", "How do I export chat %d", "請求書 %d 件目が届きません", "Prompt %d flagged as unsafe",
	}
	body := "Since the update this morning I sign in and get sent back. The console says ERR_TOO_MANY_REDIRECTS " +
		"and the API answers 429 Too Many Requests; 「エラーが発生しました」と出ます。 " + strings.Repeat("More detail. ", 100)
	texts := make([][2]string, 3000)
	for i := range texts {
		texts[i] = [2]string{strings.Replace(titles[i%len(titles)], "%d", strings.Repeat("x", i%7), 1), body[:200+i%1000]}
	}
	b.ResetTimer()
	for range b.N {
		qs := make([]floodQuestion, len(texts))
		var kr search.KeywordReader
		for i, t := range texts {
			qs[i].floodSignals = readFloodSignals(&kr, t[0], t[1])
		}
		floodGroups(qs)
	}
}
