package recommend_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"gears/locale"
	"gears/recommend"
)

func text(lang string, m recommend.Message) string {
	return locale.T(lang, m.MessageKey(), m.MessageArgs()...)
}

func evidence(lang string, r recommend.Recommendation) []string {
	var out []string
	for _, e := range r.Evidence {
		out = append(out, text(lang, e))
	}
	return out
}

// checkFigures compares figures with hand-computed ones (within 0.005).
func checkFigures(t *testing.T, what string, got map[string]float64, want map[string]float64) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s: no figure %q in %v", what, k, got)
			continue
		}
		if math.Abs(g-w) > 0.005 {
			t.Errorf("%s: %s = %v, want %v", what, k, g, w)
		}
	}
}

// noBrokenText fails for a text with an untranslated key or a broken verb.
func noBrokenText(t *testing.T, recs []recommend.Recommendation) {
	t.Helper()
	for _, r := range recs {
		for _, lang := range locale.Languages {
			for _, s := range append([]string{text(lang, r.Text)}, evidence(lang, r)...) {
				if strings.Contains(s, "%!") || strings.Contains(s, "recommend.") || strings.Contains(s, "planner.activity.") || strings.Contains(s, "network.") {
					t.Errorf("%s %s: broken text %q", lang, r.Kind, s)
				}
			}
		}
	}
}

func TestStatistics(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		got  float64
		want float64
	}{
		{"median of nothing", recommend.Median(nil), 0},
		{"odd median", recommend.Median([]float64{3, 1, 2}), 2},
		{"even median", recommend.Median([]float64{4, 1, 3, 2}), 2.5},
		{"mean", recommend.Mean([]float64{1, 2, 6}), 3},
		{"slope of a line", recommend.Slope([]float64{1, 2, 3}), 1},
		{"slope of flat", recommend.Slope([]float64{2, 2, 2}), 0},
		// x − x̄ = −1, 0, 1; y − ȳ = −2, −2, 4: Σ = 2 + 0 + 4 = 6 over Σ(x − x̄)² = 2.
		{"slope of a jump", recommend.Slope([]float64{0, 0, 6}), 3},
		{"rise of a jump", recommend.Rise([]float64{0, 0, 6}), 6},
		{"slope of one", recommend.Slope([]float64{5}), 0},
	} {
		if math.Abs(tt.got-tt.want) > 1e-9 {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	// Median leaves its input alone.
	xs := []float64{3, 1, 2}
	recommend.Median(xs)
	if xs[0] != 3 {
		t.Errorf("Median sorted its input: %v", xs)
	}
}

// monday5Oct is the first of the four weeks the best-time posts span.
var monday5Oct = time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)

