package app

import (
	"context"
	"log/slog"

	"hiroba/app/mailer"
	"hiroba/models"
	"hiroba/views"
)

// newMailer builds the notification mailer, or nothing when no SMTP server
// is configured: notifications then stay on the site.
func newMailer(cfg Config, store *models.Store, unsubscribe func(userID int64) string, log *slog.Logger) (*mailer.Worker, error) {
	if cfg.SMTPURL == "" {
		return nil, nil
	}
	catalog, err := views.NewCatalog()
	if err != nil {
		return nil, err
	}
	return mailer.New(store, catalog, mailer.Config{
		URL: cfg.SMTPURL, From: cfg.MailFrom, BaseURL: cfg.BaseURL, SiteName: cfg.SiteName,
		Unsubscribe: unsubscribe, Now: cfg.mailNow,
	}, log.With(slog.String("component", "mailer")))
}

// startMailer runs the mailer beside the server; the returned stop ends it
// and waits, so no send is cut off by the database closing.
func (s *Server) startMailer(ctx context.Context) (stop func()) {
	if s.Mailer == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Mailer.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}
