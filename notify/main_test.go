package notify_test

import (
	"testing"

	"gears/internal/testenv"
)

// TestMain fails the run if a test leaves a goroutine behind: test
// servers, hung requests and SMTP sessions must all end.
func TestMain(m *testing.M) { testenv.LeakCheckedMain(m) }
