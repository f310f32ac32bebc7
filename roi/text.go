package roi

import (
	"math/big"
	"strconv"
	"strings"
)

// Step is one line of the arithmetic, a message: render it with
// locale.T(lang, s.MessageKey(), s.MessageArgs()...). Its Args may be
// messages themselves (amounts, numbers), which T translates in place.
type Step struct {
	Key  string `json:"key"`
	Args []any  `json:"args"`
}

// MessageKey returns the step's message key.
func (s Step) MessageKey() string { return s.Key }

// MessageArgs returns the step's arguments.
func (s Step) MessageArgs() []any { return s.Args }

// MessageKey returns the key of an amount: "1,200.50 €" in English,
// "1.200,50 €" in Spanish.
func (m Money) MessageKey() string { return "roi.money" }

// MessageArgs returns the amount as a number of the language and the
// currency's symbol (€, $, £, or else its code).
func (m Money) MessageArgs() []any {
	neg, units, cents := split(m.Amount)
	frac := strconv.FormatInt(cents, 10)
	if cents < 10 {
		frac = "0" + frac
	}
	return []any{decimalArg(neg, units, frac), symbol(m.Currency)}
}

// MessageKey returns the key of a percent, "50 %".
func (r ROI) MessageKey() string { return "roi.percent" }

// MessageArgs returns the percent rounded half to even to one decimal,
// without a decimal when it is 0.
func (r ROI) MessageArgs() []any {
	t := r.PercentTenths()
	neg := t < 0
	if neg {
		t = -t
	}
	units := strconv.FormatInt(t/10, 10)
	if t%10 == 0 {
		return []any{decimalArg(neg, units, "")}
	}
	return []any{decimalArg(neg, units, strconv.FormatInt(t%10, 10))}
}

// MessageKey returns the key of the warning about what was missing.
func (m Missing) MessageKey() string { return "roi.missing." + string(m.Kind) }

// MessageArgs returns the warning's arguments.
func (m Missing) MessageArgs() []any {
	switch m.Kind {
	case MissingRate:
		return []any{m.Person, hoursArg(decimal(m.Hours))}
	case MissingConversionValue, MissingEngagementValue:
		return []any{count(m.Count)}
	case MissingGearAttribution:
		return []any{label("")}
	}
	return nil
}

// symbol returns the sign of a currency, or its code.
func symbol(currency string) string {
	switch currency {
	case "EUR":
		return "€"
	case "USD":
		return "$"
	case "GBP":
		return "£"
	}
	return currency
}

// split returns the sign, the whole units as digits and the cents of an
// amount in cents.
func split(amount int64) (neg bool, units string, cents int64) {
	u := new(big.Int).SetInt64(amount)
	neg = u.Sign() < 0
	u.Abs(u)
	q, m := new(big.Int).QuoRem(u, big.NewInt(100), new(big.Int))
	return neg, q.String(), m.Int64()
}

// message is a nested message built here.
type message struct {
	key  string
	args []any
}

func (m message) MessageKey() string { return m.key }
func (m message) MessageArgs() []any { return m.args }

// groupedArg writes whole digits with the language's thousands separator,
// one nested "roi.thousands" per group: 1234567 is ((1, 234), 567).
func groupedArg(neg bool, digits string) any {
	if len(digits) <= 3 {
		if neg {
			return "-" + digits
		}
		return digits
	}
	n := len(digits) - 3
	return message{key: "roi.thousands", args: []any{groupedArg(neg, digits[:n]), digits[n:]}}
}

// decimalArg writes a number with the language's separators; frac may be
// empty.
func decimalArg(neg bool, units, frac string) any {
	if frac == "" {
		return groupedArg(neg, units)
	}
	return message{key: "roi.decimal", args: []any{groupedArg(neg, units), frac}}
}

// count writes a count.
func count(n int64) any {
	return decimalArg(n < 0, strings.TrimPrefix(strconv.FormatInt(n, 10), "-"), "")
}

// hoursArg writes hours with up to three decimals.
func hoursArg(h *big.Rat) any {
	s := h.FloatString(3)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	units, frac, _ := strings.Cut(s, ".")
	return decimalArg(neg, units, strings.TrimRight(frac, "0"))
}

// label writes a campaign or network name, "(none)" translated when empty.
func label(name string) any {
	if name == "" {
		return message{key: "roi.none"}
	}
	return name
}

// sumExpr writes "a + b + c = total", or just the total when there are not
// two terms.
type sumExpr struct {
	terms []Money
	total Money
}

func (s sumExpr) MessageKey() string {
	if len(s.terms) < 2 {
		return "roi.plain"
	}
	return "roi.sum"
}

func (s sumExpr) MessageArgs() []any {
	if len(s.terms) < 2 {
		return []any{s.total}
	}
	var chain any = s.terms[0]
	for _, t := range s.terms[1:] {
		chain = message{key: "roi.plus", args: []any{chain, t}}
	}
	return []any{chain, s.total}
}

// Count returns n as an argument of a message (locale.T), written with the
// language's thousands separator: 1,234 or 1.234.
func Count(n int64) any { return count(n) }

// Hours returns h as an argument of a message, with up to three decimals
// and the language's separators: 12.5 or 12,5.
func Hours(h float64) any { return hoursArg(decimal(h)) }
