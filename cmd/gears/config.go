package main

import (
	"strconv"

	"gears/notify"

	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"gears/vault"
)

// Config is the whole configuration of `gears serve`: defaults, then the
// environment, then flags.
type Config struct {
	Addr        string        // where to listen
	DataDir     string        // the SQLite database and other local files
	DatabaseURL string        // postgres://… to use PostgreSQL instead of SQLite
	BaseURL     string        // where people reach Gears (links, Secure cookies)
	LogFormat   string        // text or json
	LogLevel    string        // debug, info, warn or error
	Demo        bool          // fill the example workspace on start
	Workers     int           // background jobs run at once
	SecretKey   string        // base64 key sealing account credentials; "" reads or makes DataDir/secret.key
	RescueAfter time.Duration // a job running this long is taken as lost with its process (0: 4 min)
	PollEvery   time.Duration // how often accounts and saved searches are read (0: 1 min)
	AppView     string        // the Bluesky AppView, as an atproto-proxy value ("": Bluesky's own)
	// AllowPrivate lets feeds and webhooks reach this machine and private
	// networks; by default they reach public addresses only.
	AllowPrivate bool
	SMTP         notify.SMTPConfig
}

// DefaultConfig returns the configuration of a plain `gears serve`.
func DefaultConfig() Config {
	return Config{Addr: "127.0.0.1:8080", DataDir: "./gears-data", LogFormat: "text", LogLevel: "info", Workers: 50}
}

// FromEnv overrides c with the GEARS_* environment variables that are set;
// GEARS_DATABASE_URL_FILE reads the URL (a secret) from a file.
func (c *Config) FromEnv(getenv func(string) string) error {
	set := func(dst *string, name string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	set(&c.Addr, "GEARS_ADDR")
	set(&c.DataDir, "GEARS_DATA")
	set(&c.DatabaseURL, "GEARS_DATABASE_URL")
	set(&c.BaseURL, "GEARS_BASE_URL")
	set(&c.LogFormat, "GEARS_LOG_FORMAT")
	set(&c.LogLevel, "GEARS_LOG_LEVEL")
	set(&c.SecretKey, "GEARS_SECRET_KEY")
	if v := getenv("GEARS_JOB_RESCUE_AFTER"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return fmt.Errorf("GEARS_JOB_RESCUE_AFTER %q: want a duration such as 4m", v)
		}
		c.RescueAfter = d
	}
	if v := getenv("GEARS_POLL_EVERY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return fmt.Errorf("GEARS_POLL_EVERY %q: want a duration such as 1m", v)
		}
		c.PollEvery = d
	}
	set(&c.AppView, "GEARS_BLUESKY_APPVIEW")
	if v := getenv("GEARS_ALLOW_PRIVATE_ADDRESSES"); v != "" {
		allow, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("GEARS_ALLOW_PRIVATE_ADDRESSES %q: want true or false", v)
		}
		c.AllowPrivate = allow
	}
	set(&c.SMTP.Host, "GEARS_SMTP_HOST")
	set(&c.SMTP.Username, "GEARS_SMTP_USERNAME")
	set(&c.SMTP.Password, "GEARS_SMTP_PASSWORD")
	set(&c.SMTP.From, "GEARS_SMTP_FROM")
	set(&c.SMTP.TLS, "GEARS_SMTP_TLS")
	if v := getenv("GEARS_SMTP_PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p <= 0 || p > 65535 {
			return fmt.Errorf("GEARS_SMTP_PORT %q: want a port number", v)
		}
		c.SMTP.Port = p
	}
	if f := getenv("GEARS_SMTP_PASSWORD_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("GEARS_SMTP_PASSWORD_FILE: %w", err)
		}
		c.SMTP.Password = strings.TrimSpace(string(b))
	}
	if f := getenv("GEARS_SECRET_KEY_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("GEARS_SECRET_KEY_FILE: %w", err)
		}
		c.SecretKey = strings.TrimSpace(string(b))
	}
	if f := getenv("GEARS_DATABASE_URL_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("GEARS_DATABASE_URL_FILE: %w", err)
		}
		c.DatabaseURL = strings.TrimSpace(string(b))
	}
	return nil
}

// databaseFlags registers the flags every command that opens the database
// shares.
func (c *Config) databaseFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data folder for the embedded SQLite database (env GEARS_DATA)")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "postgres://… URL to use PostgreSQL instead of SQLite (env GEARS_DATABASE_URL)")
}

// Validate checks the configuration before anything starts.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("--addr %q: want host:port", c.Addr))
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			errs = append(errs, errors.New("GEARS_DATABASE_URL: want postgres://user:password@host:port/database"))
		}
	} else if c.DataDir == "" {
		errs = append(errs, errors.New("--data: the data folder is empty"))
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("GEARS_BASE_URL %q: want http(s)://host[:port]", c.BaseURL))
		}
	}
	if c.SecretKey != "" {
		if _, err := vault.ParseKey(c.SecretKey); err != nil {
			errs = append(errs, fmt.Errorf("GEARS_SECRET_KEY: %w", err))
		}
	}
	if c.SMTP.Host != "" {
		if err := c.SMTP.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("GEARS_SMTP_*: %w", err))
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("--log-format %q: want text or json", c.LogFormat))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel))
	}
	if c.Workers < 1 || c.Workers > 10_000 {
		errs = append(errs, fmt.Errorf("--workers %d: want 1 to 10000", c.Workers))
	}
	return errors.Join(errs...)
}
