package crisis_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the tests' time zone, whatever the machine has

	"gears/crisis"
)

// The synthetic workspace lives in Madrid; its four weeks of training cross
// the change to summer time (29 March 2026), and its test week follows.
var (
	madrid, _  = time.LoadLocation("Europe/Madrid")
	trainStart = time.Date(2026, 3, 2, 0, 0, 0, 0, madrid) // a Monday
	testStart  = trainStart.AddDate(0, 0, 28)              // Monday 30 March
)

const (
	week  = 7 * 24 * 60 // minutes
	seeds = 20
)

// spike changes the traffic for a while: volume multiplies the rate;
// negative, when not zero, replaces the share of negative messages.
type spike struct {
	start    time.Time
	length   time.Duration
	volume   float64
	negative float64
}

// stream generates one workspace's inbound traffic minute by minute: busy
// weekdays from 9 to 18, quiet nights, weekends at 45 %, a level that
// wanders by day (±12 %) and by hour (±8 %), Poisson arrivals, and about
// 5 % negative messages (the share wandering ±20 % by day).
type stream struct {
	rng                 *rand.Rand
	day                 time.Time
	hour                int
	dayLevel, hourLevel float64
	share               float64
	spikes              []spike
}

func newStream(seed, salt uint64, spikes ...spike) *stream {
	return &stream{rng: rand.New(rand.NewPCG(seed, salt)), hour: -1, spikes: spikes}
}

// baseRate is the usual messages per minute at a local time.
func baseRate(local time.Time) float64 {
	var r float64
	switch h := local.Hour(); {
	case h < 7:
		r = 0.3
	case h == 7:
		r = 1.5
	case h == 8:
		r = 3.5
	case h < 18:
		r = 6
	case h < 21:
		r = 3
	default:
		r = 1.2
	}
	if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday {
		r *= 0.45
	}
	return r
}

func (s *stream) next(t time.Time) crisis.Minute {
	local := t.In(madrid)
	if y, m, d := local.Date(); s.day.IsZero() || s.day.Day() != d || s.day.Month() != m || s.day.Year() != y {
		s.day = local
		s.dayLevel = math.Exp(0.12 * s.rng.NormFloat64())
		s.share = 0.05 * math.Exp(0.2*s.rng.NormFloat64())
	}
	if local.Hour() != s.hour {
		s.hour = local.Hour()
		s.hourLevel = math.Exp(0.08 * s.rng.NormFloat64())
	}
	rate, share := baseRate(local)*s.dayLevel*s.hourLevel, s.share
	for _, sp := range s.spikes {
		if !t.Before(sp.start) && t.Before(sp.start.Add(sp.length)) {
			rate *= sp.volume
			if sp.negative > 0 {
				share = sp.negative
			}
		}
	}
	total := s.poisson(rate)
	neg := 0
	for range total {
		if s.rng.Float64() < share {
			neg++
		}
	}
	return crisis.Minute{Start: t, Total: total, Negative: neg}
}

// poisson draws from a Poisson distribution (Knuth; the rates here are small).
func (s *stream) poisson(lambda float64) int {
	limit, k, p := math.Exp(-lambda), 0, s.rng.Float64()
	for p > limit {
		k++
		p *= s.rng.Float64()
	}
	return k
}

// run feeds minutes of s from start into b and returns the alerts.
func run(d *crisis.Detector, b *crisis.Baseline, s *stream, start time.Time, minutes int) []crisis.Alert {
	var alerts []crisis.Alert
	for i := range minutes {
		t := start.Add(time.Duration(i) * time.Minute)
		alerts = append(alerts, d.Observe(b, s.next(t))...)
	}
	return alerts
}

var (
	trainedMu sync.Mutex
	trained   = map[uint64]*trainedBaseline{}
)

type trainedBaseline struct {
	once     sync.Once
	baseline crisis.Baseline
	alerts   []crisis.Alert // raised during training
}

// train returns the baseline after four normal weeks of the seed's stream,
// computed once per seed, and fails if the training raised an alert; the
// caller gets its own copy.
func train(t testing.TB, seed uint64) crisis.Baseline {
	t.Helper()
	b, alerts := trainAlerting(seed)
	if len(alerts) > 0 {
		t.Fatalf("seed %d: training raised %d alerts, first %+v", seed, len(alerts), alerts[0])
	}
	return b
}

// trainAlerting returns the baseline after four normal weeks of the seed's
// stream and the alerts its training raised (a medium detector, from the
// end of the second week), computed once per seed.
func trainAlerting(seed uint64) (crisis.Baseline, []crisis.Alert) {
	trainedMu.Lock()
	tb, ok := trained[seed]
	if !ok {
		tb = &trainedBaseline{}
		trained[seed] = tb
	}
	trainedMu.Unlock()
	tb.once.Do(func() {
		d := &crisis.Detector{Location: madrid}
		minutes := int(testStart.Sub(trainStart) / time.Minute) // an hour short of 4 weeks: summer time
		tb.alerts = run(d, &tb.baseline, newStream(seed, 1), trainStart, minutes)
	})
	return tb.baseline, tb.alerts // a copy: Baseline holds no pointers
}

// randomStart picks a minute of the test week on a weekday, in [fromHour, toHour).
func randomStart(seed uint64, fromHour, toHour int) time.Time {
	rng := rand.New(rand.NewPCG(seed, 99))
	day := rng.IntN(5)
	hour := fromHour + rng.IntN(toHour-fromHour)
	return time.Date(testStart.Year(), testStart.Month(), testStart.Day()+day, hour, rng.IntN(60), 0, 0, madrid)
}

// delays summarises detection delays: min, median, max.
func delays(ds []time.Duration) (lo, mid, hi time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[0], s[len(s)/2], s[len(s)-1]
}
