// Package roi computes the return on investment of social media work, with
// the arithmetic shown so a person can check every figure.
//
//	cost  = Σ round-half-even(hours × person's rate) + paid spend
//	value = Σ conversions × value per conversion (or their total value)
//	      + engagements × value per engagement (when one is given)
//	ROI   = (value − cost) ÷ cost
//
// Compute groups the inputs by a Dimension — campaign, network, gear or one
// total line — and returns one Line per key with its cost, value, hours, ROI,
// what was missing and the steps of the arithmetic.
//
// # Money
//
// Money is an int64 amount in minor units (cents, two decimals) with an ISO
// currency code; every amount of one computation is in the currency of the
// Inputs, and any other currency is rejected (ErrCurrency). Sums of money are
// integer sums; no float holds money. A person's cost is the only rounding:
// their hours in the line, read as the decimal they were typed as (1.015 h is
// 1015/1000, not the nearest binary float), times the rate in cents per
// hour, rounded half to even to a whole cent. Rounding happens once per
// person and line, so the lines of different dimensions may differ from each
// other by a cent per person and line; the Report's Total is always the exact
// sum of its own lines.
//
// # Missing values
//
// Nothing missing is guessed, and everything missing is listed in the line's
// Missing so the UI can warn:
//   - a person without a rate: their hours count in Hours, their cost does
//     not (MissingRate);
//   - a conversion with neither a value each nor a total value: its count is
//     shown, its value is not counted (MissingConversionValue);
//   - engagements while Inputs.EngagementValue is nil: they add no value
//     (MissingEngagementValue).
//
// # ROI
//
// ROI is kept as the exact ratio (value − cost) / cost of two cent amounts
// and shown as a percent rounded half to even to one decimal. With no cost
// the ROI is undefined: Line.ROI is nil and the last step says "no cost: ROI
// undefined". Nothing is ever divided by zero; there is no infinity or NaN.
// No value with some cost is −100 %.
//
// # Grouping
//
// Work, spend, conversions and engagements without a key for the dimension
// (no campaign, no network, no gear) go to the line None, "(none)". A work
// entry's gear comes from its activity key (GearOf). Spend, conversions and
// engagements belong to a gear only when their Gear field says so; otherwise
// a gear report puts them in the None line, and every gear line then carries
// MissingGearAttribution: its ROI counts the cost of its hours (and what was
// given for it) but not the spend and value that were not attributed.
//
// # Texts
//
// Steps, Missing, Money and ROI implement MessageKey and MessageArgs, the
// locale package's Message: render them with locale.T(lang, m.MessageKey(),
// m.MessageArgs()...). Numbers are written per language by nested messages
// (en 1,200.50 €; es 1.200,50 €). The keys are in locale/messages/roi.json.
//
// The package imports only the standard library.
package roi
