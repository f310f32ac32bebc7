package crisis_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"gears/crisis"
)

func TestNormalWeekIsSilent(t *testing.T) {
	t.Parallel()
	for _, sens := range []crisis.Sensitivity{crisis.SensitivityLow, crisis.SensitivityMedium} {
		for seed := uint64(1); seed <= seeds; seed++ {
			b := train(t, seed)
			d := &crisis.Detector{Sensitivity: sens, Location: madrid}
			if alerts := run(d, &b, newStream(seed, 2), testStart, week); len(alerts) > 0 {
				t.Errorf("%s, seed %d: %d alerts in a normal week, first %+v", sens, seed, len(alerts), alerts[0])
			}
		}
	}
}

// spikeCase is a spike planted in the test week at a random minute of a
// weekday between fromHour and toHour, to be caught by a medium detector
// as an alert of its kind within a delay.
type spikeCase struct {
	name             string
	kind             crisis.Kind
	fromHour, toHour int
	within           time.Duration // the longest delay allowed
	plant            func(rng *rand.Rand, start time.Time) spike
}

// spikeCases are the cases of TestSpikeDetected and BenchmarkLongRun. The
// night case allows 15 minutes: see doc.go's limits and BenchmarkLongRun.
var spikeCases = []spikeCase{
	{"volume ×3–5 in office hours", crisis.KindVolume, 9, 18, 5 * time.Minute, func(rng *rand.Rand, start time.Time) spike {
		return spike{start: start, length: 30 * time.Minute, volume: 3 + 2*rng.Float64()}
	}},
	{"negative 50–70 % at ×1.5 in office hours", crisis.KindNegative, 9, 18, 5 * time.Minute, func(rng *rand.Rand, start time.Time) spike {
		return spike{start: start, length: 30 * time.Minute, volume: 1.5, negative: 0.5 + 0.2*rng.Float64()}
	}},
	{"volume ×10 at night", crisis.KindVolume, 0, 6, 15 * time.Minute, func(rng *rand.Rand, start time.Time) spike {
		return spike{start: start, length: 30 * time.Minute, volume: 10}
	}},
}

// TestSpikeDetected plants one spike in the test week of every seed and
// requires exactly one alert, of the right kind, within five minutes.
func TestSpikeDetected(t *testing.T) {
	t.Parallel()
	for _, tt := range spikeCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ds []time.Duration
			others := 0
			for seed := uint64(1); seed <= seeds; seed++ {
				b := train(t, seed)
				rng := rand.New(rand.NewPCG(seed, 3))
				sp := tt.plant(rng, randomStart(seed, tt.fromHour, tt.toHour))
				d := &crisis.Detector{Location: madrid}
				alerts := run(d, &b, newStream(seed, 2, sp), testStart, week)
				// One alert of the planted kind; none outside the spike (an
				// alert of the other kind during it is the same incident).
				var found []crisis.Alert
				for _, a := range alerts {
					if a.At.Before(sp.start) || !a.At.Before(sp.start.Add(sp.length+5*time.Minute)) {
						t.Errorf("seed %d: false alarm outside the spike %v: %+v", seed, sp.start, a)
					}
					if a.Kind == tt.kind {
						found = append(found, a)
					} else {
						others++
					}
				}
				if len(found) != 1 {
					t.Errorf("seed %d, spike at %v: want one %s alert, got %+v", seed, sp.start, tt.kind, alerts)
					continue
				}
				a := found[0]
				delay := a.At.Sub(sp.start)
				if delay > tt.within {
					t.Errorf("seed %d, spike at %v: alert at %v, %v after the start", seed, sp.start, a.At, delay)
				}
				if a.Start.After(a.At) || a.At.Sub(a.Start) >= 5*time.Minute {
					t.Errorf("seed %d: onset %v not within the window ending %v", seed, a.Start, a.At)
				}
				ds = append(ds, delay)
			}
			if len(ds) > 0 {
				lo, mid, hi := delays(ds)
				t.Logf("%s: delay over %d seeds: min %v, median %v, max %v; %d alerts of the other kind during the spikes", tt.name, len(ds), lo, mid, hi, others)
			}
		})
	}
}

