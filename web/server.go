// Package web serves Gears over HTTP: the server-rendered pages, the JSON
// API under /api/v1, and the operational endpoints. Handlers are thin: they
// decode input, call the services of package gears (implemented by package
// store, which checks permissions), and render the result or the error.
package web

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"gears"
	"gears/store"
	"gears/vault"
	"gears/workload"
)

// Config configures the web server.
type Config struct {
	// BaseURL is where people reach Gears, e.g. https://gears.example.org;
	// it makes links (invitations) absolute and, when https, cookies Secure.
	BaseURL string
	// SessionTTL is how long a sign-in lasts (default 30 days).
	SessionTTL time.Duration
	// Version is shown in the footer and /healthz.
	Version string
	// Vault seals connected accounts' credentials. Nil makes a key that
	// lives as long as the process (for tests: credentials do not survive).
	Vault *vault.Vault
	// Connectors are the networks accounts connect to and posts go to.
	Connectors store.Connectors
	// Mail says an SMTP server is configured, so alerts can go by e-mail.
	Mail bool
}

// Server is the HTTP side of Gears.
type Server struct {
	cfg        Config
	db         *store.DB
	users      *store.UserService
	auth       *store.AuthService
	workspaces *store.WorkspaceService
	setup      *store.SetupService
	plans      workload.PlanService
	timeHook   workload.TimeRecorder
	accounts   *store.AccountService
	posts      *store.PostService
	media      *store.MediaService
	inbox      *store.InboxService
	listening  *store.ListeningService
	incidents  *store.IncidentService
	crisis     *store.CrisisService
	tracking   *tracking // tracked links: the redirect's cache and click counter
	logger     *slog.Logger
	limiter    *loginLimiter
	metrics    *metrics
	routes     []Route
	mux        *http.ServeMux
	// Demo fills the example workspace for a user; nil hides the button.
	Demo func(ctx context.Context, owner *gears.User) (*gears.Workspace, error)
}

// New returns a server over db.
func New(cfg Config, db *store.DB, logger *slog.Logger) *Server {
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 30 * 24 * time.Hour
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.Vault == nil {
		key := make([]byte, vault.KeySize)
		rand.Read(key)
		cfg.Vault, _ = vault.New(key)
	}
	s := &Server{
		cfg:        cfg,
		db:         db,
		users:      store.NewUserService(db),
		auth:       store.NewAuthService(db),
		workspaces: store.NewWorkspaceService(db),
		setup:      store.NewSetupService(db),
		plans:      store.NewPlanService(db),
		timeHook:   store.NewPlanService(db),
		accounts:   store.NewAccountService(db, cfg.Vault, cfg.Connectors),
		posts:      store.NewPostService(db, cfg.Connectors),
		media:      store.NewMediaService(db),
		incidents:  store.NewIncidentService(db),
		logger:     logger,
		limiter:    newLoginLimiter(),
		metrics:    newMetrics(),
	}
	// The pages are parsed beside start-up, on the other core: a server
	// answers its health check at once, and its first page waits for them
	// if it comes first.
	go mustParsePages()
	s.inbox = store.NewInboxService(db, s.posts)
	s.listening = store.NewListeningService(db, s.accounts)
	s.crisis = store.NewCrisisService(db, cfg.Vault)
	s.tracking = newTracking(db)
	s.mux = http.NewServeMux()
	s.routes = s.routeTable()
	for _, r := range s.routes {
		s.mux.Handle(r.Method+" "+r.Pattern, s.wrap(r))
	}
	// The short-link redirect skips the routes' middleware (session,
	// language, CSRF cookie, metrics): it serves anonymous visitors at
	// volume and must set no cookie. See links.go.
	s.mux.HandleFunc("GET /l/{code}", s.followLink)
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler()))
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.HandleFunc("GET /metrics", s.metrics.serve)
	s.mux.HandleFunc("GET /api/openapi.yaml", serveOpenAPI)
	s.mux.HandleFunc("/api/", s.apiNotFound)
	s.mux.HandleFunc("/", s.notFound)
	return s
}

// Handler returns the server's root handler.
func (s *Server) Handler() http.Handler {
	return s.recoverer(securityHeaders(s.mux))
}

// Routes returns every application route, for tests that must cover them all.
func (s *Server) Routes() []Route { return s.routes }
