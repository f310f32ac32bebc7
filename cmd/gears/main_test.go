package main

import (
	"bytes"
	"context"
	"encoding/json"
	"gears/store"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"gears/internal/testenv"
	"gears/store/storetest"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// boot starts a whole Gears on port 0 and stops it when the test ends.
func boot(t *testing.T, cfg Config) *Main { return bootWith(t, cfg, nil) }

// bootWith is boot with the networks given (nil: the real ones); the logs
// are shown when the test fails.
func bootWith(t *testing.T, cfg Config, connectors store.Connectors) *Main {
	t.Helper()
	var logs bytes.Buffer
	m := NewMain(cfg, slog.New(slog.NewTextHandler(&lockedBuffer{b: &logs}, nil)))
	if connectors != nil {
		m.Connectors = connectors
	}
	if err := m.Open(context.Background()); err != nil {
		m.Close()
		t.Fatalf("open: %v\n%s", err, logs.String())
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		if t.Failed() {
			t.Log(logs.String())
		}
	})
	return m
}

func testConfig(t *testing.T) Config {
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.Workers = 5
	return cfg
}

func getJSON(t *testing.T, url, token string, v any) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		json.NewDecoder(resp.Body).Decode(v)
	}
	return resp.StatusCode
}

// TestAdminCommandsAndServe runs the binary's commands as an operator
// would: create a user, a token, then serve and use the token.
func TestAdminCommandsAndServe(t *testing.T) {
	// Registered first, so it runs after the server's own cleanup: every
	// goroutine Gears started must be gone once it is closed.
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() { testenv.VerifyNoLeaks(t, before) })
	ctx := context.Background()
	dir := t.TempDir()
	getenv := env("GEARS_DATA", dir)
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"migrate"}, &out, &errb, getenv); err != nil || !strings.Contains(out.String(), "applied 0001_accounts.sql") {
		t.Fatalf("migrate: %v %s %s", err, out.String(), errb.String())
	}
	out.Reset()
	if err := run(ctx, []string{"migrate"}, &out, &errb, getenv); err != nil || !strings.Contains(out.String(), "up to date") {
		t.Fatalf("second migrate: %v %s", err, out.String())
	}
	err := run(ctx, []string{"user", "create", "--email", "Ops@Example.com", "--password", "short"}, &out, &errb, getenv)
	if err == nil || !strings.Contains(err.Error(), "--password") {
		t.Fatalf("short password: %v", err)
	}
	out.Reset()
	if err := run(ctx, []string{"user", "create", "--email", "Ops@Example.com", "--password", "a good long password", "--admin"}, &out, &errb, getenv); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"token", "create", "--email", "ops@example.com"}, &out, &errb, getenv); err != nil {
		t.Fatal(err)
	}
	token := out.String()
	if !strings.HasPrefix(token, "gears_") || strings.Count(token, "\n") != 1 || strings.Contains(strings.TrimSpace(token), " ") {
		t.Fatalf("token create must print the token alone: %q", token)
	}
	token = strings.TrimSpace(token)
	if err := run(ctx, []string{"token", "create", "--email", "nobody@example.com"}, &out, &errb, getenv); err == nil {
		t.Error("token for an unknown user")
	}
	if err := run(ctx, []string{"user", "create", "--bogus"}, io.Discard, io.Discard, getenv); err != errUsage {
		t.Errorf("bad flag: %v, want errUsage", err)
	}
	if err := run(ctx, []string{"frobnicate"}, io.Discard, io.Discard, getenv); err != errUsage {
		t.Errorf("unknown command: %v", err)
	}
	out.Reset()
	if err := run(ctx, []string{"version"}, &out, io.Discard, getenv); err != nil || !strings.HasPrefix(out.String(), "gears ") {
		t.Errorf("version: %v %q", err, out.String())
	}

	cfg := testConfig(t)
	cfg.DataDir = dir
	m := boot(t, cfg)
	var me struct{ Email string }
	if st := getJSON(t, m.URL()+"/api/v1/me", token, &me); st != 200 || me.Email != "ops@example.com" {
		t.Fatalf("/api/v1/me = %d %+v", st, me)
	}
	if st := getJSON(t, m.URL()+"/readyz", "", nil); st != 200 {
		t.Errorf("readyz = %d", st)
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, cmd := range [][]string{{"serve", "--help"}, {"migrate", "--help"}, {"user", "create", "--help"}, {"token", "create", "--help"}, {"plan", "--help"}} {
		var errb bytes.Buffer
		err := run(context.Background(), cmd, io.Discard, &errb, env())
		if err == nil || !strings.Contains(err.Error(), "help requested") {
			t.Errorf("%v: %v", cmd, err)
		}
		if !strings.Contains(errb.String(), "Usage") && !strings.Contains(errb.String(), "Uso") {
			t.Errorf("%v printed no usage: %q", cmd, errb.String())
		}
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"bad addr", func(c *Config) { c.Addr = "8080" }, "--addr"},
		{"bad database url", func(c *Config) { c.DatabaseURL = "mysql://x" }, "GEARS_DATABASE_URL"},
		{"bad base url", func(c *Config) { c.BaseURL = "gears.example.org" }, "GEARS_BASE_URL"},
		{"bad log format", func(c *Config) { c.LogFormat = "xml" }, "--log-format"},
		{"no data folder", func(c *Config) { c.DataDir = "" }, "--data"},
	} {
		c := DefaultConfig()
		tt.mod(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	c := DefaultConfig()
	if err := c.FromEnv(env("GEARS_ADDR", "0.0.0.0:9000", "GEARS_DATABASE_URL", "postgres://u@h/db")); err != nil || c.Addr != "0.0.0.0:9000" || c.DatabaseURL != "postgres://u@h/db" {
		t.Errorf("FromEnv: %+v %v", c, err)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("valid config: %v", err)
	}
}

// TestReplicas runs two whole Gears on one PostgreSQL, as two replicas
// behind a load balancer: both serve, and what one writes the other reads.
func TestReplicas(t *testing.T) {
	url := storetest.NewPostgresDatabase(t)
	var replicas []*Main
	for range 2 {
		cfg := testConfig(t)
		cfg.DatabaseURL = url
		replicas = append(replicas, boot(t, cfg))
	}
	ctx := context.Background()
	var out bytes.Buffer
	getenv := env("GEARS_DATABASE_URL", url)
	if err := run(ctx, []string{"user", "create", "--email", "a@example.com", "--password", "a good long password"}, &out, io.Discard, getenv); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"token", "create", "--email", "a@example.com"}, &out, io.Discard, getenv); err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(out.String())
	req, _ := http.NewRequest("POST", replicas[0].URL()+"/api/v1/workspaces", strings.NewReader(`{"name":"Shared","timezone":"UTC"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("create on replica 0: %v %v", resp, err)
	}
	resp.Body.Close()
	var list struct{ Workspaces []struct{ Name string } }
	if st := getJSON(t, replicas[1].URL()+"/api/v1/workspaces", token, &list); st != 200 || len(list.Workspaces) != 1 || list.Workspaces[0].Name != "Shared" {
		t.Fatalf("replica 1 sees %d %+v", st, list)
	}
}
