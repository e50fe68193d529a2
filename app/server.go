package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"

	"hiroba/app/mailer"
	"hiroba/handlers"
	"hiroba/handlers/live"
	"hiroba/handlers/pagecache"
	"hiroba/handlers/ratelimit"
	"hiroba/models"
	"hiroba/models/blobs"
	"hiroba/models/guard"
	"hiroba/public"
	"hiroba/views"
)

// Server is one running forum: its database and its HTTP application.
type Server struct {
	cfg   Config
	log   *slog.Logger
	Store *models.Store
	App   *fiber.App
	// Mailer sends notification email; nil unless HIROBA_SMTP_URL is set.
	Mailer *mailer.Worker
	// Pages is the anonymous page cache, nil when it is off; its Stats
	// say how it serves.
	Pages *pagecache.Cache
	// Uploads keeps uploaded images (HIROBA_UPLOADS).
	Uploads blobs.Store

	// Live follows threads for the readers who keep them open; its
	// Streams say how many.
	Live *live.Hub

	handler *handlers.Handler
	limiter ratelimit.Limiter
	pageBus *pagecache.Redis // nil without Redis
	liveBus live.Bus
}

// New opens the database, brings its schema up to date, makes sure the
// default categories exist, and builds the application. When it fails, what
// it had opened is closed again.
func New(ctx context.Context, cfg Config, log *slog.Logger) (_ *Server, err error) {
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			store.Close()
		}
	}()
	// Counters live in Redis when several instances must share them.
	limiter := ratelimit.NewMemory()
	if cfg.RedisURL != "" {
		if limiter, err = ratelimit.NewRedis(cfg.RedisURL); err != nil {
			return nil, err
		}
	}
	defer func() {
		if err != nil {
			limiter.Close()
		}
	}()
	uploads, err := openUploads(ctx, cfg)
	if err != nil {
		return nil, err
	}
	pages, bus, err := newPages(ctx, cfg, store, log)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil && bus != nil {
			bus.Close()
		}
	}()
	hub, liveBus, err := newLive(ctx, cfg, store, log)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			liveBus.Close()
		}
	}()
	announceChanges(store, pages, bus, liveBus)
	app, h, err := newApp(cfg, store, limiter, pages, hub, uploads, log)
	if err != nil {
		return nil, err
	}
	mail, err := newMailer(cfg, store, h.UnsubscribeURL, log)
	if err != nil {
		return nil, err
	}
	return &Server{cfg: cfg, log: log, Store: store, App: app, Mailer: mail, Pages: pages, Uploads: uploads, Live: hub, handler: h, limiter: limiter, pageBus: bus, liveBus: liveBus}, nil
}

func newApp(cfg Config, store *models.Store, limiter ratelimit.Limiter, pages *pagecache.Cache, hub *live.Hub, uploads blobs.Store, log *slog.Logger) (*fiber.App, *handlers.Handler, error) {
	assets, err := public.Load()
	if err != nil {
		return nil, nil, err
	}
	renderer, err := views.New(assets)
	if err != nil {
		return nil, nil, err
	}
	catalog, err := views.NewCatalog()
	if err != nil {
		return nil, nil, err
	}
	secret := []byte(cfg.SessionSecret)
	if len(secret) == 0 {
		// Sessions live in the database and survive this; only forms that
		// were open across a restart need a reload. Set the secret when
		// running more than one instance.
		secret = make([]byte, 32)
		_, _ = rand.Read(secret)
		log.Warn("HIROBA_SESSION_SECRET is not set: using a random one for this process")
	}
	m := newMetrics(cfg, store, pages, log)
	privacy, err := guard.New(guard.Options{AccountIDPatterns: cfg.AccountIDPatterns})
	if err != nil {
		return nil, nil, fmt.Errorf("app: HIROBA_ACCOUNT_ID_PATTERNS: %w", err)
	}
	devSignIn := cfg.DevSignIn()
	switch why := cfg.devSignInOff(); {
	case devSignIn:
		log.Warn("development sign-in is on: no OAuth provider is configured and the server listens on loopback", slog.String("addr", cfg.Addr))
	case !cfg.AnyProvider():
		// Nobody can sign in at all: say why, so the fix is obvious.
		log.Warn("development sign-in is off and no OAuth provider is configured: nobody can sign in",
			slog.String("reason", why), slog.String("addr", cfg.Addr), slog.String("base_url", cfg.BaseURL))
	}
	h := handlers.New(store, renderer, catalog, assets, handlers.Config{
		SiteName:      cfg.SiteName,
		BaseURL:       cfg.BaseURL,
		Help:          views.HelpLinks{HelpCenter: cfg.HelpCenterURL, Status: cfg.StatusURL, ContactForm: cfg.ContactURL},
		DevSignIn:     devSignIn,
		SecureCookies: cfg.HTTPS(),
		Secret:        secret,
		Providers:     Providers(cfg),
		Limiter:       limiter,
		Limits:        cfg.Limits,
		AdminEmails:   cfg.AdminEmails,
		Guard:         privacy,
		Pages:         pages,
		Live:          hub,

		SitemapPageSize: cfg.SitemapPageSize,
		Metrics:         m,
		Uploads:         uploads,
		OCR:             newOCR(cfg, log),
	}, log)

	app := fiber.New(fiber.Config{
		AppName:               "hiroba",
		DisableStartupMessage: true,
		ErrorHandler:          h.ErrorHandler,
		// A post form without a script may bring several screenshots at once
		// (each up to 10 MB; the page's script sends them one by one).
		BodyLimit:      32 << 20,
		ReadTimeout:    15 * time.Second,
		WriteTimeout:   30 * time.Second,
		IdleTimeout:    120 * time.Second,
		ReadBufferSize: 16 << 10,
		// A connection waiting on its next request, or holding a live
		// stream open, keeps no read buffer: thousands of readers of an
		// incident thread each cost a third less (BenchmarkLiveStreamMemory).
		ReduceMemoryUsage: true,
		// Fiber's own c.Protocol and c.Hostname believe forwarding headers
		// only from these peers; the forum itself reads forwarded.From.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          cfg.TrustedProxies.Strings(),
	})
	useMiddleware(app, cfg, store, m, log)
	if m != nil {
		// Before the session and CSRF middleware: a scrape is not a visitor.
		app.Get("/metrics", m.Handler(cfg.MetricsToken))
	}
	h.Register(app)
	if m != nil {
		m.Index(app)
	}
	return app, h, nil
}

