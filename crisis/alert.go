package crisis

import (
	"math"
	"strconv"
	"time"
)

// Kind is what an alert is about.
type Kind string

// The kinds of alert.
const (
	KindVolume   Kind = "volume"   // more messages than usual
	KindNegative Kind = "negative" // a larger share of negative messages than usual
)

// MessageKey and MessageArgs name the kind in the locale package.
func (k Kind) MessageKey() string { return "crisis.kind." + string(k) }

// MessageArgs returns no arguments.
func (k Kind) MessageArgs() []any { return nil }

// Alert is a spike found by a Detector. Counts are of the sliding window of
// five minutes that ends with the minute At. It is JSON-serialisable as
// it stands (stored, and sent to webhooks), with snake_case names.
type Alert struct {
	Kind               Kind         `json:"kind"`
	Start              time.Time    `json:"start"`                // estimated onset: first minute of the window above normal
	At                 time.Time    `json:"at"`                   // the minute whose counts raised the alert (known a minute later)
	Observed           float64      `json:"observed"`             // messages in the window
	Expected           float64      `json:"expected"`             // messages usual in the window at this hour of the week (before a busy day's lift)
	Ratio              float64      `json:"ratio"`                // Observed / Expected (the expected count floored at 0.5)
	NegativeShare      float64      `json:"negative_share"`       // share of negative messages in the window, 0…1
	UsualNegativeShare float64      `json:"usual_negative_share"` // the usual share at this hour of the week
	Weekday            time.Weekday `json:"weekday"`              // local weekday of At, 0 = Sunday
	Hour               int          `json:"hour"`                 // local hour of At, 0…23
	Sensitivity        Sensitivity  `json:"sensitivity"`
}

// MessageKey returns the key of the alert's explanation, for example "3.4×
// the usual volume for a Tuesday 10:00, 61 % negative".
func (a Alert) MessageKey() string { return "crisis.alert." + string(a.Kind) }

// MessageArgs returns the explanation's arguments; the ratio, the weekday
// and the hour are themselves messages, translated in place.
func (a Alert) MessageArgs() []any {
	ratio, day, hour := decimal(a.Ratio), weekday(a.Weekday), atHour(a.Hour)
	share, usual := percent(a.NegativeShare), percent(a.UsualNegativeShare)
	if a.Kind == KindNegative {
		return []any{share, usual, day, hour, ratio}
	}
	return []any{ratio, day, hour, share}
}

func percent(share float64) int { return int(math.Round(share * 100)) }

// decimal renders a number with one decimal, with the language's separator.
type decimal float64

func (d decimal) MessageKey() string { return "crisis.decimal" }

func (d decimal) MessageArgs() []any {
	tenths := int64(math.Round(math.Abs(float64(d)) * 10))
	whole := strconv.FormatInt(tenths/10, 10)
	if d < 0 && tenths != 0 {
		whole = "-" + whole
	}
	return []any{whole, int(tenths % 10)}
}

// weekday is the name of a day of the week.
type weekday time.Weekday

func (w weekday) MessageKey() string { return "crisis.weekday." + strconv.Itoa(int(w)) }

func (w weekday) MessageArgs() []any { return nil }

// atHour is the start of an hour, as in "at 10:00".
type atHour int

func (h atHour) MessageKey() string {
	if h == 1 {
		return "crisis.at_hour_one" // Spanish: "a la 01:00" (la una), not "a las"
	}
	return "crisis.at_hour"
}

func (h atHour) MessageArgs() []any { return []any{int(h)} }
