package crisis_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"gears/crisis"
	"gears/locale"
)

func TestExplanation(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		alert  crisis.Alert
		en, es string
	}{
		{
			"volume",
			crisis.Alert{Kind: crisis.KindVolume, Ratio: 3.43, Weekday: time.Tuesday, Hour: 10, NegativeShare: 0.613, UsualNegativeShare: 0.05},
			"3.4× the usual volume for a Tuesday 10:00, 61 % negative",
			"3,4 veces el volumen habitual de un martes a las 10:00, 61 % negativo",
		},
		{
			"negative",
			crisis.Alert{Kind: crisis.KindNegative, Ratio: 1.46, Weekday: time.Saturday, Hour: 21, NegativeShare: 0.58, UsualNegativeShare: 0.052},
			"Negative messages: 58 %, where 5 % is usual for a Saturday 21:00; volume 1.5× the usual",
			"Mensajes negativos: 58 %, cuando lo habitual un sábado a las 21:00 es el 5 %; volumen 1,5 veces el habitual",
		},
		{
			"one o'clock",
			crisis.Alert{Kind: crisis.KindVolume, Ratio: 12, Weekday: time.Sunday, Hour: 1},
			"12.0× the usual volume for a Sunday 01:00, 0 % negative",
			"12,0 veces el volumen habitual de un domingo a la 01:00, 0 % negativo",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := locale.T("en", tt.alert.MessageKey(), tt.alert.MessageArgs()...); got != tt.en {
				t.Errorf("en:\n got %q\nwant %q", got, tt.en)
			}
			if got := locale.T("es", tt.alert.MessageKey(), tt.alert.MessageArgs()...); got != tt.es {
				t.Errorf("es:\n got %q\nwant %q", got, tt.es)
			}
		})
	}
}

// TestExplanationOfDetectedAlert renders an alert the detector raised and
// finds its figures in both languages.
func TestExplanationOfDetectedAlert(t *testing.T) {
	t.Parallel()
	b := train(t, 5)
	sp := spike{start: time.Date(2026, 3, 31, 10, 20, 0, 0, madrid), length: 30 * time.Minute, volume: 4}
	d := &crisis.Detector{Location: madrid}
	alerts := run(d, &b, newStream(5, 2, sp), testStart, 2*24*60)
	if len(alerts) != 1 {
		t.Fatalf("got %d alerts, want 1: %+v", len(alerts), alerts)
	}
	a := alerts[0]
	tenths := int(math.Round(a.Ratio * 10))
	percent := fmt.Sprintf("%d %%", int(math.Round(a.NegativeShare*100)))
	for lang, want := range map[string][]string{
		"en": {fmt.Sprintf("%d.%d×", tenths/10, tenths%10), "Tuesday", "10:00", percent},
		"es": {fmt.Sprintf("%d,%d veces", tenths/10, tenths%10), "martes", "a las 10:00", percent},
	} {
		got := locale.T(lang, a.MessageKey(), a.MessageArgs()...)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", lang, got, w)
			}
		}
	}
}

// TestMessagesExist: every key the package hands out is in the catalogue.
func TestMessagesExist(t *testing.T) {
	t.Parallel()
	keys := []string{
		crisis.KindVolume.MessageKey(), crisis.KindNegative.MessageKey(),
		crisis.Alert{Kind: crisis.KindVolume}.MessageKey(), crisis.Alert{Kind: crisis.KindNegative}.MessageKey(),
	}
	for _, s := range []crisis.Sensitivity{"", crisis.SensitivityLow, crisis.SensitivityMedium, crisis.SensitivityHigh} {
		keys = append(keys, s.MessageKey())
	}
	for _, s := range []crisis.Severity{crisis.SeverityLow, crisis.SeverityMedium, crisis.SeverityHigh, crisis.SeverityCritical} {
		keys = append(keys, s.MessageKey())
	}
	for _, p := range crisis.Playbooks() {
		keys = append(keys, p.NameKey)
		keys = append(keys, p.Steps...)
	}
	for _, k := range keys {
		if !locale.Has(k) {
			t.Errorf("key %q is not in the catalogue", k)
		}
	}
	for day := time.Sunday; day <= time.Saturday; day++ {
		a := crisis.Alert{Kind: crisis.KindVolume, Weekday: day, Hour: 23}
		for _, lang := range locale.Languages {
			if got := locale.T(lang, a.MessageKey(), a.MessageArgs()...); strings.Contains(got, "crisis.") || strings.Contains(got, "%!") {
				t.Errorf("%s, %v: %q", lang, day, got)
			}
		}
	}
}

func ExampleAlert_MessageArgs() {
	a := crisis.Alert{Kind: crisis.KindVolume, Ratio: 3.4, Weekday: time.Tuesday, Hour: 10, NegativeShare: 0.61}
	fmt.Println(locale.T("en", a.MessageKey(), a.MessageArgs()...))
	fmt.Println(locale.T("es", a.MessageKey(), a.MessageArgs()...))
	// Output:
	// 3.4× the usual volume for a Tuesday 10:00, 61 % negative
	// 3,4 veces el volumen habitual de un martes a las 10:00, 61 % negativo
}

func TestAlertJSON(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 31, 10, 4, 0, 0, madrid)
	a := crisis.Alert{Kind: crisis.KindVolume, Start: at.Add(-2 * time.Minute), At: at, Observed: 90, Expected: 27.5,
		Ratio: 90 / 27.5, NegativeShare: 0.05, UsualNegativeShare: 0.06, Weekday: time.Tuesday, Hour: 10, Sensitivity: crisis.SensitivityMedium}
	data, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"kind":"volume"`, `"at":"2026-03-31T10:04:00+02:00"`, `"negative_share":0.05`, `"usual_negative_share":0.06`, `"weekday":2`, `"hour":10`, `"sensitivity":"medium"`} {
		if !strings.Contains(string(data), field) {
			t.Errorf("%s lacks %s", data, field)
		}
	}
	var back crisis.Alert
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !back.At.Equal(a.At) || !back.Start.Equal(a.Start) {
		t.Errorf("times changed: %v %v", back.Start, back.At)
	}
	back.At, back.Start = a.At, a.Start
	if back != a {
		t.Errorf("round trip = %+v, want %+v", back, a)
	}
}
