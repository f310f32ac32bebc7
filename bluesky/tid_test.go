package bluesky

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestNewKey(t *testing.T) {
	t.Parallel()
	const n = 10000
	keys := make([]string, n)
	for i := range keys {
		keys[i] = NewKey()
	}
	seen := make(map[string]bool, n)
	for i, k := range keys {
		if !ValidTID(k) {
			t.Fatalf("key %d %q is not a TID", i, k)
		}
		if seen[k] {
			t.Fatalf("key %d %q made twice", i, k)
		}
		seen[k] = true
	}
	if !slices.IsSorted(keys) {
		t.Error("keys do not sort in the order they were made")
	}
	at, _ := TIDTime(keys[0])
	if d := time.Since(at); d < 0 || d > time.Minute {
		t.Errorf("the first key says %v", at)
	}
}

func TestTID(t *testing.T) {
	t.Parallel()
	if got := encodeTID(0, 0); got != "2222222222222" {
		t.Errorf("TID of zero = %s", got)
	}
	// Examples of @atcute/tid: TID.create(1724171495793000, 512), and
	// TID.parse('3l25zusnsfctk') = {timestamp: 1724171495793000, clockid: 816}.
	if got := encodeTID(1724171495793000, 512); got != "3l25zusnsfck2" {
		t.Errorf("encodeTID = %s, want 3l25zusnsfck2", got)
	}
	if at, ok := TIDTime("3l25zusnsfctk"); !ok || at.UnixMicro() != 1724171495793000 {
		t.Errorf("TIDTime(3l25zusnsfctk) = %v, %v", at, ok)
	}
	for _, s := range []string{"", "3jzfcijpj2z2", "3jzfcijpj2z2aa", "3JZFCIJPJ2Z2A", "kjzfcijpj2z2a", "3jzfcijpj2z21", "3jzfcijpj2z-a"} {
		if ValidTID(s) {
			t.Errorf("ValidTID(%q) = true", s)
		}
	}
	us := time.Date(2026, 11, 25, 12, 0, 0, 123456000, time.UTC).UnixMicro()
	tid := encodeTID(us, 999)
	if back, _ := TIDTime(tid); back.UnixMicro() != us {
		t.Errorf("TIDTime(encodeTID(%d)) = %d", us, back.UnixMicro())
	}
}

func TestRecordKey(t *testing.T) {
	t.Parallel()
	tid := NewKey()
	if RecordKey(tid) != tid {
		t.Error("a TID key is not its own record key")
	}
	hex := "0123456789abcdef0123456789abcdef"
	k := RecordKey(hex)
	if !ValidTID(k) || RecordKey(hex) != k || RecordKey(strings.ToUpper(hex)) == k {
		t.Errorf("RecordKey(%s) = %s: not a stable TID of its own", hex, k)
	}
	if at, _ := TIDTime(k); at.Year() != 2023 {
		t.Errorf("derived record key in %v, want 2023", at)
	}
}
