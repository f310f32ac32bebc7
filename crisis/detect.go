package crisis

import (
	"math"
	"time"
)

// The fixed parameters of the method; doc.go explains them.
const (
	window       = 5            // minutes in the sliding window
	history      = 60           // minutes kept: the window, a gap and the level's minutes
	levelFrom    = 15           // minutes back where the level's minutes start, so a spike does not raise its own bar
	levelPrior   = 10           // messages at the usual rate added to that hour when estimating its level
	maxLevel     = 1.5          // highest level a busy hour may set
	hoursOfWeek  = 7 * 24       // buckets of the baseline
	warmUp       = 14 * 24 * 60 // minutes a baseline must have seen before it alerts
	hourWarm     = 2            // weeks an hour of the week must have seen to stand on its own
	hourMinimum  = 30           // minutes of an hour that must be learnt for it to count
	weekAlpha    = 0.25         // weight of the latest week in an hour-of-week bucket
	maxWeeks     = 7            // weeks a bucket's rate is worth in steady state: (2-weekAlpha)/weekAlpha
	overallAlpha = weekAlpha / (7 * 24 * 60)
	spreadWarm   = 24 * 60     // windows a spread learns before it skips outliers
	clampDevs    = 3.0         // outliers: learnt winsorised (rates) or not at all (spreads)
	calmMinutes  = 10          // consecutive normal minutes that end an alert
	maxFreeze    = 6 * 60      // minutes an open alert keeps the baseline from learning
	maxBackfill  = 7 * 24 * 60 // longest gap filled with zero minutes
	minExpected  = 0.5         // floor of the expected count in a ratio
	minMean      = 0.25        // floor of an expected count in a z-score
	minShare     = 0.02        // floor of the usual share in its z-score
	maxShare     = 0.98        // ceiling of the usual share in its z-score
)

// Sensitivity chooses how readily a detector alerts. The empty value means
// SensitivityMedium.
type Sensitivity string

// The sensitivities; doc.go lists their thresholds.
const (
	SensitivityLow    Sensitivity = "low"
	SensitivityMedium Sensitivity = "medium"
	SensitivityHigh   Sensitivity = "high"
)

// Valid reports whether s is one of the sensitivities (the empty value,
// meaning medium, is valid).
func (s Sensitivity) Valid() bool {
	switch s {
	case "", SensitivityLow, SensitivityMedium, SensitivityHigh:
		return true
	}
	return false
}

// MessageKey and MessageArgs name the sensitivity in the locale package
// (an unknown one as medium).
func (s Sensitivity) MessageKey() string { return "crisis.sensitivity." + string(s.orMedium()) }

// MessageArgs returns no arguments.
func (s Sensitivity) MessageArgs() []any { return nil }

func (s Sensitivity) orMedium() Sensitivity {
	if s == SensitivityLow || s == SensitivityHigh {
		return s
	}
	return SensitivityMedium
}

// thresholds are what one sensitivity requires of a window to alert.
type thresholds struct {
	z          float64 // z-score of the window (Poisson tail, overdispersed), for both kinds
	minRatio   float64 // observed / expected messages
	minCount   int     // messages in the window
	minNeg     int     // negative messages in the window
	shareDelta float64 // negative share above the usual one, in points
	shareRatio float64 // negative share / usual share
}

var sensitivities = map[Sensitivity]thresholds{
	SensitivityLow:    {z: 5.5, minRatio: 4, minCount: 25, minNeg: 25, shareDelta: 0.35, shareRatio: 4},
	SensitivityMedium: {z: 4.5, minRatio: 2, minCount: 10, minNeg: 8, shareDelta: 0.15, shareRatio: 3},
	SensitivityHigh:   {z: 4, minRatio: 1.5, minCount: 8, minNeg: 5, shareDelta: 0.10, shareRatio: 2},
}

// Minute is the inbound traffic of one workspace in one minute.
type Minute struct {
	Start    time.Time // the minute's start; seconds are truncated
	Total    int       // messages received
	Negative int       // of which negative (clamped to 0…Total)
}

// Bucket is an exponentially weighted rate of messages: of one hour of the
// week, learnt once a week when the hour ends, or of all minutes
// (Baseline.Overall), learnt every minute.
type Bucket struct {
	N        int64   `json:"n"`        // updates: weeks for an hour, minutes overall
	Rate     float64 `json:"rate"`     // messages per minute
	Negative float64 `json:"negative"` // negative messages per minute
}