// at returns a time in week w (0–3) on weekday d (1 Monday … 7 Sunday) at
// hour h, minute m.
func at(w, d, h, m int) time.Time {
	return monday5Oct.AddDate(0, 0, 7*w+d-1).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

func post(nw string, t time.Time, e int64) recommend.Post {
	return recommend.Post{Network: nw, At: t, Engagements: e}
}

// mastodonPosts: Tuesdays 10:00 get 20, 18, 30, 16 (median 19); Thursdays
// 19:00 get 12, 14, 13 (median 13); thirteen Monday 08:00 posts get 10
// each; two Sunday 22:00 posts get 100 (too few to count as a slot). The 22
// values sorted: 10 ×13, 12, 13, 14, 16, 18, 20, 30, 100, 100: the median
// is the mean of the 11th and 12th, 10. Lifts: Tuesday 19 ÷ 10 = 1.9,
// Thursday 13 ÷ 10 = 1.3, Monday 1.0 (below 1.2).
func mastodonPosts() []recommend.Post {
	var ps []recommend.Post
	for w, e := range []int64{20, 18, 30, 16} {
		ps = append(ps, post("mastodon", at(w, 2, 10, 0), e))
	}
	for w, e := range []int64{12, 14, 13} {
		ps = append(ps, post("mastodon", at(w, 4, 19, 30), e))
	}
	for i := range 13 {
		ps = append(ps, post("mastodon", at(i%4, 1, 8, i), 10))
	}
	ps = append(ps, post("mastodon", at(0, 7, 22, 0), 100), post("mastodon", at(1, 7, 23, 0), 100))
	return ps
}

func TestBestTimes(t *testing.T) {
	t.Parallel()
	recs := recommend.BestTimes(mastodonPosts())
	if len(recs) != 2 {
		t.Fatalf("best times = %d recommendations, want 2: %+v", len(recs), recs)
	}
	for i, want := range []map[string]float64{
		{"rank": 1, "weekday": 2, "start_hour": 9, "end_hour": 12, "slot_posts": 4, "slot_median": 19, "lift": 1.9, "posts": 22, "weeks": 4, "network_median": 10},
		{"rank": 2, "weekday": 4, "start_hour": 18, "end_hour": 21, "slot_posts": 3, "slot_median": 13, "lift": 1.3, "posts": 22, "weeks": 4, "network_median": 10},
	} {
		r := recs[i]
		if r.Kind != recommend.KindBestTime || r.Status != recommend.Advice || r.Network != "mastodon" {
			t.Errorf("slot %d = %+v", i, r)
		}
		checkFigures(t, fmt.Sprint("slot ", i), r.Figures, want)
	}
	if got, want := text("en", recs[0].Text), "Post on Mastodon on Tuesdays, 09:00–12:00."; got != want {
		t.Errorf("en text = %q, want %q", got, want)
	}
	if got, want := text("es", recs[1].Text), "Publique en Mastodon los jueves, 18:00–21:00."; got != want {
		t.Errorf("es text = %q, want %q", got, want)
	}
	wantEvidence := map[string][]string{
		"en": {"Tuesdays 09:00–12:00: 4 posts, a median of 19 engagements each",
			"Median on Mastodon: 10 engagements per post (22 posts over 4 weeks)",
			"1.9× the network's median"},
		"es": {"martes 09:00–12:00: 4 publicaciones, una mediana de 19 interacciones cada una",
			"Mediana en Mastodon: 10 interacciones por publicación (22 publicaciones en 4 semanas)",
			"1,9× la mediana de la red"},
	}
	for lang, want := range wantEvidence {
		if got := evidence(lang, recs[0]); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s evidence = %q, want %q", lang, got, want)
		}
	}
	noBrokenText(t, recs)
}

// TestBestTimesTopSlots: sixteen posts get 2 and four slots get 10, 9, 8
// and 8 (the last with four posts): 29 posts whose median (the 15th) is 2.
// Lifts 5, 4.5, 4 and 4: the tie goes to the slot with more posts, and
// only three are kept.
func TestBestTimesTopSlots(t *testing.T) {
	t.Parallel()
	var ps []recommend.Post
	for i := range 16 {
		ps = append(ps, post("bluesky", at(i%4, 6, 1, i), 2))
	}
	for d, e := range map[int]int64{1: 10, 2: 9, 3: 8} {
		for w := range 3 {
			ps = append(ps, post("bluesky", at(w, d, 9, 0), e))
		}
	}
	for w := range 4 {
		ps = append(ps, post("bluesky", at(w, 4, 9, 0), 8))
	}
	recs := recommend.BestTimes(ps)
	if len(recs) != 3 {
		t.Fatalf("got %d slots, want 3: %+v", len(recs), recs)
	}
	for i, want := range []map[string]float64{
		{"weekday": 1, "lift": 5, "slot_posts": 3, "network_median": 2, "posts": 29},
		{"weekday": 2, "lift": 4.5, "slot_posts": 3},
		{"weekday": 4, "lift": 4, "slot_posts": 4},
	} {
		checkFigures(t, fmt.Sprint("slot ", i), recs[i].Figures, want)
	}
}

