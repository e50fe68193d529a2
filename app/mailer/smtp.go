package mailer

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"sort"
	"strings"
	"time"

	"hiroba/models"
)

// server is where mail goes, from HIROBA_SMTP_URL.
type server struct {
	addr        string // host:port
	host        string
	implicitTLS bool
	user, pass  string
}

func parseServer(raw string) (server, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return server{}, fmt.Errorf("mailer: HIROBA_SMTP_URL: %w", err)
	}
	var s server
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		if port == "" {
			port = "25"
		}
	case "smtps":
		s.implicitTLS = true
		if port == "" {
			port = "465"
		}
	default:
		return server{}, errors.New("mailer: HIROBA_SMTP_URL must start with smtp:// or smtps://")
	}
	s.host = u.Hostname()
	if s.host == "" {
		return server{}, errors.New("mailer: HIROBA_SMTP_URL has no host")
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	return s, nil
}

// permanentError is a failure that retrying cannot fix, such as an address
// the server refuses outright.
type permanentError struct{ error }

// send delivers one message in one SMTP conversation, bounded by the
// timeout. STARTTLS is used whenever the server offers it; credentials are
// only ever sent over TLS or to a server on this machine (net/smtp's rule).
func (w *Worker) send(ctx context.Context, m models.Mail) error {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return permanentError{fmt.Errorf("recipient %q: %w", m.To, err)}
	}
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", w.server.addr)
	if err != nil {
		return err
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	// Stopping the server interrupts a conversation in progress.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()
	tlsConfig := &tls.Config{ServerName: w.server.host, MinVersion: tls.VersionTLS12}
	if w.server.implicitTLS {
		conn = tls.Client(conn, tlsConfig)
	}
	c, err := smtp.NewClient(conn, w.server.host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello(w.helo); err != nil {
		return err
	}
	if !w.server.implicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConfig); err != nil {
				return fmt.Errorf("starttls: %w", err)
			}
		}
	}
	if w.server.user != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("the server offers no AUTH but HIROBA_SMTP_URL has credentials")
		}
		if err := c.Auth(smtp.PlainAuth("", w.server.user, w.server.pass, w.server.host)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(w.from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(to.Address); err != nil {
		var tpErr *textproto.Error
		if errors.As(err, &tpErr) && tpErr.Code >= 500 {
			return permanentError{err}
		}
		return err
	}
	wc, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := wc.Write(w.message(m, to)); err != nil {
		return err
	}
	if err := wc.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// message is the message as it goes on the wire: header fields, then the
// text quoted-printable, so no line is too long and only ASCII travels.
func (w *Worker) message(m models.Mail, to *mail.Address) []byte {
	var b bytes.Buffer
	field := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	field("From", w.from.String())
	field("To", to.String())
	field("Subject", encodeHeader(m.Subject))
	field("Date", m.CreatedAt.UTC().Format(time.RFC1123Z))
	// Stable across retries, so a receiver can drop a second copy.
	field("Message-ID", fmt.Sprintf("<mail-%d-%d@%s>", m.ID, m.CreatedAt.Unix(), w.helo))
	field("MIME-Version", "1.0")
	field("Content-Type", "text/plain; charset=utf-8")
	field("Content-Transfer-Encoding", "quoted-printable")
	field("Auto-Submitted", "auto-generated")
	keys := make([]string, 0, len(m.Headers))
	for k := range m.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		field(textproto.CanonicalMIMEHeaderKey(oneLine(k)), encodeHeader(m.Headers[k]))
	}
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	_, _ = qp.Write([]byte(strings.ReplaceAll(m.Body, "\r\n", "\n")))
	_ = qp.Close()
	return b.Bytes()
}

// encodeHeader makes a header value safe: one line, and non-ASCII text as
// encoded words, folded so no line grows past the limit.
func encodeHeader(v string) string {
	enc := mime.BEncoding.Encode("utf-8", oneLine(v))
	return strings.ReplaceAll(enc, "?= =?", "?=\r\n =?")
}

// oneLine keeps a value from starting a new header field.
func oneLine(v string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, v)
}
