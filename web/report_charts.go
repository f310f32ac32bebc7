package web

import (
	"math"
	"strconv"

	"gears/chart"
	"gears/locale"
	"gears/store"
)

// namedChart is one chart of a report, under the name the page and the PDF
// place it by.
type namedChart struct {
	Name  string
	Chart chart.Chart
}

// reportChartSet draws the report's charts from its data, in lang: the same
// charts on the page (as SVG) and in the PDF.
func reportChartSet(lang string, d *store.ReportData) []namedChart {
	T := func(key string, args ...any) string { return locale.T(lang, key, args...) }
	empty := T("reportpdf.no_data")
	// The axes write their numbers in lang: "1,2k", "0,5".
	nums := chart.Compact(func(v float64, decimals int) string { return locale.Number(lang, v, -decimals) })

	// Engagement and clicks per day.
	eng := chart.Series{Name: T("reports.engagements")}
	clicks := chart.Series{Name: T("reports.clicks")}
	anyClick := false
	for _, day := range d.Engagement {
		eng.Points = append(eng.Points, chart.Point{X: day.Day, Y: float64(day.Total())})
		clicks.Points = append(clicks.Points, chart.Point{X: day.Day, Y: float64(day.Clicks)})
		anyClick = anyClick || day.Clicks > 0
	}
	engagement := chart.Line{Title: T("reports.chart.engagement"), Series: []chart.Series{eng}, Numbers: nums, Empty: empty}
	if anyClick {
		engagement.Series = append(engagement.Series, clicks)
	}

	// Engagements per post by weekday and hour; an hour without posts has
	// no value (not zero).
	heat := chart.Heatmap{Title: T("reports.chart.best_hours"), Numbers: nums, Max: T("reports.chart.max"), Empty: empty}
	for h := range 24 {
		heat.Cols = append(heat.Cols, strconv.Itoa(h))
	}
	anyPost := false
	for wd, row := range d.BestHours {
		heat.Rows = append(heat.Rows, T("reports.weekday."+strconv.Itoa(wd)))
		vals := make([]float64, 24)
		for h, c := range row {
			vals[h] = math.NaN()
			if c.Posts > 0 {
				vals[h], anyPost = c.PerPost(), true
			}
		}
		heat.Values = append(heat.Values, vals)
	}
	if !anyPost {
		heat.Values = nil
	}

	// Followers per account.
	followers := chart.Line{Title: T("reports.chart.followers"), Numbers: nums, Empty: empty, Zoom: true}
	for _, f := range d.Followers {
		s := chart.Series{Name: f.Network + " " + f.Handle}
		for _, p := range f.Points {
			s.Points = append(s.Points, chart.Point{X: p.Day, Y: float64(p.Value)})
		}
		followers.Series = append(followers.Series, s)
	}

	// Hours per gear over the period, planned and tracked; and per week,
	// planned against tracked for all gears.
	gearKeys := []string{"strategy", "maintenance", "metrics"}
	planned, tracked := make([]float64, 3), make([]float64, 3)
	weekPlanned := chart.Series{Name: T("reports.planned")}
	weekTracked := chart.Series{Name: T("reports.tracked")}
	anyHours := false
	for _, w := range d.Hours {
		for i, g := range gearKeys {
			if w.Gear == g {
				planned[i] += w.Planned
				tracked[i] += w.Tracked
			}
		}
		anyHours = anyHours || w.Planned > 0 || w.Tracked > 0
		n := len(weekPlanned.Points)
		if n == 0 || !weekPlanned.Points[n-1].X.Equal(w.Week) {
			weekPlanned.Points = append(weekPlanned.Points, chart.Point{X: w.Week})
			weekTracked.Points = append(weekTracked.Points, chart.Point{X: w.Week})
			n++
		}
		weekPlanned.Points[n-1].Y += w.Planned
		weekTracked.Points[n-1].Y += w.Tracked
	}
	hours := chart.Bars{Title: T("reports.chart.hours"), Numbers: nums, Empty: empty}
	plannedActual := chart.Line{Title: T("reportpdf.chart.planned_actual"), Numbers: nums, Empty: empty}
	if anyHours {
		for _, g := range gearKeys {
			hours.Labels = append(hours.Labels, T("gear."+g))
		}
		hours.Groups = []chart.Group{{Name: T("reports.planned"), Values: planned}, {Name: T("reports.tracked"), Values: tracked}}
		plannedActual.Series = []chart.Series{weekPlanned, weekTracked}
	}

	// ROI per campaign, in percent; a campaign without cost has none.
	roiBars := chart.Bars{Title: T("reportpdf.chart.roi"), Empty: empty, Numbers: func(v float64) string { return nums(v) + " %" }}
	values := []float64{}
	for _, l := range d.ByCampaign.Lines {
		if l.ROI == nil {
			continue
		}
		roiBars.Labels = append(roiBars.Labels, lineView(lang, d.ByCampaign.By, l).Key)
		values = append(values, float64(l.ROI.PercentTenths())/10)
	}
	if len(values) > 0 {
		roiBars.Groups = []chart.Group{{Name: T("reports.roi"), Values: values}}
	}

	return []namedChart{
		{"engagement", engagement},
		{"best_hours", heat},
		{"followers", followers},
		{"hours", hours},
		{"planned_actual", plannedActual},
		{"roi", roiBars},
	}
}
