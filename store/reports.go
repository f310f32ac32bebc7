package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"gears"
	"gears/recommend"
	"gears/roi"
	"gears/workload"
)

// ReportService gathers the results of a workspace for a period: the
// summary of the public API, the series of the report's charts and ROI by
// campaign, network and gear. It reads the daily roll-up (daily_metrics)
// and follower counts, never raw readings. It also keeps the schedules
// that e-mail the report and the links that share it.
type ReportService struct {
	db *DB
}

// NewReportService returns the report service of db.
func NewReportService(db *DB) *ReportService { return &ReportService{db: db} }

// GearHours are hours tracked per gear.
type GearHours struct {
	Strategy    float64 `json:"strategy"`
	Maintenance float64 `json:"maintenance"`
	Metrics     float64 `json:"metrics"`
}

// SummaryROI is the ROI of the whole period: the exact ratio Gain ÷ Cost
// of cents, and its percent rounded half to even to one decimal.
type SummaryROI struct {
	Gain    int64   `json:"gain"`
	Cost    int64   `json:"cost"`
	Percent float64 `json:"percent"`
}

// SummaryROIOf writes r as the summary does; nil stays nil (no cost).
func SummaryROIOf(r *roi.ROI) *SummaryROI {
	if r == nil {
		return nil
	}
	return &SummaryROI{Gain: r.Gain, Cost: r.Cost, Percent: float64(r.PercentTenths()) / 10}
}

// Summary is a period's results, as GET /reports/summary answers them.
//   - Posts: deliveries published in the period (a post sent to two
//     accounts counts twice; answers from the inbox do not count).
//   - Engagements: replies + reposts + likes + quotes that the workspace's
//     posts gained in the period (the daily roll-up).
//   - FollowersDelta: over the workspace's accounts, the last follower
//     count in the period minus the last one before it (or, without one,
//     the first one in it).
//   - Clicks: clicks on tracked links in the period.
//   - Hours: finished time entries started in the period, per gear.
//   - Cost, Value, ROI: roi.Compute by total (ROI nil when there is no
//     cost). Money is in the workspace's currency, in cents.
type Summary struct {
	Posts          int64       `json:"posts"`
	Engagements    int64       `json:"engagements"`
	FollowersDelta int64       `json:"followers_delta"`
	Clicks         int64       `json:"clicks"`
	Hours          GearHours   `json:"hours"`
	Cost           roi.Money   `json:"cost"`
	Value          roi.Money   `json:"value"`
	ROI            *SummaryROI `json:"roi"`
	// Missing is what ROI did without: hours without a rate (per person,
	// or one anonymous line when redacted), conversions and engagements
	// without a value.
	Missing []roi.Missing `json:"-"`
}

// DayCount is one day's value of a series.
type DayCount struct {
	Day   time.Time `json:"day"` // the local date, at midnight UTC
	Value int64     `json:"value"`
}

// EngagementDay is one day's new engagements, by kind.
type EngagementDay struct {
	Day                             time.Time `json:"day"`
	Replies, Reposts, Likes, Quotes int64
	Clicks                          int64
}

// Total returns the day's engagements.
func (d EngagementDay) Total() int64 { return d.Replies + d.Reposts + d.Likes + d.Quotes }

// FollowerSeries is one account's follower count per day (days without a
// reading are absent).
type FollowerSeries struct {
	AccountID int64      `json:"account_id"`
	Network   string     `json:"network"`
	Handle    string     `json:"handle"`
	Points    []DayCount `json:"points"`
}

// GearWeek is one gear's planned and tracked hours in one week (the
// planner's planned against actual, summed per gear).
type GearWeek struct {
	Week    time.Time `json:"week"` // the Monday, in the workspace's time zone
	Gear    string    `json:"gear"`
	Planned float64   `json:"planned_hours"`
	Tracked float64   `json:"tracked_hours"`
}

// HeatCell is what was published at one local weekday and hour, and the
// engagement those posts gathered.
type HeatCell struct {
	Posts       int64 `json:"posts"`
	Engagements int64 `json:"engagements"`
}

// PerPost returns the engagements per post of the cell (0 without posts).
func (c HeatCell) PerPost() float64 {
	if c.Posts == 0 {
		return 0
	}
	return float64(c.Engagements) / float64(c.Posts)
}

// ReportData is everything a report shows: the web page, the PDF, the
// e-mail and the shared page read it.
type ReportData struct {
	WorkspaceID   int64
	WorkspaceName string
	Timezone      string
	Language      string // the workspace's, for reports sent
	Currency      string
	Period        gears.ReportPeriod
	Summary       Summary
	// Previous is the summary of the period of as many days just before
	// (Period.Previous()), to compare with; nil when that period is out of
	// range.
	Previous   *Summary
	Engagement []EngagementDay  // every day of the period, oldest first
	Followers  []FollowerSeries // per account, by network and handle
	Hours      []GearWeek       // per week of the period and gear
	// BestHours is indexed by local weekday (0 Monday … 6 Sunday) and
	// hour of publishing.
	BestHours  [7][24]HeatCell
	ByCampaign roi.Report
	ByNetwork  roi.Report
	ByGear     roi.Report
	// TopPosts are the period's posts that did best, by engagements.
	TopPosts []gears.PostPerformance
	// Recommendations are what to change, with their evidence; they name
	// accounts and activities, never people.
	Recommendations []recommend.Recommendation
	// Redacted says people's names and rates were taken out (for whoever
	// may not manage members, and for share links): the hours of each
	// line are costed as one sum.
	Redacted bool
}

// Location is the time zone of the report's workspace.
func (d *ReportData) Location() *time.Location { return zone(d.Timezone) }

// Summary returns the summary of a period. Whoever may view reports may
// read it.
func (s *ReportService) Summary(ctx context.Context, wsID int64, p gears.ReportPeriod) (*Summary, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var sum *Summary
	err := s.db.InTx(ctx, func(tx *Tx) error {
		role, err := authorize(tx, wsID, gears.ActionViewReports)
		if err != nil {
			return err
		}
		g, err := gather(tx, wsID, p)
		if err != nil {
			return err
		}
		sum, _, err = g.summary(!role.Can(gears.ActionManageMembers))
		return err
	})
	return sum, err
}

// Report returns everything the report of a period shows. Names and rates
// of people are redacted unless the actor may manage members (who alone
// see and set rates).
func (s *ReportService) Report(ctx context.Context, wsID int64, p gears.ReportPeriod) (*ReportData, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var d *ReportData
	err := s.db.InTx(ctx, func(tx *Tx) error {
		role, err := authorize(tx, wsID, gears.ActionViewReports)
		if err != nil {
			return err
		}
		d, err = report(tx, wsID, p, !role.Can(gears.ActionManageMembers))
		return err
	})
	return d, err
}

