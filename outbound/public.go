package outbound

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrNotPublic is the failure of a connection Public refused: the address
// is this machine's or a private network's.
var ErrNotPublic = errors.New("the address is not a public one")

// Public returns a client like Client(nil) that connects to public
// addresses only: never to loopback, private (10/8, 172.16/12,
// 192.168/16, fc00::/7), link-local (169.254/16, where cloud metadata
// services answer; fe80::/10), shared (100.64/10), unspecified or
// multicast ones. The check is made on the address actually dialled, after
// name resolution, so a name that resolves to an internal address — or is
// made to, between a check and a connection — is refused too, and so is a
// redirect there. It is for addresses a workspace's member types (feeds,
// webhooks): without it, they could make Gears read or call the services
// of its own network. It uses no proxy.
func Public() *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: refusePrivate}
	return Client(&http.Client{
		Timeout: 2 * time.Minute,
		Transport: &http.Transport{
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 60 * time.Second,
			ExpectContinueTimeout: time.Second,
			IdleConnTimeout:       90 * time.Second,
			MaxIdleConnsPerHost:   4,
			ForceAttemptHTTP2:     true,
		},
	})
}

// shared is 100.64.0.0/10, carrier-grade NAT: not public either.
var shared = netip.MustParsePrefix("100.64.0.0/10")

func refusePrivate(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return ErrNotPublic
	}
	if !PublicAddr(ap.Addr()) {
		return ErrNotPublic
	}
	return nil
}

// PublicAddr reports whether a is an address of the public Internet.
func PublicAddr(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsValid() && a.IsGlobalUnicast() && !a.IsPrivate() && !shared.Contains(a)
}