func TestBestTimesNotEnoughData(t *testing.T) {
	t.Parallel()
	all := mastodonPosts()
	// 19 posts over four weeks: one too few.
	few := all[:19]
	// 22 posts, all in the first three weeks.
	var threeWeeks []recommend.Post
	for _, p := range all {
		if p.At.After(at(3, 1, 0, 0)) {
			p.At = p.At.AddDate(0, 0, -7)
		}
		threeWeeks = append(threeWeeks, p)
	}
	// Enough posts, but the median post got nothing.
	var silent []recommend.Post
	for _, p := range all {
		p.Engagements = 0
		silent = append(silent, p)
	}
	silent[0].Engagements = 50
	for _, tt := range []struct {
		name  string
		posts []recommend.Post
		key   string
		en    string
		figs  map[string]float64
	}{
		{"too few posts", few, "recommend.best_time.insufficient", "19 posts over 4 weeks; at least 20 posts over 4 weeks are needed", map[string]float64{"posts": 19, "weeks": 4}},
		{"too few weeks", threeWeeks, "recommend.best_time.insufficient", "22 posts over 3 weeks; at least 20 posts over 4 weeks are needed", map[string]float64{"posts": 22, "weeks": 3}},
		{"no engagement", silent, "recommend.best_time.no_engagement", "Median on Mastodon: 0 engagements per post (22 posts over 4 weeks)", map[string]float64{"network_median": 0}},
	} {
		recs := recommend.BestTimes(tt.posts)
		if len(recs) != 1 || recs[0].Status != recommend.InsufficientData || recs[0].Text.Key != tt.key {
			t.Errorf("%s: %+v", tt.name, recs)
			continue
		}
		if got := evidence("en", recs[0]); len(got) != 1 || got[0] != tt.en {
			t.Errorf("%s: evidence %q, want %q", tt.name, got, tt.en)
		}
		checkFigures(t, tt.name, recs[0].Figures, tt.figs)
		noBrokenText(t, recs)
	}
	if recs := recommend.BestTimes(nil); len(recs) != 0 {
		t.Errorf("no posts: %+v", recs)
	}
}

func followers(start, end int64, days int) *recommend.FollowerChange {
	return &recommend.FollowerChange{Start: start, End: end, Days: days}
}

// channelInputs: 56 days; @a 10 engagements per post, @b 8, @c 2 (its
// others' median (10 + 8) ÷ 2 = 9, ratio 2 ÷ 9 = 0.22) with followers
// 500 → 503 (+0.6 %, flat); @d has too few posts to count.
func channelInputs() recommend.Inputs {
	return recommend.Inputs{
		From: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 10, 27, 0, 0, 0, 0, time.UTC),
		Channels: []recommend.Channel{
			{Network: "mastodon", AccountID: 1, Handle: "@a@example.social", Posts: 20, Engagements: 200, Followers: followers(1000, 1100, 50)},
			{Network: "mastodon", AccountID: 2, Handle: "@b@example.social", Posts: 10, Engagements: 80, Followers: followers(300, 290, 50)},
			{Network: "bluesky", AccountID: 3, Handle: "@c.example.com", Posts: 12, Engagements: 24, Followers: followers(500, 503, 50)},
			{Network: "bluesky", AccountID: 4, Handle: "@d.example.com", Posts: 5, Engagements: 0},
		},
	}
}

func TestWeakChannels(t *testing.T) {
	t.Parallel()
	in := channelInputs()
	recs := recommend.WeakChannels(in)
	if len(recs) != 1 || recs[0].Status != recommend.Advice || recs[0].AccountID != 3 || recs[0].Network != "bluesky" {
		t.Fatalf("weak channels = %+v", recs)
	}
	checkFigures(t, "@c", recs[0].Figures, map[string]float64{"posts": 12, "engagements_per_post": 2, "others_median": 9, "others": 2,
		"ratio": 0.22, "followers_start": 500, "followers_end": 503, "follower_days": 50})
	if _, ok := recs[0].Figures["clicks_per_post"]; ok {
		t.Errorf("clicks figured without links: %v", recs[0].Figures)
	}
	want := map[string][]string{
		"en": {"@c.example.com: 12 posts, 2 engagements per post",
			"The other accounts: a median of 9 engagements per post (2 accounts); this one reaches 22 % of it",
			"Followers: 500 → 503 (+3) over 50 days"},
		"es": {"@c.example.com: 12 publicaciones, 2 interacciones por publicación",
			"Las otras cuentas: una mediana de 9 interacciones por publicación (2 cuentas); esta alcanza el 22 %",
			"Seguidores: 500 → 503 (+3) en 50 días"},
	}
	for lang, w := range want {
		if got := evidence(lang, recs[0]); strings.Join(got, "|") != strings.Join(w, "|") {
			t.Errorf("%s evidence = %q, want %q", lang, got, w)
		}
	}
	if got := text("en", recs[0].Text); !strings.HasPrefix(got, "@c.example.com on Bluesky engages far less than your other accounts") {
		t.Errorf("text = %q", got)
	}
	noBrokenText(t, recs)
}

