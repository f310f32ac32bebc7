package gears

import (
	"context"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The strategy gear: research notes and competitors, the communication
// strategy (audiences, tone, the role of each channel), the platform set-up
// checklist of each connected account, campaigns with their spend, and
// objectives whose KPIs are measured against a target over time.

// dayLayout is how the strategy gear writes a date: the workspace's local
// date, without a time.
const dayLayout = "2006-01-02"

// DayNumber returns the date s (YYYY-MM-DD) as days since 1970-01-01, the
// way the daily roll-ups count days.
func DayNumber(s string) (int64, bool) {
	t, err := time.Parse(dayLayout, s)
	if err != nil {
		return 0, false
	}
	return t.Unix() / 86400, true
}

// DayString returns the date of a day number.
func DayString(day int64) string { return time.Unix(day*86400, 0).UTC().Format(dayLayout) }

// validDay checks a required date field and normalises it.
func strategyDay(field, s string) (string, int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", 0, Invalid(field, "strategy.date_required", field)
	}
	d, ok := DayNumber(s)
	if !ok {
		return "", 0, Invalid(field, "strategy.bad_date", field)
	}
	return s, d, nil
}

// cleanLine trims s and checks it is present (when required) and not
// longer than max characters.
func strategyText(field, s string, max int, required bool) (string, error) {
	s = strings.TrimSpace(s)
	if required && s == "" {
		return "", Invalid(field, "strategy.required", field)
	}
	if utf8.RuneCountInString(s) > max {
		return "", Invalid(field, "strategy.too_long", field, max)
	}
	return s, nil
}

// validWebURL accepts an empty URL or an absolute http(s) one.
func strategyURL(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(s) > 2000 {
		return "", Invalid(field, "strategy.bad_url", field)
	}
	return s, nil
}

// StrategyNetworks are the networks the strategy gear plans for.
var StrategyNetworks = []Network{Mastodon, Bluesky}

func strategyNetwork(field string, n Network, optional bool) error {
	if optional && n == "" {
		return nil
	}
	if !slices.Contains(StrategyNetworks, n) {
		return Invalid(field, "strategy.bad_network", field)
	}
	return nil
}

// ResearchNote is a finding about the industry, the audience or a
// competitor, with where it came from.
type ResearchNote struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	SourceURL string    `json:"source_url"`
	CreatedBy *int64    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ResearchNoteInput creates or replaces a research note.
type ResearchNoteInput struct {
	Title     string `json:"title"`
	Body      string `json:"body"`
	SourceURL string `json:"source_url"`
}

// Validate checks and normalises the note.
func (in *ResearchNoteInput) Validate() error {
	var err error
	if in.Title, err = strategyText("title", in.Title, 200, true); err != nil {
		return err
	}
	if in.Body, err = strategyText("body", in.Body, 20000, false); err != nil {
		return err
	}
	in.SourceURL, err = strategyURL("source_url", in.SourceURL)
	return err
}

// Competitor is another organisation's public profile on a network, whose
// followers are counted daily beside the workspace's own.
type Competitor struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Network    Network   `json:"network"`
	Handle     string    `json:"handle"`
	ProfileURL string    `json:"profile_url"`
	Notes      string    `json:"notes"`
	CreatedAt  time.Time `json:"created_at"`
}

// CompetitorInput creates or replaces a competitor.
type CompetitorInput struct {
	Name       string  `json:"name"`
	Network    Network `json:"network"`
	Handle     string  `json:"handle"`
	ProfileURL string  `json:"profile_url"`
	Notes      string  `json:"notes"`
}

