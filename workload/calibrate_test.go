package workload_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gears"
	"gears/locale"
	"gears/workload"
)

// synthetic returns weeks of history made from known unit times: hours per
// post, per conversation and per report, plus fixed weekly hours, with
// Gaussian noise of the given standard deviation (hours) on each activity.
func synthetic(r *rand.Rand, weeks int, perPost, perConv, perReport, noise float64) []workload.Week {
	h := make([]workload.Week, weeks)
	for i := range h {
		posts := float64(5 + r.IntN(20))
		conv := float64(40 + r.IntN(200))
		reports := float64(r.IntN(3))
		jitter := func() float64 { return r.NormFloat64() * noise }
		h[i] = workload.Week{
			Posts: posts, Conversations: conv, Reports: reports,
			Hours: map[string]float64{
				"maintenance.calendar":   math.Max(0, 1.5+0.6*perPost*posts+jitter()),
				"maintenance.graphics":   math.Max(0, 0.4*perPost*posts+jitter()),
				"maintenance.engagement": math.Max(0, 2+perConv*conv+jitter()),
				"metrics.performance":    math.Max(0, 1+0.5*perReport*reports+jitter()),
				"metrics.roi":            math.Max(0, 0.2*perReport*reports+jitter()),
				"metrics.changes":        math.Max(0, 0.5+0.3*perReport*reports+jitter()),
				"maintenance.monitoring": 4, // explains no unit: ignored
			},
		}
	}
	return h
}

func TestCalibrateRecoversUnitTimes(t *testing.T) {
	t.Parallel()
	const perPost, perConv, perReport = 0.75, 0.08, 4.5 // 45 min, 4.8 min, 4.5 h
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 99))
		c, err := workload.Calibrate(synthetic(r, 16, perPost, perConv, perReport, 0.3))
		if err != nil {
			t.Fatal(err)
		}
		want := map[workload.UnitTime]float64{workload.PerPost: perPost, workload.PerConversation: perConv, workload.PerReport: perReport}
		for _, f := range c.Fits {
			if !f.Usable {
				t.Errorf("seed %d: %s not usable: %+v", seed, f.Unit, f)
				continue
			}
			if rel := math.Abs(f.Hours-want[f.Unit]) / want[f.Unit]; rel > 0.10 {
				t.Errorf("seed %d: %s = %.3f h, want %.3f h ±10 %% (off by %.1f %%)", seed, f.Unit, f.Hours, want[f.Unit], rel*100)
			}
		}
		// The calibrated plan uses the fitted unit times.
		in := workload.Typical()
		cmp, err := workload.Recalibrate(in, c)
		if err != nil {
			t.Fatal(err)
		}
		ex, err := workload.Explain(c.Apply(in))
		if err != nil {
			t.Fatal(err)
		}
		perPostNow := term(t, ex, "maintenance.calendar", "per_post") + term(t, ex, "maintenance.graphics", "per_post")
		if !near(perPostNow, c.Fits[0].Hours, 1e-9) {
			t.Errorf("calibrated per-post hours %v, fitted %v", perPostNow, c.Fits[0].Hours)
		}
		if cmp.Calibrated.WeeklyHours <= cmp.Default.WeeklyHours {
			t.Errorf("slower unit times should raise the plan: %v → %v", cmp.Default.WeeklyHours, cmp.Calibrated.WeeklyHours)
		}
		for _, m := range cmp.Explanation {
			if !locale.Has(m.Key) {
				t.Errorf("explanation key %q is not in the catalogue", m.Key)
			}
		}
	}
}

// term returns the coefficient of parameter p of activity k.
func term(t *testing.T, ex []workload.Explanation, k, p string) float64 {
	t.Helper()
	for _, e := range ex {
		if e.Key != k {
			continue
		}
		for _, tm := range e.Terms {
			if tm.Param == p {
				return tm.Coefficient
			}
		}
	}
	t.Fatalf("no term %s.%s", k, p)
	return 0
}

func TestCalibrateNeedsFourWeeks(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 1))
	_, err := workload.Calibrate(synthetic(r, 3, 0.5, 0.05, 6, 0.1))
	var e *gears.Error
	if !errors.As(err, &e) || e.Code != gears.EINVALID || e.Key != "planner.error.calibration_weeks" {
		t.Fatalf("Calibrate(3 weeks) = %v, want invalid planner.error.calibration_weeks", err)
	}
	if got := locale.T("es", e.Key, e.Args...); got != "Para recalibrar hacen falta al menos 4 semanas de tiempo registrado; hay 3." {
		t.Errorf("es message = %q", got)
	}
}

