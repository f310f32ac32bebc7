package web

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"gears"
)

// loginLimiter slows down password guessing: after too many failures from
// one address, or against one account, sign-in waits for the window to
// pass. It lives in memory, per process.
type loginLimiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time
	now      func() time.Time
}

const (
	limitWindow     = 15 * time.Minute
	limitPerAccount = 10 // failures against one e-mail address per window
	limitPerAddress = 30 // failures from one client address per window
)

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{failures: map[string][]time.Time{}, now: time.Now}
}

func (l *loginLimiter) keys(ip, account string) (string, string) {
	return "ip:" + ip, "acct:" + strings.ToLower(strings.TrimSpace(account))
}

// allow returns ERATELIMITED when either key has failed too often lately.
func (l *loginLimiter) allow(ip, account string) error {
	kIP, kAcct := l.keys(ip, account)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.recent(kIP) >= limitPerAddress || l.recent(kAcct) >= limitPerAccount {
		return gears.Errorf(gears.ERATELIMITED, "auth.rate_limited", int(limitWindow.Minutes()))
	}
	return nil
}

func (l *loginLimiter) recent(key string) int {
	cutoff := l.now().Add(-limitWindow)
	list := l.failures[key]
	i := 0
	for i < len(list) && list[i].Before(cutoff) {
		i++
	}
	list = list[i:]
	if len(list) == 0 {
		delete(l.failures, key)
	} else {
		l.failures[key] = list
	}
	return len(list)
}

func (l *loginLimiter) fail(ip, account string) {
	kIP, kAcct := l.keys(ip, account)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.failures[kIP] = append(l.failures[kIP], now)
	l.failures[kAcct] = append(l.failures[kAcct], now)
	if len(l.failures) > 100_000 { // bound memory under a flood
		for k := range l.failures {
			l.recent(k)
		}
	}
}

// succeed forgets the account's failures (not the address's).
func (l *loginLimiter) succeed(ip, account string) {
	_, kAcct := l.keys(ip, account)
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, kAcct)
}

// clientIP is the address the connection comes from. Proxies' headers are
// not trusted: behind one, every client shares its address's budget.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