// Validate checks and normalises the competitor. A handle is written as
// the network names it (user@server on Mastodon, a domain on Bluesky),
// without a leading @.
func (in *CompetitorInput) Validate() error {
	var err error
	if in.Name, err = strategyText("name", in.Name, 200, true); err != nil {
		return err
	}
	if err := strategyNetwork("network", in.Network, false); err != nil {
		return err
	}
	in.Handle = strings.TrimPrefix(strings.TrimSpace(in.Handle), "@")
	if in.Handle == "" {
		return Invalid("handle", "strategy.required", "handle")
	}
	if len(in.Handle) > 300 || strings.ContainsAny(in.Handle, " \t\n/<>\"'") {
		return Invalid("handle", "strategy.bad_handle")
	}
	if in.ProfileURL, err = strategyURL("profile_url", in.ProfileURL); err != nil {
		return err
	}
	in.Notes, err = strategyText("notes", in.Notes, 5000, false)
	return err
}

// ChannelRole says what one network is for in the communication strategy.
type ChannelRole struct {
	Network Network `json:"network"`
	Role    string  `json:"role"`
}

// Strategy is a workspace's communication strategy: whom it speaks to,
// how, and what each channel is for. Its objectives are kept apart.
type Strategy struct {
	Audiences string        `json:"audiences"`
	Tone      string        `json:"tone"`
	Channels  []ChannelRole `json:"channels"`
	UpdatedBy *int64        `json:"updated_by"`
	UpdatedAt *time.Time    `json:"updated_at"` // nil: never written
}

// StrategyInput replaces the strategy document.
type StrategyInput struct {
	Audiences string        `json:"audiences"`
	Tone      string        `json:"tone"`
	Channels  []ChannelRole `json:"channels"`
}

// Validate checks the document: one role per network at most, roles with
// text (an empty role is dropped).
func (in *StrategyInput) Validate() error {
	var err error
	if in.Audiences, err = strategyText("audiences", in.Audiences, 20000, false); err != nil {
		return err
	}
	if in.Tone, err = strategyText("tone", in.Tone, 20000, false); err != nil {
		return err
	}
	seen := map[Network]bool{}
	kept := []ChannelRole{}
	for _, c := range in.Channels {
		if err := strategyNetwork("channels", c.Network, false); err != nil {
			return err
		}
		if seen[c.Network] {
			return Invalid("channels", "strategy.channel_twice", string(c.Network))
		}
		seen[c.Network] = true
		if c.Role, err = strategyText("channels", c.Role, 5000, false); err != nil {
			return err
		}
		if c.Role != "" {
			kept = append(kept, c)
		}
	}
	in.Channels = kept
	return nil
}

// SetupItems are the steps of setting up a profile on a network, in order.
var SetupItems = []string{"profile", "bio", "avatar", "links", "verification"}

// ValidSetupItem reports whether item is one of SetupItems.
func ValidSetupItem(item string) bool { return slices.Contains(SetupItems, item) }

// SetupItem is one step of an account's set-up, done or not.
type SetupItem struct {
	Item   string     `json:"item"`
	Done   bool       `json:"done"`
	DoneBy *int64     `json:"done_by"`
	DoneAt *time.Time `json:"done_at"`
}

// AccountChecklist is the platform set-up checklist of one connected
// account.
type AccountChecklist struct {
	AccountID int64       `json:"account_id"`
	Network   Network     `json:"network"`
	Handle    string      `json:"handle"`
	Items     []SetupItem `json:"items"`
}

// Campaign spans channels and dates; posts belong to it by name.
type Campaign struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Networks    []Network `json:"networks"` // empty: every network
	StartsOn    string    `json:"starts_on"`
	EndsOn      string    `json:"ends_on"`
	SpentCents  int64     `json:"spent_cents"`
	Posts       int64     `json:"posts"`
	CreatedAt   time.Time `json:"created_at"`
}

// CampaignInput creates or replaces a campaign.
type CampaignInput struct {
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Networks    []Network `json:"networks"`
	StartsOn    string    `json:"starts_on"`
	EndsOn      string    `json:"ends_on"`
}

// MaxCampaignDays bounds a campaign's and an objective's span.
const MaxCampaignDays = 3660

