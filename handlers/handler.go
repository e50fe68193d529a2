// Package handlers turns HTTP requests into Store calls and rendered pages.
// Each file holds one resource; a handler parses its input, validates it,
// makes one Store call and renders or redirects. No SQL lives here.
package handlers

import (
	"log/slog"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/markbates/goth"

	"hiroba/handlers/live"
	"hiroba/handlers/metrics"
	"hiroba/handlers/pagecache"
	"hiroba/handlers/ratelimit"
	"hiroba/models"
	"hiroba/models/blobs"
	"hiroba/models/guard"
	"hiroba/models/ocr"
	"hiroba/public"
	"hiroba/views"
)

// AuthProvider is one configured way to sign in. Load builds the goth
// provider on first use: an OpenID Connect provider fetches its issuer's
// discovery document, which must not stop the forum from starting.
type AuthProvider struct {
	ID    string
	Label string
	Load  func() (goth.Provider, error)
}

// Config is what the handlers need to know about the site.
type Config struct {
	SiteName      string
	BaseURL       string // public address, for links that leave the page (OpenSearch)
	Help          views.HelpLinks
	DevSignIn     bool   // only ever true on a loopback address; see app
	SecureCookies bool   // set when the site is served over https
	Secret        []byte // signs the CSRF and sign-in cookies
	SessionTTL    time.Duration
	Providers     []AuthProvider
	Limiter       ratelimit.Limiter // nil: no limits (tests of other things)
	Limits        Limits
	AdminEmails   []string     // verified emails that become admins at sign-in
	Guard         *guard.Guard // checks posts for personal data; nil: no check
	// Pages keeps anonymous pages (pagecache.go); nil: none are kept.
	Pages *pagecache.Cache
	// SitemapPageSize is how many threads a page of the sitemap lists;
	// 0 (or more than the protocol allows) is SitemapMaxURLs.
	SitemapPageSize int
	// Metrics counts rate-limit refusals; nil: nothing is counted.
	Metrics *metrics.Metrics
	// Uploads keeps the images people attach, by key: a folder for one
	// instance, an S3 bucket shared by several. nil: uploads are off.
	Uploads blobs.Store
	// OCR reads the text in uploaded images for Guard; nil: images go
	// unread.
	OCR *ocr.Reader
	// Live follows threads for readers who keep them open (events.go);
	// nil: pages do not update live.
	Live *live.Hub
}

// Handler serves every page of the forum.
type Handler struct {
	store   *models.Store
	views   *views.Renderer
	catalog *views.Catalog
	assets  *public.Assets
	cfg     Config
	log     *slog.Logger
	pages   *pagecache.Cache // nil: no page cache
	live    *live.Hub        // nil: no live events
	limits  *stored[Limits]
	// siteStored is what admins set on /admin/settings; see site.
	siteStored *stored[models.SiteSettings]
	// knownIssues are the known issues pages show; see known_issues.go.
	knownIssues *stored[[]models.KnownIssue]
	zones       zones
	// imageSlots bounds how many uploads are decoded at once: a large
	// photo takes tens of megabytes while it is processed.
	imageSlots chan struct{}
	// incidents opens a known issue from a flood (floods.go); nil: the
	// action is unavailable.
	incidents incidentOpener
	// draining is set once the instance is stopping (Drain).
	draining atomic.Bool
}

// New builds the handlers over their dependencies.
func New(store *models.Store, r *views.Renderer, catalog *views.Catalog, assets *public.Assets, cfg Config, log *slog.Logger) *Handler {
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 30 * 24 * time.Hour
	}
	cfg.Limits = cfg.Limits.withDefaults()
	h := &Handler{store: store, views: r, catalog: catalog, assets: assets, cfg: cfg, log: log, pages: cfg.Pages, live: cfg.Live,
		imageSlots: make(chan struct{}, max(runtime.GOMAXPROCS(0), 1))}
	h.limits = newLimitsCache(store, cfg.Limits, log)
	h.siteStored = newStored("site settings", models.SiteSettings{}, store.SiteSettings, log)
	h.knownIssues = newKnownIssuesCache(store, log)
	h.incidents = floodIncidents{store: store, catalog: catalog}
	if h.pages != nil {
		// A save drops every cached page everywhere (models.KeyAll); the
		// instances that hear of it read the settings again before
		// rendering a page to keep, so none keeps the old name or links.
		// A change to the known issues does the same for their banners.
		h.siteStored.epoch = h.pages.Everything
		h.knownIssues.epoch = h.pages.Everything
	}
	return h
}