// Spread measures how far the level of traffic wanders beyond Poisson
// noise, as the relative variance cv² of a window's rate: a window
// expected to hold E messages, by rates learnt over n weeks, varies by
// E + cv²·E²·(1 + 1/n), the level's own variance plus the error of a mean
// of n weeks. It is estimated by moments over all windows, as
// Excess/Scale.
type Spread struct {
	N      int64   `json:"n"`      // windows learnt
	Excess float64 `json:"excess"` // mean of (observed-E)² - E
	Scale  float64 `json:"scale"`  // mean of E²·(1 + 1/n)
}

// HourSum gathers the hour of the week in progress, learnt when it ends.
type HourSum struct {
	Hour     int     `json:"hour"`     // weekday*24 + hour, local time
	Minutes  int     `json:"minutes"`  // minutes learnt
	Total    float64 `json:"total"`    // messages (winsorised)
	Negative float64 `json:"negative"` // negative messages
}

// AlertState is whether an alert of one kind is open.
type AlertState struct {
	Open  bool      `json:"open,omitempty"`
	Since time.Time `json:"since,omitzero"` // when it opened
	Calm  int       `json:"calm,omitempty"` // consecutive normal minutes since
}

// Baseline is everything a Detector remembers about one workspace: the
// last minutes, the 168 hour-of-week buckets, the spreads and the open
// alerts. Its zero value is an empty baseline; it holds no pointers, so
// copying it copies the state, and it round-trips through encoding/json
// exactly.
type Baseline struct {
	Last      time.Time           `json:"last,omitzero"` // start of the last minute observed
	Minutes   int64               `json:"minutes"`       // minutes observed, gaps included
	Totals    [history]int        `json:"totals"`        // messages of the last minutes, by minute mod 60
	Negatives [window]int         `json:"negatives"`     // negative ones, by minute mod 5
	Hours     [hoursOfWeek]Bucket `json:"hours"`         // by weekday*24 + hour, local time
	Current   HourSum             `json:"current"`       // the hour in progress
	Overall   Bucket              `json:"overall"`       // all minutes together
	Spread    Spread              `json:"spread"`        // around the hours' rates
	// OverallSpread is around the overall rate, for windows with a cold hour.
	OverallSpread Spread     `json:"overall_spread"`
	Volume        AlertState `json:"volume"`
	Negative      AlertState `json:"negative_share"`
}

// Open reports whether an alert of kind k is open: raised and not yet
// back to normal.
func (b *Baseline) Open(k Kind) bool {
	switch k {
	case KindVolume:
		return b.Volume.Open
	case KindNegative:
		return b.Negative.Open
	}
	return false
}

// Detector finds spikes in the inbound messages of a workspace. It keeps no
// state of its own: all of it is in the Baseline, so one Detector may serve
// every workspace of the same settings.
type Detector struct {
	Sensitivity Sensitivity    // empty (or unknown) means medium
	Location    *time.Location // the workspace's time zone; nil means UTC
}

// Observe feeds one minute into b and returns the alerts it raises, usually
// none. Minutes must come in time order: a minute at or before the last one
// observed is ignored, and the minutes missing between two calls count as
// minutes without messages (up to a week of them; an older gap is skipped).
//
// At most one alert of each kind is open at a time: a spike raises one
// alert, which stays open until the window has been back to normal for
// ten minutes. Nothing alerts before the baseline has seen two weeks.
func (d *Detector) Observe(b *Baseline, m Minute) []Alert {
	t := m.Start.Truncate(time.Minute)
	var alerts []Alert
	if !b.Last.IsZero() {
		if !t.After(b.Last) {
			return nil
		}
		from := b.Last.Add(time.Minute)
		if t.Sub(from) > maxBackfill*time.Minute {
			from = t.Add(-maxBackfill * time.Minute)
		}
		for g := from; g.Before(t); g = g.Add(time.Minute) {
			alerts = d.step(b, g, 0, 0, alerts)
		}
	}
	total := max(m.Total, 0)
	neg := min(max(m.Negative, 0), total)
	return d.step(b, t, total, neg, alerts)
}