func TestCalibrateRejectsBadWeeks(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		edit  func(*workload.Week)
		field string
	}{
		{"unknown activity", func(w *workload.Week) { w.Hours["maintenance.nap"] = 1 }, "history[2].hours.maintenance.nap"},
		{"negative hours", func(w *workload.Week) { w.Hours["maintenance.calendar"] = -1 }, "history[2].hours.maintenance.calendar"},
		{"more hours than a week", func(w *workload.Week) { w.Hours["maintenance.calendar"] = 200 }, "history[2].hours.maintenance.calendar"},
		{"NaN posts", func(w *workload.Week) { w.Posts = math.NaN() }, "history[2].posts"},
		{"negative reports", func(w *workload.Week) { w.Reports = -1 }, "history[2].reports"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := synthetic(rand.New(rand.NewPCG(5, 5)), 6, 0.5, 0.05, 6, 0.1)
			tt.edit(&h[2])
			_, err := workload.Calibrate(h)
			var e *gears.Error
			if !errors.As(err, &e) || e.Field != tt.field {
				t.Fatalf("Calibrate() = %v, want an error on %s", err, tt.field)
			}
		})
	}
}

func TestCalibrateKeepsDefaultsWithoutEvidence(t *testing.T) {
	t.Parallel()
	// Posts tracked, but hours fall as posts rise: no usable relation.
	// Conversations never tracked. Reports constant: fitted through the origin.
	var h []workload.Week
	for i := range 6 {
		h = append(h, workload.Week{
			Posts: float64(10 + i), Reports: 1,
			Hours: map[string]float64{"maintenance.calendar": float64(10 - i), "metrics.performance": 5},
		})
	}
	c, err := workload.Calibrate(h)
	if err != nil {
		t.Fatal(err)
	}
	post, conv, rep := c.Fits[0], c.Fits[1], c.Fits[2]
	if post.Usable || post.Hours != post.DefaultHours {
		t.Errorf("post fit = %+v, want the default kept", post)
	}
	if conv.Usable || conv.Weeks != 0 {
		t.Errorf("conversation fit = %+v, want unusable with 0 weeks", conv)
	}
	if !rep.Usable || rep.Method != "origin" || !near(rep.Hours, 5, 1e-9) {
		t.Errorf("report fit = %+v, want 5 h through the origin", rep)
	}
	if _, ok := c.Overrides["maintenance.calendar"]; ok {
		t.Errorf("unusable fit produced overrides: %v", c.Overrides)
	}
	keys := map[string]bool{}
	for _, m := range c.Explanation {
		keys[m.Key] = true
	}
	for _, k := range []string{"planner.calibration.unusable.post", "planner.calibration.unusable.conversation",
		"planner.calibration.fit.report", "planner.calibration.origin"} {
		if !keys[k] {
			t.Errorf("explanation lacks %s: %v", k, c.Explanation)
		}
	}
}