// Register mounts the middleware that needs the handlers' state, and every route.
func (h *Handler) Register(app *fiber.App) {
	app.Get(public.Prefix+"*", h.serveAsset)
	app.Get("/healthz", h.healthz)
	app.Get("/readyz", h.readyz)

	// For crawlers and feed readers: the same for everyone, so no session,
	// and cached by their own headers rather than the page cache (a
	// sitemap streams; a feed answers its own ETag).
	app.Get("/robots.txt", h.robots)
	app.Get("/sitemap.xml", h.sitemapIndex)
	app.Get(sitemapPages, h.sitemapLists)
	app.Get("/sitemap-threads-:n<int>.xml", h.sitemapThreads)
	app.Get(latestFeedPath, h.loadLanguage, h.latestFeed)
	app.Get(solvedFeedPath, h.loadLanguage, h.solvedFeed)
	app.Get("/c/:slug/feed.atom", h.loadLanguage, h.categoryFeed)
	app.Get("/t/:id<int>/feed.atom", h.loadLanguage, h.threadFeed)
	app.Get("/search/feed.atom", h.loadLanguage, h.limit(searchRule, true), h.searchFeed)
	// Hiding a banner sets a preference cookie, and nothing else.
	app.Post("/known-issues/:id<int>/dismiss", h.dismissKnownIssue)

	// Before the page cache: a stream is never kept, nor served kept.
	app.Get("/t/:id<int>/events", h.loadLanguage, h.loadSession, h.threadEvents)

	app.Use(h.loadLanguage, h.loadSession, h.checkCSRF, h.cacheAnonymous)

	app.Get("/", h.showHome)
	app.Get("/c/:slug", h.showCategory)
	app.Get("/t/:id<int>", h.redirectThread)
	app.Get("/t/:id<int>/:slug", h.showThread)
	app.Post("/t/:id<int>/replies", append(h.composerLimits(h.replyOverLimit), h.createReply)...)
	app.Get("/new", h.newThread)
	app.Post("/new", append(h.composerLimits(h.questionOverLimit), h.createThread)...)
	app.Post("/preview", h.limitIf(previewRule, false, nil, h.previewOverLimit), h.preview)
	app.Post("/privacy/check", h.limit(checkRule, false), h.privacyKinds)
	app.Post("/t/:id<int>/solution", h.markSolution)
	app.Post("/t/:id<int>/solution/clear", h.clearSolution)
	app.Post("/p/:id<int>/helpful", h.limit(voteRule, false), h.toggleHelpful)
	app.Get("/p/:id<int>/edit", h.editPost)
	app.Post("/p/:id<int>/edit", append(h.composerLimits(h.editOverLimit), h.updatePost)...)
	app.Post("/p/:id<int>/delete", h.deletePost)
	app.Get("/p/:id<int>/history", h.showHistory)
	app.Post("/p/:id<int>/history/:rev<int>/:action", h.setRevisionHidden)
	app.Get("/p/:id<int>/flag", h.showFlag)
	app.Post("/p/:id<int>/flag", h.limit(flagRule, false), h.flagPost)
	app.Get(models.UploadPrefix+":name", h.serveUpload) // or, without a dot, the next route's
	app.Get("/u/:username", h.showUser)
	app.Post("/uploads", h.limit(uploadRule, false), h.createUpload)
	app.Post("/p/:id<int>/images/remove", h.removeImage)
	app.Get("/lang/:lang", h.setLanguage)
	app.Get("/theme/:theme", h.setTheme)
	app.Get("/search", h.limit(searchRule, true), h.showSearch)
	app.Get("/similar", h.limit(searchRule, true), h.similarThreads)
	app.Get("/opensearch.xml", h.openSearch)

	app.Get("/login", h.showLogin)
	app.Post("/logout", h.signOut)
	app.Get("/auth/dev", h.showLogin)
	app.Post("/auth/dev", h.limit(signInRule, true), h.devSignIn)
	app.Get("/auth/:provider", h.beginAuth)
	app.Get("/auth/:provider/callback", h.limit(signInRule, true), h.finishAuth)

	h.registerModeration(app)
	h.registerKnownIssues(app)
	h.registerDuplicates(app)
	h.registerCategories(app)
	h.registerNotifications(app)
	h.registerMeToo(app)
	h.registerPeople(app)
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}

// render writes a page with a status.
func (h *Handler) render(c *fiber.Ctx, status int, page views.Page, data any) error {
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return h.views.Render(c, page, data)
}

// baseTitled is base for a page whose title is a catalog message.
func (h *Handler) baseTitled(c *fiber.Ctx, titleID string, args ...any) views.Base {
	b := h.base(c, "")
	b.Title = b.T(titleID, args...)
	return b
}

// base fills what every page shows.
func (h *Handler) base(c *fiber.Ctx, title string) views.Base {
	b := h.baseWithoutBell(c, title)
	if b.User != nil {
		b.Unread = h.unreadCount(c, *b.User)
	}
	return b
}

// baseWithoutBell is base for a page that counts the unread notifications
// with its own reads (models.Store.ReaderState).
func (h *Handler) baseWithoutBell(c *fiber.Ctx, title string) views.Base {
	b := views.Base{
		Translator: h.catalog.In(language(c)),
		Title:      title,
		User:       currentUser(c),
		Path:       c.OriginalURL(),
		DevSignIn:  h.cfg.DevSignIn,
		Now:        time.Now(),
		Zone:       h.zone(c),
		Theme:      theme(c),
		Horizon:    pageHorizon(c),
	}
	withSite(&b, h.site(c.UserContext()))
	b.KnownIssues = h.banners(c)
	// The address without its query: filters, sorts and tracking lead to
	// the plain page. Pages whose query names the content (a thread's
	// page number) say so themselves.
	b.Meta.Canonical = h.cfg.BaseURL + c.Path()
	if b.User != nil {
		b.CSRFToken = h.csrfToken(c)
	}
	if flash := c.Cookies(flashCookie); flash != "" {
		b.Flash = b.T(flash)
		// Cleared with the path it was set with: a browser keeps a cookie
		// whose clearing names another path, and shows the message again.
		h.clearCookie(c, flashCookie, "/")
	}
	return b
}