// step advances b by the minute t and appends any alert raised to alerts.
func (d *Detector) step(b *Baseline, t time.Time, total, neg int, alerts []Alert) []Alert {
	minute := floorDiv(t.Unix(), 60)
	slot, negSlot := mod(minute, history), mod(minute, window)
	b.Totals[slot], b.Negatives[negSlot] = total, neg
	b.Last = t
	b.Minutes++

	loc := d.Location
	if loc == nil {
		loc = time.UTC
	}
	local := t.In(loc)
	hour := hourOfWeek(local)
	// The hour before this one; the window and the level reach back into it.
	previous := hourOfWeek(t.Add(-time.Duration(local.Minute()+1) * time.Minute).In(loc))
	if hour != b.Current.Hour {
		b.fold()
		b.Current = HourSum{Hour: hour}
	}

	// The window and what is usual for it, minute by minute, each minute
	// from its own hour of the week; a cold hour falls back on the overall
	// rate, and the window is then judged with the overall spread.
	var sum, negSum int
	var expected, expectedNeg, own float64
	cold := false            // some minute of the window falls back on the overall rate
	weeks := int64(maxWeeks) // the fewest weeks behind an hour of the window
	for back := range window {
		sum += b.Totals[(slot-back+history)%history]
		negSum += b.Negatives[(negSlot-back+window)%window]
		k := &b.Hours[hour]
		if back > local.Minute() {
			k = &b.Hours[previous]
		}
		own += k.Rate
		weeks = min(weeks, k.N)
		if k.N < hourWarm {
			k, cold = &b.Overall, true
		}
		expected += k.Rate
		expectedNeg += k.Negative
	}
	s, n := float64(sum), float64(negSum)
	usual := b.Overall.share()
	if expected >= 1 {
		usual = min(expectedNeg/expected, 1)
	}
	spread, behind := &b.Spread, weeks
	if cold {
		spread, behind = &b.OverallSpread, maxWeeks
	}
	// A busy hour before the window raises what the window is held to, so
	// that a day's wandering level is not taken for a spike.
	level := b.level(slot, local.Minute(), hour, previous)
	judged := expected * level

	if b.Minutes > warmUp {
		th := sensitivities[d.Sensitivity.orMedium()]

		ratio := s / max(judged, minExpected)
		z := 0.0 // computed only when the counts and the ratio leave it to decide
		hot, calm := false, sum*2 < th.minCount || ratio < 1+(th.minRatio-1)/2
		if !calm {
			z = spread.z(s, judged, behind)
			hot = sum >= th.minCount && ratio >= th.minRatio && z >= th.z
			calm = z < th.z/2
		}
		if b.Volume.update(t, hot, calm) {
			alerts = append(alerts, d.alert(b, KindVolume, local, s, expected, n, usual))
		}

		var share float64
		if sum > 0 {
			share = n / s
		}
		hotNeg, calmNeg := false, negSum*2 < th.minNeg || share < usual+th.shareDelta/2
		if !calmNeg {
			zNeg := poissonZ(n, min(max(usual, minShare), maxShare)*s)
			hotNeg = negSum >= th.minNeg && share >= usual+th.shareDelta && share >= usual*th.shareRatio && zNeg >= th.z
			calmNeg = zNeg < th.z/2
		}
		if b.Negative.update(t, hotNeg, calmNeg) {
			alerts = append(alerts, d.alert(b, KindNegative, local, s, expected, n, usual))
		}
	}

	// Learn, unless a young alert is open: a spike must not become the
	// norm, but a lasting change of level must, in the end.
	if b.Volume.frozen(t) || b.Negative.frozen(t) {
		return alerts
	}
	if weeks >= 1 { // every hour of the window has seen a week
		b.Spread.add(s, own*level, weeks)
	}
	if b.Overall.N >= hourWarm*60 {
		b.OverallSpread.add(s, window*b.Overall.Rate, maxWeeks)
	}
	c, m := float64(total), float64(neg)
	if k := &b.Hours[hour]; k.N >= 1 { // winsorise a burst
		c = min(c, k.Rate+clampDevs*max(math.Sqrt(k.Rate+b.Spread.cv2()*k.Rate*k.Rate), 1))
		m = min(m, c)
	}
	b.Current.Minutes++
	b.Current.Total += c
	b.Current.Negative += m
	b.Overall.add(c, m, overallAlpha)
	return alerts
}

// level is how busy the 45 minutes from an hour to a quarter of an hour
// ago were against their usual rates (smoothed by levelPrior messages),
// from 1 to maxLevel.
func (b *Baseline) level(slot, minuteOfHour, hour, previous int) float64 {
	if b.Minutes < history {
		return 1
	}
	var sum int
	for back := levelFrom; back < history; back++ {
		sum += b.Totals[(slot-back+history)%history]
	}
	observed := float64(sum)
	// Minutes levelFrom…history-1 back: those within this hour, then the previous hour's.
	current := min(max(minuteOfHour-levelFrom+1, 0), history-levelFrom)
	expected := float64(current)*b.rate(hour) + float64(history-levelFrom-current)*b.rate(previous)
	return min(max((observed+levelPrior)/(expected+levelPrior), 1), maxLevel)
}

// rate is the usual messages per minute of an hour of the week, the
// overall rate while the hour is cold.
func (b *Baseline) rate(hour int) float64 {
	if b.Hours[hour].N < hourWarm {
		return b.Overall.Rate
	}
	return b.Hours[hour].Rate
}

