package notify_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gears/notify"
)

func TestSignVerify(t *testing.T) {
	t.Parallel()
	secret := []byte("whsec_test")
	body := []byte(`{"id":"evt_1","type":"test"}`)
	at := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	header := notify.Sign(secret, at, body)
	if !strings.HasPrefix(header, "t=1746093600,v1=") || len(header) != len("t=1746093600,v1=")+64 {
		t.Fatalf("Sign = %q", header)
	}
	old := notify.Sign(secret, at.Add(-time.Hour), body)
	for _, tt := range []struct {
		name   string
		secret []byte
		header string
		body   []byte
		now    time.Time
		want   error
	}{
		{"round trip", secret, header, body, at, nil},
		{"within tolerance", secret, header, body, at.Add(4 * time.Minute), nil},
		{"clock behind", secret, header, body, at.Add(-4 * time.Minute), nil},
		{"rotated secret", secret, header + ",v1=" + strings.Repeat("0", 64), body, at, nil},
		{"unknown scheme ignored", secret, header + ",v0=abc", body, at, nil},
		{"tampered body", secret, header, []byte(`{"id":"evt_1","type":"tes7"}`), at, notify.ErrSignatureMismatch},
		{"wrong secret", []byte("other"), header, body, at, notify.ErrSignatureMismatch},
		{"old timestamp", secret, old, body, at, notify.ErrSignatureExpired},
		{"replayed later", secret, header, body, at.Add(6 * time.Minute), notify.ErrSignatureExpired},
		{"from the future", secret, header, body, at.Add(-6 * time.Minute), notify.ErrSignatureExpired},
		{"timestamp changed", secret, strings.Replace(header, "t=1746093600", "t=1746093601", 1), body, at, notify.ErrSignatureMismatch},
		{"empty", secret, "", body, at, notify.ErrSignatureFormat},
		{"no v1", secret, "t=1746093600", body, at, notify.ErrSignatureFormat},
		{"no t", secret, strings.TrimPrefix(header, "t=1746093600,"), body, at, notify.ErrSignatureFormat},
		{"two t", secret, "t=1," + header, body, at, notify.ErrSignatureFormat},
		{"short v1", secret, "t=1746093600,v1=abcd", body, at, notify.ErrSignatureFormat},
		{"not hex", secret, "t=1746093600,v1=" + strings.Repeat("z", 64), body, at, notify.ErrSignatureFormat},
		{"garbage", secret, "sha256=deadbeef", body, at, notify.ErrSignatureFormat},
	} {
		err := notify.Verify(tt.secret, tt.header, tt.body, tt.now, 5*time.Minute)
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("%s: Verify = %v, want %v", tt.name, err, tt.want)
		}
	}
	if err := notify.Verify(secret, old, body, at, 2*time.Hour); err != nil {
		t.Errorf("a wider tolerance: %v", err)
	}
	if err := notify.Verify(secret, old, body, at, 0); !errors.Is(err, notify.ErrSignatureExpired) {
		t.Errorf("tolerance 0 (default 5 min): %v", err)
	}
}

func ExampleVerify() {
	secret := []byte("whsec_test")
	body := []byte(`{"id":"evt_1","type":"test","workspace_id":1,"created_at":"2025-05-01T10:00:00Z","data":{}}`)
	sent := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	header := notify.Sign(secret, sent, body)
	// The receiver checks the header against the body as received.
	fmt.Println(notify.Verify(secret, header, body, sent.Add(30*time.Second), 5*time.Minute))
	fmt.Println(notify.Verify(secret, header, body, sent.Add(time.Hour), 5*time.Minute))
	// Output:
	// <nil>
	// notify: signature timestamp outside the tolerance
}
