package roi_test

import (
	"fmt"

	"gears/locale"
	"gears/roi"
)

func Example() {
	value := roi.Money{Amount: 2500, Currency: "EUR"} // 25.00 € a conversion
	in := roi.Inputs{
		Currency: "EUR",
		Rates:    map[string]roi.Money{"Ana": {Amount: 4000, Currency: "EUR"}}, // 40.00 €/h
		Work: []roi.Work{
			{Person: "Ana", Hours: 12.5, Activity: "maintenance.engagement", Campaign: "Spring", Network: "mastodon"},
		},
		Spend:       []roi.Spend{{Campaign: "Spring", Amount: roi.Money{Amount: 30000, Currency: "EUR"}}},
		Conversions: []roi.Conversion{{Campaign: "Spring", Count: 48, ValueEach: &value}},
	}
	r, err := roi.Compute(in, roi.ByCampaign)
	if err != nil {
		panic(err)
	}
	for _, l := range r.Lines {
		fmt.Println(l.Key, l.Cost.Amount, l.Value.Amount, l.ROI.PercentTenths())
		for _, s := range l.Steps {
			fmt.Println(" ", locale.T("en", s.MessageKey(), s.MessageArgs()...))
		}
	}
	fmt.Println(locale.T("es", r.Total.ROI.MessageKey(), r.Total.ROI.MessageArgs()...))
	// Output:
	// Spring 80000 120000 500
	//   12.5 h × 40.00 €/h (Ana) = 500.00 €
	//   paid spend on campaign Spring, network (none) = 300.00 €
	//   cost = 500.00 € + 300.00 € = 800.00 €
	//   48 conversions × 25.00 € = 1,200.00 €
	//   value = 1,200.00 €
	//   ROI = (1,200.00 € − 800.00 €) ÷ 800.00 € = 50 %
	// 50 %
}
