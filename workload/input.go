package workload

import (
	"math"
	"sort"
	"strings"

	"gears"
)

// OrgSize is the size of the organisation.
type OrgSize string

// Organisation sizes.
const (
	Micro  OrgSize = "micro"  // a handful of people; the owner often posts
	Small  OrgSize = "small"  // the reference size of the published figures
	Medium OrgSize = "medium" // several departments to coordinate
	Large  OrgSize = "large"  // many people, approvals and brands
)

// AudienceKind says whom the organisation speaks to.
type AudienceKind string

// Audiences.
const (
	B2C AudienceKind = "b2c" // consumers
	B2B AudienceKind = "b2b" // other businesses
)

// Risk is the organisation's exposure to crises on social media.
type Risk string

// Crisis risks.
const (
	RiskLow    Risk = "low"
	RiskMedium Risk = "medium"
	RiskHigh   Risk = "high"
)

// Defaults applied by Input.WithDefaults to fields left at their zero value.
const (
	DefaultLanguages   = 1
	DefaultHoursPerFTE = 40
	DefaultPlanWeeks   = 12
	DefaultOrgSize     = Small
	DefaultAudience    = B2C
	DefaultCrisisRisk  = RiskMedium
)

// Sane caps: values above them are typing mistakes, not organisations.
const (
	maxNetworks    = 100
	maxPosts       = 5000    // per week
	maxMentions    = 200_000 // per week
	maxBlogPosts   = 500     // per month
	maxCampaigns   = 100     // per quarter
	maxContests    = 100     // per quarter
	maxReports     = 200     // per month
	maxLanguages   = 50
	maxHoursPerFTE = 100
	maxRate        = 100_000
	maxPlanWeeks   = 260
	maxParam       = 100_000
	maxMultiplier  = 10
)

// Overrides replaces default parameters: activity key → parameter name →
// value, e.g. {"maintenance.engagement": {"per_mention": 0.08}}. The key
// "multipliers" overrides multipliers by their key, e.g.
// {"multipliers": {"size.large": 1.8}}.
type Overrides map[string]map[string]float64

// Input describes the organisation whose workload is estimated. Zero values
// of Languages, HoursPerFTE, PlanWeeks, OrgSize, Audience and CrisisRisk
// take the defaults above; zero volumes mean none.
type Input struct {
	Networks            int          `json:"networks" yaml:"networks"`
	PostsPerWeek        float64      `json:"posts_per_week" yaml:"posts_per_week"`
	MentionsPerWeek     float64      `json:"mentions_per_week" yaml:"mentions_per_week"`
	BlogPostsPerMonth   float64      `json:"blog_posts_per_month" yaml:"blog_posts_per_month"`
	CampaignsPerQuarter float64      `json:"campaigns_per_quarter" yaml:"campaigns_per_quarter"`
	ContestsPerQuarter  float64      `json:"contests_per_quarter" yaml:"contests_per_quarter"`
	ReportsPerMonth     float64      `json:"reports_per_month" yaml:"reports_per_month"`
	Languages           int          `json:"languages" yaml:"languages"`
	OrgSize             OrgSize      `json:"org_size" yaml:"org_size"`
	Audience            AudienceKind `json:"audience" yaml:"audience"`
	CrisisRisk          Risk         `json:"crisis_risk" yaml:"crisis_risk"`
	HoursPerFTE         float64      `json:"hours_per_fte" yaml:"hours_per_fte"`
	Rate                float64      `json:"rate" yaml:"rate"`
	PlanWeeks           int          `json:"plan_weeks" yaml:"plan_weeks"`
	Overrides           Overrides    `json:"overrides,omitempty" yaml:"overrides,omitempty"`
}

// Typical returns the typical small organisation of the documentation: a
// consumer brand on 4 networks with 10 posts and 100 mentions a week, 2 blog
// posts and 1 report a month, 1 campaign and 1 contest a quarter.
func Typical() Input {
	return Input{
		Networks: 4, PostsPerWeek: 10, MentionsPerWeek: 100, BlogPostsPerMonth: 2,
		CampaignsPerQuarter: 1, ContestsPerQuarter: 1, ReportsPerMonth: 1,
	}.WithDefaults()
}

// WithDefaults returns a copy of in with its unset fields at their
// defaults.
func (in Input) WithDefaults() Input {
	if in.Languages == 0 {
		in.Languages = DefaultLanguages
	}
	if in.HoursPerFTE == 0 {
		in.HoursPerFTE = DefaultHoursPerFTE
	}
	if in.PlanWeeks == 0 {
		in.PlanWeeks = DefaultPlanWeeks
	}
	if in.OrgSize == "" {
		in.OrgSize = DefaultOrgSize
	}
	if in.Audience == "" {
		in.Audience = DefaultAudience
	}
	if in.CrisisRisk == "" {
		in.CrisisRisk = DefaultCrisisRisk
	}
	return in
}

