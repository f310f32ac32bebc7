// Package workload estimates how many hours an organisation must dedicate to
// social media, following the "Social Media Work Flow" model: three gears —
// strategy (a one-off total for the planning stage), maintenance and metrics
// & reports (hours per week) — each made of activities.
//
// Every activity's hours come from one formula,
//
//	hours = (base + Σ coefficient × rate × driver) × Π multipliers × (1 + language_share × (languages − 1))
//
// whose default parameters each name the published figure they come from
// (see /docs/workload-model.md and WORKLOAD.md) and can be overridden per
// workspace through Input.Overrides. Calibrate fits the organisation's own
// unit times from its tracked history.
//
// The package imports only the standard library and the root package gears
// (for its error type). Texts are message keys; callers translate them.
package workload

// Gear is one of the three gears of social media work.
type Gear string

// The three gears.
const (
	Strategy    Gear = "strategy"    // blue: total hours of the planning stage
	Maintenance Gear = "maintenance" // green: hours per week
	Metrics     Gear = "metrics"     // red: hours per week
)

// Gears lists the gears in the order they are shown.
func Gears() []Gear { return []Gear{Strategy, Maintenance, Metrics} }

// Unit returns how the gear's hours are counted.
func (g Gear) Unit() Unit {
	if g == Strategy {
		return Hours
	}
	return HoursPerWeek
}

// NameKey returns the message key of the gear's name.
func (g Gear) NameKey() string { return "planner.gear." + string(g) }

// Unit is how an activity's hours are counted.
type Unit string

// Units of activities.
const (
	Hours        Unit = "h"      // total hours, once
	HoursPerWeek Unit = "h/week" // hours every week
)

// NameKey returns the message key of the unit's short name.
func (u Unit) NameKey() string {
	if u == Hours {
		return "planner.unit.h"
	}
	return "planner.unit.h_per_week"
}

// Driver is a volume of the organisation that an activity's hours grow with.
// Drivers are the volume fields of Input, named by their JSON names.
type Driver string

// The drivers. Fixed marks the base term, which depends on no volume.
const (
	Fixed               Driver = ""
	Networks            Driver = "networks"
	PostsPerWeek        Driver = "posts_per_week"
	MentionsPerWeek     Driver = "mentions_per_week"
	BlogPostsPerMonth   Driver = "blog_posts_per_month"
	CampaignsPerQuarter Driver = "campaigns_per_quarter"
	ContestsPerQuarter  Driver = "contests_per_quarter"
	ReportsPerMonth     Driver = "reports_per_month"
	Languages           Driver = "languages"
)

// Drivers lists the volume drivers (every Driver but Fixed).
func Drivers() []Driver {
	return []Driver{Networks, PostsPerWeek, MentionsPerWeek, BlogPostsPerMonth,
		CampaignsPerQuarter, ContestsPerQuarter, ReportsPerMonth, Languages}
}

// rate converts one unit of driver d into the unit of gear g. Weekly gears
// count monthly volumes as 12/52 a week and quarterly volumes as 4/52 a
// week, so a parameter can be stated per item ("6 h per blog post"). The
// strategy gear plans one period of each volume, so its rate is 1.
func rate(g Gear, d Driver) float64 {
	if g == Strategy {
		return 1
	}
	switch d {
	case BlogPostsPerMonth, ReportsPerMonth:
		return 12.0 / 52.0
	case CampaignsPerQuarter, ContestsPerQuarter:
		return 4.0 / 52.0
	}
	return 1
}

// Factor names a multiplier an activity is subject to.
type Factor string

// The multipliers. Each has one value per choice of the organisation, see
// Multipliers.
const (
	Size     Factor = "size"     // Input.OrgSize
	Audience Factor = "audience" // Input.Audience
	Crisis   Factor = "crisis"   // Input.CrisisRisk
)

