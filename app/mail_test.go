package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"hiroba/app/mailer"
	"hiroba/models"
	"hiroba/models/modeltest"
)

// mailbox is an SMTP server on loopback that keeps what it receives, or
// refuses every message while failing is set.
type mailbox struct {
	addr    string
	mu      sync.Mutex
	got     []received
	failing bool
}

type received struct {
	to   []string
	data []byte
}

func newMailbox(t *testing.T) *mailbox {
	t.Helper()
	mb := &mailbox{}
	srv := smtp.NewServer(mb)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mb.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return mb
}

func (mb *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{mb: mb}, nil }

func (mb *mailbox) setFailing(v bool) {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	mb.failing = v
}

// take returns and forgets what arrived since the last call.
func (mb *mailbox) take() []received {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	got := mb.got
	mb.got = nil
	return got
}

type smtpSession struct {
	mb *mailbox
	to []string
}

func (s *smtpSession) Mail(string, *smtp.MailOptions) error {
	s.mb.mu.Lock()
	defer s.mb.mu.Unlock()
	if s.mb.failing {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mb.mu.Lock()
	defer s.mb.mu.Unlock()
	s.mb.got = append(s.mb.got, received{to: s.to, data: data})
	return nil
}

func (s *smtpSession) Reset()        { s.to = nil }
func (s *smtpSession) Logout() error { return nil }

// email is a received message, decoded.
type email struct {
	to      string
	header  mail.Header
	subject string
	body    string
}

func decode(t *testing.T, r received) email {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(r.data))
	if err != nil {
		t.Fatalf("unreadable message: %v\n%s", err, r.data)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.to) != 1 {
		t.Fatalf("recipients = %v", r.to)
	}
	return email{to: r.to[0], header: m.Header, subject: subject, body: string(body)}
}

// clock is the mailer's time, moved by the test alone.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestNotificationEmail(t *testing.T) {
	t.Parallel()
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			testNotificationEmail(t, d)
		})
	}
}

