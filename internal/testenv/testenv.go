// Package testenv tells tests which outside services this machine has
// (PostgreSQL, Chromium) and what to do when one is missing: skip loudly on
// a developer's machine, fail in CI, where GEARS_TEST_REQUIRE_SERVICES=1.
package testenv

import (
	"os"
	"os/exec"
	"testing"
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