func TestSensitivity(t *testing.T) {
	t.Parallel()
	mild := func(start time.Time) spike { return spike{start: start, length: 30 * time.Minute, volume: 2.5} }
	sour := func(start time.Time) spike {
		return spike{start: start, length: 30 * time.Minute, volume: 1.3, negative: 0.3}
	}
	strong := func(start time.Time) spike { return spike{start: start, length: 30 * time.Minute, volume: 6} }
	for _, tt := range []struct {
		name   string
		sens   crisis.Sensitivity
		kind   crisis.Kind
		plant  func(time.Time) spike
		caught bool
	}{
		{"mild volume, high", crisis.SensitivityHigh, crisis.KindVolume, mild, true},
		{"mild volume, low", crisis.SensitivityLow, crisis.KindVolume, mild, false},
		{"30 % negative, high", crisis.SensitivityHigh, crisis.KindNegative, sour, true},
		{"30 % negative, low", crisis.SensitivityLow, crisis.KindNegative, sour, false},
		{"strong volume, low", crisis.SensitivityLow, crisis.KindVolume, strong, true},
		{"strong volume, high", crisis.SensitivityHigh, crisis.KindVolume, strong, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for seed := uint64(1); seed <= 5; seed++ {
				b := train(t, seed)
				sp := tt.plant(randomStart(seed, 10, 17))
				d := &crisis.Detector{Sensitivity: tt.sens, Location: madrid}
				minutes := int(sp.start.Add(time.Hour).Sub(testStart) / time.Minute)
				alerts := run(d, &b, newStream(seed, 2, sp), testStart, minutes)
				caught := false
				for _, a := range alerts {
					if a.Kind == tt.kind && !a.At.Before(sp.start) && a.At.Before(sp.start.Add(sp.length)) {
						caught = true
					}
				}
				if caught != tt.caught {
					t.Errorf("seed %d: caught = %v, want %v (alerts %+v)", seed, caught, tt.caught, alerts)
				}
			}
		})
	}
}

// TestOneAlertPerSpike: a long spike raises one alert; once it has been
// over for a while, the next spike raises another.
func TestOneAlertPerSpike(t *testing.T) {
	t.Parallel()
	b := train(t, 7)
	first := time.Date(2026, 3, 31, 9, 30, 0, 0, madrid)
	second := first.Add(5 * time.Hour)
	s := newStream(7, 2,
		spike{start: first, length: 3 * time.Hour, volume: 4},
		spike{start: second, length: 30 * time.Minute, volume: 4},
	)
	d := &crisis.Detector{Location: madrid}
	alerts := run(d, &b, s, first.Add(-time.Hour), 8*60)
	if len(alerts) != 2 {
		t.Fatalf("got %d alerts, want 2: %+v", len(alerts), alerts)
	}
	for i, start := range []time.Time{first, second} {
		if a := alerts[i]; a.Kind != crisis.KindVolume || a.At.Before(start) || a.At.Sub(start) > 5*time.Minute {
			t.Errorf("alert %d = %+v, want a volume alert just after %v", i, a, start)
		}
	}
	if b.Open(crisis.KindVolume) {
		t.Error("the volume alert is still open long after the spikes")
	}
}

func TestBaselineJSON(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 3; seed++ {
		original := train(t, seed)
		sp := spike{start: randomStart(seed, 9, 18), length: 45 * time.Minute, volume: 4, negative: 0.4}
		d := &crisis.Detector{Location: madrid}

		want := run(d, &original, newStream(seed, 2, sp), testStart, week)
		if len(want) == 0 {
			t.Fatalf("seed %d: no alert to compare", seed)
		}

		// The same week, saving and loading the baseline every 7 minutes,
		// so some round trips happen while an alert is open.
		var restored crisis.Baseline
		trainedCopy := train(t, seed)
		roundTrip(t, &trainedCopy, &restored)
		s := newStream(seed, 2, sp)
		var got []crisis.Alert
		for i := range week {
			m := s.next(testStart.Add(time.Duration(i) * time.Minute))
			got = append(got, d.Observe(&restored, m)...)
			if i%7 == 0 {
				var next crisis.Baseline
				roundTrip(t, &restored, &next)
				restored = next
			}
		}
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
			t.Errorf("seed %d: after JSON round trips\n got %+v\nwant %+v", seed, got, want)
		}
		if restored.Minutes != original.Minutes || restored.Hours != original.Hours || restored.Overall != original.Overall {
			t.Errorf("seed %d: baselines differ after the week", seed)
		}
	}
}

func roundTrip(t *testing.T, from, to *crisis.Baseline) {
	t.Helper()
	data, err := json.Marshal(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, to); err != nil {
		t.Fatal(err)
	}
}

func TestZeroBaseline(t *testing.T) {
	t.Parallel()
	var b crisis.Baseline
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var back crisis.Baseline
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back != b {
		t.Errorf("zero baseline changed in a round trip: %+v", back)
	}
	d := &crisis.Detector{} // medium, UTC
	if alerts := d.Observe(&b, crisis.Minute{Start: time.Date(2026, 1, 1, 0, 0, 30, 0, time.UTC), Total: 500, Negative: 400}); alerts != nil {
		t.Errorf("a new baseline alerted: %+v", alerts)
	}
	if want := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); !b.Last.Equal(want) || b.Minutes != 1 {
		t.Errorf("Last %v, Minutes %d; want %v, 1", b.Last, b.Minutes, want)
	}
}