// Validate checks and normalises the campaign.
func (in *CampaignInput) Validate() error {
	var err error
	if in.Name, err = strategyText("name", in.Name, MaxCampaign, true); err != nil {
		return err
	}
	if strings.Contains(in.Name, ",") {
		return Invalid("name", "strategy.campaign_comma")
	}
	if in.Description, err = strategyText("description", in.Description, 5000, false); err != nil {
		return err
	}
	var nets []Network
	for _, n := range in.Networks {
		if err := strategyNetwork("networks", n, false); err != nil {
			return err
		}
		if !slices.Contains(nets, n) {
			nets = append(nets, n)
		}
	}
	if nets == nil {
		nets = []Network{}
	}
	in.Networks = nets
	var start, end int64
	if in.StartsOn, start, err = strategyDay("starts_on", in.StartsOn); err != nil {
		return err
	}
	if in.EndsOn, end, err = strategyDay("ends_on", in.EndsOn); err != nil {
		return err
	}
	if end < start {
		return Invalid("ends_on", "strategy.ends_before_start")
	}
	if end-start > MaxCampaignDays {
		return Invalid("ends_on", "strategy.too_long_span", MaxCampaignDays)
	}
	return nil
}

// CampaignSpend is money paid for a campaign (ads, boosted posts), in the
// workspace's currency.
type CampaignSpend struct {
	ID          int64     `json:"id"`
	CampaignID  int64     `json:"campaign_id"`
	AmountCents int64     `json:"amount_cents"`
	Network     Network   `json:"network"` // "" for none in particular
	Gear        string    `json:"gear"`    // "" for none in particular
	SpentOn     string    `json:"spent_on"`
	Note        string    `json:"note"`
	CreatedAt   time.Time `json:"created_at"`
}

// CampaignSpendInput records spend.
type CampaignSpendInput struct {
	AmountCents int64   `json:"amount_cents"`
	Network     Network `json:"network"`
	Gear        string  `json:"gear"`
	SpentOn     string  `json:"spent_on"`
	Note        string  `json:"note"`
}

// Gears a cost may be charged to.
var SpendGears = []string{"strategy", "maintenance", "metrics"}

// MaxSpendCents caps one entry (ten billion in the currency).
const MaxSpendCents = 1_000_000_000_000

// Validate checks the spend.
func (in *CampaignSpendInput) Validate() error {
	if in.AmountCents <= 0 {
		return Invalid("amount", "strategy.amount_positive")
	}
	if in.AmountCents > MaxSpendCents {
		return Invalid("amount", "strategy.amount_too_large")
	}
	if err := strategyNetwork("network", in.Network, true); err != nil {
		return err
	}
	if in.Gear != "" && !slices.Contains(SpendGears, in.Gear) {
		return Invalid("gear", "strategy.bad_gear")
	}
	var err error
	if in.SpentOn, _, err = strategyDay("spent_on", in.SpentOn); err != nil {
		return err
	}
	in.Note, err = strategyText("note", in.Note, 1000, false)
	return err
}

// KPI is what an objective measures.
type KPI string

// The KPIs of objectives.
const (
	KPIFollowers       KPI = "followers"        // followers of one account, or of all (per network)
	KPIEngagements     KPI = "engagements"      // replies, reposts, likes and quotes on the workspace's posts
	KPIClicks          KPI = "clicks"           // clicks on tracked links
	KPIConversions     KPI = "conversions"      // conversions recorded
	KPIConversionValue KPI = "conversion_value" // their value, in the workspace's currency
	KPIPosts           KPI = "posts"            // posts published (one per account a post went to)
	KPICustom          KPI = "custom"           // readings entered by people
)

// KPIs lists them in the order forms offer them.
var KPIs = []KPI{KPIFollowers, KPIEngagements, KPIClicks, KPIConversions, KPIConversionValue, KPIPosts, KPICustom}

// Valid reports whether k is a known KPI.
func (k KPI) Valid() bool { return slices.Contains(KPIs, k) }

// Cumulative reports whether the KPI counts events (its progress is the
// sum since the start) rather than reading a level (followers, custom).
func (k KPI) Cumulative() bool { return k != KPIFollowers && k != KPICustom }