// TestCalibrationExplainsInTheReadersLanguage reads a calibration's
// explanation in English and Spanish: its numbers have the language's
// decimal mark, the plan's difference keeps its sign either way, and in
// JSON the arguments stay numbers.
func TestCalibrationExplainsInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	// Eight weeks of exact unit times, except the posts of the faster team,
	// whose calendar hours scatter around 0.1 h a post (a weak fit).
	history := func(faster bool) []workload.Week {
		scatter := []float64{5, 9, 6, 10, 5, 11, 6, 8}
		var h []workload.Week
		for i := range 8 {
			posts, conv, reports := float64(8+2*i), float64(40+10*i), float64(i%3)
			w := workload.Week{Posts: posts, Conversations: conv, Reports: reports, Hours: map[string]float64{
				// 0.75 h = 45 min a post, 1.5 h a week fixed; 0.08 h =
				// 4.8 min a conversation; 4.5 h a report.
				"maintenance.calendar": 1.5 + 0.45*posts, "maintenance.graphics": 0.3 * posts,
				"maintenance.engagement": 0.08 * conv, "metrics.performance": 4.5 * reports,
			}}
			if faster {
				w.Hours["maintenance.calendar"], w.Hours["maintenance.graphics"] = 0.1*posts+scatter[i], 0
				w.Hours["maintenance.engagement"] = 0.03 * conv // 1.8 min
			}
			h = append(h, w)
		}
		return h
	}
	for _, tt := range []struct {
		name       string
		faster     bool
		en, es     []string
		json, keys string
	}{
		{"slower", false, []string{
			"Posts: your team spends about 45 minutes per post (writing, scheduling and graphics); the published figures assume 30.",
			"On top of that, this work takes about 1.5 h a week whatever the volume.",
			"Conversations: about 4.8 minutes per mention or conversation handled; the published figures assume 3.",
			"Reports: about 4.5 hours of measurement and analysis per report; the published figures assume 6.",
			"With your own times the plan needs 42 h a week instead of 37 h (+5 h).",
		}, []string{
			"Publicaciones: su equipo dedica unos 45 minutos a cada publicación (redacción, programación y gráficos); las cifras publicadas suponen 30.",
			"Además, este trabajo ocupa unas 1,5 h semanales sea cual sea el volumen.",
			"Conversaciones: unos 4,8 minutos por cada mención o conversación atendida; las cifras publicadas suponen 3.",
			"Informes: unas 4,5 horas de medición y análisis por informe; las cifras publicadas suponen 6.",
			"Con sus propios tiempos, el plan requiere 42 h semanales en lugar de 37 h (+5 h).",
		}, `[45,30]`, "planner.calibration.plan"},
		{"faster", true, []string{
			"Take this figure as a first estimate: the weekly hours follow the volume only loosely (R² = 0.15).",
			"Conversations: about 1.8 minutes per mention or conversation handled; the published figures assume 3.",
			"With your own times the plan needs 31.5 h a week instead of 37 h (-5.5 h).",
		}, []string{
			"Tome esta cifra como una primera estimación: las horas semanales siguen el volumen solo de forma aproximada (R² = 0,15).",
			"Conversaciones: unos 1,8 minutos por cada mención o conversación atendida; las cifras publicadas suponen 3.",
			"Con sus propios tiempos, el plan requiere 31,5 h semanales en lugar de 37 h (-5,5 h).",
		}, `[31.5,37,-5.5]`, "planner.calibration.plan_less"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := workload.Calibrate(history(tt.faster))
			if err != nil {
				t.Fatal(err)
			}
			cmp, err := workload.Recalibrate(workload.Typical(), c)
			if err != nil {
				t.Fatal(err)
			}
			for lang, want := range map[string][]string{"en": tt.en, "es": tt.es} {
				var said []string
				for _, m := range cmp.Explanation {
					said = append(said, m.Text(func(k string, a ...any) string { return locale.T(lang, k, a...) }))
				}
				for _, w := range want {
					if !slices.Contains(said, w) {
						t.Errorf("%s explanation lacks %q; it says:\n%s", lang, w, strings.Join(said, "\n"))
					}
				}
			}
			if last := cmp.Explanation[len(cmp.Explanation)-1]; last.Key != tt.keys {
				t.Errorf("the plan's message is %s, want %s", last.Key, tt.keys)
			}
			b, err := json.Marshal(cmp.Explanation)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), `"args":`+tt.json) {
				t.Errorf("the explanation in JSON lacks the numbers %s: %s", tt.json, b)
			}
		})
	}
}

func ExampleCalibrate() {
	var history []workload.Week
	for i := range 8 {
		posts := float64(8 + 2*i)
		history = append(history, workload.Week{
			Posts: posts,
			Hours: map[string]float64{"maintenance.calendar": 1 + 0.4*posts, "maintenance.graphics": 0.35 * posts},
		})
	}
	c, err := workload.Calibrate(history)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range c.Explanation {
		fmt.Println(m.Text(func(k string, a ...any) string { return locale.T("en", k, a...) }))
	}
	// Output:
	// Based on 8 weeks of tracked time:
	// Posts: your team spends about 45 minutes per post (writing, scheduling and graphics); the published figures assume 30.
	// On top of that, this work takes about 1 h a week whatever the volume.
	// Conversations: the history does not show how time grows with the number of conversations (too few weeks tracked, or no clear relation), so the published figure of 3 minutes per conversation is kept.
	// Reports: the history does not show how time grows with the number of reports (too few weeks tracked, or no clear relation), so the published figure of 6 hours per report is kept.
}