// report gathers a report without checking who asks: callers do.
func report(tx *Tx, wsID int64, p gears.ReportPeriod, redact bool) (*ReportData, error) {
	g, err := gather(tx, wsID, p)
	if err != nil {
		return nil, err
	}
	d := &ReportData{WorkspaceID: wsID, WorkspaceName: g.ws.name, Timezone: g.ws.timezone, Language: g.ws.language,
		Currency: g.ws.currency, Period: p, Redacted: redact}
	sum, in, err := g.summary(redact)
	if err != nil {
		return nil, err
	}
	d.Summary = *sum
	if prev := p.Previous(); prev.Validate() == nil {
		pg, err := gather(tx, wsID, prev)
		if err != nil {
			return nil, err
		}
		if d.Previous, _, err = pg.summary(redact); err != nil {
			return nil, err
		}
	}
	for _, dim := range []struct {
		by  roi.Dimension
		dst *roi.Report
	}{{roi.ByCampaign, &d.ByCampaign}, {roi.ByNetwork, &d.ByNetwork}, {roi.ByGear, &d.ByGear}} {
		r, err := roi.Compute(in, dim.by)
		if err != nil {
			return nil, gears.Internal("roi by %s: %w", dim.by, err)
		}
		if redact {
			redactReport(&r)
		}
		*dim.dst = r
	}
	if d.Engagement, err = engagementDays(tx, wsID, p); err != nil {
		return nil, err
	}
	if d.Followers, err = followerSeries(tx, wsID, p); err != nil {
		return nil, err
	}
	if d.Hours, err = gearWeeks(tx, wsID, p, g.loc); err != nil {
		return nil, err
	}
	if d.BestHours, err = bestHours(tx, wsID, p, g.loc); err != nil {
		return nil, err
	}
	if d.TopPosts, err = topPosts(tx, wsID, g.start, g.end, gears.SortEngagements, ReportTopPosts); err != nil {
		return nil, err
	}
	rin, err := recommendInputs(tx, wsID, p)
	if err != nil {
		return nil, err
	}
	if d.Recommendations, err = recommend.Analyze(rin); err != nil {
		return nil, gears.Internal("recommendations: %w", err)
	}
	return d, nil
}

// wsResults is what a report needs of the workspace.
type wsResults struct {
	name, timezone, language, currency string
	engagementValue                    sql.NullInt64
}

// gathered holds the numbers of a period read from the database, before
// ROI is computed.
type gathered struct {
	ws         wsResults
	loc        *time.Location
	from, to   int64 // epoch days
	start, end int64 // Unix ms: the local midnight starting from, and the one after to
	posts      int64
	engaged    int64
	clicks     int64
	followers  int64
	work       []roi.Work
	rates      map[string]roi.Money
	spend      []roi.Spend
	convs      []roi.Conversion
	engs       []roi.Engagement
}

// periodBounds returns the epoch days of p and the instants of its local
// start and end (exclusive) in loc.
func periodBounds(p gears.ReportPeriod, loc *time.Location) (from, to, start, end int64) {
	from, to = p.From.Unix()/86400, p.To.Unix()/86400
	s := time.Date(p.From.Year(), p.From.Month(), p.From.Day(), 0, 0, 0, 0, loc)
	e := time.Date(p.To.Year(), p.To.Month(), p.To.Day()+1, 0, 0, 0, 0, loc)
	return from, to, millis(s), millis(e)
}

func gather(tx *Tx, wsID int64, p gears.ReportPeriod) (*gathered, error) {
	g := &gathered{rates: map[string]roi.Money{}}
	err := tx.queryRow(`SELECT name, timezone, language, currency, engagement_value_cents FROM workspaces WHERE id = ?`, wsID).
		Scan(&g.ws.name, &g.ws.timezone, &g.ws.language, &g.ws.currency, &g.ws.engagementValue)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, gears.ErrNotFound
	}
	if err != nil {
		return nil, gears.Internal("report workspace: %w", err)
	}
	g.loc = zone(g.ws.timezone)
	g.from, g.to, g.start, g.end = periodBounds(p, g.loc)

	if err := tx.queryRow(`SELECT COUNT(*) FROM deliveries d JOIN posts p ON p.id = d.post_id
		WHERE p.workspace_id = ? AND p.reply_to = '' AND d.status = 'published' AND d.published_at >= ? AND d.published_at < ?`,
		wsID, g.start, g.end).Scan(&g.posts); err != nil {
		return nil, gears.Internal("report posts: %w", err)
	}
	if err := g.readDaily(tx, wsID); err != nil {
		return nil, err
	}
	if err := tx.queryRow(`SELECT COALESCE(SUM(COALESCE(last_in, 0) - COALESCE(prior, first_in, 0)), 0) FROM (
		SELECT
		(SELECT f.followers FROM follower_counts f WHERE f.account_id = a.account_id AND f.day >= ? AND f.day <= ? ORDER BY f.day DESC LIMIT 1) AS last_in,
		(SELECT f.followers FROM follower_counts f WHERE f.account_id = a.account_id AND f.day < ? ORDER BY f.day DESC LIMIT 1) AS prior,
		(SELECT f.followers FROM follower_counts f WHERE f.account_id = a.account_id AND f.day >= ? AND f.day <= ? ORDER BY f.day LIMIT 1) AS first_in
		FROM (SELECT DISTINCT account_id FROM follower_counts WHERE workspace_id = ? AND account_id IS NOT NULL) a) x
		WHERE last_in IS NOT NULL`,
		g.from, g.to, g.from, g.from, g.to, wsID).Scan(&g.followers); err != nil {
		return nil, gears.Internal("report followers: %w", err)
	}
	if err := g.readWork(tx, wsID); err != nil {
		return nil, err
	}
	type spendRow struct {
		campaign, network, gear string
		cents                   int64
	}
	spend, err := queryAll(tx, "report spend", func(r scanner) (spendRow, error) {
		var s spendRow
		err := r.Scan(&s.campaign, &s.network, &s.gear, &s.cents)
		return s, err
	}, `SELECT c.name, s.network, s.gear, SUM(s.amount_cents) FROM campaign_spend s JOIN campaigns c ON c.id = s.campaign_id
		WHERE c.workspace_id = ? AND s.spent_at >= ? AND s.spent_at < ?
		GROUP BY c.name, s.network, s.gear ORDER BY c.name, s.network, s.gear`, wsID, g.start, g.end)
	if err != nil {
		return nil, err
	}
	for _, s := range spend {
		g.spend = append(g.spend, roi.Spend{Campaign: s.campaign, Network: s.network, Gear: s.gear,
			Amount: roi.Money{Amount: s.cents, Currency: g.ws.currency}})
	}
	return g, nil
}

