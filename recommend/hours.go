package recommend

import (
	"math"
	"slices"
)

// HoursWithoutResults finds the activities (of Serves) whose tracked hours
// grow over the complete weeks of the period while the result they serve
// stays flat or falls. Growth and flatness are read from the least-squares
// line over the weeks (see the thresholds). Too few weeks give one note
// for the rule; an activity whose hours grow while its result is not
// measured gets a note of its own. Activities come in key order.
func HoursWithoutResults(in Inputs) []Recommendation {
	var tracked []Activity
	for _, a := range in.Activities {
		if _, ok := Serves[a.Key]; ok && active(a.Tracked) > 0 {
			tracked = append(tracked, a)
		}
	}
	if len(tracked) == 0 {
		return nil // no time tracked on what results show: nothing to judge
	}
	n := len(in.Weeks)
	if n < MinTrendWeeks {
		return []Recommendation{{
			Kind: KindHoursWithoutResults, Status: InsufficientData,
			Figures:  map[string]float64{"weeks": float64(n)},
			Text:     msg("hours.insufficient"),
			Evidence: []Message{msg("hours.insufficient_evidence", count(n), count(MinTrendWeeks))},
		}}
	}
	slices.SortFunc(tracked, func(a, b Activity) int {
		if a.Key < b.Key {
			return -1
		}
		if a.Key > b.Key {
			return 1
		}
		return 0
	})
	var out []Recommendation
	for _, a := range tracked {
		if active(a.Tracked) < MinActiveWeeks {
			continue
		}
		mean, rise := Mean(a.Tracked), Rise(a.Tracked)
		if rise < HoursRise*mean || rise < MinHoursRise {
			continue
		}
		r := Serves[a.Key]
		f := map[string]float64{
			"weeks": float64(n), "hours_mean": round(mean, 2), "hours_slope": round(Slope(a.Tracked), 3), "hours_rise": round(rise, 2),
		}
		evidence := []Message{
			msg("hours.tracked", series(a.Tracked, 1), date(in.Weeks[0]), date(in.Weeks[n-1]), signed(Slope(a.Tracked), 2)),
		}
		res, measured := in.Results[r]
		if !measured {
			out = append(out, Recommendation{
				Kind: KindHoursWithoutResults, Status: InsufficientData, ActivityKey: a.Key, Figures: f,
				Text:     msg("hours.unmeasured", activity(a.Key), result(r)),
				Evidence: evidence,
			})
			continue
		}
		rmean, rrise := Mean(res), Rise(res)
		f["result_mean"], f["result_slope"], f["result_rise"] = round(rmean, 2), round(Slope(res), 3), round(rrise, 2)
		if rrise > 0 && rrise >= ResultRise*math.Abs(rmean) {
			continue // the results grow with the hours
		}
		evidence = append(evidence, msg("hours.result", result(r), series(res, 0), signed(Slope(res), 2)))
		out = append(out, Recommendation{
			Kind: KindHoursWithoutResults, Status: Advice, ActivityKey: a.Key, Figures: f,
			Text:     msg("hours.advice", activity(a.Key), hours(rise), count(n), result(r)),
			Evidence: evidence,
		})
	}
	return out
}

// active counts the weeks with time tracked.
func active(xs []float64) int {
	n := 0
	for _, x := range xs {
		if x > 0 {
			n++
		}
	}
	return n
}