func testNotificationEmail(t *testing.T, dialect string) {
	ctx := context.Background()
	mb := newMailbox(t)
	clk := &clock{now: time.Now().UTC().Truncate(time.Second)} // whole seconds survive every database
	cfg := testConfig(t, dialect)
	cfg.BaseURL = "https://forum.example.com"
	cfg.SMTPURL = "smtp://" + mb.addr
	cfg.MailFrom = "Hiroba <forum@example.com>"
	cfg.mailNow = clk.Now
	srv, err := New(ctx, cfg, NewLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	modeltest.Relax(t, srv.Store)
	if srv.Mailer == nil {
		t.Fatal("no mailer although HIROBA_SMTP_URL is set")
	}
	s := srv.Store
	user := func(name string) models.User {
		u, _, err := s.SignInUser(ctx, models.SignIn{Provider: "test", ProviderUserID: name, Nickname: name, Email: name + "@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	asker, helper, quiet, mia := user("asker"), user("helper"), user("quiet"), user("mia")
	th, err := s.CreateThread(ctx, models.NewThread{UserID: asker.ID, CategoryID: 2, Title: "Invoices stopped arriving", Body: "Since March."})
	if err != nil {
		t.Fatal(err)
	}
	// quiet watches the thread but wants no email.
	if err := s.SetWatch(ctx, quiet, th.ID, models.Watching); err != nil {
		t.Fatal(err)
	}
	off := models.DefaultNotificationPrefs(quiet.ID)
	off.EmailEnabled = false
	if err := s.SaveNotificationPrefs(ctx, off); err != nil {
		t.Fatal(err)
	}
	reply := func(u models.User, body string) models.Post {
		t.Helper()
		p, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: u.ID, Body: body})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	run := func() []email {
		t.Helper()
		if err := srv.Mailer.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		var out []email
		for _, r := range mb.take() {
			out = append(out, decode(t, r))
		}
		return out
	}

	// A reply: one email, to the asker, with the thread's title and a link.
	p := reply(helper, "Check the spam folder first.")
	got := run()
	if len(got) != 1 {
		t.Fatalf("after one reply, %d emails", len(got))
	}
	m := got[0]
	link := fmt.Sprintf("https://forum.example.com/t/%d/invoices-stopped-arriving#p%d", th.ID, p.ID)
	if m.to != "asker@example.com" || !strings.Contains(m.subject, "Invoices stopped arriving") || !strings.Contains(m.subject, "helper") ||
		!strings.Contains(m.body, link) || !strings.Contains(m.body, "> Check the spam folder first.") {
		t.Errorf("first email to %s, subject %q:\n%s", m.to, m.subject, m.body)
	}
	if from := m.header.Get("From"); !strings.Contains(from, "<forum@example.com>") {
		t.Errorf("From = %q", from)
	}
	unsubscribe := m.header.Get("List-Unsubscribe")
	if !strings.HasPrefix(unsubscribe, "<https://forum.example.com/unsubscribe?token=") || !strings.HasSuffix(unsubscribe, ">") ||
		m.header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("unsubscribe headers: %q, %q", unsubscribe, m.header.Get("List-Unsubscribe-Post"))
	}
	if !strings.Contains(m.body, strings.Trim(unsubscribe, "<>")) {
		t.Errorf("the body lacks the unsubscribe link:\n%s", m.body)
	}
	if n, _ := s.UnreadCount(ctx, quiet); n != 1 {
		t.Errorf("email off still shows notifications on the site: unread %d", n)
	}

	// Three quick replies wait for the window and come as one email.
	var links []string
	for i := range 3 {
		p := reply(helper, fmt.Sprintf("Follow-up number %d.", i+1))
		links = append(links, fmt.Sprintf("#p%d", p.ID))
	}
	clk.Add(time.Minute)
	if got := run(); len(got) != 0 {
		t.Fatalf("within the window: %d emails (%q)", len(got), got[0].subject)
	}
	clk.Add(5 * time.Minute)
	got = run()
	if len(got) != 1 {
		t.Fatalf("three replies gave %d emails, want one", len(got))
	}
	if m := got[0]; m.to != "asker@example.com" || !strings.Contains(m.subject, "3 new notifications") {
		t.Errorf("batched email to %s: %q", m.to, m.subject)
	}
	for _, l := range links {
		if !strings.Contains(got[0].body, l) {
			t.Errorf("batched email lacks %s:\n%s", l, got[0].body)
		}
	}

	// The List-Unsubscribe link works as a one-click POST, with no session.
	u, err := url.Parse(strings.Trim(unsubscribe, "<>"))
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, u.RequestURI(), strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := srv.App.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("one-click unsubscribe: status %d", res.StatusCode)
	}
	if prefs, _ := s.NotificationPrefs(ctx, asker.ID); prefs.EmailEnabled {
		t.Fatal("one-click unsubscribe left email on")
	}

	// A failing server: the message stays queued, each attempt counted and
	// the next one further out, and it arrives once the server is back,
	// even across a restart.
	if err := s.SetWatch(ctx, mia, th.ID, models.Watching); err != nil {
		t.Fatal(err)
	}
	mb.setFailing(true)
	clk.Add(6 * time.Minute)
	reply(helper, "Does anyone else see this?")
	if got := run(); len(got) != 0 {
		t.Fatalf("failing server delivered %d", len(got))
	}
	queued := unsent(t, s)
	if len(queued) != 1 || queued[0].To != "mia@example.com" || queued[0].Attempts != 1 || !strings.Contains(queued[0].LastError, "451") {
		t.Fatalf("after a failure: %+v", queued)
	}
	if !queued[0].NextAttemptAt.After(clk.Now()) {
		t.Errorf("next attempt %v is not after now %v", queued[0].NextAttemptAt, clk.Now())
	}
	run() // not due yet
	if q := unsent(t, s); q[0].Attempts != 1 {
		t.Errorf("retried before its time: attempts %d", q[0].Attempts)
	}
	clk.Add(mailer.Backoff(1) + time.Second)
	run()
	q := unsent(t, s)
	if len(q) != 1 || q[0].Attempts != 2 || q[0].NextAttemptAt.Sub(clk.Now()) != mailer.Backoff(2) {
		t.Fatalf("second failure: %+v", q)
	}

	mb.setFailing(false)
	srv.Close()
	srv, err = New(ctx, cfg, NewLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	s = srv.Store
	clk.Add(mailer.Backoff(2) + time.Second)
	got = run()
	if len(got) != 1 || got[0].to != "mia@example.com" || !strings.Contains(got[0].body, "Does anyone else see this?") {
		t.Fatalf("after recovery: %+v", got)
	}
	if q := unsent(t, s); len(q) != 0 {
		t.Errorf("still queued after delivery: %+v", q)
	}
	clk.Add(10 * time.Minute)
	if got := run(); len(got) != 0 {
		t.Errorf("unexpected email %q to %s", got[0].subject, got[0].to)
	}
}

func unsent(t *testing.T, s *models.Store) []models.Mail {
	t.Helper()
	list, err := s.UnsentMail(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestServeRunsAndStopsTheMailer(t *testing.T) {
	t.Parallel()
	mb := newMailbox(t)
	cfg := testConfig(t, modeltest.Dialects[0])
	cfg.SMTPURL = "smtp://" + mb.addr
	srv, _ := startServer(t, cfg) // the cleanup checks that Serve returns cleanly
	if srv.Mailer == nil {
		t.Fatal("no mailer")
	}
	cfg.SMTPURL = "http://" + mb.addr
	if _, err := New(context.Background(), cfg, NewLogger(io.Discard, "error")); err == nil || !strings.Contains(err.Error(), "smtp://") {
		t.Errorf("a bad HIROBA_SMTP_URL must stop start-up: %v", err)
	}
}