// readDaily sums the roll-up of the period: engagements and clicks, and
// per campaign and network the engagements and conversions ROI values.
func (g *gathered) readDaily(tx *Tx, wsID int64) error {
	rows, err := tx.query(`SELECT campaign, network, SUM(replies + reposts + likes + quotes), SUM(clicks),
		SUM(conversions), SUM(conversion_value_cents), SUM(unvalued_conversions)
		FROM daily_metrics WHERE workspace_id = ? AND day >= ? AND day <= ?
		GROUP BY campaign, network ORDER BY campaign, network`, wsID, g.from, g.to)
	if err != nil {
		return gears.Internal("report daily: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var campaign, network string
		var engaged, clicks, convs, value, unvalued int64
		if err := rows.Scan(&campaign, &network, &engaged, &clicks, &convs, &value, &unvalued); err != nil {
			return gears.Internal("report daily: %w", err)
		}
		g.engaged += engaged
		g.clicks += clicks
		if engaged > 0 {
			g.engs = append(g.engs, roi.Engagement{Campaign: campaign, Network: network, Count: engaged})
		}
		// conversions counts them all; unvalued_conversions those
		// recorded without a value, whose value is missing.
		if valued := convs - unvalued; valued > 0 || value > 0 {
			total := roi.Money{Amount: value, Currency: g.ws.currency}
			g.convs = append(g.convs, roi.Conversion{Campaign: campaign, Network: network, Count: max(valued, 0), Total: &total})
		}
		if unvalued > 0 {
			g.convs = append(g.convs, roi.Conversion{Campaign: campaign, Network: network, Count: unvalued})
		}
	}
	if err := rows.Err(); err != nil {
		return gears.Internal("report daily: %w", err)
	}
	return nil
}

// readWork reads the finished time of the period per person and activity,
// and the people's rates.
func (g *gathered) readWork(tx *Tx, wsID int64) error {
	type person struct {
		id          int64
		name, email string
		rate        sql.NullInt64
		member      bool
	}
	people, err := queryAll(tx, "report people", func(r scanner) (person, error) {
		var p person
		err := r.Scan(&p.id, &p.name, &p.email, &p.rate, &p.member)
		return p, err
	}, `SELECT u.id, u.name, u.email, m.hourly_rate_cents, m.user_id IS NOT NULL FROM users u
		LEFT JOIN memberships m ON m.user_id = u.id AND m.workspace_id = ?
		WHERE u.id IN (SELECT DISTINCT user_id FROM time_entries WHERE workspace_id = ? AND started_at >= ? AND started_at < ?)
		ORDER BY u.id`, wsID, wsID, g.start, g.end)
	if err != nil {
		return err
	}
	label := map[int64]string{}
	used := map[string]bool{}
	for _, p := range people {
		l := strings.TrimSpace(p.name)
		if l == "" {
			l = p.email
		}
		if used[l] {
			l += " #" + strconv.FormatInt(p.id, 10)
		}
		used[l] = true
		label[p.id] = l
		if p.member && p.rate.Valid {
			g.rates[l] = roi.Money{Amount: p.rate.Int64, Currency: g.ws.currency}
		}
	}
	type work struct {
		user                        int64
		activity, campaign, network string
		minutes                     float64
	}
	list, err := queryAll(tx, "report time", func(r scanner) (work, error) {
		var w work
		err := r.Scan(&w.user, &w.activity, &w.campaign, &w.network, &w.minutes)
		return w, err
	}, `SELECT user_id, activity_key, campaign, network, SUM(minutes) FROM time_entries
		WHERE workspace_id = ? AND running = ? AND started_at >= ? AND started_at < ?
		GROUP BY user_id, activity_key, campaign, network ORDER BY user_id, activity_key, campaign, network`, wsID, false, g.start, g.end)
	if err != nil {
		return err
	}
	for _, w := range list {
		// Hours to the hundredth of a minute: ROI reads hours as the
		// decimal they are written as.
		h := math.Round(w.minutes/60*1e6) / 1e6
		g.work = append(g.work, roi.Work{Person: label[w.user], Hours: h, Activity: w.activity, Campaign: w.campaign, Network: w.network})
	}
	return nil
}

// inputs returns what ROI counts.
func (g *gathered) inputs() roi.Inputs {
	in := roi.Inputs{Currency: g.ws.currency, Work: g.work, Rates: g.rates, Spend: g.spend,
		Conversions: g.convs, Engagements: g.engs}
	if g.ws.engagementValue.Valid {
		in.EngagementValue = &roi.Money{Amount: g.ws.engagementValue.Int64, Currency: g.ws.currency}
	}
	return in
}

// summary computes the summary, and returns the ROI inputs for the rest of
// the report.
func (g *gathered) summary(redact bool) (*Summary, roi.Inputs, error) {
	in := g.inputs()
	total, err := roi.Compute(in, roi.ByTotal)
	if err != nil {
		return nil, in, gears.Internal("roi: %w", err)
	}
	s := &Summary{Posts: g.posts, Engagements: g.engaged, FollowersDelta: g.followers, Clicks: g.clicks,
		Cost: total.Total.Cost, Value: total.Total.Value, Missing: total.Total.Missing}
	var hours [3]float64
	for _, w := range g.work {
		switch roi.GearOf(w.Activity) {
		case "strategy":
			hours[0] += w.Hours
		case "maintenance":
			hours[1] += w.Hours
		case "metrics":
			hours[2] += w.Hours
		}
	}
	s.Hours = GearHours{Strategy: round2(hours[0]), Maintenance: round2(hours[1]), Metrics: round2(hours[2])}
	s.ROI = SummaryROIOf(total.Total.ROI)
	if redact {
		s.Missing = redactMissing(s.Missing)
	}
	return s, in, nil
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// redactMissing merges the hours without a rate of every person into one
// entry without a name.
func redactMissing(list []roi.Missing) []roi.Missing {
	var out []roi.Missing
	var anon *roi.Missing
	for _, m := range list {
		if m.Kind != roi.MissingRate {
			out = append(out, m)
			continue
		}
		if anon == nil {
			out = append(out, roi.Missing{Kind: roi.MissingRate})
			anon = &out[len(out)-1]
		}
		anon.Hours = math.Round((anon.Hours+m.Hours)*1e6) / 1e6
	}
	return out
}

// WorkStepKey is the step a redacted report shows instead of each
// person's hours and rate: the line's hours and what they cost.
const WorkStepKey = "reports.step.work"

// redactReport replaces, in each line, the steps that name a person and
// their rate with one step of the line's hours and their cost.
func redactReport(r *roi.Report) {
	fix := func(l *roi.Line) {
		var steps []roi.Step
		var cost int64
		var hours float64
		n := 0
		for _, s := range l.Steps {
			switch s.Key {
			case "roi.step.work":
				if m, ok := s.Args[3].(roi.Money); ok {
					cost += m.Amount
				}
				n++
				continue
			case "roi.step.work_no_rate":
				n++
				continue
			}
			if n > 0 && hours == 0 {
				hours = l.Hours
				steps = append(steps, roi.Step{Key: WorkStepKey, Args: []any{roi.Hours(round2(hours)),
					roi.Money{Amount: cost, Currency: l.Cost.Currency}}})
			}
			steps = append(steps, s)
		}
		l.Steps = steps
		l.Missing = redactMissing(l.Missing)
	}
	for i := range r.Lines {
		fix(&r.Lines[i])
	}
	r.Total.Missing = redactMissing(r.Total.Missing)
}

// engagementDays returns every day of the period with its new engagements
// and clicks (zero on days without).
func engagementDays(tx *Tx, wsID int64, p gears.ReportPeriod) ([]EngagementDay, error) {
	from, to := p.From.Unix()/86400, p.To.Unix()/86400
	out := make([]EngagementDay, 0, to-from+1)
	for d := from; d <= to; d++ {
		out = append(out, EngagementDay{Day: dayDate(d)})
	}
	rows, err := tx.query(`SELECT day, SUM(replies), SUM(reposts), SUM(likes), SUM(quotes), SUM(clicks) FROM daily_metrics
		WHERE workspace_id = ? AND day >= ? AND day <= ? GROUP BY day`, wsID, from, to)
	if err != nil {
		return nil, gears.Internal("report engagement: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var day int64
		var e EngagementDay
		if err := rows.Scan(&day, &e.Replies, &e.Reposts, &e.Likes, &e.Quotes, &e.Clicks); err != nil {
			return nil, gears.Internal("report engagement: %w", err)
		}
		e.Day = dayDate(day)
		out[day-from] = e
	}
	if err := rows.Err(); err != nil {
		return nil, gears.Internal("report engagement: %w", err)
	}
	return out, nil
}

// followerSeries returns the follower counts of the workspace's accounts
// in the period.
func followerSeries(tx *Tx, wsID int64, p gears.ReportPeriod) ([]FollowerSeries, error) {
	type point struct {
		account         int64
		network, handle string
		day, followers  int64
	}
	list, err := queryAll(tx, "report followers", func(r scanner) (point, error) {
		var x point
		err := r.Scan(&x.account, &x.network, &x.handle, &x.day, &x.followers)
		return x, err
	}, `SELECT f.account_id, a.network, a.handle, f.day, f.followers FROM follower_counts f JOIN accounts a ON a.id = f.account_id
		WHERE f.workspace_id = ? AND f.account_id IS NOT NULL AND f.day >= ? AND f.day <= ?
		ORDER BY a.network, a.handle, f.account_id, f.day`, wsID, p.From.Unix()/86400, p.To.Unix()/86400)
	if err != nil {
		return nil, err
	}
	var out []FollowerSeries
	for _, x := range list {
		if len(out) == 0 || out[len(out)-1].AccountID != x.account {
			out = append(out, FollowerSeries{AccountID: x.account, Network: x.network, Handle: x.handle})
		}
		s := &out[len(out)-1]
		s.Points = append(s.Points, DayCount{Day: dayDate(x.day), Value: x.followers})
	}
	return out, nil
}

// gearWeeks returns planned against tracked hours per gear for each week
// that overlaps the period: the planner's PlannedVsActual, summed.
func gearWeeks(tx *Tx, wsID int64, p gears.ReportPeriod, loc *time.Location) ([]GearWeek, error) {
	first := workload.WeekStart(time.Date(p.From.Year(), p.From.Month(), p.From.Day(), 12, 0, 0, 0, loc))
	last := workload.WeekStart(time.Date(p.To.Year(), p.To.Month(), p.To.Day(), 12, 0, 0, 0, loc))
	var weeks []time.Time
	for w := first; !w.After(last); w = w.AddDate(0, 0, 7) {
		weeks = append(weeks, w)
	}
	tasks, err := findTasks(tx, wsID, loc)
	if err != nil {
		return nil, err
	}
	entries, err := queryAll(tx, "report time entries", scanTime, `SELECT `+timeColumns+` FROM time_entries
		WHERE workspace_id = ? AND running = ? AND started_at >= ? AND started_at < ? ORDER BY started_at, id`,
		wsID, false, millis(first), millis(last.AddDate(0, 0, 7)))
	if err != nil {
		return nil, err
	}
	type key struct {
		week int64
		gear string
	}
	sums := map[key]*GearWeek{}
	var out []GearWeek
	for _, w := range weeks {
		for _, g := range []string{"strategy", "maintenance", "metrics"} {
			out = append(out, GearWeek{Week: w, Gear: g})
		}
	}
	for i := range out {
		sums[key{out[i].Week.Unix(), out[i].Gear}] = &out[i]
	}
	for _, r := range workload.PlannedVsActual(tasks, entries, weeks) {
		if gw := sums[key{r.Week.Unix(), string(r.Gear)}]; gw != nil {
			gw.Planned += r.Planned
			gw.Tracked += r.Tracked
		}
	}
	for i := range out {
		out[i].Planned, out[i].Tracked = round2(out[i].Planned), round2(out[i].Tracked)
	}
	return out, nil
}

// bestHours counts the deliveries published in the period by local
// weekday and hour, with the engagement each gathered.
func bestHours(tx *Tx, wsID int64, p gears.ReportPeriod, loc *time.Location) ([7][24]HeatCell, error) {
	var cells [7][24]HeatCell
	_, _, start, end := periodBounds(p, loc)
	type pub struct {
		id, at int64
	}
	list, err := queryAll(tx, "report best hours", func(r scanner) (pub, error) {
		var x pub
		err := r.Scan(&x.id, &x.at)
		return x, err
	}, `SELECT d.id, d.published_at FROM deliveries d JOIN posts p ON p.id = d.post_id
		WHERE p.workspace_id = ? AND p.reply_to = '' AND d.status = 'published' AND d.published_at >= ? AND d.published_at < ?`, wsID, start, end)
	if err != nil {
		return cells, err
	}
	engaged, err := deliveryEngagements(tx, wsID, start, end)
	if err != nil {
		return cells, err
	}
	for _, x := range list {
		t := fromMillis(x.at).In(loc)
		wd := (int(t.Weekday()) + 6) % 7
		c := &cells[wd][t.Hour()]
		c.Posts++
		c.Engagements += engaged[x.id]
	}
	return cells, nil
}

// ReportTopPosts is how many of the best posts a report lists.
const ReportTopPosts = 10

// TopPosts lists the posts published in the period (each network's
// delivery on its own) in the order asked, at most limit (1 to
// gears.MaxTopPosts). Whoever may view reports may read it.
func (s *ReportService) TopPosts(ctx context.Context, wsID int64, p gears.ReportPeriod, order gears.PostSort, limit int) ([]gears.PostPerformance, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	order, err := gears.ValidatePostSort(order)
	if err != nil {
		return nil, err
	}
	if limit < 1 || limit > gears.MaxTopPosts {
		return nil, gears.Invalid("limit", "metrics.limit_range", gears.MaxTopPosts)
	}
	var out []gears.PostPerformance
	err = s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionViewReports); err != nil {
			return err
		}
		loc, err := workspaceLocation(tx, wsID)
		if err != nil {
			return err
		}
		_, _, start, end := periodBounds(p, loc)
		out, err = topPosts(tx, wsID, start, end, order, limit)
		return err
	})
	return out, err
}

