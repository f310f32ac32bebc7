package web

import (
	"strings"

	"gears/locale"
	"gears/roi"
	"gears/store"
)

// How a report's summary compares with the period of as many days before
// it (store.ReportData.Previous): the page, the shared page and the PDF
// show it under each figure.

// summaryChange is how one figure moved: Text says it ("+12 % · before:
// 1,730"), Dir is up, down or same, for the page's arrow. Up is not
// "better": a cost going up is up.
type summaryChange struct {
	Text, Dir string
}

// summaryChanges compares d's summary with the previous period's, figure
// by figure, keyed as the summary's data-k attributes; nil without a
// previous period.
func summaryChanges(lang string, d *store.ReportData) map[string]summaryChange {
	p := d.Previous
	if p == nil {
		return nil
	}
	s := d.Summary
	count := func(v float64) string { return locale.Number(lang, v, 0) }
	hours := func(v float64) string { return locale.T(lang, "reportpdf.hours_value", locale.Number(lang, v, 1)) }
	cash := func(cents int64) string { return money(lang, roi.Money{Amount: cents, Currency: s.Cost.Currency}) }
	out := map[string]summaryChange{
		"posts":             relative(lang, float64(s.Posts), float64(p.Posts), count),
		"engagements":       relative(lang, float64(s.Engagements), float64(p.Engagements), count),
		"clicks":            relative(lang, float64(s.Clicks), float64(p.Clicks), count),
		"hours_strategy":    relative(lang, s.Hours.Strategy, p.Hours.Strategy, hours),
		"hours_maintenance": relative(lang, s.Hours.Maintenance, p.Hours.Maintenance, hours),
		"hours_metrics":     relative(lang, s.Hours.Metrics, p.Hours.Metrics, hours),
		"cost":              relative(lang, float64(s.Cost.Amount), float64(p.Cost.Amount), func(v float64) string { return cash(int64(v)) }),
		"value":             relative(lang, float64(s.Value.Amount), float64(p.Value.Amount), func(v float64) string { return cash(int64(v)) }),
	}
	// The follower change is a difference already: it is compared by
	// difference, as the ROI is, in points.
	signed := func(v float64) string { return signedNumber(lang, v, 0) }
	out["followers_delta"] = absolute(lang, float64(s.FollowersDelta), float64(p.FollowersDelta), signed, signed, "reports.change.diff")
	before := "—"
	if p.ROI != nil {
		before = locale.T(lang, "roi.percent", locale.Number(lang, p.ROI.Percent, 1))
	}
	if s.ROI == nil || p.ROI == nil {
		out["roi"] = summaryChange{Text: locale.T(lang, "reports.change.before_only", before), Dir: "same"}
	} else {
		pct := func(v float64) string { return locale.T(lang, "roi.percent", locale.Number(lang, v, 1)) }
		out["roi"] = absolute(lang, s.ROI.Percent, p.ROI.Percent, func(v float64) string { return signedNumber(lang, v, 1) }, pct, "reports.change.points")
	}
	return out
}

// relative compares quantities that cannot be negative, in percent of the
// one before; from nothing there is no percent, only what it was.
func relative(lang string, now, before float64, show func(float64) string) summaryChange {
	switch {
	case now == before:
		return summaryChange{Text: locale.T(lang, "reports.change.same", show(before)), Dir: "same"}
	case before == 0:
		return summaryChange{Text: locale.T(lang, "reports.change.before_only", show(before)), Dir: "up"}
	}
	// Whole percents; under one, a tenth, so a small move is not "0 %".
	pct := (now - before) / before * 100
	decimals := 0
	if pct > -1 && pct < 1 {
		decimals = 1
	}
	dir := direction(now - before)
	text := signedNumber(lang, pct, decimals)
	if !strings.ContainsAny(text, "123456789") {
		dir = "same" // under a twentieth of a percent
	}
	return summaryChange{Text: locale.T(lang, "reports.change.percent", text, show(before)), Dir: dir}
}

// absolute compares by difference: key says it in units (a follower
// change) or points (an ROI).
func absolute(lang string, now, before float64, diff, show func(float64) string, key string) summaryChange {
	if now == before {
		return summaryChange{Text: locale.T(lang, "reports.change.same", show(before)), Dir: "same"}
	}
	return summaryChange{Text: locale.T(lang, key, diff(now-before), show(before)), Dir: direction(now - before)}
}

func direction(d float64) string {
	if d > 0 {
		return "up"
	}
	return "down"
}

// signedNumber writes v with its sign, "+12" or "-3"; a number that
// rounds to zero has none.
func signedNumber(lang string, v float64, decimals int) string {
	s := locale.Number(lang, v, decimals)
	if v > 0 && strings.ContainsAny(s, "123456789") { // not rounded to 0
		return "+" + s
	}
	return s
}

// Change returns how the summary's figure k moved, or nil (templates call
// it).
func (p *reportPage) Change(k string) *summaryChange {
	c, ok := p.Changes[k]
	if !ok {
		return nil
	}
	return &c
}