// Scopes says which scope filters a KPI accepts: account, network,
// campaign.
func (k KPI) Scopes() (account, network, campaign bool) {
	switch k {
	case KPIFollowers:
		return true, true, false
	case KPIEngagements, KPIPosts:
		return true, true, true
	case KPIClicks, KPIConversions, KPIConversionValue:
		return false, true, true // a click knows its network, not its account
	}
	return false, false, false
}

// Objective is a goal with a KPI, measured from its start to its due date
// against a target; follower-base goals are objectives on followers.
type Objective struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	KPI       KPI       `json:"kpi"`
	AccountID *int64    `json:"account_id"`
	Network   Network   `json:"network"`  // "" for every network
	Campaign  string    `json:"campaign"` // "" for every campaign
	Baseline  float64   `json:"baseline"`
	Target    float64   `json:"target"`
	StartsOn  string    `json:"starts_on"`
	DueOn     string    `json:"due_on"`
	CreatedAt time.Time `json:"created_at"`
}

// ObjectiveInput creates or replaces an objective.
type ObjectiveInput struct {
	Title     string  `json:"title"`
	KPI       KPI     `json:"kpi"`
	AccountID *int64  `json:"account_id"`
	Network   Network `json:"network"`
	Campaign  string  `json:"campaign"`
	Baseline  float64 `json:"baseline"`
	Target    float64 `json:"target"`
	StartsOn  string  `json:"starts_on"`
	DueOn     string  `json:"due_on"`
}

// MaxKPIValue bounds baselines, targets and readings.
const MaxKPIValue = 1e12

func validKPIValue(field string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > MaxKPIValue {
		return Invalid(field, "strategy.bad_value", field)
	}
	return nil
}

// Validate checks and normalises the objective; a scope the KPI does not
// accept is refused, not ignored.
func (in *ObjectiveInput) Validate() error {
	var err error
	if in.Title, err = strategyText("title", in.Title, 200, true); err != nil {
		return err
	}
	if !in.KPI.Valid() {
		return Invalid("kpi", "strategy.bad_kpi")
	}
	if in.AccountID != nil && *in.AccountID == 0 {
		in.AccountID = nil
	}
	in.Campaign = strings.TrimSpace(in.Campaign)
	acc, net, camp := in.KPI.Scopes()
	if in.AccountID != nil && !acc {
		return Invalid("account", "strategy.scope_account")
	}
	if in.Network != "" && !net {
		return Invalid("network", "strategy.scope_network")
	}
	if in.Campaign != "" && !camp {
		return Invalid("campaign", "strategy.scope_campaign")
	}
	if err := strategyNetwork("network", in.Network, true); err != nil {
		return err
	}
	if utf8.RuneCountInString(in.Campaign) > MaxCampaign {
		return Invalid("campaign", "strategy.too_long", "campaign", MaxCampaign)
	}
	if err := validKPIValue("baseline", in.Baseline); err != nil {
		return err
	}
	if err := validKPIValue("target", in.Target); err != nil {
		return err
	}
	if in.Target == in.Baseline {
		return Invalid("target", "strategy.target_is_baseline")
	}
	var start, due int64
	if in.StartsOn, start, err = strategyDay("starts_on", in.StartsOn); err != nil {
		return err
	}
	if in.DueOn, due, err = strategyDay("due_on", in.DueOn); err != nil {
		return err
	}
	if due <= start {
		return Invalid("due_on", "strategy.due_before_start")
	}
	if due-start > MaxCampaignDays {
		return Invalid("due_on", "strategy.too_long_span", MaxCampaignDays)
	}
	return nil
}