// postOrders are the ORDER BY of each order of posts: constants, never
// built from input.
var postOrders = map[gears.PostSort]string{
	gears.SortEngagements: "engagements DESC, ",
	gears.SortClicks:      "clicks DESC, ",
	gears.SortReplies:     "replies DESC, ",
	gears.SortReposts:     "reposts DESC, ",
	gears.SortLikes:       "likes DESC, ",
	gears.SortQuotes:      "quotes DESC, ",
	gears.SortPublished:   "",
}

// outerBy is the order of the second step of topPosts: over its ranked
// rows t.
func outerBy(order gears.PostSort) string {
	if by := postOrders[order]; by != "" {
		return "t." + by
	}
	return ""
}

// topPosts reads the deliveries published in [start, end) with their
// latest counts (none before metrics collection's first reading) and their
// tracked links' clicks on that network. They are the posts the summary
// counts: inbox answers are left out.
func topPosts(tx *Tx, wsID, start, end int64, order gears.PostSort, limit int) ([]gears.PostPerformance, error) {
	by, ok := postOrders[order]
	if !ok {
		return nil, gears.Internal("post order %q", order)
	}
	// Two steps: rank the period's deliveries by their numbers alone (the
	// sort holds no text), then read the rest of the first limit. Clicks
	// are summed for every delivery only when they decide the order.
	clicks := `COALESCE((SELECT SUM(l.clicks) FROM links l WHERE l.post_id = %s AND l.network = %s), 0)`
	innerClicks, outerClicks := "0", fmt.Sprintf(clicks, "d.post_id", "a.network")
	if order == gears.SortClicks {
		innerClicks, outerClicks = fmt.Sprintf(clicks, "d.post_id", "a.network"), "t.clicks"
	}
	list, err := queryAll(tx, "top posts", func(r scanner) (gears.PostPerformance, error) {
		var x gears.PostPerformance
		var at int64
		err := r.Scan(&x.DeliveryID, &x.PostID, &x.AccountID, &x.Network, &x.Handle, &x.RemoteURL, &at, &x.Text, &x.Campaign,
			&x.Counts.Replies, &x.Counts.Reposts, &x.Counts.Likes, &x.Counts.Quotes, &x.Engagements, &x.Clicks)
		x.PublishedAt = fromMillis(at)
		return x, err
	}, `SELECT d.id, d.post_id, d.account_id, a.network, a.handle, d.remote_url, d.published_at,
			COALESCE(d.variant, p.text), p.campaign, t.replies, t.reposts, t.likes, t.quotes, t.engagements, `+outerClicks+` AS clicks
		FROM (
			SELECT d.id AS id, d.published_at AS published, COALESCE(m.replies, 0) AS replies, COALESCE(m.reposts, 0) AS reposts,
				COALESCE(m.likes, 0) AS likes, COALESCE(m.quotes, 0) AS quotes,
				COALESCE(m.replies + m.reposts + m.likes + m.quotes, 0) AS engagements, `+innerClicks+` AS clicks
			FROM deliveries d
			JOIN posts p ON p.id = d.post_id
			JOIN accounts a ON a.id = d.account_id
			LEFT JOIN post_metrics m ON m.delivery_id = d.id
			WHERE p.workspace_id = ? AND p.reply_to = '' AND d.status = 'published' AND d.published_at >= ? AND d.published_at < ?
			ORDER BY `+by+`published DESC, id DESC
			LIMIT ?
		) t
		JOIN deliveries d ON d.id = t.id
		JOIN posts p ON p.id = d.post_id
		JOIN accounts a ON a.id = d.account_id
		ORDER BY `+outerBy(order)+`t.published DESC, t.id DESC`, wsID, start, end, limit)
	if list == nil {
		list = []gears.PostPerformance{}
	}
	return list, err
}