func TestWeakChannelsVariations(t *testing.T) {
	t.Parallel()
	type check func(t *testing.T, recs []recommend.Recommendation)
	advice := func(t *testing.T, recs []recommend.Recommendation) {
		if len(recs) != 1 || recs[0].Status != recommend.Advice || recs[0].AccountID != 3 {
			t.Errorf("want advice on @c: %+v", recs)
		}
	}
	none := func(t *testing.T, recs []recommend.Recommendation) {
		if len(recs) != 0 {
			t.Errorf("want nothing: %+v", recs)
		}
	}
	insufficient := func(account int64, key string) check {
		return func(t *testing.T, recs []recommend.Recommendation) {
			if len(recs) != 1 || recs[0].Status != recommend.InsufficientData || recs[0].AccountID != account || recs[0].Text.Key != key {
				t.Errorf("want a note %s on %d: %+v", key, account, recs)
			}
		}
	}
	for _, tt := range []struct {
		name   string
		change func(in *recommend.Inputs)
		check  check
	}{
		{"as it is", func(*recommend.Inputs) {}, advice},
		// 500 → 505 is 1 %: still flat; 500 → 506 grows.
		{"followers up 1 %", func(in *recommend.Inputs) { in.Channels[2].Followers = followers(500, 505, 50) }, advice},
		{"followers up 1.2 %", func(in *recommend.Inputs) { in.Channels[2].Followers = followers(500, 506, 50) }, none},
		{"followers falling", func(in *recommend.Inputs) { in.Channels[2].Followers = followers(500, 450, 50) }, advice},
		{"followers from none", func(in *recommend.Inputs) { in.Channels[2].Followers = followers(0, 4, 50) }, none},
		{"no follower counts", func(in *recommend.Inputs) { in.Channels[2].Followers = nil }, insufficient(3, "recommend.weak_channel.no_followers")},
		{"13 days of followers", func(in *recommend.Inputs) { in.Channels[2].Followers = followers(500, 500, 13) }, insufficient(3, "recommend.weak_channel.no_followers")},
		// 4.5 per post is exactly half of 9: still far below; 4.58 is not.
		{"half the others", func(in *recommend.Inputs) { in.Channels[2].Engagements = 54 }, advice},
		{"above half", func(in *recommend.Inputs) { in.Channels[2].Engagements = 55 }, none},
		// Clicks per post: Bluesky 24 ÷ 12 = 2 against Mastodon's 30 ÷ 30 = 1.
		{"clicks make up for it", func(in *recommend.Inputs) {
			in.Links = map[string]recommend.Links{"mastodon": {Clicks: 30}, "bluesky": {Clicks: 24}}
		}, none},
		{"no clicks on bluesky", func(in *recommend.Inputs) { in.Links = map[string]recommend.Links{"mastodon": {Clicks: 30}} }, func(t *testing.T, recs []recommend.Recommendation) {
			advice(t, recs)
			if len(recs) == 1 {
				checkFigures(t, "@c", recs[0].Figures, map[string]float64{"clicks_per_post": 0, "others_clicks_per_post": 1})
				if got := evidence("en", recs[0])[2]; got != "Clicks per post on Bluesky: 0; median of the other networks: 1" {
					t.Errorf("clicks evidence = %q", got)
				}
			}
		}},
		{"conversions make up for it", func(in *recommend.Inputs) {
			in.Links = map[string]recommend.Links{"mastodon": {Clicks: 30, Conversions: 1}, "bluesky": {Conversions: 2}}
		}, none},
		{"27 days", func(in *recommend.Inputs) { in.To = in.From.AddDate(0, 0, 27) }, insufficient(0, "recommend.weak_channel.insufficient")},
		{"one account with enough posts", func(in *recommend.Inputs) {
			in.Channels[1].Posts, in.Channels[2].Posts = 9, 9
		}, insufficient(0, "recommend.weak_channel.insufficient")},
		{"no accounts", func(in *recommend.Inputs) { in.Channels = nil }, none},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := channelInputs()
			tt.change(&in)
			recs := recommend.WeakChannels(in)
			tt.check(t, recs)
			noBrokenText(t, recs)
		})
	}
}

