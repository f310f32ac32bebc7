package workload_test

import (
	"encoding/json"
	"fmt"

	"gears/workload"
)

// names stands in for a translator such as
// func(k string) string { return locale.T(lang, k) }.
func names(key string) string {
	return map[string]string{
		"planner.activity.metrics.roi": "Return on paid advertising and ROI",
	}[key]
}

func ExampleEstimate() {
	r, err := workload.Estimate(workload.Typical())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range workload.Gears() {
		for _, l := range r.Lines(g) {
			fmt.Printf("%-28s %6.1f %s\n", l.Key, l.Hours, g.Unit())
		}
		fmt.Printf("%-28s %6.1f %s\n", string(g)+" total", r.Total(g), g.Unit())
	}
	fmt.Printf("weekly %.1f h, %.2f FTE\n", r.WeeklyHours, r.FTE)
	// Output:
	// strategy.research              16.0 h
	// strategy.communication         19.0 h
	// strategy.platforms             48.0 h
	// strategy.followers            160.0 h
	// strategy.campaigns             22.0 h
	// strategy.calendar              19.0 h
	// strategy total                284.0 h
	// maintenance.monitoring          4.2 h/week
	// maintenance.engagement          7.0 h/week
	// maintenance.calendar            7.3 h/week
	// maintenance.curation            2.5 h/week
	// maintenance.graphics            2.7 h/week
	// maintenance.blogs               2.8 h/week
	// maintenance.crisis              4.5 h/week
	// maintenance total              31.0 h/week
	// metrics.performance             2.2 h/week
	// metrics.engagement_review       1.5 h/week
	// metrics.roi                     0.8 h/week
	// metrics.changes                 1.5 h/week
	// metrics total                   6.0 h/week
	// weekly 37.0 h, 0.93 FTE
}

func ExampleResult_Localize() {
	r, err := workload.Estimate(workload.Input{Networks: 4, PostsPerWeek: 10, MentionsPerWeek: 100, Rate: 25})
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := json.Marshal(r.Metrics.Activities[2:3])
	fmt.Println(string(b))
	b, _ = json.Marshal(r.Localize(names).Metrics.Activities[2:3])
	fmt.Println(string(b))
	fmt.Printf("weekly_hours %.1f, fte %.2f, weekly_cost %.2f, strategy_cost %.2f\n",
		r.WeeklyHours, r.FTE, r.WeeklyCost, r.StrategyCost)
	// Output:
	// [{"key":"metrics.roi","name":"","hours":0.3}]
	// [{"key":"metrics.roi","name":"Return on paid advertising and ROI","hours":0.3}]
	// weekly_hours 28.5, fte 0.71, weekly_cost 712.50, strategy_cost 6700.00
}

func ExampleExplain() {
	ex, err := workload.Explain(workload.Input{Networks: 4, MentionsPerWeek: 100, Audience: workload.B2B})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range ex {
		if e.Key == "maintenance.engagement" {
			fmt.Println(e.Formula())
			for _, t := range e.Terms {
				fmt.Println(t.Param, t.Sources[0])
			}
		}
	}
	// Output:
	// (0.5 × 4 networks + 0.05 × 100 mentions_per_week) × 0.75 [audience.b2b] × 1 [language_share] = 5.25 h/week
	// per_network planner.source.kanter.participate
	// per_mention planner.source.emoderation.comments
}
