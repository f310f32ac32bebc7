package main

import (
	"gears/feeds"
	"gears/notify"
	"gears/outbound"

	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"gears"
	"gears/demo"
	"gears/jobs"
	"gears/store"
	"gears/vault"
	"gears/web"
)

// Main is a whole running Gears: database, job workers and web server.
// Tests boot it on port 0 with a temporary database.
type Main struct {
	Config Config
	Logger *slog.Logger

	DB         *store.DB
	Jobs       *jobs.Client
	Vault      *vault.Vault
	Accounts   *store.AccountService
	Connectors store.Connectors // the networks; NewMain sets the real ones, tests may point them elsewhere
	Server     *web.Server
	http       *http.Server
	ln         net.Listener
	served     chan error
	stopStream context.CancelFunc // stops the Mastodon streams
	streamDone chan error
	stopClicks context.CancelFunc // stops the click flusher, which then writes what is left
	clicksDone chan error
}

// NewMain returns a Main for cfg, not yet started.
func NewMain(cfg Config, logger *slog.Logger) *Main {
	return &Main{Config: cfg, Logger: logger, Connectors: defaultConnectors(cfg.AppView)}
}

// openVault loads the key that seals account credentials: GEARS_SECRET_KEY,
// or the data folder's secret.key, made on first run.
func openVault(cfg Config, logger *slog.Logger) (*vault.Vault, error) {
	if cfg.SecretKey != "" {
		key, err := vault.ParseKey(cfg.SecretKey)
		if err != nil {
			return nil, err
		}
		return vault.New(key)
	}
	path := filepath.Join(cfg.DataDir, "secret.key")
	key, created, err := vault.LoadOrCreateKeyFile(path)
	if err != nil {
		return nil, err
	}
	if created {
		logger.Warn("made a new secret key for account credentials: back it up; replicas need the same one (GEARS_SECRET_KEY)", "path", path)
	}
	return vault.New(key)
}

// Open opens and migrates the database, starts listening and serving, and
// starts the job workers. It returns once requests are being served.
func (m *Main) Open(ctx context.Context) error {
	if err := m.Config.Validate(); err != nil {
		return err
	}
	db, err := openDB(ctx, m.Config)
	if err != nil {
		return err
	}
	m.DB = db
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) > 0 {
		m.Logger.Info("database migrated", "applied", applied)
	}
	if m.Vault, err = openVault(m.Config, m.Logger); err != nil {
		return err
	}
	m.Accounts = store.NewAccountService(db, m.Vault, m.Connectors)
	publisher := store.NewPublisher(db, m.Accounts)
	listening := store.NewListeningService(db, m.Accounts)
	// Feeds and webhooks go where members of a workspace say: public
	// addresses only, unless the operator allows more.
	targets := outbound.Public()
	if m.Config.AllowPrivate {
		targets = outbound.Client(nil)
	}
	var mailer *notify.Mailer
	if m.Config.SMTP.Host != "" {
		mailer = &notify.Mailer{Config: m.Config.SMTP}
	}
	m.Jobs, err = jobs.New(jobs.Config{
		DB: db, Logger: m.Logger.With("component", "jobs"), MaxWorkers: m.Config.Workers, RescueAfter: m.Config.RescueAfter,
		Publish: &jobs.PublishWorker{
			Publisher:  publisher,
			Connectors: m.Connectors,
			Logger:     m.Logger.With("component", "publish"),
		},
		Inbox: &jobs.Inbox{
			Listening:  listening,
			Inbox:      store.NewInboxService(db, store.NewPostService(db, m.Connectors)),
			Publisher:  publisher,
			Connectors: m.Connectors,
			Feeds:      &feeds.Reader{Client: targets},
			Logger:     m.Logger.With("component", "inbox"),
			Every:      m.Config.PollEvery,
		},
		Crisis: &jobs.Crisis{
			Store:   store.NewCrisisService(db, m.Vault),
			Webhook: &notify.WebhookSender{Client: targets},
			Mailer:  mailer,
			BaseURL: m.Config.BaseURL,
			Logger:  m.Logger.With("component", "crisis"),
		},
		Reports: &jobs.Reports{
			Store:  store.NewReportService(db),
			Mailer: mailer,
			PDF:    web.WriteReportPDF,
			Logger: m.Logger.With("component", "reports"),
		},
		Metrics: &jobs.Metrics{
			Metrics:    store.NewMetricsService(db, m.Accounts),
			Publisher:  publisher,
			Connectors: m.Connectors,
			Logger:     m.Logger.With("component", "metrics"),
		},
	})
	if err != nil {
		return err
	}
	m.Server = web.New(web.Config{BaseURL: m.Config.BaseURL, Version: buildVersion(), Vault: m.Vault, Connectors: m.Connectors,
		Mail: mailer != nil}, db, m.Logger)
	m.Server.Demo = func(ctx context.Context, owner *gears.User) (*gears.Workspace, error) {
		return demo.Fill(ctx, db, owner)
	}
	if m.ln, err = net.Listen("tcp", m.Config.Addr); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	m.http = &http.Server{
		Handler:           m.Server.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	m.served = make(chan error, 1)
	go func() { m.served <- m.http.Serve(m.ln) }()
	// Clicks on tracked links are counted in memory and written every
	// web.ClickFlushEvery; Close writes the rest after serving stops.
	cctx, stopClicks := context.WithCancel(context.WithoutCancel(ctx))
	m.stopClicks, m.clicksDone = stopClicks, make(chan error, 1)
	go func() { m.clicksDone <- m.Server.RunClickFlusher(cctx, web.ClickFlushEvery) }()
	if err := m.Jobs.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	// Mastodon's streaming API rings a doorbell: a notification makes an
	// immediate poll of its account (the poll reads; the stream only says
	// when).
	streamer := &jobs.Streamer{Listening: listening, Connectors: m.Connectors,
		Insert: jobs.PollInserter(m.Jobs), Logger: m.Logger.With("component", "stream")}
	sctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	m.stopStream, m.streamDone = stop, make(chan error, 1)
	go func() { m.streamDone <- streamer.Run(sctx) }()
	return nil
}