func weeks(n int) []time.Time {
	out := make([]time.Time, n)
	for i := range out {
		out[i] = monday5Oct.AddDate(0, 0, 7*i)
	}
	return out
}

func zeros(n int) []float64 { return make([]float64, n) }

// hoursInputs: engagement work grows 2, 3 … 7 h (slope 1, rise 5 ≥ 0.2 ×
// 4.5 and ≥ 1 h) while replies go 30, 28, 31, 29, 30, 28: Σ(x − x̄)y =
// −75 − 42 − 15.5 + 14.5 + 45 + 70 = −3 over 17.5, a slope of −0.171.
func hoursInputs() recommend.Inputs {
	w := weeks(6)
	return recommend.Inputs{
		From: w[0], To: w[5].AddDate(0, 0, 7), Weeks: w,
		Activities: []recommend.Activity{
			{Key: "maintenance.engagement", Planned: zeros(6), Tracked: []float64{2, 3, 4, 5, 6, 7}},
			{Key: "maintenance.monitoring", Planned: zeros(6), Tracked: []float64{1, 2, 3, 4, 5, 6}}, // serves no count
		},
		Results: map[recommend.Result][]float64{recommend.Replies: {30, 28, 31, 29, 30, 28}},
	}
}

func TestHoursWithoutResults(t *testing.T) {
	t.Parallel()
	recs := recommend.HoursWithoutResults(hoursInputs())
	if len(recs) != 1 || recs[0].Status != recommend.Advice || recs[0].ActivityKey != "maintenance.engagement" {
		t.Fatalf("hours = %+v", recs)
	}
	checkFigures(t, "engagement", recs[0].Figures, map[string]float64{"weeks": 6, "hours_mean": 4.5, "hours_slope": 1, "hours_rise": 5,
		"result_mean": 29.33, "result_slope": -0.171, "result_rise": -0.86})
	want := map[string][]string{
		"en": {"Hours tracked each week from 2026-10-05 to 2026-11-09: 2, 3, 4, 5, 6, 7 (trend +1 h a week)",
			"Weekly replies: 30, 28, 31, 29, 30, 28 (trend -0.17 a week)"},
		"es": {"Horas registradas cada semana del 2026-10-05 al 2026-11-09: 2; 3; 4; 5; 6; 7 (tendencia +1 h por semana)",
			"respuestas por semana: 30; 28; 31; 29; 30; 28 (tendencia -0,17 por semana)"},
	}
	for lang, w := range want {
		if got := evidence(lang, recs[0]); strings.Join(got, "|") != strings.Join(w, "|") {
			t.Errorf("%s evidence = %q, want %q", lang, got, w)
		}
	}
	if got, want := text("en", recs[0].Text), "Time on "+locale.T("en", "planner.activity.maintenance.engagement")+" grew by 5 h a week over 6 weeks, but its results (replies) did not: check whether that work pays off."; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
	noBrokenText(t, recs)
}