// deliveryEngagements returns the latest engagement count (replies,
// reposts, likes, quotes) of each delivery published between start and
// end, from metrics collection's latest counts (post_metrics).
func deliveryEngagements(tx *Tx, wsID, start, end int64) (map[int64]int64, error) {
	type row struct{ id, n int64 }
	list, err := queryAll(tx, "report delivery engagements", func(r scanner) (row, error) {
		var x row
		err := r.Scan(&x.id, &x.n)
		return x, err
	}, `SELECT delivery_id, replies + reposts + likes + quotes FROM post_metrics
		WHERE workspace_id = ? AND published_at >= ? AND published_at < ?`, wsID, start, end)
	out := make(map[int64]int64, len(list))
	for _, x := range list {
		out[x.id] = x.n
	}
	return out, err
}

// RebuildDaily recomputes the engagement columns of a workspace's daily
// roll-up from the stored readings of its deliveries (post_metric_readings):
// each reading's growth over the previous reading of its delivery, on the
// reading's local date, exactly as recording the readings one by one adds
// it (a test checks the two agree). Clicks and conversions are left as
// they are. It is the bulk path, for back-fills and the benchmark.
func (db *DB) RebuildDaily(ctx context.Context, wsID int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		loc, err := workspaceLocation(tx, wsID)
		if err != nil {
			return err
		}
		rows, err := tx.query(`SELECT r.delivery_id, r.read_at, r.replies, r.reposts, r.likes, r.quotes, m.network, m.account_id, p.campaign
			FROM post_metric_readings r JOIN post_metrics m ON m.delivery_id = r.delivery_id JOIN posts p ON p.id = m.post_id
			WHERE m.workspace_id = ? ORDER BY r.delivery_id, r.read_at`, wsID)
		if err != nil {
			return gears.Internal("rebuild daily: %w", err)
		}
		sums := map[dailyKey]*dailyDelta{}
		var last int64 = -1
		var prev [4]int64
		for rows.Next() {
			var id, at, account int64
			var c [4]int64
			var network, campaign string
			if err := rows.Scan(&id, &at, &c[0], &c[1], &c[2], &c[3], &network, &account, &campaign); err != nil {
				rows.Close()
				return gears.Internal("rebuild daily: %w", err)
			}
			if id != last {
				last, prev = id, [4]int64{}
			}
			k := dailyKey{Workspace: wsID, Day: epochDay(fromMillis(at), loc), Network: network, Account: account, Campaign: campaign}
			d := sums[k]
			if d == nil {
				d = &dailyDelta{}
				sums[k] = d
			}
			d.Replies += c[0] - prev[0]
			d.Reposts += c[1] - prev[1]
			d.Likes += c[2] - prev[2]
			d.Quotes += c[3] - prev[3]
			prev = c
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return gears.Internal("rebuild daily: %w", err)
		}
		rows.Close()
		if _, err := tx.exec(`UPDATE daily_metrics SET replies = 0, reposts = 0, likes = 0, quotes = 0 WHERE workspace_id = ?`, wsID); err != nil {
			return gears.Internal("rebuild daily: %w", err)
		}
		for k, d := range sums {
			if err := tx.addDaily(k, *d); err != nil {
				return err
			}
		}
		return nil
	})
}

