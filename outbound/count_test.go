package outbound_test

import (
	"testing"

	"gears"
	"gears/outbound"
)

func TestCount(t *testing.T) {
	for _, c := range []struct {
		raw      string
		optional bool
		want     int64
		ok       bool
	}{
		{"0", false, 0, true},
		{" 42 ", false, 42, true},
		{"1000000000000", false, gears.MaxCount, true},
		{"1000000000001", false, 0, false},
		{"", true, 0, true},
		{"null", true, 0, true},
		{"", false, 0, false},
		{"null", false, 0, false},
		{"-1", false, 0, false},
		{"1.0", false, 0, false},
		{"1e3", false, 0, false},
		{"+1", false, 0, false},
		{`"7"`, true, 0, false},
		{"99999999999999999999", false, 0, false},
		{"true", true, 0, false},
		{"[1]", true, 0, false},
	} {
		got, ok := outbound.Count([]byte(c.raw), c.optional)
		if got != c.want || ok != c.ok {
			t.Errorf("Count(%q, %v) = %d, %v; want %d, %v", c.raw, c.optional, got, ok, c.want, c.ok)
		}
	}
}
