package pdstest

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"gears/internal/testenv"
)

// ServiceAppView is the name tests give the network with the AppView when
// it is missing.
const ServiceAppView = "AT Protocol network with the AppView"

// RedisAddrVar names the Redis server (host:port) the network with the
// AppView is given; scripts/test starts one. PostgreSQL comes from
// testenv.PostgresURLVar.
const RedisAddrVar = "GEARS_TEST_REDIS_ADDR"

// ProcessTimeout bounds one ProcessAll.
const ProcessTimeout = 30 * time.Second

// Network is a running network with the AppView: a PLC directory, a PDS
// that proxies app.bsky.* to the AppView, the AppView ("bsky", with its
// dataplane on PostgreSQL) and the moderation service dev-env wires to
// them. The PDS counts rate limits (in memory) and sends the RateLimit-*
// headers.
type Network struct {
	// PDS is the network's PDS; its methods create accounts and call it.
	*PDS
	// AppView is the AppView's base URL, http://127.0.0.1:PORT.
	AppView string
	// AppViewDID is the AppView's DID; the PDS proxies a call to it when
	// asked with the header "atproto-proxy: " + AppViewDID + "#bsky_appview".
	AppViewDID string

	control string
}

// Proxy returns the atproto-proxy value that sends app.bsky.* calls to
// the network's AppView.
func (n *Network) Proxy() string { return n.AppViewDID + "#bsky_appview" }

// StartNetwork returns the test binary's network with the AppView,
// starting it on first use (about 7 s) with PostgreSQL from
// GEARS_TEST_POSTGRES_URL (in schemas of its own, dropped when it stops)
// and Redis from GEARS_TEST_REDIS_ADDR. When one of them, Node.js or the
// npm packages is missing it stops the test through testenv.Missing (a
// loud skip, a failure when GEARS_TEST_REQUIRE_SERVICES=1); when the
// network fails to start it fails the test.
func StartNetwork(t testing.TB) *Network {
	t.Helper()
	appviews.Lock()
	defer appviews.Unlock()
	if !appviews.tried {
		appviews.tried = true
		appviews.net, appviews.missing, appviews.err = startNetwork()
		if appviews.net != nil {
			appviews.pds = appviews.net.PDS
		}
	}
	switch {
	case appviews.missing != "":
		testenv.Missing(t, ServiceAppView, appviews.missing)
	case appviews.err != nil:
		t.Fatalf("pdstest: %v", appviews.err)
	}
	return appviews.net
}

func startNetwork() (*Network, string, error) {
	pg := os.Getenv(testenv.PostgresURLVar)
	if pg == "" {
		return nil, "set " + testenv.PostgresURLVar + "; scripts/test starts a PostgreSQL", nil
	}
	redis := os.Getenv(RedisAddrVar)
	if redis == "" {
		return nil, "set " + RedisAddrVar + " to a Redis server's host:port; scripts/test starts one", nil
	}
	if err := pingRedis(redis); err != nil {
		return nil, "", fmt.Errorf("%s=%s: %w", RedisAddrVar, redis, err)
	}
	env := []string{
		"GEARS_PDSTEST_POSTGRES_URL=" + pg,
		"GEARS_PDSTEST_POSTGRES_SCHEMA=" + schemaName(),
		"GEARS_PDSTEST_REDIS_HOST=" + redis,
	}
	p, missing, err := start(true, env)
	if missing != "" || err != nil {
		return nil, missing, err
	}
	r := p.ready
	if r.AppView == "" || r.AppViewDID == "" || r.Control == "" {
		p.stop()
		return nil, "", fmt.Errorf("start.mjs --appview did not name the AppView: %+v", r)
	}
	return &Network{PDS: p, AppView: r.AppView, AppViewDID: r.AppViewDID, control: r.Control}, "", nil
}

// schemaName is a fresh name for the network's PostgreSQL schemas: the
// AppView allows letters and underscores only.
func schemaName() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = 'a' + b[i]%26
	}
	return "gears_" + string(b)
}

// pingRedis checks that a Redis server answers at addr.
func pingRedis(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := io.WriteString(c, "PING\r\n"); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") {
		return fmt.Errorf("not Redis: PING answered %q", strings.TrimSpace(line))
	}
	return nil
}

// ProcessAll waits until the AppView has indexed everything the PDS has
// written so far (dev-env's network.processAll()).
func (n *Network) ProcessAll(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ProcessTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.control+"/process-all", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("pdstest: process-all: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("pdstest: process-all: HTTP %d: %s", resp.StatusCode, body)
	}
}
