package bluesky

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"gears"
)

var _ gears.QuotaReporter = (*Connector)(nil)

// quota is an account's rate limit as an answer's headers stated it.
type quota struct {
	remaining int
	reset     time.Time
	ok        bool
}

// parseQuota reads RateLimit-Remaining and RateLimit-Reset (Unix
// seconds), which a PDS sends with every answer when it counts rate
// limits: the limit closest to being spent among those of the call.
func parseQuota(h http.Header) (quota, bool) {
	rem, err1 := strconv.Atoi(strings.TrimSpace(h.Get("RateLimit-Remaining")))
	reset, err2 := strconv.ParseInt(strings.TrimSpace(h.Get("RateLimit-Reset")), 10, 64)
	if err1 != nil || err2 != nil || rem < 0 || reset <= 0 || reset >= 1<<40 {
		return quota{}, false
	}
	return quota{remaining: rem, reset: time.Unix(reset, 0), ok: true}, true
}

// noteQuota keeps the rate limit an answer states.
func (a *account) noteQuota(h http.Header) {
	q, ok := parseQuota(h)
	if !ok {
		return
	}
	a.qmu.Lock()
	a.quota = q
	a.qmu.Unlock()
}

// Quota implements gears.QuotaReporter: what the PDS's last answer to an
// authenticated call of the account (publishing, reading) said of its
// rate limit, from the RateLimit-Remaining and RateLimit-Reset headers.
// ok is false before any such answer, or when the PDS does not send them.
func (cn *Connector) Quota(c gears.Credentials) (remaining int, reset time.Time, ok bool) {
	server, err := NormalizeServer(c.Server)
	if err != nil {
		return 0, time.Time{}, false
	}
	cn.mu.Lock()
	a, found := cn.accounts[accountKey(server, c)]
	cn.mu.Unlock()
	if !found {
		return 0, time.Time{}, false
	}
	a.qmu.Lock()
	defer a.qmu.Unlock()
	return a.quota.remaining, a.quota.reset, a.quota.ok
}
