package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Event is what an alert says. It is sent as JSON:
//
//	{"id": "…", "type": "crisis.alert", "workspace_id": 7,
//	 "created_at": "2025-05-01T10:00:00Z", "data": {…}}
type Event struct {
	ID          string    `json:"id"`   // unique per event; receivers deduplicate retries by it
	Type        string    `json:"type"` // e.g. "crisis.alert", "incident.opened", "incident.updated", "account.needs_reconnect", "test"
	WorkspaceID int64     `json:"workspace_id"`
	CreatedAt   time.Time `json:"created_at"`
	Data        any       `json:"data"` // encoded as JSON; nil is sent as {}
}

// DefaultTolerance is how old (or how far in the future) a signature's
// timestamp may be when Verify is given no tolerance.
const DefaultTolerance = 5 * time.Minute

// Errors returned by Verify.
var (
	ErrSignatureFormat   = errors.New("notify: malformed signature header")
	ErrSignatureMismatch = errors.New("notify: signature does not match")
	ErrSignatureExpired  = errors.New("notify: signature timestamp outside the tolerance")
)

// Sign returns the value of the X-Gears-Signature header for body sent at
// ts: "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<unix seconds>." + body)>".
func Sign(secret []byte, ts time.Time, body []byte) string {
	t := strconv.FormatInt(ts.Unix(), 10)
	return "t=" + t + ",v1=" + hex.EncodeToString(mac(secret, t, body))
}

func mac(secret []byte, t string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(t))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a signature header made by Sign against body: one of its
// v1 signatures must match (several are accepted, for secret rotation),
// compared in constant time, and its timestamp must be within tolerance
// of now, in either direction (DefaultTolerance when tolerance <= 0).
func Verify(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	var (
		t    string
		sigs [][]byte
	)
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return ErrSignatureFormat
		}
		switch k {
		case "t":
			if t != "" {
				return ErrSignatureFormat
			}
			t = v
		case "v1":
			sig, err := hex.DecodeString(v)
			if err != nil || len(sig) != sha256.Size {
				return ErrSignatureFormat
			}
			sigs = append(sigs, sig)
		}
	}
	secs, err := strconv.ParseInt(t, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrSignatureFormat
	}
	want := mac(secret, t, body)
	match := false
	for _, sig := range sigs {
		if hmac.Equal(sig, want) {
			match = true
		}
	}
	if !match {
		return ErrSignatureMismatch
	}
	if d := now.Sub(time.Unix(secs, 0)); d > tolerance || d < -tolerance {
		return ErrSignatureExpired
	}
	return nil
}
