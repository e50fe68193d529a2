// Package mailer sends the forum's email outside of requests. Each round it
// gathers every user's new notifications into at most one email per user
// per window, puts that email in the database's queue, and delivers what the
// queue holds over SMTP, retrying failures with a growing delay. Everything
// it knows lives in the database, so a restart loses nothing and several
// instances can run it side by side.
package mailer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"hiroba/models"
	"hiroba/views"
)

// Config says where mail goes and how often.
type Config struct {
	URL      string // smtp://user:pass@host:port (STARTTLS when offered) or smtps://… (TLS from the start)
	From     string // the sender, "Name <address>" or an address; the site name is used as the name
	BaseURL  string // links in emails are absolute
	SiteName string
	// Unsubscribe is the one-click link that turns a user's email off.
	Unsubscribe func(userID int64) string

	Every       time.Duration // how often Run works; 30s
	Window      time.Duration // at most one email per user per window; 5m
	MaxAge      time.Duration // older notifications are not emailed; 24h
	Timeout     time.Duration // one SMTP conversation; 30s
	MaxAttempts int           // deliveries tried before giving up on a message; 20
	Now         func() time.Time
}

// Worker gathers and sends email. It is safe to run in several instances
// over one database; one Worker runs one round at a time.
type Worker struct {
	store     *models.Store
	catalog   *views.Catalog
	cfg       Config
	log       *slog.Logger
	server    server
	from      mail.Address
	helo      string
	lastPrune time.Time
}

// New checks the configuration and builds a worker.
func New(store *models.Store, catalog *views.Catalog, cfg Config, log *slog.Logger) (*Worker, error) {
	srv, err := parseServer(cfg.URL)
	if err != nil {
		return nil, err
	}
	if cfg.Every <= 0 {
		cfg.Every = 30 * time.Second
	}
	if cfg.Window <= 0 {
		cfg.Window = 5 * time.Minute
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 24 * time.Hour
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Unsubscribe == nil {
		return nil, errors.New("mailer: an unsubscribe link is required")
	}
	host := siteHost(cfg.BaseURL)
	if cfg.From == "" {
		cfg.From = "noreply@" + host
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mailer: HIROBA_MAIL_FROM %q: %w", cfg.From, err)
	}
	if from.Name == "" {
		from.Name = cfg.SiteName
	}
	helo := "localhost"
	if strings.Contains(host, ".") && net.ParseIP(host) == nil {
		helo = host
	}
	return &Worker{store: store, catalog: catalog, cfg: cfg, log: log, server: srv, from: *from, helo: helo}, nil
}

// Run works a round every Every until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	tick := time.NewTicker(w.cfg.Every)
	defer tick.Stop()
	for {
		if err := w.RunOnce(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("mail round failed", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// RunOnce works one round: queue the digests that are due, then deliver
// what the queue holds. Tests call it directly, with their own clock.
func (w *Worker) RunOnce(ctx context.Context) error {
	errDigest := w.digest(ctx)
	errSend := w.deliver(ctx)
	errPrune := w.prune(ctx)
	return errors.Join(errDigest, errSend, errPrune)
}

func (w *Worker) now() time.Time { return w.cfg.Now().UTC() }

// digest queues one email for each user whose notifications are due.
func (w *Worker) digest(ctx context.Context) error {
	now := w.now()
	users, err := w.store.DueDigests(ctx, now, w.cfg.Window, 500)
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range users {
		if _, err := w.store.TakeDigest(ctx, id, now, w.cfg.Window, w.cfg.MaxAge, w.compose); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

const batchSize = 20

// deliver sends the messages that are due, a batch at a time.
func (w *Worker) deliver(ctx context.Context) error {
	lease := 2*w.cfg.Timeout + time.Minute
	for range 50 {
		batch, err := w.store.ClaimMail(ctx, w.now(), lease, batchSize)
		if err != nil {
			return err
		}
		for _, m := range batch {
			if err := w.deliverOne(ctx, m); err != nil {
				return err
			}
		}
		if len(batch) < batchSize {
			return nil
		}
	}
	return nil
}

func (w *Worker) deliverOne(ctx context.Context, m models.Mail) error {
	err := w.send(ctx, m)
	now := w.now()
	if err == nil {
		w.log.Debug("mail sent", slog.Int64("mail_id", m.ID), slog.Int("attempts", m.Attempts))
		return w.store.MailSent(ctx, m.ID, now)
	}
	if ctx.Err() != nil {
		// Stopping, not failing: the lease runs out and the message goes
		// out on the next start, this attempt counted.
		return ctx.Err()
	}
	var perm permanentError
	giveUp := errors.As(err, &perm) || m.Attempts >= w.cfg.MaxAttempts
	next := now.Add(Backoff(m.Attempts))
	w.log.Warn("mail not sent", slog.Int64("mail_id", m.ID), slog.Int("attempts", m.Attempts),
		slog.Bool("gave_up", giveUp), slog.Time("next_attempt", next), slog.Any("error", err))
	return w.store.MailFailed(ctx, m.ID, now, next, giveUp, truncate(err.Error(), 500))
}

// Backoff is how long a message waits after its nth failed attempt: a
// minute, doubling each time, at most six hours.
func Backoff(attempt int) time.Duration {
	const first, most = time.Minute, 6 * time.Hour
	if attempt < 1 {
		attempt = 1
	}
	if attempt > 10 {
		return most
	}
	return min(first<<(attempt-1), most)
}

// prune forgets delivered mail after a month, once an hour.
func (w *Worker) prune(ctx context.Context) error {
	now := w.now()
	if now.Sub(w.lastPrune) < time.Hour {
		return nil
	}
	w.lastPrune = now
	_, err := w.store.PruneMail(ctx, now.Add(-30*24*time.Hour))
	return err
}

func siteHost(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Hostname() == "" {
		return "localhost"
	}
	return u.Hostname()
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
