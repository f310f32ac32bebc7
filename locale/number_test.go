package locale_test

import (
	"fmt"
	"math"
	"testing"

	"gears/locale"
	"gears/roi"
)

// TestNumber checks numbers written by hand in both languages: marks,
// groups of thousands, rounding and signs.
func TestNumber(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v        float64
		decimals int
		en, es   string
	}{
		{0, 1, "0.0", "0,0"},
		{0, 0, "0", "0"},
		{103.3, 1, "103.3", "103,3"},
		{218.94, 1, "218.9", "218,9"},
		{37, 1, "37.0", "37,0"},
		{0.925, 2, "0.93", "0,93"},
		{0.125, 2, "0.13", "0,13"}, // an exact half, away from zero (printf: 0.12)
		{2.675, 2, "2.68", "2,68"}, // printf: 2.67, from the binary value just below
		{-2.5, 0, "-3", "-3"},      // printf: -2, halves to even
		{-0.04, 1, "0.0", "0,0"},   // rounds to zero: no sign
		{-7.25, 1, "-7.3", "-7,3"}, // printf: -7.2
		{123, 0, "123", "123"},
		{1937, 0, "1,937", "1.937"}, // grouped from four digits, as money is
		{7434.35, 2, "7,434.35", "7.434,35"},
		{999.95, 1, "1,000.0", "1.000,0"}, // the rounding makes a new group
		{-1234567.891, 2, "-1,234,567.89", "-1.234.567,89"},
		{1e9, 0, "1,000,000,000", "1.000.000.000"},
		// Negative decimals: at most that many, no trailing zeros.
		{2.5, -3, "2.5", "2,5"},
		{2, -3, "2", "2"},
		{1.0 / 3, -3, "0.333", "0,333"},
		{2.0 / 3, -2, "0.67", "0,67"},
		{0.0004, -3, "0", "0"},
		{-0.0004, -3, "0", "0"},
		{12345.5, -1, "12,345.5", "12.345,5"},
		{math.NaN(), 1, "NaN", "NaN"},
		{math.Inf(-1), 1, "-Inf", "-Inf"},
	} {
		if got := locale.Number("en", tt.v, tt.decimals); got != tt.en {
			t.Errorf("Number(en, %v, %d) = %q, want %q", tt.v, tt.decimals, got, tt.en)
		}
		if got := locale.Number("es", tt.v, tt.decimals); got != tt.es {
			t.Errorf("Number(es, %v, %d) = %q, want %q", tt.v, tt.decimals, got, tt.es)
		}
	}
	if got := locale.Number("zz", 1234.5, 1); got != "1,234.5" {
		t.Errorf("an unknown language = %q, want English's 1,234.5", got)
	}
}

// TestNumberAsMoneyIs proves that numbers and amounts of money, and the
// hours of the ROI's arithmetic, are written alike: the same marks, the
// same groups, the same rounding.
func TestNumberAsMoneyIs(t *testing.T) {
	t.Parallel()
	for _, lang := range locale.Languages {
		for _, cents := range []int64{0, 5, 99, 100, 123456, 743435, -743435, 100000000, 123456789012} {
			m := roi.Money{Amount: cents, Currency: "EUR"}
			want := locale.T(lang, m.MessageKey(), m.MessageArgs()...)
			if got := locale.Number(lang, float64(cents)/100, 2) + " €"; got != want {
				t.Errorf("%s: %d cents as a number %q, as money %q", lang, cents, got, want)
			}
		}
		for _, h := range []float64{0, 0.5, 1.0 / 3, 2.0005, 12.25, 1234.5, 98765.4321, -3.75} {
			want := locale.T(lang, "roi.plain", roi.Hours(h))
			if got := locale.Number(lang, h, -3); got != want {
				t.Errorf("%s: %v hours as a number %q, in the ROI %q", lang, h, got, want)
			}
		}
	}
}

// hours is a number handed to T as a Numeral, as a package that cannot
// import locale does.
type hours float64

func (h hours) Numeral() (float64, int) { return float64(h), 1 }

func TestNumeralArgument(t *testing.T) {
	t.Parallel()
	if got, want := locale.T("es", "planner.svg.maintenance", hours(1234.56)), "Mantenimiento: 1.234,6 h/semana"; got != want {
		t.Errorf("T(es) = %q, want %q", got, want)
	}
	if got, want := locale.T("en", "planner.svg.maintenance", hours(31)), "Maintenance: 31.0 h/week"; got != want {
		t.Errorf("T(en) = %q, want %q", got, want)
	}
	args := []any{hours(2)}
	locale.T("es", "planner.svg.metrics", args...)
	if _, ok := args[0].(hours); !ok {
		t.Error("T changed the caller's arguments")
	}
}

func ExampleNumber() {
	fmt.Println(locale.Number("en", 7434.349, 2))
	fmt.Println(locale.Number("es", 7434.349, 2))
	fmt.Println(locale.Number("es", 103.25, 1))
	fmt.Println(locale.Number("es", 0.5, -3))
	// Output:
	// 7,434.35
	// 7.434,35
	// 103,3
	// 0,5
}
