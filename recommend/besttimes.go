package recommend

import (
	"cmp"
	"slices"
)

// slot is a weekday (1 Monday … 7 Sunday) and the first hour of a band.
type slot struct{ day, hour int }

// BestTimes finds, per network, the weekday and hour bands whose posts got
// the most engagement compared with the network's median: the median
// engagements per post of the slot ÷ the median of all the network's
// posts. A network with too few posts, or over too few weeks, or whose
// median post got no engagement, gets a note instead. Networks come in
// name order; a network's slots from the greatest lift down.
func BestTimes(posts []Post) []Recommendation {
	byNetwork := map[string][]Post{}
	for _, p := range posts {
		byNetwork[p.Network] = append(byNetwork[p.Network], p)
	}
	names := make([]string, 0, len(byNetwork))
	for n := range byNetwork {
		names = append(names, n)
	}
	slices.Sort(names)
	var out []Recommendation
	for _, n := range names {
		out = append(out, bestTimes(n, byNetwork[n])...)
	}
	return out
}

func bestTimes(nw string, posts []Post) []Recommendation {
	weeks := map[[2]int]bool{}
	all := make([]float64, 0, len(posts))
	slots := map[slot][]float64{}
	for _, p := range posts {
		y, w := p.At.ISOWeek()
		weeks[[2]int{y, w}] = true
		e := float64(p.Engagements)
		all = append(all, e)
		s := slot{isoWeekday(p.At), p.At.Hour() / BandHours * BandHours}
		slots[s] = append(slots[s], e)
	}
	base := map[string]float64{"posts": float64(len(posts)), "weeks": float64(len(weeks))}
	if len(posts) < MinNetworkPosts || len(weeks) < MinNetworkWeeks {
		return []Recommendation{{
			Kind: KindBestTime, Status: InsufficientData, Network: nw, Figures: base,
			Text: msg("best_time.insufficient", network(nw)),
			Evidence: []Message{msg("best_time.insufficient_evidence", count(len(posts)), count(len(weeks)),
				count(MinNetworkPosts), count(MinNetworkWeeks))},
		}}
	}
	median := Median(all)
	base["network_median"] = round(median, 2)
	if median <= 0 {
		return []Recommendation{{
			Kind: KindBestTime, Status: InsufficientData, Network: nw, Figures: base,
			Text:     msg("best_time.no_engagement", network(nw)),
			Evidence: []Message{msg("best_time.network_median", network(nw), num(median, 1), count(len(posts)), count(len(weeks)))},
		}}
	}
	type found struct {
		s     slot
		n     int
		med   float64
		lift  float64
		total float64
	}
	var cands []found
	for s, es := range slots {
		if len(es) < MinSlotPosts {
			continue
		}
		m := Median(es)
		if lift := m / median; lift >= MinLift {
			cands = append(cands, found{s: s, n: len(es), med: m, lift: lift})
		}
	}
	slices.SortFunc(cands, func(a, b found) int {
		return cmp.Or(cmp.Compare(b.lift, a.lift), cmp.Compare(b.n, a.n), cmp.Compare(a.s.day, b.s.day), cmp.Compare(a.s.hour, b.s.hour))
	})
	if len(cands) > TopSlots {
		cands = cands[:TopSlots]
	}
	var out []Recommendation
	for i, c := range cands {
		f := map[string]float64{
			"rank": float64(i + 1), "weekday": float64(c.s.day), "start_hour": float64(c.s.hour), "end_hour": float64(c.s.hour + BandHours),
			"slot_posts": float64(c.n), "slot_median": round(c.med, 2), "lift": round(c.lift, 2),
		}
		for k, v := range base {
			f[k] = v
		}
		out = append(out, Recommendation{
			Kind: KindBestTime, Status: Advice, Network: nw, Figures: f,
			Text: msg("best_time.advice", network(nw), weekday(c.s.day), band(c.s.hour)),
			Evidence: []Message{
				msg("best_time.slot", weekday(c.s.day), band(c.s.hour), count(c.n), num(c.med, 1)),
				msg("best_time.network_median", network(nw), num(median, 1), count(len(posts)), count(len(weeks))),
				msg("best_time.lift", num(c.lift, 2)),
			},
		})
	}
	return out
}