func TestHoursWithoutResultsVariations(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		change func(in *recommend.Inputs)
		status recommend.Status // "" for nothing
		key    string
	}{
		{"as it is", func(*recommend.Inputs) {}, recommend.Advice, "recommend.hours.advice"},
		// 20 … 30: slope 2, rise 10 ≥ 0.05 × 25.
		{"replies grow", func(in *recommend.Inputs) {
			in.Results[recommend.Replies] = []float64{20, 22, 24, 26, 28, 30}
		}, "", ""},
		// Falling replies are no better than flat ones.
		{"replies fall", func(in *recommend.Inputs) {
			in.Results[recommend.Replies] = []float64{30, 28, 26, 24, 22, 20}
		}, recommend.Advice, "recommend.hours.advice"},
		// 100, 100, 100, 100, 100, 101: rise 0.71 < 0.05 × 100.2 — flat.
		{"replies barely move", func(in *recommend.Inputs) {
			in.Results[recommend.Replies] = []float64{100, 100, 100, 100, 100, 101}
		}, recommend.Advice, "recommend.hours.advice"},
		{"replies not measured", func(in *recommend.Inputs) { delete(in.Results, recommend.Replies) }, recommend.InsufficientData, "recommend.hours.unmeasured"},
		{"hours flat", func(in *recommend.Inputs) { in.Activities[0].Tracked = []float64{4, 4, 4, 4, 4, 4} }, "", ""},
		// Rise 0.29 h: less than an hour.
		{"hours grow a little", func(in *recommend.Inputs) {
			in.Activities[0].Tracked = []float64{1, 1, 1.1, 1.2, 1.2, 1.3}
		}, "", ""},
		{"hours in three weeks only", func(in *recommend.Inputs) { in.Activities[0].Tracked = []float64{0, 0, 0, 5, 6, 7} }, "", ""},
		{"five weeks", func(in *recommend.Inputs) {
			in.Weeks = in.Weeks[:5]
			in.Activities[0].Tracked = in.Activities[0].Tracked[:5]
			in.Results[recommend.Replies] = in.Results[recommend.Replies][:5]
		}, recommend.InsufficientData, "recommend.hours.insufficient"},
		{"nothing tracked", func(in *recommend.Inputs) { in.Activities = nil }, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := hoursInputs()
			tt.change(&in)
			recs := recommend.HoursWithoutResults(in)
			if tt.status == "" {
				if len(recs) != 0 {
					t.Errorf("want nothing: %+v", recs)
				}
				return
			}
			if len(recs) != 1 || recs[0].Status != tt.status || recs[0].Text.Key != tt.key {
				t.Errorf("want %s %s: %+v", tt.status, tt.key, recs)
			}
			noBrokenText(t, recs)
		})
	}
}

// estimateInputs: the calendar is planned at 5 h and took 5, 7, 7.5, 8, 7:
// the last four weeks are more than 1.5 h (30 %) over, on average 7.375 h,
// 47.5 % over. Performance is planned at 3 h and took 1, 1, 1, 0.5 after
// the first week: four weeks under. Research went over but came back in
// the last week; graphics went over only in the last two weeks; blogs are
// 0.5 h over a 1 h budget (50 %, but less than an hour).
func estimateInputs() recommend.Inputs {
	w := weeks(5)
	five := func(v float64) []float64 { return []float64{v, v, v, v, v} }
	return recommend.Inputs{
		From: w[0], To: w[4].AddDate(0, 0, 7), Weeks: w, CountedWeeks: 6, CalibrationWeeks: 4,
		Activities: []recommend.Activity{
			{Key: "metrics.performance", Planned: five(3), Tracked: []float64{3, 1, 1, 1, 0.5}},
			{Key: "maintenance.calendar", Planned: five(5), Tracked: []float64{5, 7, 7.5, 8, 7}},
			{Key: "strategy.research", Planned: five(2), Tracked: []float64{4, 4, 4, 4, 2}},
			{Key: "maintenance.graphics", Planned: five(2), Tracked: []float64{2, 2, 2, 4, 4}},
			{Key: "maintenance.blogs", Planned: five(1), Tracked: five(1.5)},
			{Key: "maintenance.crisis", Planned: zeros(5), Tracked: five(3)},                   // not planned: not judged
			{Key: "maintenance.curation", Planned: five(3), Tracked: []float64{3, 0, 0, 0, 0}}, // not tracked: no evidence
		},
	}
}

