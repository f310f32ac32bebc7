// Package testenv tells tests which outside services this machine has
// (PostgreSQL, Chromium) and what to do when one is missing: skip loudly on
// a developer's machine, fail in CI, where GEARS_TEST_REQUIRE_SERVICES=1.
// It also checks that tests leave no goroutine behind.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// Environment variables that configure the tests.
const (
	// PostgresURLVar names a PostgreSQL server the tests may create
	// databases on, e.g. postgres://postgres@127.0.0.1:55432/postgres.
	PostgresURLVar = "GEARS_TEST_POSTGRES_URL"
	// RequireVar, set to 1, turns every "service missing" skip into a failure.
	RequireVar = "GEARS_TEST_REQUIRE_SERVICES"
	// ChromiumVar names the Chromium binary; default: found on PATH.
	ChromiumVar = "GEARS_TEST_CHROMIUM"
)

// Missing reports that a service the test needs is not here: a loud skip
// locally, a failure when services are required.
func Missing(t testing.TB, service, how string) {
	t.Helper()
	msg := "SERVICE MISSING, TEST SKIPPED: " + service + " is not available (" + how + ")"
	if os.Getenv(RequireVar) == "1" {
		t.Fatal(msg + "; " + RequireVar + "=1 forbids skipping")
	}
	t.Skip(msg)
}

// PostgresURL returns the test PostgreSQL server's URL, or stops the test
// through Missing.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(PostgresURLVar)
	if u == "" {
		Missing(t, "PostgreSQL", "set "+PostgresURLVar+"; .ci/run shows how to start one")
	}
	return u
}

// Chromium returns the path of a Chromium binary, or stops the test
// through Missing.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(ChromiumVar); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	Missing(t, "Chromium", "install the chromium package or set "+ChromiumVar)
	return ""
}

// LeakGrace is how long FindLeaks lets goroutines end. Those a test
// stops (a closed server's connections, a client's idle ones) end a
// little after it, and on CI's two shared cores that can be well past
// the half second goleak waits by itself.
const LeakGrace = 10 * time.Second

// FindLeaks returns nil as soon as no goroutine but those opts ignore is
// running, or goleak's report of them once LeakGrace has passed.
func FindLeaks(opts ...goleak.Option) error {
	deadline := time.Now().Add(LeakGrace)
	for {
		err := goleak.Find(opts...)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// VerifyNoLeaks fails t if goroutines but those opts ignore are still
// running after LeakGrace; see FindLeaks.
func VerifyNoLeaks(t testing.TB, opts ...goleak.Option) {
	t.Helper()
	if err := FindLeaks(opts...); err != nil {
		t.Error(err)
	}
}

// LeakCheckedMain runs a package's tests, as TestMain does, and fails the
// run if they passed but left goroutines behind; see FindLeaks.
func LeakCheckedMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := FindLeaks(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak: goroutines left behind by the tests:", err)
			code = 1
		}
	}
	os.Exit(code)
}
