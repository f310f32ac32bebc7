package outbound

import (
	"strconv"
	"strings"

	"gears"
)

// Count reads a count from a network's JSON answer (a post's likes, a
// profile's followers): a JSON whole number in [0, gears.MaxCount]. Absent
// (empty) or null is 0 when optional, unusable otherwise. ok is false for
// anything else: a fraction, an exponent, a string, a negative or
// oversized number; the answer is untrusted, so nothing is rounded.
func Count(raw []byte, optional bool) (n int64, ok bool) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return 0, optional
	}
	if len(s) > 19 || strings.ContainsAny(s, ".eE+\"") {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > gears.MaxCount {
		return 0, false
	}
	return n, true
}
