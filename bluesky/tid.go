package bluesky

import (
	"crypto/sha256"
	"encoding/binary"
	"time"

	"gears"
)

// A TID (timestamp identifier, atproto.com/specs/tid) is a 64-bit integer
// written as 13 characters of base32-sortable: see gears.NewKey.
const tidLen = 13

// NewKey returns a new TID, fit as OutgoingPost.Key for a Bluesky delivery
// and used unchanged as the post's record key (gears.NewKey).
func NewKey() string { return gears.NewKey() }

// encodeTID writes microseconds and a clock identifier as a TID.
func encodeTID(us int64, clockID uint64) string { return gears.EncodeTID(us, clockID) }

// ValidTID reports whether s is a syntactically valid TID, as the PDS
// checks a record key for a record type whose key is "tid".
func ValidTID(s string) bool {
	if len(s) != tidLen {
		return false
	}
	for i := 0; i < tidLen; i++ {
		j := indexTID(s[i])
		if j < 0 || (i == 0 && j >= 16) { // the top bit is 0
			return false
		}
	}
	return true
}

// TIDTime returns the time a valid TID encodes.
func TIDTime(s string) (time.Time, bool) {
	if !ValidTID(s) {
		return time.Time{}, false
	}
	var v uint64
	for i := 0; i < tidLen; i++ {
		v = v<<5 | uint64(indexTID(s[i]))
	}
	return time.UnixMicro(int64(v >> 10)).UTC(), true
}

func indexTID(c byte) int {
	switch {
	case c >= '2' && c <= '7':
		return int(c - '2')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 6
	}
	return -1
}

// derivedEpoch and derivedSpan place derived record keys within 2023: in
// the past, so they never sort above the account's newer posts, and never
// equal to a key NewKey makes now.
var (
	derivedEpoch = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	derivedSpan  = uint64(365 * 24 * time.Hour / time.Microsecond)
)

// RecordKey returns the record key under which the post with delivery
// key is published. A key that is a TID (see NewKey) is the record key
// itself. Any other key (e.g. 32 hexadecimal digits) is mapped to a TID
// derived from its SHA-256, because the PDS accepts only TIDs as keys of
// app.bsky.feed.post records; the same key always gives the same record
// key, which is what makes retries safe.
func RecordKey(key string) string {
	if ValidTID(key) {
		return key
	}
	sum := sha256.Sum256([]byte("gears/bluesky record key\x00" + key))
	v := binary.BigEndian.Uint64(sum[:8])
	return encodeTID(derivedEpoch+int64((v>>10)%derivedSpan), v&0x3ff)
}