// KPIReading is a value of a custom KPI on a day, entered by a person.
type KPIReading struct {
	ID        int64     `json:"id"`
	Day       string    `json:"day"`
	Value     float64   `json:"value"`
	Note      string    `json:"note"`
	CreatedBy *int64    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// KPIReadingInput records a reading; a second reading on the same day
// replaces the first.
type KPIReadingInput struct {
	Day   string  `json:"day"`
	Value float64 `json:"value"`
	Note  string  `json:"note"`
}

// Validate checks the reading.
func (in *KPIReadingInput) Validate() error {
	var err error
	if in.Day, _, err = strategyDay("day", in.Day); err != nil {
		return err
	}
	if err := validKPIValue("value", in.Value); err != nil {
		return err
	}
	in.Note, err = strategyText("note", in.Note, 1000, false)
	return err
}

// DayValue is a value on a day (days since 1970-01-01, the workspace's
// local dates).
type DayValue struct {
	Day   int64
	Value float64
}

// ProgressData is what the store gathers for an objective's progress:
// Increments, for counting KPIs, are what each day added; Levels, for
// followers and custom KPIs, are readings of a level, one series per
// thing measured (each account), summed after each carries its last
// reading forward. Readings before the start count as the level at the
// start.
type ProgressData struct {
	Increments []DayValue
	Levels     [][]DayValue
}

// ProgressPoint is the KPI's value at the end of one day.
type ProgressPoint struct {
	Day      string  `json:"day"`
	Value    float64 `json:"value"`
	Expected float64 `json:"expected"` // where a straight line from baseline to target is that day
}

// Progress is where an objective stands today.
type Progress struct {
	Series   []ProgressPoint `json:"series"`   // from the start to today (or the due date, if earlier), one point a day
	Current  float64         `json:"current"`  // the last point's value; the baseline before any data
	HasData  bool            `json:"has_data"` // some reading or count exists in the span
	Percent  float64         `json:"percent"`  // of the way from baseline to target; may pass 100 or go below 0
	Expected float64         `json:"expected"` // the straight line's value today
	OnTrack  bool            `json:"on_track"` // current is at or beyond expected, in the target's direction
	Reached  bool            `json:"reached"`  // current is at or beyond the target
	Today    string          `json:"today"`
}

// ComputeProgress measures an objective on the day today (the workspace's
// local date) from the data the store gathered. Counting KPIs add up from
// the baseline; level KPIs read the level (the baseline until a reading
// exists). The expectation is linear from the baseline on the start date
// to the target on the due date. A goal may go down (target below
// baseline): on track and reached are then read downwards.
func ComputeProgress(o *Objective, today string, data ProgressData) Progress {
	start, _ := DayNumber(o.StartsOn)
	due, _ := DayNumber(o.DueOn)
	now, ok := DayNumber(today)
	if !ok {
		now = start
	}
	p := Progress{Today: today, Series: []ProgressPoint{}}
	expected := func(day int64) float64 {
		switch {
		case day <= start:
			return o.Baseline
		case day >= due || due == start:
			return o.Target
		}
		return o.Baseline + (o.Target-o.Baseline)*float64(day-start)/float64(due-start)
	}
	last := now
	if due < last {
		last = due
	}
	p.Current = o.Baseline
	if o.KPI.Cumulative() {
		byDay := map[int64]float64{}
		for _, d := range data.Increments {
			if d.Day >= start && d.Day <= last {
				byDay[d.Day] += d.Value
				p.HasData = true
			}
		}
		sum := o.Baseline
		for day := start; day <= last; day++ {
			sum += byDay[day]
			p.Series = append(p.Series, ProgressPoint{Day: DayString(day), Value: round2(sum), Expected: round2(expected(day))})
		}
		p.Current = round2(sum)
	} else {
		levels := make([][]DayValue, len(data.Levels))
		for i, series := range data.Levels {
			s := slices.Clone(series)
			slices.SortStableFunc(s, func(a, b DayValue) int { return int(a.Day - b.Day) })
			levels[i] = s
		}
		next := make([]int, len(levels))
		cur := make([]float64, len(levels))
		seen := make([]bool, len(levels))
		for day := start; day <= last; day++ {
			total, has := 0.0, false
			for i, s := range levels {
				for next[i] < len(s) && s[next[i]].Day <= day {
					cur[i], seen[i] = s[next[i]].Value, true
					next[i]++
				}
				if seen[i] {
					total += cur[i]
					has = true
				}
			}
			v := o.Baseline
			if has {
				v = total
				p.HasData = true
			}
			p.Series = append(p.Series, ProgressPoint{Day: DayString(day), Value: round2(v), Expected: round2(expected(day))})
			p.Current = round2(v)
		}
	}
	if now < start {
		p.Series = []ProgressPoint{}
	}
	p.Expected = round2(expected(now))
	p.Percent = round2((p.Current - o.Baseline) / (o.Target - o.Baseline) * 100)
	dir := 1.0
	if o.Target < o.Baseline {
		dir = -1
	}
	p.OnTrack = (p.Current-p.Expected)*dir >= 0
	p.Reached = (p.Current-o.Target)*dir >= 0
	return p
}

// round keeps two decimals, so sums of cents and hand-computed tests agree.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

// StrategyService keeps the strategy gear of each workspace. Every method
// acts as the user in the context: reading needs ActionView, writing
// ActionEdit; another workspace's things are not found.
type StrategyService interface {
	FindResearchNotes(ctx context.Context, wsID int64) ([]*ResearchNote, error)
	FindResearchNote(ctx context.Context, wsID, id int64) (*ResearchNote, error)
	CreateResearchNote(ctx context.Context, wsID int64, in ResearchNoteInput) (*ResearchNote, error)
	UpdateResearchNote(ctx context.Context, wsID, id int64, in ResearchNoteInput) (*ResearchNote, error)
	DeleteResearchNote(ctx context.Context, wsID, id int64) error

	FindCompetitors(ctx context.Context, wsID int64) ([]*Competitor, error)
	FindCompetitor(ctx context.Context, wsID, id int64) (*Competitor, error)
	CreateCompetitor(ctx context.Context, wsID int64, in CompetitorInput) (*Competitor, error)
	UpdateCompetitor(ctx context.Context, wsID, id int64, in CompetitorInput) (*Competitor, error)
	DeleteCompetitor(ctx context.Context, wsID, id int64) error

	FindStrategy(ctx context.Context, wsID int64) (*Strategy, error)
	SaveStrategy(ctx context.Context, wsID int64, in StrategyInput) (*Strategy, error)

	FindChecklist(ctx context.Context, wsID int64) ([]*AccountChecklist, error)
	SetSetupItem(ctx context.Context, wsID, accountID int64, item string, done bool) error

	FindCampaigns(ctx context.Context, wsID int64) ([]*Campaign, error)
	FindCampaign(ctx context.Context, wsID, id int64) (*Campaign, error)
	CreateCampaign(ctx context.Context, wsID int64, in CampaignInput) (*Campaign, error)
	// UpdateCampaign renames what names the campaign in the same
	// transaction (posts, objectives, links, results).
	UpdateCampaign(ctx context.Context, wsID, id int64, in CampaignInput) (*Campaign, error)
	DeleteCampaign(ctx context.Context, wsID, id int64) error
	FindSpend(ctx context.Context, wsID, campaignID int64) ([]*CampaignSpend, error)
	AddSpend(ctx context.Context, wsID, campaignID int64, in CampaignSpendInput) (*CampaignSpend, error)
	DeleteSpend(ctx context.Context, wsID, campaignID, id int64) error

	FindObjectives(ctx context.Context, wsID int64) ([]*Objective, error)
	FindObjective(ctx context.Context, wsID, id int64) (*Objective, error)
	CreateObjective(ctx context.Context, wsID int64, in ObjectiveInput) (*Objective, error)
	UpdateObjective(ctx context.Context, wsID, id int64, in ObjectiveInput) (*Objective, error)
	DeleteObjective(ctx context.Context, wsID, id int64) error
	FindReadings(ctx context.Context, wsID, objectiveID int64) ([]*KPIReading, error)
	AddReading(ctx context.Context, wsID, objectiveID int64, in KPIReadingInput) (*KPIReading, error)
	// Progress measures an objective up to the workspace's date at now.
	Progress(ctx context.Context, wsID, id int64, now time.Time) (*Objective, Progress, error)
}