// Rates: hourly rates are sensitive. Only whoever may manage members
// (owners and managers) sees and sets them; reports show others the cost of
// hours as sums, without names or rates.

// MemberRate is one member's hourly rate (nil: unknown).
type MemberRate struct {
	UserID int64  `json:"user_id"`
	Cents  *int64 `json:"hourly_rate_cents"`
}

// MaxRateCents is the highest hourly rate that can be set (1,000,000.00).
const MaxRateCents = 100_000_000

// FindRates returns the members' hourly rates, for managers only.
func (s *ReportService) FindRates(ctx context.Context, wsID int64) (map[int64]*int64, error) {
	out := map[int64]*int64{}
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageMembers); err != nil {
			return err
		}
		list, err := queryAll(tx, "find rates", func(r scanner) (MemberRate, error) {
			var m MemberRate
			var c sql.NullInt64
			err := r.Scan(&m.UserID, &c)
			if c.Valid {
				m.Cents = &c.Int64
			}
			return m, err
		}, `SELECT user_id, hourly_rate_cents FROM memberships WHERE workspace_id = ?`, wsID)
		for _, m := range list {
			out[m.UserID] = m.Cents
		}
		return err
	})
	return out, err
}

// SetRate sets (or, with nil, forgets) a member's hourly rate in cents.
func (s *ReportService) SetRate(ctx context.Context, wsID, userID int64, cents *int64) error {
	if cents != nil && (*cents < 0 || *cents > MaxRateCents) {
		return gears.Invalid("hourly_rate", "reports.bad_rate")
	}
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageMembers); err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE memberships SET hourly_rate_cents = ? WHERE workspace_id = ? AND user_id = ?`, nullInt(cents), wsID, userID)
		if err != nil {
			return gears.Internal("set rate: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gears.ErrNotFound
		}
		return nil
	})
}

func nullInt(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// ResultSettings are the workspace's currency and the value it gives one
// engagement (nil: engagements add no value).
type ResultSettings struct {
	Currency             string `json:"currency"`
	EngagementValueCents *int64 `json:"engagement_value_cents"`
}

// Currencies are the currencies a workspace may count in.
var Currencies = []string{"EUR", "USD", "GBP", "MXN", "COP", "ARS", "CLP", "PEN", "BRL", "CAD", "AUD", "CHF"}

// Validate checks the currency and the value.
func (r ResultSettings) Validate() error {
	ok := false
	for _, c := range Currencies {
		ok = ok || c == r.Currency
	}
	if !ok {
		return gears.Invalid("currency", "reports.bad_currency")
	}
	if v := r.EngagementValueCents; v != nil && (*v < 0 || *v > MaxRateCents) {
		return gears.Invalid("engagement_value", "reports.bad_engagement_value")
	}
	return nil
}

// FindResultSettings returns the workspace's currency and engagement value.
func (s *ReportService) FindResultSettings(ctx context.Context, wsID int64) (*ResultSettings, error) {
	var r ResultSettings
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var v sql.NullInt64
		if err := tx.queryRow(`SELECT currency, engagement_value_cents FROM workspaces WHERE id = ?`, wsID).Scan(&r.Currency, &v); err != nil {
			return gears.Internal("result settings: %w", err)
		}
		if v.Valid {
			r.EngagementValueCents = &v.Int64
		}
		return nil
	})
	return &r, err
}

// SetResultSettings sets the workspace's currency and engagement value.
func (s *ReportService) SetResultSettings(ctx context.Context, wsID int64, r ResultSettings) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE workspaces SET currency = ?, engagement_value_cents = ? WHERE id = ?`,
			r.Currency, nullInt(r.EngagementValueCents), wsID); err != nil {
			return gears.Internal("set result settings: %w", err)
		}
		return nil
	})
}

// Share links.

const shareTokenPrefix = "gshr_"

// CreateShareLink makes a read-only link to the workspace's report; the
// token is in the result only this once. Whoever manages settings
// (owners and managers) shares reports.
func (s *ReportService) CreateShareLink(ctx context.Context, wsID int64, c gears.ShareLinkCreate) (*gears.ShareLink, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var l *gears.ShareLink
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		token := newSecret(shareTokenPrefix)
		var rolling, from, to int64
		if c.Rolling {
			rolling = gears.RollingShareDays
		} else {
			from, to = c.Period.From.Unix()/86400, c.Period.To.Unix()/86400
		}
		now := tx.now()
		stmt, err := tx.prepare(tx.db.insertReturningID(`INSERT INTO share_links (workspace_id, token_hash, rolling_days, from_day, to_day, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`))
		if err != nil {
			return gears.Internal("create share link: %w", err)
		}
		id, err := tx.db.execReturningID(tx, stmt, wsID, hashSecret(token), rolling, from, to, gears.UserIDFromContext(ctx), millis(now))
		if err != nil {
			return gears.Internal("create share link: %w", err)
		}
		l = &gears.ShareLink{ID: id, WorkspaceID: wsID, Rolling: c.Rolling, Period: c.Period, CreatedAt: now, Token: token}
		return nil
	})
	return l, err
}

const shareColumns = `s.id, s.workspace_id, s.rolling_days, s.from_day, s.to_day, COALESCE(u.name, ''), s.created_at, s.revoked_at`

