package outbound_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"gears"
	"gears/outbound"
)

func TestPublicAddr(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"8.8.8.8": true, "2001:4860:4860::8888": true, "93.184.216.34": true,
		"127.0.0.1": false, "::1": false, "10.1.2.3": false, "172.16.0.1": false, "172.31.255.255": false,
		"192.168.1.1": false, "169.254.169.254": false, "100.64.0.1": false, "0.0.0.0": false, "::": false,
		"fc00::1": false, "fd12::1": false, "fe80::1": false, "224.0.0.1": false, "ff02::1": false,
		"::ffff:127.0.0.1": false, "::ffff:8.8.8.8": true, "255.255.255.255": false,
	} {
		if got := outbound.PublicAddr(netip.MustParseAddr(addr)); got != want {
			t.Errorf("PublicAddr(%s) = %v, want %v", addr, got, want)
		}
	}
}

// TestPublicRefusesThisMachine calls a server on 127.0.0.1 through Public
// (by address and by name): the connection is refused before any request
// is sent, as a rejected remote error.
func TestPublicRefusesThisMachine(t *testing.T) {
	t.Parallel()
	hit := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit = true }))
	defer srv.Close()
	c := outbound.Public()
	for _, u := range []string{srv.URL, "http://localhost:" + srv.Listener.Addr().(interface{ String() string }).String()[len("127.0.0.1:"):]} {
		req, _ := http.NewRequestWithContext(context.Background(), "GET", u, nil)
		_, err := c.Do(req)
		if !errors.Is(err, outbound.ErrNotPublic) {
			t.Fatalf("GET %s: %v, want ErrNotPublic", u, err)
		}
		re := outbound.TransportError(gears.Network("feed"), err)
		if re.Kind != gears.RemoteRejected {
			t.Errorf("GET %s classified %s, want rejected", u, re.Kind)
		}
	}
	if hit {
		t.Error("the server on this machine was reached")
	}
}
