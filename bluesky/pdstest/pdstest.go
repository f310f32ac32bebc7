// Package pdstest runs a real AT Protocol network for tests, from
// @atproto/dev-env, started with Node.js from the project in the node
// folder beside this file, every server listening on 127.0.0.1 only:
//
//   - Start: a PDS, enough to publish: a PLC directory and a PDS alone
//     (TestNetworkNoAppView), which need nothing else, or, when its
//     services are configured, the PDS of StartNetwork's network, so that
//     a test binary starts one network.
//   - StartNetwork: the same with the AppView (TestNetwork: the "bsky"
//     AppView and its dataplane, and the moderation service), so that
//     app.bsky.* reads (notifications, threads, search) work through the
//     PDS. It needs PostgreSQL (GEARS_TEST_POSTGRES_URL) and Redis
//     (GEARS_TEST_REDIS_ADDR); scripts/test starts both.
//
// Prepare it once per machine (about 2–5 minutes: better-sqlite3 is
// compiled):
//
//	cd bluesky/pdstest/node && npm ci
//
// Tests never install packages: without node_modules (or PostgreSQL and
// Redis for StartNetwork), the service is reported missing through
// testenv.Missing (a loud skip, a failure in CI).
//
// Each network serves a whole test binary: it starts on first use, and
// Main (or Stop) stops it when the tests end.
//
//	func TestMain(m *testing.M) { pdstest.Main(m) }
//
//	func TestNotifications(t *testing.T) {
//		n := pdstest.StartNetwork(t)
//		alice, bob := n.CreateUser(t, "alice"), n.CreateUser(t, "bob")
//		bob.Follow(t, alice.DID)
//		n.ProcessAll(t) // the AppView has indexed the follow
//		…
//	}
package pdstest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"gears/internal/testenv"
)

// Service is the name tests give the network when it is missing.
const Service = "AT Protocol PDS"

// NodeVar names the Node.js binary; default: node on PATH.
const NodeVar = "GEARS_TEST_NODE"

// StartTimeout bounds the start of the network.
const StartTimeout = 90 * time.Second

// PDS is a running network.
type PDS struct {
	// URL is the PDS base URL, http://127.0.0.1:PORT.
	URL string
	// PLC is the PLC directory's base URL.
	PLC string
	// PublicURL is the address the PDS believes it has
	// (http://localhost:PORT), which DID documents name.
	PublicURL string

	cmd    *exec.Cmd
	stdin  io.WriteCloser
	done   chan struct{}
	stderr *tail
	ready  readyLine
}

// lazy is one network of the test binary, started on first use.
type lazy struct {
	sync.Mutex
	pds     *PDS
	net     *Network
	err     error
	missing string // why the network cannot run here
	tried   bool
}

var (
	shared   lazy // the PDS without the AppView (Start)
	appviews lazy // the network with the AppView (StartNetwork)
)

// Start returns the test binary's PDS, starting its network on first use.
// When the services of the network with the AppView are configured
// (GEARS_TEST_POSTGRES_URL and GEARS_TEST_REDIS_ADDR), it is that
// network's PDS (StartNetwork), so that a test binary runs one network;
// otherwise it is a PDS alone (TestNetworkNoAppView). When Node.js or the
// npm packages are missing it stops the test through testenv.Missing;
// when the network fails to start it fails the test.
func Start(t testing.TB) *PDS {
	t.Helper()
	if os.Getenv(testenv.PostgresURLVar) != "" && os.Getenv(RedisAddrVar) != "" {
		return StartNetwork(t).PDS
	}
	shared.Lock()
	defer shared.Unlock()
	if !shared.tried {
		shared.tried = true
		shared.pds, shared.missing, shared.err = start(false, nil)
	}
	switch {
	case shared.missing != "":
		testenv.Missing(t, Service, shared.missing)
	case shared.err != nil:
		t.Fatalf("pdstest: %v", shared.err)
	}
	return shared.pds
}

// Main runs the tests and then stops the networks that were started.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// Stop stops the shared networks; Start and StartNetwork would not start
// others.
func Stop() {
	var stops []*PDS
	for _, l := range []*lazy{&shared, &appviews} {
		l.Lock()
		if l.pds != nil {
			stops = append(stops, l.pds)
		}
		l.pds, l.net = nil, nil
		if l.err == nil && l.missing == "" && l.tried {
			l.err = errors.New("the network was stopped")
		}
		l.Unlock()
	}
	for _, p := range stops {
		p.stop()
	}
}

// Dir returns the Node project's folder.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "node")
}

