package recommend

import (
	"cmp"
	"slices"
)

// WeakChannels finds the accounts whose engagements per post are far
// below the other accounts' (at most WeakRatio × the median of the
// others), not made up for by their network's clicks or conversions per
// post (when links are in use: at or above the other networks' median
// makes up for it), with followers flat or falling. An account that is
// far below but whose follower history is too short gets a note instead.
// Too short a period, or fewer than two accounts with enough posts, give
// one note for the rule.
func WeakChannels(in Inputs) []Recommendation {
	days := int(in.To.Sub(in.From).Hours()/24 + 0.5)
	var eligible []Channel
	for _, c := range in.Channels {
		if c.Posts >= MinChannelPosts {
			eligible = append(eligible, c)
		}
	}
	if days < MinChannelDays || len(eligible) < 2 {
		if len(in.Channels) == 0 {
			return nil // nothing published: nothing to say about channels
		}
		return []Recommendation{{
			Kind: KindWeakChannel, Status: InsufficientData,
			Figures: map[string]float64{"days": float64(days), "channels": float64(len(eligible))},
			Text:    msg("weak_channel.insufficient"),
			Evidence: []Message{msg("weak_channel.insufficient_evidence", count(days), count(len(eligible)),
				count(MinChannelDays), count(MinChannelPosts))},
		}}
	}
	slices.SortFunc(eligible, func(a, b Channel) int {
		return cmp.Or(cmp.Compare(a.Network, b.Network), cmp.Compare(a.Handle, b.Handle), cmp.Compare(a.AccountID, b.AccountID))
	})
	perPost := func(c Channel) float64 { return float64(c.Engagements) / float64(c.Posts) }

	// Clicks and conversions per post per network, over the eligible
	// accounts' posts.
	netPosts := map[string]int{}
	for _, c := range eligible {
		netPosts[c.Network] += c.Posts
	}
	linkRate := func(nw string, clicks bool) (float64, bool) {
		l, ok := in.Links[nw]
		if !ok || netPosts[nw] == 0 {
			return 0, len(in.Links) > 0 && netPosts[nw] > 0 // in use, none here: 0 per post
		}
		if clicks {
			return float64(l.Clicks) / float64(netPosts[nw]), true
		}
		return float64(l.Conversions) / float64(netPosts[nw]), true
	}
	othersLinkMedian := func(nw string, clicks bool) (float64, bool) {
		var xs []float64
		for other := range netPosts {
			if other == nw {
				continue
			}
			if v, ok := linkRate(other, clicks); ok {
				xs = append(xs, v)
			}
		}
		return Median(xs), len(xs) > 0
	}
	anyClicks, anyConversions := false, false
	for _, l := range in.Links {
		anyClicks = anyClicks || l.Clicks > 0
		anyConversions = anyConversions || l.Conversions > 0
	}

	var out []Recommendation
	for i, c := range eligible {
		var others []float64
		for j, o := range eligible {
			if j != i {
				others = append(others, perPost(o))
			}
		}
		mine, med := perPost(c), Median(others)
		if med <= 0 || mine > WeakRatio*med {
			continue
		}
		f := map[string]float64{
			"posts": float64(c.Posts), "engagements_per_post": round(mine, 2),
			"others_median": round(med, 2), "others": float64(len(others)), "ratio": round(mine/med, 2),
		}
		evidence := []Message{
			msg("weak_channel.engagement", c.Handle, count(c.Posts), num(mine, 1)),
			msg("weak_channel.others", num(med, 1), count(len(others)), percent(mine/med)),
		}
		// Links may make up for weak engagement.
		madeUp := false
		for _, m := range []struct {
			clicks bool
			any    bool
			name   string
		}{{true, anyClicks, "clicks"}, {false, anyConversions, "conversions"}} {
			if !m.any {
				continue
			}
			v, ok := linkRate(c.Network, m.clicks)
			om, ook := othersLinkMedian(c.Network, m.clicks)
			if !ok || !ook {
				continue
			}
			f[m.name+"_per_post"], f["others_"+m.name+"_per_post"] = round(v, 2), round(om, 2)
			evidence = append(evidence, msg("weak_channel."+m.name, network(c.Network), num(v, 2), num(om, 2)))
			if v > 0 && v >= om {
				madeUp = true
			}
		}
		if madeUp {
			continue
		}
		fc := c.Followers
		if fc == nil || fc.Days < MinFollowerDays {
			days := 0
			if fc != nil {
				days = fc.Days
			}
			f["follower_days"] = float64(days)
			out = append(out, Recommendation{
				Kind: KindWeakChannel, Status: InsufficientData, Network: c.Network, AccountID: c.AccountID, Figures: f,
				Text:     msg("weak_channel.no_followers", c.Handle, network(c.Network)),
				Evidence: append(evidence, msg("weak_channel.follower_history", count(days), count(MinFollowerDays))),
			})
			continue
		}
		growth := fc.End - fc.Start
		share := 0.0
		if fc.Start > 0 {
			share = float64(growth) / float64(fc.Start)
		}
		f["followers_start"], f["followers_end"], f["follower_days"] = float64(fc.Start), float64(fc.End), float64(fc.Days)
		if growth > 0 && (fc.Start == 0 || share > FlatFollowers) {
			continue // it grows: not weak
		}
		evidence = append(evidence, msg("weak_channel.followers", count(fc.Start), count(fc.End), signed(float64(growth), 0), count(fc.Days)))
		out = append(out, Recommendation{
			Kind: KindWeakChannel, Status: Advice, Network: c.Network, AccountID: c.AccountID, Figures: f,
			Text:     msg("weak_channel.advice", c.Handle, network(c.Network)),
			Evidence: evidence,
		})
	}
	return out
}
