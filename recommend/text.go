package recommend

import (
	"math"
	"strconv"
	"strings"
	"time"

	"gears/locale"
)

// Message is a text of the catalogue and its arguments: render it with
// locale.T(lang, m.MessageKey(), m.MessageArgs()...). Its arguments may be
// messages themselves (numbers, weekdays, activities), which T translates
// in place.
type Message struct {
	Key  string
	Args []any
}

// MessageKey returns the message's key.
func (m Message) MessageKey() string { return m.Key }

// MessageArgs returns the message's arguments.
func (m Message) MessageArgs() []any { return m.Args }

var _ locale.Message = Message{}

func msg(key string, args ...any) Message { return Message{Key: "recommend." + key, Args: args} }

// num writes v with at most decimals decimals (trailing zeros dropped),
// with the language's separators: 1,234.5 in English, 1.234,5 in Spanish.
func num(v float64, decimals int) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "?"
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	units, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	if strings.Trim(units, "0") == "" && frac == "" {
		neg = false // no "-0"
	}
	whole := grouped(neg, units)
	if frac == "" {
		return whole
	}
	return msg("decimal", whole, frac)
}

// count writes a whole number.
func count[T int | int64](n T) any { return num(float64(n), 0) }

// grouped writes digits with the language's thousands separator.
func grouped(neg bool, digits string) any {
	if len(digits) <= 3 {
		if neg {
			return "-" + digits
		}
		return digits
	}
	n := len(digits) - 3
	return msg("thousands", grouped(neg, digits[:n]), digits[n:])
}

// signed writes a number with its sign, "+3" or "-2".
func signed(v float64, decimals int) any {
	if v > 0 && strconv.FormatFloat(v, 'f', decimals, 64) != strconv.FormatFloat(0, 'f', decimals, 64) {
		return msg("plus_sign", num(v, decimals))
	}
	return num(v, decimals)
}

// percent writes a share (0.25) as a percent (25 %).
func percent(share float64) any { return msg("percent", num(share*100, 0)) }

// hours writes hours with one decimal.
func hours(h float64) any { return num(h, 1) }

// series writes weekly figures as a list, "2, 2.5, 3".
func series(xs []float64, decimals int) any {
	if len(xs) == 0 {
		return ""
	}
	var chain any = num(xs[0], decimals)
	for _, x := range xs[1:] {
		chain = msg("list", chain, num(x, decimals))
	}
	return chain
}

// weekday names a day of the week, Monday 1 … Sunday 7.
func weekday(d int) any { return msg("weekday." + strconv.Itoa(d)) }

// isoWeekday numbers a day of the week, Monday 1 … Sunday 7.
func isoWeekday(t time.Time) int {
	if d := int(t.Weekday()); d != 0 {
		return d
	}
	return 7
}

// band writes a band of hours, "09:00–12:00".
func band(start int) string {
	return twoDigits(start) + ":00–" + twoDigits(start+BandHours) + ":00"
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// network names a network ("Mastodon"), or writes its key as it is.
func network(n string) any {
	if locale.Has("network." + n) {
		return Message{Key: "network." + n}
	}
	return n
}

// activity names an activity of the planner, or writes its key as it is.
func activity(key string) any {
	if locale.Has("planner.activity." + key) {
		return Message{Key: "planner.activity." + key}
	}
	return key
}

// result names a result, in a sentence ("replies").
func result(r Result) any { return msg("result." + string(r)) }

// date writes a local date, 2026-11-02: the same in both languages.
func date(t time.Time) string { return t.Format("2006-01-02") }

// round keeps figures readable in JSON.
func round(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p) / p
}