func scanShare(r scanner) (*gears.ShareLink, error) {
	var l gears.ShareLink
	var rolling, from, to, created int64
	var revoked sql.NullInt64
	if err := r.Scan(&l.ID, &l.WorkspaceID, &rolling, &from, &to, &l.CreatedBy, &created, &revoked); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, gears.ErrNotFound
		}
		return nil, gears.Internal("scan share link: %w", err)
	}
	l.Rolling = rolling > 0
	if !l.Rolling {
		l.Period = &gears.ReportPeriod{From: dayDate(from), To: dayDate(to)}
	}
	l.CreatedAt = fromMillis(created)
	l.RevokedAt = nullMillis(revoked)
	return &l, nil
}

// FindShareLinks lists the workspace's share links, newest first.
func (s *ReportService) FindShareLinks(ctx context.Context, wsID int64) ([]*gears.ShareLink, error) {
	var list []*gears.ShareLink
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		var err error
		list, err = queryAll(tx, "find share links", scanShare, `SELECT `+shareColumns+` FROM share_links s
			LEFT JOIN users u ON u.id = s.created_by WHERE s.workspace_id = ? ORDER BY s.created_at DESC, s.id DESC`, wsID)
		return err
	})
	return list, err
}

// RevokeShareLink ends a share link: its address is not found from then on.
func (s *ReportService) RevokeShareLink(ctx context.Context, wsID, id int64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE share_links SET revoked_at = COALESCE(revoked_at, ?) WHERE workspace_id = ? AND id = ?`,
			millis(tx.now()), wsID, id)
		if err != nil {
			return gears.Internal("revoke share link: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gears.ErrNotFound
		}
		return nil
	})
}

// SharedReport returns the report a share link shows, redacted, for
// whoever holds its token: an unknown or revoked token is not found.
func (s *ReportService) SharedReport(ctx context.Context, token string) (*ReportData, error) {
	if !strings.HasPrefix(token, shareTokenPrefix) || len(token) > 100 {
		return nil, gears.ErrNotFound
	}
	var d *ReportData
	err := s.db.InTx(ctx, func(tx *Tx) error {
		l, err := scanShare(tx.queryRow(`SELECT `+shareColumns+` FROM share_links s LEFT JOIN users u ON u.id = s.created_by
			WHERE s.token_hash = ? AND s.revoked_at IS NULL`, hashSecret(token)))
		if err != nil {
			return err
		}
		p := l.Period
		if l.Rolling {
			loc, err := workspaceLocation(tx, l.WorkspaceID)
			if err != nil {
				return err
			}
			lp := gears.LastDays(tx.now().In(loc), gears.RollingShareDays)
			p = &lp
		}
		d, err = report(tx, l.WorkspaceID, *p, true)
		return err
	})
	return d, err
}

// Schedules.

// CreateSchedule schedules the report by e-mail; the first goes out at
// the start of the next week or month. Whoever manages settings schedules.
func (s *ReportService) CreateSchedule(ctx context.Context, wsID int64, c gears.ReportScheduleCreate) (*gears.ReportSchedule, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var sch *gears.ReportSchedule
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		loc, err := workspaceLocation(tx, wsID)
		if err != nil {
			return err
		}
		now := tx.now()
		next := NextSend(c.Frequency, now, loc)
		stmt, err := tx.prepare(tx.db.insertReturningID(`INSERT INTO report_schedules (workspace_id, frequency, recipients, next_send_at, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`))
		if err != nil {
			return gears.Internal("create schedule: %w", err)
		}
		id, err := tx.db.execReturningID(tx, stmt, wsID, c.Frequency, strings.Join(c.Recipients, "\n"), millis(next), gears.UserIDFromContext(ctx), millis(now))
		if err != nil {
			return gears.Internal("create schedule: %w", err)
		}
		sch = &gears.ReportSchedule{ID: id, WorkspaceID: wsID, Frequency: c.Frequency, Recipients: c.Recipients, NextSendAt: next, CreatedAt: now}
		return nil
	})
	return sch, err
}

// SendHour is the local hour at which scheduled reports go out.
const SendHour = 7

// NextSend returns when a schedule of frequency first sends after now: the
// next Monday (weekly) or first of the month (monthly) at SendHour in loc.
func NextSend(frequency string, now time.Time, loc *time.Location) time.Time {
	t := now.In(loc)
	var next time.Time
	if frequency == gears.Monthly {
		next = time.Date(t.Year(), t.Month(), 1, SendHour, 0, 0, 0, loc)
		for !next.After(now) {
			next = time.Date(next.Year(), next.Month()+1, 1, SendHour, 0, 0, 0, loc)
		}
		return next.UTC()
	}
	monday := workload.WeekStart(t)
	next = time.Date(monday.Year(), monday.Month(), monday.Day(), SendHour, 0, 0, 0, loc)
	for !next.After(now) {
		next = time.Date(next.Year(), next.Month(), next.Day()+7, SendHour, 0, 0, 0, loc)
	}
	return next.UTC()
}

// SchedulePeriod returns the period a send due at `due` reports: the week
// (Monday to Sunday) or month before the due date, in loc.
func SchedulePeriod(frequency string, due time.Time, loc *time.Location) gears.ReportPeriod {
	t := due.In(loc)
	today := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if frequency == gears.Monthly {
		first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		return gears.ReportPeriod{From: first.AddDate(0, -1, 0), To: first.AddDate(0, 0, -1)}
	}
	monday := workload.WeekStart(today)
	return gears.ReportPeriod{From: monday.AddDate(0, 0, -7), To: monday.AddDate(0, 0, -1)}
}

const scheduleColumns = `id, workspace_id, frequency, recipients, next_send_at, last_sent_at, last_from, last_to, last_error, created_at`

func scanSchedule(r scanner) (*gears.ReportSchedule, error) {
	var s gears.ReportSchedule
	var recipients string
	var next, created int64
	var sent, from, to sql.NullInt64
	if err := r.Scan(&s.ID, &s.WorkspaceID, &s.Frequency, &recipients, &next, &sent, &from, &to, &s.LastError, &created); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, gears.ErrNotFound
		}
		return nil, gears.Internal("scan schedule: %w", err)
	}
	s.Recipients = strings.Split(recipients, "\n")
	s.NextSendAt, s.CreatedAt = fromMillis(next), fromMillis(created)
	s.LastSentAt = nullMillis(sent)
	if from.Valid && to.Valid {
		s.LastPeriod = &gears.ReportPeriod{From: dayDate(from.Int64), To: dayDate(to.Int64)}
	}
	return &s, nil
}

// FindSchedules lists the workspace's report schedules.
func (s *ReportService) FindSchedules(ctx context.Context, wsID int64) ([]*gears.ReportSchedule, error) {
	var list []*gears.ReportSchedule
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		var err error
		list, err = queryAll(tx, "find schedules", scanSchedule, `SELECT `+scheduleColumns+` FROM report_schedules WHERE workspace_id = ? ORDER BY id`, wsID)
		return err
	})
	return list, err
}

// DeleteSchedule stops a schedule.
func (s *ReportService) DeleteSchedule(ctx context.Context, wsID, id int64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		res, err := tx.exec(`DELETE FROM report_schedules WHERE workspace_id = ? AND id = ?`, wsID, id)
		if err != nil {
			return gears.Internal("delete schedule: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gears.ErrNotFound
		}
		return nil
	})
}

// DueSend is one send a schedule owes: its schedule and the next_send_at
// it serves (the send's identity: jobs are unique by it).
type DueSend struct {
	ScheduleID int64 `json:"schedule_id"`
	Due        int64 `json:"due"` // Unix ms
}

// DueSends lists the sends due at now, oldest first, at most limit. Called
// by the background round, not on behalf of a user.
func (s *ReportService) DueSends(ctx context.Context, now time.Time, limit int) ([]DueSend, error) {
	var list []DueSend
	err := s.db.InTx(ctx, func(tx *Tx) error {
		var err error
		list, err = queryAll(tx, "due sends", func(r scanner) (DueSend, error) {
			var d DueSend
			err := r.Scan(&d.ScheduleID, &d.Due)
			return d, err
		}, `SELECT id, next_send_at FROM report_schedules WHERE next_send_at <= ? ORDER BY next_send_at, id LIMIT `+strconv.Itoa(limit), millis(now))
		return err
	})
	return list, err
}

// ScheduledReport is what one send mails.
type ScheduledReport struct {
	Schedule *gears.ReportSchedule
	Data     *ReportData
}

// Errors of ClaimSend.
var (
	// ErrSendDone: the send was recorded already (or its schedule is gone).
	ErrSendDone = errors.New("report send done")
	// ErrSendInterrupted: an earlier attempt claimed the send and never
	// recorded how it ended; it may have gone out, so it is not sent again.
	ErrSendInterrupted = errors.New("report send interrupted")
)

// ClaimSend claims the send of schedule id due at due and returns the
// report to mail. A send recorded already returns ErrSendDone; one claimed
// by an attempt that never finished is recorded as interrupted, the
// schedule moves to its next period, and ErrSendInterrupted is returned:
// it is never sent twice.
func (s *ReportService) ClaimSend(ctx context.Context, d DueSend) (*ScheduledReport, error) {
	var out *ScheduledReport
	var interrupted bool
	err := s.db.InTx(ctx, func(tx *Tx) error {
		sch, claimed, err := findScheduleForSend(tx, d)
		if err != nil {
			return err
		}
		loc, err := workspaceLocation(tx, sch.WorkspaceID)
		if err != nil {
			return err
		}
		p := SchedulePeriod(sch.Frequency, fromMillis(d.Due), loc)
		if claimed {
			interrupted = true
			return recordSend(tx, sch, d, p, loc, false, "interrupted: the report may not have been sent")
		}
		// Claimed only if nobody claimed it since it was read: on
		// PostgreSQL two attempts may get this far together.
		res, err := tx.exec(`UPDATE report_schedules SET claimed_for = ? WHERE id = ? AND next_send_at = ? AND claimed_for IS NULL`, d.Due, sch.ID, d.Due)
		if err != nil {
			return gears.Internal("claim send: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return ErrSendDone
		}
		data, err := report(tx, sch.WorkspaceID, p, true)
		if err != nil {
			return err
		}
		out = &ScheduledReport{Schedule: sch, Data: data}
		return nil
	})
	if err == nil && interrupted {
		return nil, ErrSendInterrupted
	}
	return out, err
}

func findScheduleForSend(tx *Tx, d DueSend) (*gears.ReportSchedule, bool, error) {
	var claimed sql.NullInt64
	sch, err := scanSchedule(tx.queryRow(`SELECT `+scheduleColumns+` FROM report_schedules WHERE id = ? AND next_send_at = ?`, d.ScheduleID, d.Due))
	if errors.Is(err, gears.ErrNotFound) {
		return nil, false, ErrSendDone
	}
	if err != nil {
		return nil, false, err
	}
	if err := tx.queryRow(`SELECT claimed_for FROM report_schedules WHERE id = ?`, d.ScheduleID).Scan(&claimed); err != nil {
		return nil, false, gears.Internal("claim send: %w", err)
	}
	return sch, claimed.Valid && claimed.Int64 == d.Due, nil
}

// FinishSend records how a claimed send ended: sent (errText empty) or
// failed for good (errText says why); either way the schedule moves to its
// next period in the same transaction. A send that failed for a while
// (the mail server is down) is released instead, with release, to be
// tried again.
func (s *ReportService) FinishSend(ctx context.Context, d DueSend, errText string) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		sch, claimed, err := findScheduleForSend(tx, d)
		if err != nil {
			return err
		}
		if !claimed {
			return ErrSendDone
		}
		loc, err := workspaceLocation(tx, sch.WorkspaceID)
		if err != nil {
			return err
		}
		p := SchedulePeriod(sch.Frequency, fromMillis(d.Due), loc)
		return recordSend(tx, sch, d, p, loc, errText == "", errText)
	})
}

// ReleaseSend gives up a claim after a temporary failure: nothing was
// sent, and the next attempt sends.
func (s *ReportService) ReleaseSend(ctx context.Context, d DueSend, errText string) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`UPDATE report_schedules SET claimed_for = NULL, last_error = ? WHERE id = ? AND next_send_at = ? AND claimed_for = ?`,
			truncate(errText, 500), d.ScheduleID, d.Due, d.Due); err != nil {
			return gears.Internal("release send: %w", err)
		}
		return nil
	})
}

func recordSend(tx *Tx, sch *gears.ReportSchedule, d DueSend, p gears.ReportPeriod, loc *time.Location, sent bool, errText string) error {
	// The next send is the first after this one's due time that is also
	// after now: a schedule that was down for weeks sends once, not once
	// per missed period.
	next := NextSend(sch.Frequency, fromMillis(d.Due), loc)
	if now := tx.now(); !next.After(now) {
		next = NextSend(sch.Frequency, now, loc)
	}
	q := `UPDATE report_schedules SET next_send_at = ?, claimed_for = NULL, last_error = ?`
	args := []any{millis(next), truncate(errText, 500)}
	if sent {
		q += `, last_sent_at = ?, last_from = ?, last_to = ?`
		args = append(args, millis(tx.now()), p.From.Unix()/86400, p.To.Unix()/86400)
	}
	res, err := tx.exec(q+` WHERE id = ? AND next_send_at = ?`, append(args, sch.ID, d.Due)...)
	if err != nil {
		return gears.Internal("record send: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrSendDone
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
