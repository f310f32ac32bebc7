package gears

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// A delivery's key is a TID (timestamp identifier, atproto.com/specs/tid):
// a 64-bit integer written as 13 characters of base32-sortable — the top bit
// 0, then 53 bits of microseconds since the Unix epoch, then a 10-bit clock
// identifier. Bluesky takes it as the record key as it is; Mastodon as the
// Idempotency-Key.
const (
	tidAlphabet = "234567abcdefghijklmnopqrstuvwxyz"
	tidLen      = 13
)

// tidClock makes keys that strictly increase within this process, even
// when the wall clock stands still or steps back.
var tidClock struct {
	sync.Mutex
	last    int64
	clockID uint64
	ready   bool
}

// NewKey returns a new delivery key (a TID). Keys from one process strictly
// increase; processes differ by a random 10-bit clock identifier.
func NewKey() string {
	tidClock.Lock()
	defer tidClock.Unlock()
	if !tidClock.ready {
		var b [2]byte
		rand.Read(b[:])
		tidClock.clockID = uint64(binary.BigEndian.Uint16(b[:]) & 0x3ff)
		tidClock.ready = true
	}
	us := time.Now().UnixMicro()
	if us <= tidClock.last {
		us = tidClock.last + 1
	}
	tidClock.last = us
	return EncodeTID(us, tidClock.clockID)
}

// EncodeTID writes microseconds since the epoch and a clock identifier as
// a TID.
func EncodeTID(us int64, clockID uint64) string {
	v := (uint64(us)&(1<<53-1))<<10 | clockID&0x3ff
	var b [tidLen]byte
	for i := tidLen - 1; i >= 0; i-- {
		b[i] = tidAlphabet[v&31]
		v >>= 5
	}
	return string(b[:])
}