// Driver returns the value of volume driver d (Fixed counts as 1).
func (in Input) Driver(d Driver) float64 {
	switch d {
	case Networks:
		return float64(in.Networks)
	case PostsPerWeek:
		return in.PostsPerWeek
	case MentionsPerWeek:
		return in.MentionsPerWeek
	case BlogPostsPerMonth:
		return in.BlogPostsPerMonth
	case CampaignsPerQuarter:
		return in.CampaignsPerQuarter
	case ContestsPerQuarter:
		return in.ContestsPerQuarter
	case ReportsPerMonth:
		return in.ReportsPerMonth
	case Languages:
		return float64(in.Languages)
	}
	return 1
}

// choice returns the organisation's choice for factor f.
func (in Input) choice(f Factor) string {
	switch f {
	case Size:
		return string(in.OrgSize)
	case Audience:
		return string(in.Audience)
	case Crisis:
		return string(in.CrisisRisk)
	}
	return ""
}

// Message keys of validation errors.
const (
	errNegative        = "planner.error.negative"
	errTooLarge        = "planner.error.too_large"
	errNotFinite       = "planner.error.not_finite"
	errEnum            = "planner.error.enum"
	errUnknownActivity = "planner.error.unknown_activity"
	errUnknownParam    = "planner.error.unknown_param"
)

// Validate reports the first bad value of in as a *gears.Error naming the
// field: a negative or non-finite number, a value above its sane cap, an
// unknown choice, or an override of something that does not exist.
func (in Input) Validate() error {
	in = in.WithDefaults()
	checks := []func() error{
		func() error { return checkNumber("networks", float64(in.Networks), 0, maxNetworks) },
		func() error { return checkNumber("posts_per_week", in.PostsPerWeek, 0, maxPosts) },
		func() error { return checkNumber("mentions_per_week", in.MentionsPerWeek, 0, maxMentions) },
		func() error { return checkNumber("blog_posts_per_month", in.BlogPostsPerMonth, 0, maxBlogPosts) },
		func() error { return checkNumber("campaigns_per_quarter", in.CampaignsPerQuarter, 0, maxCampaigns) },
		func() error { return checkNumber("contests_per_quarter", in.ContestsPerQuarter, 0, maxContests) },
		func() error { return checkNumber("reports_per_month", in.ReportsPerMonth, 0, maxReports) },
		func() error { return checkNumber("languages", float64(in.Languages), 1, maxLanguages) },
		func() error { return checkEnum("org_size", string(in.OrgSize), Micro, Small, Medium, Large) },
		func() error { return checkEnum("audience", string(in.Audience), B2C, B2B) },
		func() error { return checkEnum("crisis_risk", string(in.CrisisRisk), RiskLow, RiskMedium, RiskHigh) },
		func() error { return checkNumber("hours_per_fte", in.HoursPerFTE, 1, maxHoursPerFTE) },
		func() error { return checkNumber("rate", in.Rate, 0, maxRate) },
		func() error { return checkNumber("plan_weeks", float64(in.PlanWeeks), 1, maxPlanWeeks) },
		in.Overrides.validate,
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// checkNumber checks that v is finite and within [low, high].
func checkNumber(field string, v, low, high float64) error {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return gears.Invalid(field, errNotFinite, field)
	case v < 0:
		return gears.Invalid(field, errNegative, field)
	case v < low:
		return gears.Invalid(field, errTooSmall, field, limit(low))
	case v > high:
		return gears.Invalid(field, errTooLarge, field, limit(high))
	}
	return nil
}

// limit is a bound of checkNumber as its message writes it, in the
// reader's language and in full: 200,000 or 200.000, never Go's 1e+06.
func limit(v float64) number { return number{v, -3} }

// errTooSmall is the message key of a value below its minimum.
const errTooSmall = "planner.error.too_small"

// checkEnum checks that v is one of choices.
func checkEnum[T ~string](field, v string, choices ...T) error {
	names := make([]string, len(choices))
	for i, c := range choices {
		if string(c) == v {
			return nil
		}
		names[i] = string(c)
	}
	return gears.Invalid(field, errEnum, field, strings.Join(names, ", "), v)
}

// validate checks that every override names an existing activity parameter
// or multiplier, with a finite value in range. Keys are checked in sorted
// order so the error reported is always the same.
func (o Overrides) validate() error {
	for _, key := range sortedKeys(o) {
		for _, name := range sortedKeys(o[key]) {
			field := "overrides." + key + "." + name
			if err := checkOverride(field, key, name, o[key][name]); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkOverride checks one override value.
func checkOverride(field, key, name string, v float64) error {
	if key == MultiplierOverrides {
		if _, ok := multiplier(name); !ok {
			return gears.Invalid(field, errUnknownParam, field)
		}
		return checkNumber(field, v, 0, maxMultiplier)
	}
	a, ok := Lookup(key)
	if !ok {
		return gears.Invalid(field, errUnknownActivity, key)
	}
	p, ok := a.Param(name)
	if !ok {
		return gears.Invalid(field, errUnknownParam, field)
	}
	if p.Driver == Languages {
		return checkNumber(field, v, 0, maxMultiplier)
	}
	return checkNumber(field, v, 0, maxParam)
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
