package mailer

import (
	"bytes"
	"io"
	"log/slog"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"

	"hiroba/models"
	"hiroba/views"
)

func TestParseServer(t *testing.T) {
	tests := []struct {
		in       string
		addr     string
		tls      bool
		user, pw string
		bad      bool
	}{
		{in: "smtp://mail.example.com:587", addr: "mail.example.com:587"},
		{in: "smtp://mail.example.com", addr: "mail.example.com:25"},
		{in: "smtps://u%40x:p%3Ass@mail.example.com", addr: "mail.example.com:465", tls: true, user: "u@x", pw: "p:ss"},
		{in: "smtp://[::1]:2525", addr: "[::1]:2525"},
		{in: "http://mail.example.com", bad: true},
		{in: "smtp://:25", bad: true},
		{in: "::", bad: true},
	}
	for _, tt := range tests {
		s, err := parseServer(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("%q accepted", tt.in)
			}
			continue
		}
		if err != nil || s.addr != tt.addr || s.implicitTLS != tt.tls || s.user != tt.user || s.pass != tt.pw {
			t.Errorf("%q = %+v, %v", tt.in, s, err)
		}
	}
}

func TestBackoffGrowsAndStops(t *testing.T) {
	want := []time.Duration{time.Minute, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute}
	for i, w := range want {
		if got := Backoff(i); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i, got, w)
		}
	}
	if Backoff(9) != 256*time.Minute || Backoff(10) != 6*time.Hour || Backoff(1000) != 6*time.Hour {
		t.Errorf("cap: %v %v %v", Backoff(9), Backoff(10), Backoff(1000))
	}
}

func testWorker(t *testing.T) *Worker {
	t.Helper()
	catalog, err := views.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	w, err := New(nil, catalog, Config{
		URL: "smtp://127.0.0.1:2525", BaseURL: "https://forum.example.com/", SiteName: "Hiroba",
		Unsubscribe: func(id int64) string { return "https://forum.example.com/unsubscribe?token=7.sig" },
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestComposeAndMessage(t *testing.T) {
	w := testWorker(t)
	if w.from.String() != `"Hiroba" <noreply@forum.example.com>` || w.helo != "forum.example.com" {
		t.Errorf("from %s, helo %s", w.from.String(), w.helo)
	}
	th := models.Thread{ID: 3, Title: "請求書が届きません\r\nBcc: evil@example.com", Slug: "請求書が届きません"}
	d := models.Digest{
		User:  models.User{ID: 7, Username: "hana", Name: "花子"},
		Prefs: models.NotificationPrefs{Lang: "ja"},
	}
	for i := range 27 {
		d.Items = append(d.Items, models.Notification{
			Kind: models.NotifyReply, ThreadID: th.ID, Thread: th, PostID: int64(10 + i),
			Post:  models.Post{Position: 60 + i, Source: strings.Repeat("長い返信 ", 60)},
			Actor: models.User{Username: "ken"},
		})
	}
	m, err := w.compose(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"花子 さん", "ken さんが「請求書が届きません", "https://forum.example.com/t/3/%E8%AB%8B%E6%B1%82%E6%9B%B8%E3%81%8C%E5%B1%8A%E3%81%8D%E3%81%BE%E3%81%9B%E3%82%93?page=2#p10",
		"ほかに 2 件あります: https://forum.example.com/notifications", "https://forum.example.com/unsubscribe?token=7.sig", "…"} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, m.Body)
		}
	}
	if strings.Count(m.Body, "https://forum.example.com/t/3/") != maxItems {
		t.Errorf("spelled out %d items, want %d", strings.Count(m.Body, "https://forum.example.com/t/3/"), maxItems)
	}
	m.ID, m.To, m.CreatedAt = 42, "hana@example.com", time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	raw := w.message(m, &mail.Address{Address: m.To})
	header, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for _, line := range bytes.Split(raw, []byte("\r\n")) {
		if len(line) > 998 {
			t.Fatalf("line of %d bytes", len(line))
		}
	}
	if bytes.Contains(header, []byte("\nBcc:")) {
		t.Fatalf("a title injected a header:\n%s", header)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || !strings.HasPrefix(subject, "[Hiroba] 「請求書が届きません  Bcc: evil@example.com」に新しい通知が 27 件") {
		t.Errorf("subject %q, %v", subject, err)
	}
	for k, want := range map[string]string{
		"List-Unsubscribe":      "<https://forum.example.com/unsubscribe?token=7.sig>",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		"Message-Id":            "<mail-42-1795521600@forum.example.com>",
		"Content-Type":          "text/plain; charset=utf-8",
		"Date":                  "Tue, 24 Nov 2026 12:00:00 +0000",
	} {
		if got := msg.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}