// URL is where the server listens.
func (m *Main) URL() string { return "http://" + m.ln.Addr().String() }

// Close stops serving (letting requests in flight finish), stops the job
// workers (letting running jobs finish) and closes the database.
func (m *Main) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var errs []error
	if m.http != nil {
		if err := m.http.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop http: %w", err))
		}
		if err := <-m.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	if m.stopClicks != nil {
		m.stopClicks()
		if err := <-m.clicksDone; err != nil {
			errs = append(errs, fmt.Errorf("flush clicks: %w", err))
		}
	}
	if m.stopStream != nil {
		m.stopStream()
		if err := <-m.streamDone; err != nil {
			errs = append(errs, fmt.Errorf("stop streams: %w", err))
		}
	}
	if m.Jobs != nil {
		if err := m.Jobs.Stop(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop jobs: %w", err))
		}
	}
	if m.DB != nil {
		if err := m.DB.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func openDB(ctx context.Context, cfg Config) (*store.DB, error) {
	return store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir})
}

func newLogger(w io.Writer, cfg Config) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg := DefaultConfig()
	if err := cfg.FromEnv(getenv); err != nil {
		return err
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: gears serve [flags]\n\nRuns the web interface, the JSON API (/api/v1) and the background workers.\n\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "address to listen on (env GEARS_ADDR)")
	cfg.databaseFlags(fs)
	fs.StringVar(&cfg.BaseURL, "base-url", cfg.BaseURL, "public URL of Gears, e.g. https://gears.example.org (env GEARS_BASE_URL)")
	fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "log format: text or json (env GEARS_LOG_FORMAT)")
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "log level: debug, info, warn or error (env GEARS_LOG_LEVEL)")
	fs.IntVar(&cfg.Workers, "workers", cfg.Workers, "background jobs run at once")
	fs.BoolVar(&cfg.Demo, "demo", false, "fill an example workspace (signs in as demo@gears.example)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	logger := newLogger(stderr, cfg)
	m := NewMain(cfg, logger)
	if err := m.Open(ctx); err != nil {
		m.Close()
		return err
	}
	logger.Info("gears is serving", "url", m.URL(), "version", buildVersion(), "database", string(m.DB.Dialect()))
	if err := m.announce(ctx); err != nil {
		m.Close()
		return err
	}
	<-ctx.Done()
	logger.Info("shutting down")
	return m.Close()
}

// announce logs what a person needs at the start: the set-up code of an
// empty instance, or the demo's sign-in.
func (m *Main) announce(ctx context.Context) error {
	if m.Config.Demo {
		owner, password, err := demo.Owner(ctx, m.DB)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if _, err := demo.Fill(ctx, m.DB, owner); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if password != "" {
			m.Logger.Warn("demo ready: sign in at "+m.URL()+"/login", "email", owner.Email, "password", password)
		} else {
			m.Logger.Info("demo ready: sign in at "+m.URL()+"/login", "email", owner.Email)
		}
		return nil
	}
	code, err := store.NewSetupService(m.DB).SetupCode(ctx)
	if err != nil {
		return err
	}
	if code != "" {
		m.Logger.Warn("no user yet: open "+m.URL()+"/setup and enter the set-up code", "setup_code", code)
	}
	return nil
}