// fold learns the hour in progress into its bucket, if enough of it was
// learnt (an hour mostly spent in an alert is left out).
func (b *Baseline) fold() {
	h := b.Current
	if h.Minutes < hourMinimum || h.Hour < 0 || h.Hour >= hoursOfWeek {
		return
	}
	b.Hours[h.Hour].add(h.Total/float64(h.Minutes), h.Negative/float64(h.Minutes), weekAlpha)
}

func hourOfWeek(local time.Time) int { return int(local.Weekday())*24 + local.Hour() }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

func mod(a, b int64) int { return int(((a % b) + b) % b) }

// update moves the state by one minute and reports whether an alert opens.
func (a *AlertState) update(t time.Time, hot, calm bool) bool {
	if !a.Open {
		if hot {
			*a = AlertState{Open: true, Since: t}
			return true
		}
		return false
	}
	if !calm {
		a.Calm = 0
		return false
	}
	if a.Calm++; a.Calm >= calmMinutes {
		*a = AlertState{}
	}
	return false
}

func (a *AlertState) frozen(t time.Time) bool {
	return a.Open && t.Sub(a.Since) < maxFreeze*time.Minute
}

// add learns a rate of messages per minute, neg of them negative: a plain
// average for the first 1/weight updates, exponentially weighted after.
func (k *Bucket) add(rate, neg, weight float64) {
	k.N++
	a := max(1/float64(k.N), weight)
	k.Rate += a * (rate - k.Rate)
	k.Negative += a * (neg - k.Negative)
}

// share is the usual share of negative messages; 0 when nothing is known.
func (k *Bucket) share() float64 {
	if k.Rate <= 0 {
		return 0
	}
	return min(k.Negative/k.Rate, 1)
}

// cv2 is the relative variance of the level, 0 while unknown.
func (sp *Spread) cv2() float64 {
	if sp.Scale <= 0 {
		return 0
	}
	return min(max(sp.Excess/sp.Scale, 0), 1)
}

// z is the z-score of s messages in a window expected to hold e by rates
// learnt over n weeks: the Poisson score of quasi-Poisson counts, scaled
// by their overdispersion.
func (sp *Spread) z(s, e float64, n int64) float64 {
	phi := 1 + sp.cv2()*max(e, 0)*(1+1/float64(min(max(n, 1), maxWeeks)))
	return poissonZ(s/phi, e/phi)
}

// add learns a window of s messages expected to hold e by rates learnt
// over n weeks. A window more than clampDevs deviations above e is an
// outlier, not noise, and is skipped once the spread has learnt a day of
// windows.
func (sp *Spread) add(s, e float64, n int64) {
	if sp.N >= spreadWarm && s > e && sp.z(s, e, n) > clampDevs {
		return
	}
	sp.N++
	a := max(1/float64(sp.N), overallAlpha)
	sp.Excess += a * ((s-e)*(s-e) - e - sp.Excess)
	sp.Scale += a * (e*e*(1+1/float64(min(max(n, 1), maxWeeks))) - sp.Scale)
}

// poissonZ is the z-score of observing k events where mu were expected:
// the Wilson–Hilferty normal approximation of the Poisson upper tail
// P(X ≥ k), sound in the tail even for a small mu (where (k-mu)/√mu
// overstates the evidence). Negative when k is below mu.
func poissonZ(k, mu float64) float64 {
	mu = max(mu, minMean)
	if k <= 0 {
		return -2 * math.Sqrt(mu)
	}
	return 3 * math.Sqrt(k) * (1 - 1/(9*k) - math.Cbrt(mu/k))
}

func (d *Detector) alert(b *Baseline, kind Kind, local time.Time, s, expected, n, usual float64) Alert {
	a := Alert{
		Kind:               kind,
		Start:              local,
		At:                 local,
		Observed:           s,
		Expected:           expected,
		Ratio:              s / max(expected, minExpected),
		NegativeShare:      0,
		UsualNegativeShare: usual,
		Weekday:            local.Weekday(),
		Hour:               local.Hour(),
		Sensitivity:        d.Sensitivity.orMedium(),
	}
	if s > 0 {
		a.NegativeShare = n / s
	}
	// The onset: walk back over the minutes of the window that were above
	// their expected level.
	perMinute := expected / window
	minute := floorDiv(local.Unix(), 60)
	slot, negSlot := mod(minute, history), mod(minute, window)
	for back := range window {
		total := float64(b.Totals[(slot-back+history)%history])
		neg := float64(b.Negatives[(negSlot-back+window)%window])
		above := total > perMinute
		if kind == KindNegative {
			above = neg > usual*max(total, perMinute)
		}
		if !above {
			break
		}
		a.Start = local.Add(-time.Duration(back) * time.Minute)
	}
	return a
}