func TestEstimateMismatches(t *testing.T) {
	t.Parallel()
	recs := recommend.EstimateMismatches(estimateInputs())
	if len(recs) != 2 {
		t.Fatalf("mismatches = %+v", recs)
	}
	cal, perf := recs[0], recs[1]
	if cal.ActivityKey != "maintenance.calendar" || cal.Text.Key != "recommend.estimate.over" || cal.Status != recommend.Advice {
		t.Errorf("calendar = %+v", cal)
	}
	checkFigures(t, "calendar", cal.Figures, map[string]float64{"weeks": 4, "planned_mean": 5, "tracked_mean": 7.38, "difference_share": 0.475})
	if perf.ActivityKey != "metrics.performance" || perf.Text.Key != "recommend.estimate.under" {
		t.Errorf("performance = %+v", perf)
	}
	// (0.875 − 3) ÷ 3 = −0.708.
	checkFigures(t, "performance", perf.Figures, map[string]float64{"weeks": 4, "planned_mean": 3, "tracked_mean": 0.88, "difference_share": -0.708})
	want := map[string][]string{
		"en": {"Weeks from 2026-10-12 to 2026-11-02", "Planned hours: 5, 5, 5, 5 (on average 5 h a week)",
			"Tracked hours: 7, 7.5, 8, 7 (on average 7.4 h a week)", "Tracked against planned: +48 %",
			"Calibration recomputes the plan from your own history: 6 weeks of counts of work recorded."},
		"es": {"Semanas del 2026-10-12 al 2026-11-02", "Horas previstas: 5; 5; 5; 5 (de media 5 h por semana)",
			"Horas registradas: 7; 7,5; 8; 7 (de media 7,4 h por semana)", "Registrado frente a lo previsto: +48 %",
			"La calibración vuelve a calcular el plan a partir de su propio historial: 6 semanas de recuentos de trabajo registradas."},
	}
	for lang, w := range want {
		if got := evidence(lang, cal); strings.Join(got, "|") != strings.Join(w, "|") {
			t.Errorf("%s evidence = %q, want %q", lang, got, w)
		}
	}
	if got := text("es", perf.Text); !strings.Contains(got, "menos tiempo del previsto durante 4 semanas seguidas") {
		t.Errorf("es text = %q", got)
	}
	// Without the counts calibration needs, the evidence says to enter them.
	in := estimateInputs()
	in.CountedWeeks = 3
	if got := evidence("en", recommend.EstimateMismatches(in)[0])[4]; got != "Calibration recomputes the plan from your own history, but has 3 weeks of counts of work (posts, conversations, reports) and needs 4: enter them on the calibration page." {
		t.Errorf("without counts: %q", got)
	}
	noBrokenText(t, recs)
}

func TestEstimateNotEnoughData(t *testing.T) {
	t.Parallel()
	in := estimateInputs()
	in.Weeks = in.Weeks[:2]
	for i := range in.Activities {
		a := &in.Activities[i]
		a.Planned, a.Tracked = a.Planned[:2], a.Tracked[:2]
	}
	recs := recommend.EstimateMismatches(in)
	if len(recs) != 1 || recs[0].Status != recommend.InsufficientData || recs[0].Text.Key != "recommend.estimate.insufficient" {
		t.Errorf("two weeks: %+v", recs)
	}
	in = estimateInputs()
	for i := range in.Activities {
		in.Activities[i].Planned = zeros(5)
	}
	recs = recommend.EstimateMismatches(in)
	if len(recs) != 1 || recs[0].Text.Key != "recommend.estimate.no_plan" {
		t.Errorf("no plan: %+v", recs)
	}
	in.Activities = nil
	if recs := recommend.EstimateMismatches(in); len(recs) != 0 {
		t.Errorf("no plan and no time: %+v", recs)
	}
	noBrokenText(t, recs)
}

