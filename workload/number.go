package workload

import (
	"encoding/json"
	"strconv"
)

// number is a number of a message that a translator writes in its
// language: locale.T calls Numeral (the interface locale.Numeral) and
// writes it with the language's marks, which this package, standard
// library only, cannot know. The drawing's labels, the calibration's
// explanations and the limits of the planner's errors hand their numbers
// over as numbers.
type number struct {
	v        float64
	decimals int // as locale.Number takes them: < 0 is at most -decimals, without trailing zeros
}

// tenths is hours with at most one decimal: 37, 23.8.
func tenths(h float64) number { return number{h, -1} }

// Numeral returns the number and its decimals (locale.Numeral).
func (n number) Numeral() (float64, int) { return n.v, n.decimals }

// rounded is the number rounded to its decimals.
func (n number) rounded() float64 {
	if n.decimals < 0 {
		return round(n.v, -n.decimals)
	}
	return round(n.v, n.decimals)
}

// String writes the number as Go does, for a translator that is not
// locale.T.
func (n number) String() string {
	if n.decimals < 0 {
		return strconv.FormatFloat(n.rounded(), 'f', -1, 64)
	}
	return strconv.FormatFloat(n.rounded(), 'f', n.decimals, 64)
}

// MarshalJSON writes the number rounded, as a JSON number: a message's
// arguments in JSON (a calibration's explanation) stay numbers.
func (n number) MarshalJSON() ([]byte, error) { return json.Marshal(n.rounded()) }