// TestWarmUp: nothing alerts before two weeks, however loud.
func TestWarmUp(t *testing.T) {
	t.Parallel()
	var b crisis.Baseline
	start := trainStart.AddDate(0, 0, 10)
	s := newStream(1, 1, spike{start: start.Add(10 * time.Hour), length: time.Hour, volume: 20})
	d := &crisis.Detector{Sensitivity: crisis.SensitivityHigh, Location: madrid}
	if alerts := run(d, &b, s, trainStart, 13*24*60); len(alerts) > 0 {
		t.Errorf("%d alerts during warm-up, first %+v", len(alerts), alerts[0])
	}
}

func TestGapsAndOrder(t *testing.T) {
	t.Parallel()
	d := &crisis.Detector{Location: madrid}
	t0 := time.Date(2026, 3, 2, 12, 0, 0, 0, madrid)

	var b crisis.Baseline
	d.Observe(&b, crisis.Minute{Start: t0, Total: 3})
	d.Observe(&b, crisis.Minute{Start: t0.Add(10 * time.Minute), Total: 3})
	if b.Minutes != 11 {
		t.Errorf("after a gap of 9 minutes, Minutes = %d, want 11", b.Minutes)
	}
	before := b
	d.Observe(&b, crisis.Minute{Start: t0.Add(5 * time.Minute), Total: 100})
	d.Observe(&b, crisis.Minute{Start: t0.Add(10 * time.Minute), Total: 100})
	if b != before {
		t.Error("a minute out of order changed the baseline")
	}
	d.Observe(&b, crisis.Minute{Start: t0.Add(30 * 24 * time.Hour), Total: 1})
	if want := int64(11 + 7*24*60 + 1); b.Minutes != want {
		t.Errorf("after a month's gap, Minutes = %d, want %d (a week filled)", b.Minutes, want)
	}

	// Negatives are clamped to the total; negative totals count as none.
	var c crisis.Baseline
	d.Observe(&c, crisis.Minute{Start: t0, Total: 2, Negative: 9})
	if h := c.Current; h.Total != 2 || h.Negative != 2 {
		t.Errorf("after 2 messages, 9 negative: %+v, want 2 and 2", h)
	}
	d.Observe(&c, crisis.Minute{Start: t0.Add(time.Minute), Total: -4, Negative: -1})
	if h := c.Current; h.Total != 2 || h.Negative != 2 || h.Minutes != 2 || h.Hour != int(time.Monday)*24+12 {
		t.Errorf("after -4 messages, -1 negative: %+v, want 2 and 2 in 2 minutes of Monday 12:00", h)
	}
}

// TestColdBucket: a bucket that has not seen two weeks is judged against
// the overall mean.
func TestColdBucket(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC) // a Wednesday
	b := crisis.Baseline{
		Last:    at.Add(-time.Minute),
		Minutes: 30 * 24 * 60,
		Overall: crisis.Bucket{N: 40000, Rate: 2, Negative: 0.1},
		Spread:  crisis.Spread{N: 40000, Excess: 1000, Scale: 1000}, // cv² = 1: nothing would alert
	}
	b.Hours[3*24+15] = crisis.Bucket{N: 1, Rate: 20, Negative: 1} // cold: one week
	for i := range b.Totals {
		b.Totals[i] = 2
	}
	d := &crisis.Detector{}
	alerts := d.Observe(&b, crisis.Minute{Start: at, Total: 40})
	if len(alerts) != 1 || alerts[0].Expected != 10 || alerts[0].Observed != 48 {
		t.Fatalf("alerts = %+v, want one against the overall mean of 10", alerts)
	}
	if a := alerts[0]; a.Start != at || a.Weekday != time.Wednesday || a.Hour != 15 || a.Ratio != 4.8 {
		t.Errorf("alert = %+v", a)
	}
}

func TestSensitivityValid(t *testing.T) {
	t.Parallel()
	for s, want := range map[crisis.Sensitivity]bool{"": true, "low": true, "medium": true, "high": true, "max": false, "Low": false} {
		if got := s.Valid(); got != want {
			t.Errorf("%q.Valid() = %v", s, got)
		}
	}
}

func BenchmarkObserve(b *testing.B) {
	base := train(b, 1)
	s := newStream(1, 2)
	minutes := make([]crisis.Minute, week)
	for i := range minutes {
		minutes[i] = s.next(testStart.Add(time.Duration(i) * time.Minute))
	}
	d := &crisis.Detector{Location: madrid}
	b.ReportAllocs()
	var i int
	for b.Loop() {
		if i%week == 0 {
			base = train(b, 1)
		}
		d.Observe(&base, minutes[i%week])
		i++
	}
}
