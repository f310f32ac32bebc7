package web

import "testing"

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]int64{
		"1234": 123400, "1234.5": 123450, "1234,50": 123450, "1,234.56": 123456, "1.234,56": 123456,
		"1 234,56": 123456, "12.345.678": 1234567800, "0,05": 5, " 40 ": 4000,
	} {
		if got, ok := parseAmount(in); !ok || got != want {
			t.Errorf("parseAmount(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "1.5.5", "1e3", "12,3456", "1,23,456", "abc", "-5", "1.", "1234.567", "1,2345.00", "NaN"} {
		if got, ok := parseAmount(in); ok {
			t.Errorf("parseAmount(%q) = %d, want refused", in, got)
		}
	}
}
