package mastodon_test

import (
	"testing"

	"gears/internal/testenv"
)

// TestMain fails the run if a test leaves a goroutine behind: the test
// server's handlers, hung requests and the transports' connections must
// all end.
func TestMain(m *testing.M) { testenv.LeakCheckedMain(m) }