func TestAnalyze(t *testing.T) {
	t.Parallel()
	in := hoursInputs()
	in.Posts = mastodonPosts()
	in.Channels = channelInputs().Channels
	in.From = in.Weeks[0].AddDate(0, 0, -28)
	recs, err := recommend.Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, r := range recs {
		kinds = append(kinds, string(r.Kind))
	}
	// Two best times, the weak channel, the hours; no plan: a note.
	if got, want := strings.Join(kinds, ","), "best_time,best_time,weak_channel,hours_without_results,estimate_mismatch"; got != want {
		t.Errorf("kinds = %s, want %s", got, want)
	}
	again, _ := recommend.Analyze(in)
	if fmt.Sprint(again) != fmt.Sprint(recs) {
		t.Error("Analyze is not deterministic")
	}
	// Misaligned or impossible inputs are refused.
	for name, change := range map[string]func(in *recommend.Inputs){
		"hours misaligned":   func(in *recommend.Inputs) { in.Activities[0].Tracked = in.Activities[0].Tracked[:3] },
		"results misaligned": func(in *recommend.Inputs) { in.Results[recommend.Replies] = nil },
		"not finite":         func(in *recommend.Inputs) { in.Activities[0].Tracked[1] = math.NaN() },
		"negative posts":     func(in *recommend.Inputs) { in.Channels[0].Posts = -1 },
		"backwards period":   func(in *recommend.Inputs) { in.To = in.From },
		"negative clicks":    func(in *recommend.Inputs) { in.Links = map[string]recommend.Links{"mastodon": {Clicks: -1}} },
		"negative weeks":     func(in *recommend.Inputs) { in.CountedWeeks = -1 },
	} {
		bad := hoursInputs()
		bad.Channels = channelInputs().Channels
		change(&bad)
		if _, err := recommend.Analyze(bad); !errors.Is(err, recommend.ErrInvalid) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestNumbersInBothLanguages(t *testing.T) {
	t.Parallel()
	// A channel with thousands of followers shows the separators of each
	// language.
	in := channelInputs()
	in.Channels[2].Followers = followers(12500, 12400, 30)
	recs := recommend.WeakChannels(in)
	if len(recs) != 1 {
		t.Fatalf("%+v", recs)
	}
	if got := evidence("en", recs[0])[2]; got != "Followers: 12,500 → 12,400 (-100) over 30 days" {
		t.Errorf("en = %q", got)
	}
	if got := evidence("es", recs[0])[2]; got != "Seguidores: 12.500 → 12.400 (-100) en 30 días" {
		t.Errorf("es = %q", got)
	}
}

// BenchmarkAnalyze: a busy year — 20,000 posts on three networks, twelve
// accounts, fifteen activities over 52 weeks.
func BenchmarkAnalyze(b *testing.B) {
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	in := recommend.Inputs{From: start, To: start.AddDate(0, 0, 364), Results: map[recommend.Result][]float64{}}
	for i := range 52 {
		in.Weeks = append(in.Weeks, start.AddDate(0, 0, 7*i))
	}
	networks := []string{"mastodon", "bluesky", "other"}
	for i := range 20000 {
		in.Posts = append(in.Posts, recommend.Post{Network: networks[i%3], At: start.Add(time.Duration(i) * 26 * time.Minute), Engagements: int64(i*7919) % 50})
	}
	for i := range 12 {
		in.Channels = append(in.Channels, recommend.Channel{Network: networks[i%3], AccountID: int64(i + 1), Handle: fmt.Sprint("@a", i),
			Posts: 1000 + i, Engagements: int64(5000 + 300*i), Followers: followers(1000, int64(1000+i), 300)})
	}
	for key := range recommend.Serves {
		a := recommend.Activity{Key: key, Planned: make([]float64, 52), Tracked: make([]float64, 52)}
		for w := range 52 {
			a.Planned[w], a.Tracked[w] = 3, 2+float64(w)/10
		}
		in.Activities = append(in.Activities, a)
	}
	for _, r := range []recommend.Result{recommend.Engagements, recommend.Replies, recommend.Followers, recommend.Clicks, recommend.Conversions} {
		in.Results[r] = make([]float64, 52)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := recommend.Analyze(in); err != nil {
			b.Fatal(err)
		}
	}
}
