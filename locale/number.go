package locale

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Number writes v as lang writes numbers: its decimal mark, and the whole
// part grouped in thousands as the language's amounts of money are
// ("1,234.5" in English, "1.234,5" in Spanish; "7.434,35 €").
//
// v is rounded to decimals places, half away from zero as written in
// decimal (0.125 to two places is 0.13, as a person rounds it, where
// printf rounds the binary value and says 0.12). A negative decimals keeps
// at most -decimals places and drops trailing zeros: with -3, 2.5 is "2.5",
// 1/3 is "0.333" and 2 is "2". A number that rounds to zero has no sign;
// NaN and infinities are written as strconv writes them.
//
// Every number a page, a chart or a PDF shows is written by Number; inputs,
// attributes, CSV and JSON keep Go's "1234.5".
func Number(lang string, v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	places, trim := decimals, false
	if decimals < 0 {
		places, trim = -decimals, true
	}
	// The shortest decimal that reads back as v is what v means; it is
	// exact as a fraction, so rounding it is decimal rounding.
	r, _ := new(big.Rat).SetString(strconv.FormatFloat(v, 'f', -1, 64))
	s := r.FloatString(places) // halves away from zero
	neg := strings.HasPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if trim {
		frac = strings.TrimRight(frac, "0")
	}
	if strings.Trim(whole+frac, "0") == "" {
		neg = false // not "-0.0"
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	group := mark(lang, "number.group_mark")
	for i := range len(whole) {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteByte(whole[i])
	}
	if frac != "" {
		b.WriteString(mark(lang, "number.decimal_mark"))
		b.WriteString(frac)
	}
	return b.String()
}

// Numeral is an argument of a message that T writes as a number of the
// language, with Number: the way packages that must not import locale (the
// planner's drawing, for one) hand their numbers to a translator.
type Numeral interface {
	// Numeral returns the number and the decimals to write it with, as
	// Number takes them.
	Numeral() (v float64, decimals int)
}

// mark returns a separator of numbers in lang.
func mark(lang, key string) string {
	if t, ok := catalogue[lang][key]; ok {
		return t
	}
	return catalogue[Default][key]
}
