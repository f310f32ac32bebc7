package recommend

import (
	"math"
	"slices"
	"strings"
)

// EstimateMismatches finds the activities whose tracked hours differed
// from their planned hours by more than MismatchShare of the plan (and at
// least MinMismatchHours), in the same direction, for MinMismatchWeeks or
// more consecutive complete weeks up to the latest one: the plan's
// estimate no longer matches the work, and calibration can correct it.
// Weeks with nothing tracked on an activity count as neither. Too few weeks, or no planned hours in the
// period, give one note. Activities come in key order.
func EstimateMismatches(in Inputs) []Recommendation {
	n := len(in.Weeks)
	planned := false
	for _, a := range in.Activities {
		planned = planned || slices.ContainsFunc(a.Planned, func(h float64) bool { return h > 0 })
	}
	if !planned || n < MinMismatchWeeks {
		if len(in.Activities) == 0 {
			return nil // no plan and no time: nothing to compare
		}
		key := "estimate.no_plan"
		if planned {
			key = "estimate.insufficient"
		}
		return []Recommendation{{
			Kind: KindEstimateMismatch, Status: InsufficientData,
			Figures:  map[string]float64{"weeks": float64(n)},
			Text:     msg(key),
			Evidence: []Message{msg("estimate.insufficient_evidence", count(n), count(MinMismatchWeeks))},
		}}
	}
	calibration := msg("estimate.calibrate", count(in.CountedWeeks))
	if in.CountedWeeks < in.CalibrationWeeks {
		calibration = msg("estimate.calibrate_counts", count(in.CountedWeeks), count(in.CalibrationWeeks))
	}
	acts := slices.Clone(in.Activities)
	slices.SortFunc(acts, func(a, b Activity) int { return strings.Compare(a.Key, b.Key) })
	var out []Recommendation
	for _, a := range acts {
		// direction of each week: +1 over the plan, -1 under, 0 close
		// enough, not planned, or nothing tracked (nobody may have tracked
		// that activity: no evidence either way).
		dir := make([]int, n)
		for i := range n {
			p, t := a.Planned[i], a.Tracked[i]
			d := t - p
			if p > 0 && t > 0 && math.Abs(d) > MismatchShare*p && math.Abs(d) >= MinMismatchHours {
				if d > 0 {
					dir[i] = 1
				} else {
					dir[i] = -1
				}
			}
		}
		// The run of weeks that ends with the latest one: a mismatch that
		// has since stopped is no longer news.
		end, start := n-1, n
		for start > 0 && dir[start-1] != 0 && dir[start-1] == dir[end] {
			start--
		}
		if end-start+1 < MinMismatchWeeks {
			continue
		}
		weeks := end - start + 1
		p, t := Mean(a.Planned[start:end+1]), Mean(a.Tracked[start:end+1])
		share := (t - p) / p
		key := "estimate.over"
		if dir[end] < 0 {
			key = "estimate.under"
		}
		out = append(out, Recommendation{
			Kind: KindEstimateMismatch, Status: Advice, ActivityKey: a.Key,
			Figures: map[string]float64{
				"weeks": float64(weeks), "planned_mean": round(p, 2), "tracked_mean": round(t, 2),
				"difference_share": round(share, 3),
			},
			Text: msg(key, activity(a.Key), count(weeks)),
			Evidence: []Message{
				msg("estimate.weeks", date(in.Weeks[start]), date(in.Weeks[end])),
				msg("estimate.planned", series(a.Planned[start:end+1], 1), hours(p)),
				msg("estimate.tracked", series(a.Tracked[start:end+1], 1), hours(t)),
				msg("estimate.share", signed(share*100, 0)),
				calibration,
			},
		})
	}
	return out
}