// Param is one default parameter of an activity's formula. Base params
// (Driver Fixed) are hours; the others are hours per unit of their driver
// (per network, per post, per blog post…), except the language share, which
// is the fraction of the activity repeated for each extra language.
type Param struct {
	Name    string   // "base", "per_network", "language_share"…
	Driver  Driver   // what the parameter multiplies; Fixed for the base
	Value   float64  // the default, chosen inside [Min, Max]
	Min     float64  // lowest value the sources support
	Max     float64  // highest value the sources support
	Sources []string // message keys of the WORKLOAD.md rows it comes from
}

// Activity is one activity of one gear with its default formula.
type Activity struct {
	Key     string   // stable key, e.g. "maintenance.monitoring"
	Gear    Gear     // the gear it turns
	Params  []Param  // base and per-driver terms, then language share
	Factors []Factor // multipliers it is subject to
}

// NameKey returns the message key of the activity's name.
func (a Activity) NameKey() string { return NameKey(a.Key) }

// Unit returns how the activity's hours are counted.
func (a Activity) Unit() Unit { return a.Gear.Unit() }

// Param returns the parameter with the given name.
func (a Activity) Param(name string) (Param, bool) {
	for _, p := range a.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// NameKey returns the message key of the name of the activity with key k.
func NameKey(k string) string { return "planner.activity." + k }

// Source message keys: one per row (or figure) of WORKLOAD.md.
const (
	srcSmiciklasMonitoring  = "planner.source.smiciklas.monitoring"
	srcSmiciklasResearch    = "planner.source.smiciklas.research"
	srcSmiciklasEngagement  = "planner.source.smiciklas.engagement"
	srcSmiciklasUpdates     = "planner.source.smiciklas.updates"
	srcSmiciklasCuration    = "planner.source.smiciklas.curation"
	srcSmiciklasBlogging    = "planner.source.smiciklas.blogging"
	srcSmiciklasContingency = "planner.source.smiciklas.contingency"
	srcSmiciklasCampaigns   = "planner.source.smiciklas.campaigns"
	srcSmiciklasAnalytics   = "planner.source.smiciklas.analytics"
	srcSmiciklasStrategy    = "planner.source.smiciklas.strategy"
	srcCloudSparkResearch   = "planner.source.cloudspark.research"
	srcCloudSparkPlanning   = "planner.source.cloudspark.planning"
	srcCloudSparkCreation   = "planner.source.cloudspark.creation"
	srcCloudSparkDevelop    = "planner.source.cloudspark.development"
	srcEmoderationComments  = "planner.source.emoderation.comments"
	srcEmoderationStaffing  = "planner.source.emoderation.staffing"
	srcAutodeskPosts        = "planner.source.autodesk.posts"
	srcKanterListen         = "planner.source.kanter.listen"
	srcKanterPromote        = "planner.source.kanter.promote"
	srcKanterParticipate    = "planner.source.kanter.participate"
	srcKanterPublish        = "planner.source.kanter.publish"
	srcKanterMonitoring     = "planner.source.kanter.monitoring"
	srcProfsContent         = "planner.source.marketingprofs.content"
	srcProfsAnalytics       = "planner.source.marketingprofs.analytics"
	srcProfsPlanning        = "planner.source.marketingprofs.planning"
	srcRoundpegSize         = "planner.source.roundpeg.size"
	srcAudience             = "planner.source.audience"
	srcJudgement            = "planner.source.judgement"
)

// src is shorthand for a list of sources.
func src(keys ...string) []string { return keys }

// catalogue is the immutable table of activities and their defaults. The
// reasoning behind each number is in docs/workload-model.md.
var catalogue = []Activity{
	// Strategy: total hours of the planning stage.
	{Key: "strategy.research", Gear: Strategy, Factors: []Factor{Size}, Params: []Param{
		{Name: "base", Value: 12, Min: 8, Max: 25, Sources: src(srcCloudSparkResearch)},
		{Name: "per_network", Driver: Networks, Value: 1, Min: 0.5, Max: 3, Sources: src(srcCloudSparkResearch, srcJudgement)},
	}},
	{Key: "strategy.communication", Gear: Strategy, Factors: []Factor{Size}, Params: []Param{
		{Name: "base", Value: 15, Min: 10, Max: 20, Sources: src(srcCloudSparkPlanning)},
		{Name: "per_network", Driver: Networks, Value: 1, Min: 0.5, Max: 2, Sources: src(srcEmoderationStaffing, srcJudgement)},
		{Name: "language_share", Driver: Languages, Value: 0.25, Min: 0, Max: 0.5, Sources: src(srcJudgement)},
	}},
	{Key: "strategy.platforms", Gear: Strategy, Params: []Param{
		{Name: "per_network", Driver: Networks, Value: 12, Min: 10, Max: 15, Sources: src(srcCloudSparkCreation)},
		{Name: "language_share", Driver: Languages, Value: 0.25, Min: 0, Max: 0.5, Sources: src(srcJudgement)},
	}},
	{Key: "strategy.followers", Gear: Strategy, Factors: []Factor{Audience}, Params: []Param{
		{Name: "per_network", Driver: Networks, Value: 40, Min: 30, Max: 50, Sources: src(srcCloudSparkDevelop)},
	}},
	{Key: "strategy.campaigns", Gear: Strategy, Factors: []Factor{Size}, Params: []Param{
		{Name: "base", Value: 4, Min: 2, Max: 8, Sources: src(srcJudgement)},
		{Name: "per_network", Driver: Networks, Value: 2, Min: 1, Max: 4, Sources: src(srcEmoderationStaffing)},
		{Name: "per_campaign", Driver: CampaignsPerQuarter, Value: 10, Min: 10, Max: 20, Sources: src(srcCloudSparkPlanning)},
	}},
	{Key: "strategy.calendar", Gear: Strategy, Factors: []Factor{Size}, Params: []Param{
		{Name: "base", Value: 8, Min: 4, Max: 12, Sources: src(srcCloudSparkPlanning, srcSmiciklasStrategy)},
		{Name: "per_post", Driver: PostsPerWeek, Value: 0.5, Min: 0.25, Max: 1, Sources: src(srcJudgement)},
		{Name: "per_blog_post", Driver: BlogPostsPerMonth, Value: 1, Min: 0.5, Max: 2, Sources: src(srcJudgement)},
		{Name: "per_contest", Driver: ContestsPerQuarter, Value: 4, Min: 2, Max: 8, Sources: src(srcJudgement)},
		{Name: "language_share", Driver: Languages, Value: 0.25, Min: 0, Max: 0.5, Sources: src(srcJudgement)},
	}},

	// Maintenance: hours per week.
	{Key: "maintenance.monitoring", Gear: Maintenance, Factors: []Factor{Audience}, Params: []Param{
		{Name: "base", Value: 1.75, Min: 1.75, Max: 4, Sources: src(srcKanterListen, srcSmiciklasResearch)},
		{Name: "per_network", Driver: Networks, Value: 0.6, Min: 0.45, Max: 2.5, Sources: src(srcSmiciklasMonitoring, srcKanterMonitoring)},
	}},
	{Key: "maintenance.engagement", Gear: Maintenance, Factors: []Factor{Audience}, Params: []Param{
		{Name: "per_network", Driver: Networks, Value: 0.5, Min: 0.5, Max: 0.9, Sources: src(srcKanterParticipate)},
		{Name: "per_mention", Driver: MentionsPerWeek, Value: 0.05, Min: 0.017, Max: 0.16, Sources: src(srcEmoderationComments, srcAutodeskPosts, srcSmiciklasEngagement)},
		{Name: "language_share", Driver: Languages, Value: 0.5, Min: 0.25, Max: 1, Sources: src(srcEmoderationStaffing, srcJudgement)},
	}},
	{Key: "maintenance.calendar", Gear: Maintenance, Factors: []Factor{Size}, Params: []Param{
		{Name: "base", Value: 1, Min: 1, Max: 2, Sources: src(srcSmiciklasUpdates)},
		{Name: "per_post", Driver: PostsPerWeek, Value: 0.3, Min: 0.2, Max: 0.5, Sources: src(srcSmiciklasUpdates, srcKanterPublish)},
		{Name: "per_campaign", Driver: CampaignsPerQuarter, Value: 30, Min: 26, Max: 32.5, Sources: src(srcSmiciklasCampaigns)},
		{Name: "per_contest", Driver: ContestsPerQuarter, Value: 13, Min: 6.5, Max: 19.5, Sources: src(srcSmiciklasCampaigns, srcJudgement)},
		{Name: "language_share", Driver: Languages, Value: 0.5, Min: 0.25, Max: 1, Sources: src(srcEmoderationStaffing, srcJudgement)},
	}},
	{Key: "maintenance.curation", Gear: Maintenance, Params: []Param{
		{Name: "base", Value: 0.5, Min: 0, Max: 1, Sources: src(srcSmiciklasCuration)},
		{Name: "per_network", Driver: Networks, Value: 0.5, Min: 0.5, Max: 0.6, Sources: src(srcSmiciklasCuration, srcKanterPromote)},
		{Name: "language_share", Driver: Languages, Value: 0.5, Min: 0.25, Max: 1, Sources: src(srcEmoderationStaffing, srcJudgement)},
	}},
	{Key: "maintenance.graphics", Gear: Maintenance, Params: []Param{
		{Name: "per_post", Driver: PostsPerWeek, Value: 0.2, Min: 0.1, Max: 0.5, Sources: src(srcProfsContent)},
		{Name: "per_campaign", Driver: CampaignsPerQuarter, Value: 6.5, Min: 4, Max: 13, Sources: src(srcJudgement)},
		{Name: "per_contest", Driver: ContestsPerQuarter, Value: 3, Min: 2, Max: 6.5, Sources: src(srcJudgement)},
		{Name: "language_share", Driver: Languages, Value: 0.25, Min: 0, Max: 0.5, Sources: src(srcJudgement)},
	}},
	{Key: "maintenance.blogs", Gear: Maintenance, Params: []Param{
		{Name: "per_blog_post", Driver: BlogPostsPerMonth, Value: 6, Min: 4, Max: 7.5, Sources: src(srcSmiciklasBlogging, srcKanterPublish)},
		{Name: "language_share", Driver: Languages, Value: 0.5, Min: 0.25, Max: 1, Sources: src(srcEmoderationStaffing, srcJudgement)},
	}},
	{Key: "maintenance.crisis", Gear: Maintenance, Factors: []Factor{Size, Crisis}, Params: []Param{
		{Name: "base", Value: 2, Min: 2, Max: 3, Sources: src(srcSmiciklasContingency)},
		{Name: "per_network", Driver: Networks, Value: 0.5, Min: 0.25, Max: 0.75, Sources: src(srcSmiciklasContingency)},
		{Name: "per_mention", Driver: MentionsPerWeek, Value: 0.005, Min: 0, Max: 0.01, Sources: src(srcJudgement)},
	}},

	// Metrics & reports: hours per week.
	{Key: "metrics.performance", Gear: Metrics, Factors: []Factor{Size}, Params: []Param{
		{Name: "base", Value: 0.5, Min: 0.5, Max: 1, Sources: src(srcSmiciklasAnalytics)},
		{Name: "per_network", Driver: Networks, Value: 0.25, Min: 0.25, Max: 0.6, Sources: src(srcSmiciklasAnalytics)},
		{Name: "per_report", Driver: ReportsPerMonth, Value: 3, Min: 2, Max: 4, Sources: src(srcProfsAnalytics)},
	}},
	{Key: "metrics.engagement_review", Gear: Metrics, Params: []Param{
		{Name: "per_network", Driver: Networks, Value: 0.25, Min: 0.1, Max: 0.5, Sources: src(srcSmiciklasAnalytics)},
		{Name: "per_post", Driver: PostsPerWeek, Value: 0.05, Min: 0.03, Max: 0.1, Sources: src(srcJudgement)},
	}},
	{Key: "metrics.roi", Gear: Metrics, Factors: []Factor{Size}, Params: []Param{
		{Name: "base", Value: 0.25, Min: 0, Max: 0.5, Sources: src(srcProfsAnalytics)},
		{Name: "per_campaign", Driver: CampaignsPerQuarter, Value: 4, Min: 2, Max: 8, Sources: src(srcProfsAnalytics, srcJudgement)},
		{Name: "per_report", Driver: ReportsPerMonth, Value: 1, Min: 0.5, Max: 2, Sources: src(srcProfsAnalytics)},
	}},
	{Key: "metrics.changes", Gear: Metrics, Factors: []Factor{Size}, Params: []Param{
		{Name: "base", Value: 1, Min: 0.5, Max: 3.6, Sources: src(srcSmiciklasStrategy, srcProfsPlanning)},
		{Name: "per_report", Driver: ReportsPerMonth, Value: 2, Min: 1, Max: 3, Sources: src(srcJudgement)},
	}},
}

// Activities returns a copy of the activity catalogue, strategy first, in
// the order the gears list them.
func Activities() []Activity {
	out := make([]Activity, len(catalogue))
	for i, a := range catalogue {
		a.Params = append([]Param(nil), a.Params...)
		a.Factors = append([]Factor(nil), a.Factors...)
		out[i] = a
	}
	return out
}

// Lookup returns the activity with key k.
func Lookup(k string) (Activity, bool) {
	for _, a := range Activities() {
		if a.Key == k {
			return a, true
		}
	}
	return Activity{}, false
}

// Multiplier is the default value of one factor for one choice of the
// organisation, e.g. size.large.
type Multiplier struct {
	Key     string   // "size.large", "audience.b2b", "crisis.high"…
	Factor  Factor   // the factor it belongs to
	Choice  string   // the Input value that selects it
	Value   float64  // the default, chosen inside [Min, Max]
	Min     float64  // lowest plausible value
	Max     float64  // highest plausible value
	Sources []string // message keys of the rows it comes from
}

// multipliers is the immutable table of default multipliers. Override one
// with Input.Overrides["multipliers"]["size.large"].
var multipliers = []Multiplier{
	{Key: "size.micro", Factor: Size, Choice: string(Micro), Value: 0.8, Min: 0.6, Max: 1, Sources: src(srcRoundpegSize, srcJudgement)},
	{Key: "size.small", Factor: Size, Choice: string(Small), Value: 1, Min: 1, Max: 1, Sources: src(srcRoundpegSize)},
	{Key: "size.medium", Factor: Size, Choice: string(Medium), Value: 1.25, Min: 1, Max: 1.5, Sources: src(srcRoundpegSize, srcJudgement)},
	{Key: "size.large", Factor: Size, Choice: string(Large), Value: 1.5, Min: 1.2, Max: 2, Sources: src(srcRoundpegSize, srcJudgement)},
	{Key: "audience.b2c", Factor: Audience, Choice: string(B2C), Value: 1, Min: 1, Max: 1, Sources: src(srcAudience)},
	{Key: "audience.b2b", Factor: Audience, Choice: string(B2B), Value: 0.75, Min: 0.6, Max: 0.9, Sources: src(srcAudience, srcJudgement)},
	{Key: "crisis.low", Factor: Crisis, Choice: string(RiskLow), Value: 0.5, Min: 0.25, Max: 0.75, Sources: src(srcSmiciklasContingency, srcJudgement)},
	{Key: "crisis.medium", Factor: Crisis, Choice: string(RiskMedium), Value: 1, Min: 1, Max: 1, Sources: src(srcSmiciklasContingency)},
	{Key: "crisis.high", Factor: Crisis, Choice: string(RiskHigh), Value: 2, Min: 1.5, Max: 3, Sources: src(srcSmiciklasContingency, srcJudgement)},
}

// MultiplierOverrides is the key of Input.Overrides that overrides
// multipliers rather than an activity's parameters.
const MultiplierOverrides = "multipliers"

// Multipliers returns a copy of the table of default multipliers.
func Multipliers() []Multiplier {
	out := make([]Multiplier, len(multipliers))
	for i, m := range multipliers {
		m.Sources = append([]string(nil), m.Sources...)
		out[i] = m
	}
	return out
}

// multiplier returns the default multiplier with key k.
func multiplier(k string) (Multiplier, bool) {
	for _, m := range multipliers {
		if m.Key == k {
			return m, true
		}
	}
	return Multiplier{}, false
}
