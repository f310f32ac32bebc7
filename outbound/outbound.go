// Package outbound is how Gears calls other servers: the social networks'
// APIs, feeds and webhooks. One client setup, with timeouts fit for work in
// the background and redirects never followed (following one would turn a
// POST into a GET, and send credentials where they were not meant to go),
// and one reading of what comes back: a failure without an answer
// (TransportError), an error status (StatusError), Retry-After
// (RetryAfter) and the server's own words, which are untrusted
// (RemoteText).
package outbound

import (
	"net"
	"net/http"
	"strings"
	"time"
)

// Client returns a copy of c that never follows redirects, or, when c is
// nil, a client with timeouts fit for a background publisher: 10 s to
// connect, 60 s for the answer to begin, 2 min in all.
func Client(c *http.Client) *http.Client {
	var hc http.Client
	if c != nil {
		hc = *c
	} else {
		hc = http.Client{
			Timeout: 2 * time.Minute,
			Transport: &http.Transport{
				Proxy:                 http.ProxyFromEnvironment,
				DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
				TLSHandshakeTimeout:   10 * time.Second,
				ResponseHeaderTimeout: 60 * time.Second,
				ExpectContinueTimeout: time.Second,
				IdleConnTimeout:       90 * time.Second,
				MaxIdleConnsPerHost:   4,
				ForceAttemptHTTP2:     true,
			},
		}
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &hc
}

// Loopback reports whether host is this machine (localhost or a loopback
// address): the only place plain http:// is accepted for a network's server.
func Loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