// start runs start.mjs (with --appview and env when appview is set) and
// waits for its ready line.
func start(appview bool, env []string) (p *PDS, missing string, err error) {
	dir := Dir()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@atproto", "dev-env", "package.json")); err != nil {
		return nil, "run npm ci in bluesky/pdstest/node", nil
	}
	node := os.Getenv(NodeVar)
	if node == "" {
		if node, err = exec.LookPath("node"); err != nil {
			return nil, "install Node.js 20 or set " + NodeVar, nil
		}
	}
	args := []string{"start.mjs"}
	if appview {
		args = append(args, "--appview")
	}
	cmd := exec.Command(node, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "NODE_ENV=test", "LOG_ENABLED=false"), env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, "", err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	errTail := &tail{max: 16 << 10}
	cmd.Stderr = errTail
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("start node: %w", err)
	}
	p = &PDS{cmd: cmd, stdin: stdin, done: make(chan struct{}), stderr: errTail}
	ready := make(chan readyLine, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sent := false
		for sc.Scan() {
			var r readyLine
			if !sent && json.Unmarshal(sc.Bytes(), &r) == nil && r.Marker == 1 {
				ready <- r
				sent = true
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	select {
	case r := <-ready:
		p.URL, p.PLC, p.PublicURL = r.PDS, r.PLC, r.PublicURL
		p.ready = r
		return p, "", nil
	case <-p.done:
		return nil, "", fmt.Errorf("the network exited before it was ready (%v):\n%s", cmd.ProcessState, errTail)
	case <-time.After(StartTimeout):
		p.stop()
		return nil, "", fmt.Errorf("the network was not ready within %v:\n%s", StartTimeout, errTail)
	}
}

type readyLine struct {
	Marker     int    `json:"gears_pdstest"`
	PDS        string `json:"pds"`
	PLC        string `json:"plc"`
	PublicURL  string `json:"public_url"`
	AppView    string `json:"appview"`
	AppViewDID string `json:"appview_did"`
	Control    string `json:"control"`
}

// stop closes the network's stdin, which makes it shut down and remove its
// files; a network that does not exit within 10 s is killed.
func (p *PDS) stop() {
	_ = p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// CreateAccount creates an account with handle (".test" is added when
// the handle has no domain; the part before it must be 3–18 letters,
// digits or hyphens) and returns its DID and an app password for it, as a
// person would give Gears.
func (p *PDS) CreateAccount(t testing.TB, handle string) (did, appPassword string) {
	t.Helper()
	_, did, _, appPassword = p.createAccount(t, handle)
	return did, appPassword
}

// createAccount creates an account and an app password for it.
func (p *PDS) createAccount(t testing.TB, handle string) (fullHandle, did, access, appPassword string) {
	t.Helper()
	if !strings.Contains(handle, ".") {
		handle += ".test"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	password := randomString()
	var acct struct {
		DID       string `json:"did"`
		AccessJwt string `json:"accessJwt"`
	}
	in := map[string]string{"handle": handle, "email": strings.ReplaceAll(handle, ".", "-") + "@example.com", "password": password}
	if err := p.XRPC(ctx, "com.atproto.server.createAccount", "", in, &acct); err != nil {
		t.Fatalf("pdstest: create account %s: %v", handle, err)
	}
	var app struct {
		Password string `json:"password"`
	}
	if err := p.XRPC(ctx, "com.atproto.server.createAppPassword", acct.AccessJwt, map[string]string{"name": "gears"}, &app); err != nil {
		t.Fatalf("pdstest: create app password for %s: %v", handle, err)
	}
	return handle, acct.DID, acct.AccessJwt, app.Password
}

// XRPC calls a method of the PDS (nsid may carry a query: "…getRecord?repo=…"):
// a POST with in as JSON, or a GET when in is nil, with the access token when it is not empty. The answer is decoded
// into out when it is not nil; a non-2xx answer is an error with its body.
func (p *PDS) XRPC(ctx context.Context, nsid, token string, in, out any) error {
	return p.xrpc(ctx, nsid, token, "", in, out)
}

// xrpc is XRPC with an atproto-proxy header when proxy is not empty.
func (p *PDS) xrpc(ctx context.Context, nsid, token, proxy string, in, out any) error {
	method, body := http.MethodGet, io.Reader(nil)
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		method, body = http.MethodPost, bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.URL+"/xrpc/"+nsid, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if proxy != "" {
		req.Header.Set("Atproto-Proxy", proxy)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s: HTTP %d: %s", nsid, resp.StatusCode, data)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}

func randomString() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// tail keeps the last bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = t.buf[over:]
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