// Run serves until ctx is cancelled, then stops accepting connections and
// lets requests in flight finish.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("app: listen on %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on a listener the caller opened.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.log.Info("serving", slog.String("addr", ln.Addr().String()), slog.String("base_url", s.cfg.BaseURL))
	errc := make(chan error, 1)
	go func() { errc <- s.App.Listener(ln) }()
	// Every hour: expired sessions go; images no post took within a day
	// go; askers whose questions nobody answered are offered official
	// support (OfferHandOffs), when the site has a contact address.
	go s.hourly(ctx, "sweep sessions", "swept expired sessions", func(ctx context.Context, _ time.Time) (int64, error) {
		return s.Store.DeleteExpiredSessions(ctx)
	})
	go s.hourly(ctx, "sweep uploads", "swept unattached uploads", s.SweepUploads)
	go s.hourly(ctx, "offer official support", "offered official support on unanswered questions", s.OfferHandOffs)
	defer s.startMailer(ctx)() // waited for, so Close never pulls the database from under a send
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if s.cfg.ShutdownDrain > 0 {
		// Still serving, but no longer ready: the load balancer stops
		// sending requests here before the port closes.
		s.log.Info("draining before shutting down", slog.Duration("for", s.cfg.ShutdownDrain))
		s.handler.Drain()
		time.Sleep(s.cfg.ShutdownDrain)
	}
	s.log.Info("shutting down")
	// Live streams would hold their connections open for half an hour:
	// ended first, their browsers connect again to an instance still up.
	s.Live.Close()
	if err := s.App.ShutdownWithTimeout(20 * time.Second); err != nil {
		return err
	}
	return nil
}

// Close releases the database and the connections to Redis.
func (s *Server) Close() error {
	if s.pageBus != nil {
		s.pageBus.Close()
	}
	s.liveBus.Close()
	s.limiter.Close()
	return s.Store.Close()
}

// OfferHandOffs runs one round of the offer now.
func (s *Server) OfferHandOffs(ctx context.Context, now time.Time) (int64, error) {
	site, err := s.Store.SiteSettings(ctx)
	if err != nil {
		return 0, err
	}
	if site.ContactURL == "" && s.cfg.ContactURL == "" {
		return 0, nil
	}
	return s.Store.OfferHandOffs(ctx, site.HandOffAfter(), now)
}

// hourly runs a job now and every hour until ctx ends, logging what each
// round did (n things, as done says) or why it failed (as what says).
func (s *Server) hourly(ctx context.Context, what, done string, round func(context.Context, time.Time) (int64, error)) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if n, err := round(ctx, time.Now()); err != nil && !errors.Is(err, context.Canceled) {
			s.log.Warn(what, slog.Any("error", err))
		} else if n > 0 {
			s.log.Info(done, slog.Int64("count", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
