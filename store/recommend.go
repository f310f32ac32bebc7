package store

import (
	"context"
	"time"

	"gears"
	"gears/recommend"
	"gears/workload"
)

// RecommendService gathers from the database what recommendations rest on
// (package recommend applies the rules): the engagements of each post
// measured, each account's posts and followers, clicks and conversions per
// network, hours planned and tracked per activity and week, and the weekly
// results those hours serve.
type RecommendService struct{ db *DB }

// NewRecommendService returns the recommendations service of db.
func NewRecommendService(db *DB) *RecommendService { return &RecommendService{db: db} }

// MinPostAge is how old a post must be, when recommendations are asked
// for, to count in the best times: younger ones have not had their
// engagement yet.
const MinPostAge = 48 * time.Hour

// followerLookback is how far before the first week a follower count may
// be to serve as the start of that week's growth.
const followerLookback = 28

// Recommendations returns the recommendations of the period p for whoever
// may view reports.
func (s *RecommendService) Recommendations(ctx context.Context, wsID int64, p gears.ReportPeriod) ([]recommend.Recommendation, error) {
	in, err := s.Inputs(ctx, wsID, p)
	if err != nil {
		return nil, err
	}
	recs, err := recommend.Analyze(in)
	if err != nil {
		return nil, gears.Internal("recommendations: %w", err)
	}
	return recs, nil
}

// Inputs gathers what the rules read for the period p (local dates of the
// workspace, both included).
func (s *RecommendService) Inputs(ctx context.Context, wsID int64, p gears.ReportPeriod) (recommend.Inputs, error) {
	var in recommend.Inputs
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionViewReports); err != nil {
			return err
		}
		var err error
		in, err = recommendInputs(tx, wsID, p)
		return err
	})
	return in, err
}

// recommendInputs gathers the inputs in tx without asking who acts: for
// Inputs, after authorize, and for a report read through its share link
// (recommendations name accounts and activities, never people, so there is
// nothing to redact).
func recommendInputs(tx *Tx, wsID int64, p gears.ReportPeriod) (recommend.Inputs, error) {
	if err := p.Validate(); err != nil {
		return recommend.Inputs{}, err
	}
	loc, err := workspaceLocation(tx, wsID)
	if err != nil {
		return recommend.Inputs{}, err
	}
	g := &recommendGather{tx: tx, ws: wsID, loc: loc}
	g.period(p)
	for _, step := range []func() error{g.posts, g.channels, g.links, g.activities, g.results, g.followers, g.counts} {
		if err := step(); err != nil {
			return recommend.Inputs{}, err
		}
	}
	return g.in, nil
}

// recommendGather builds the inputs in one transaction.
type recommendGather struct {
	tx       *Tx
	ws       int64
	loc      *time.Location
	in       recommend.Inputs
	fromDay  int64 // the period's first local date, as an epoch day
	toDay    int64 // its last, included
	start    int64 // the period's first instant, Unix milliseconds
	end      int64 // the instant after it
	weekDays []int64
	// byAccount sums the measured posts per account (posts, for channels).
	byAccount map[int64]*recommend.Channel
}

// period sets the period and its complete weeks (Monday to Sunday, all
// inside it).
func (g *recommendGather) period(p gears.ReportPeriod) {
	from := time.Date(p.From.Year(), p.From.Month(), p.From.Day(), 0, 0, 0, 0, g.loc)
	end := time.Date(p.To.Year(), p.To.Month(), p.To.Day()+1, 0, 0, 0, 0, g.loc)
	g.in.From, g.in.To = from, end
	g.fromDay, g.toDay = p.From.Unix()/86400, p.To.Unix()/86400
	g.start, g.end = millis(from), millis(end)
	m := workload.WeekStart(from)
	if m.Before(from) {
		m = m.AddDate(0, 0, 7)
	}
	for !m.AddDate(0, 0, 7).After(end) {
		g.in.Weeks = append(g.in.Weeks, m)
		g.weekDays = append(g.weekDays, epochDay(m, g.loc))
		m = m.AddDate(0, 0, 7)
	}
}

// week returns the index of the complete week holding an epoch day, or -1.
func (g *recommendGather) week(day int64) int {
	if len(g.weekDays) == 0 || day < g.weekDays[0] {
		return -1
	}
	i := int((day - g.weekDays[0]) / 7)
	if i >= len(g.weekDays) {
		return -1
	}
	return i
}

// posts reads each post Gears published in the period (not the answers
// sent from the inbox) whose counts have been read at least once: all of
// them count for their account; those old enough to have had their
// engagement (MinPostAge) count for the best times.
func (g *recommendGather) posts() error {
	type measured struct {
		account int64
		network string
		at      int64
		eng     int64
	}
	list, err := queryAll(g.tx, "recommend posts", func(r scanner) (measured, error) {
		var m measured
		err := r.Scan(&m.account, &m.network, &m.at, &m.eng)
		return m, err
	}, `SELECT m.account_id, m.network, m.published_at, m.replies + m.reposts + m.likes + m.quotes
		FROM post_metrics m JOIN posts p ON p.id = m.post_id
		WHERE m.workspace_id = ? AND p.reply_to = '' AND m.read_at IS NOT NULL AND m.published_at >= ? AND m.published_at < ?
		ORDER BY m.published_at, m.delivery_id`, g.ws, g.start, g.end)
	if err != nil {
		return err
	}
	until := millis(g.tx.now().Add(-MinPostAge))
	g.byAccount = map[int64]*recommend.Channel{}
	for _, m := range list {
		if m.at < until {
			g.in.Posts = append(g.in.Posts, recommend.Post{Network: m.network, At: fromMillis(m.at).In(g.loc), Engagements: m.eng})
		}
		c := g.byAccount[m.account]
		if c == nil {
			c = &recommend.Channel{AccountID: m.account, Network: m.network}
			g.byAccount[m.account] = c
		}
		c.Posts++
		c.Engagements += m.eng
	}
	return nil
}

// channels names the accounts with measured posts and adds their first and
// last follower count in the period.
func (g *recommendGather) channels() error {
	type account struct {
		id              int64
		network, handle string
	}
	accounts, err := queryAll(g.tx, "recommend accounts", func(r scanner) (account, error) {
		var a account
		err := r.Scan(&a.id, &a.network, &a.handle)
		return a, err
	}, `SELECT id, network, handle FROM accounts WHERE workspace_id = ? ORDER BY network, handle, id`, g.ws)
	if err != nil {
		return err
	}
	var list []recommend.Channel
	for _, a := range accounts {
		if c := g.byAccount[a.id]; c != nil {
			c.Network, c.Handle = a.network, a.handle
			list = append(list, *c)
		}
	}
	type span struct{ account, firstDay, lastDay, first, last int64 }
	spans, err := queryAll(g.tx, "recommend follower spans", func(r scanner) (span, error) {
		var s span
		err := r.Scan(&s.account, &s.firstDay, &s.lastDay, &s.first, &s.last)
		return s, err
	}, `SELECT x.account_id, x.first_day, x.last_day,
		(SELECT f.followers FROM follower_counts f WHERE f.account_id = x.account_id AND f.day = x.first_day),
		(SELECT f.followers FROM follower_counts f WHERE f.account_id = x.account_id AND f.day = x.last_day)
		FROM (SELECT account_id, MIN(day) AS first_day, MAX(day) AS last_day FROM follower_counts
			WHERE workspace_id = ? AND account_id IS NOT NULL AND day >= ? AND day <= ? GROUP BY account_id) x`,
		g.ws, g.fromDay, g.toDay)
	if err != nil {
		return err
	}
	byAccount := map[int64]span{}
	for _, s := range spans {
		byAccount[s.account] = s
	}
	for i := range list {
		if s, ok := byAccount[list[i].AccountID]; ok {
			list[i].Followers = &recommend.FollowerChange{Start: s.first, End: s.last, Days: int(s.lastDay - s.firstDay)}
		}
	}
	g.in.Channels = list
	return nil
}

// links reads clicks and conversions per network from the daily roll-up,
// when the period has any (those without a network are left out: no
// channel can be credited with them).
func (g *recommendGather) links() error {
	type row struct {
		network             string
		clicks, conversions int64
	}
	rows, err := queryAll(g.tx, "recommend links", func(r scanner) (row, error) {
		var x row
		err := r.Scan(&x.network, &x.clicks, &x.conversions)
		return x, err
	}, `SELECT network, SUM(clicks), SUM(conversions) FROM daily_metrics
		WHERE workspace_id = ? AND day >= ? AND day <= ? AND network <> ''
		GROUP BY network ORDER BY network`, g.ws, g.fromDay, g.toDay)
	if err != nil {
		return err
	}
	for _, x := range rows {
		if x.clicks == 0 && x.conversions == 0 {
			continue
		}
		if g.in.Links == nil {
			g.in.Links = map[string]recommend.Links{}
		}
		g.in.Links[x.network] = recommend.Links{Clicks: x.clicks, Conversions: x.conversions}
	}
	return nil
}

// activities sums planned against tracked hours per activity and complete
// week, as the workload report computes them (workload.PlannedVsActual).
func (g *recommendGather) activities() error {
	n := len(g.in.Weeks)
	if n == 0 {
		return nil
	}
	tasks, err := findTasks(g.tx, g.ws, g.loc)
	if err != nil {
		return err
	}
	entries, err := queryAll(g.tx, "recommend time", scanTime, `SELECT `+timeColumns+` FROM time_entries
		WHERE workspace_id = ? AND started_at >= ? AND started_at < ? ORDER BY started_at, id`,
		g.ws, millis(g.in.Weeks[0]), millis(g.in.Weeks[n-1].AddDate(0, 0, 7)))
	if err != nil {
		return err
	}
	index := map[int64]int{}
	for i, w := range g.in.Weeks {
		index[w.Unix()] = i
	}
	byKey := map[string]*recommend.Activity{}
	var order []string
	for _, row := range workload.PlannedVsActual(tasks, entries, g.in.Weeks) {
		a := byKey[row.ActivityKey]
		if a == nil {
			a = &recommend.Activity{Key: row.ActivityKey, Planned: make([]float64, n), Tracked: make([]float64, n)}
			byKey[row.ActivityKey] = a
			order = append(order, row.ActivityKey)
		}
		i := index[row.Week.Unix()]
		a.Planned[i] += row.Planned
		a.Tracked[i] += row.Tracked
	}
	for _, k := range order {
		g.in.Activities = append(g.in.Activities, *byKey[k])
	}
	return nil
}

// results sums the weekly engagements, replies, clicks and conversions of
// the roll-up. Each is left out (not measured) when nothing measures it
// yet: no post's counts read, no tracked link, no conversion recorded.
func (g *recommendGather) results() error {
	n := len(g.in.Weeks)
	if n == 0 {
		return nil
	}
	end := millis(g.in.Weeks[n-1].AddDate(0, 0, 7))
	var posts, links, conversions int64
	if err := g.tx.queryRow(`SELECT
		(SELECT COUNT(*) FROM post_metrics WHERE workspace_id = ? AND read_at IS NOT NULL AND published_at < ?),
		(SELECT COUNT(*) FROM links WHERE workspace_id = ? AND created_at < ?),
		(SELECT COUNT(*) FROM conversions WHERE workspace_id = ? AND occurred_at < ?)`,
		g.ws, end, g.ws, end, g.ws, end).Scan(&posts, &links, &conversions); err != nil {
		return gears.Internal("recommend measured: %w", err)
	}
	type row struct{ day, replies, engagements, clicks, conversions int64 }
	rows, err := queryAll(g.tx, "recommend results", func(r scanner) (row, error) {
		var x row
		err := r.Scan(&x.day, &x.replies, &x.engagements, &x.clicks, &x.conversions)
		return x, err
	}, `SELECT day, SUM(replies), SUM(replies + reposts + likes + quotes), SUM(clicks), SUM(conversions) FROM daily_metrics
		WHERE workspace_id = ? AND day >= ? AND day < ? GROUP BY day ORDER BY day`,
		g.ws, g.weekDays[0], g.weekDays[n-1]+7)
	if err != nil {
		return err
	}
	series := map[recommend.Result][]float64{}
	if posts > 0 {
		series[recommend.Engagements], series[recommend.Replies] = make([]float64, n), make([]float64, n)
	}
	if links > 0 {
		series[recommend.Clicks] = make([]float64, n)
	}
	if conversions > 0 {
		series[recommend.Conversions] = make([]float64, n)
	}
	for _, x := range rows {
		i := g.week(x.day)
		if i < 0 {
			continue
		}
		for r, v := range map[recommend.Result]int64{recommend.Engagements: x.engagements, recommend.Replies: x.replies,
			recommend.Clicks: x.clicks, recommend.Conversions: x.conversions} {
			if s, ok := series[r]; ok {
				s[i] += float64(v)
			}
		}
	}
	if len(series) > 0 {
		g.in.Results = series
	}
	return nil
}

// followers sums the weekly growth of the own accounts' followers: per
// account, its last count of the week less its last count before the
// week (up to followerLookback days before the first week; else its first
// count in the window). Followers are measured when some account has two
// counts in the window.
func (g *recommendGather) followers() error {
	n := len(g.in.Weeks)
	if n == 0 {
		return nil
	}
	type reading struct{ account, day, followers int64 }
	list, err := queryAll(g.tx, "recommend followers", func(r scanner) (reading, error) {
		var x reading
		err := r.Scan(&x.account, &x.day, &x.followers)
		return x, err
	}, `SELECT account_id, day, followers FROM follower_counts
		WHERE workspace_id = ? AND account_id IS NOT NULL AND day >= ? AND day < ? ORDER BY account_id, day`,
		g.ws, g.weekDays[0]-followerLookback, g.weekDays[n-1]+7)
	if err != nil {
		return err
	}
	gains := make([]float64, n)
	measured := false
	for i := 0; i < len(list); {
		j := i
		for j < len(list) && list[j].account == list[i].account {
			j++
		}
		var last *int64 // the latest count so far
		inWindow := 0
		for _, x := range list[i:j] {
			w := g.week(x.day)
			if w >= 0 {
				inWindow++
				if last != nil {
					gains[w] += float64(x.followers - *last)
				}
			}
			v := x.followers
			last = &v
		}
		measured = measured || inWindow >= 2
		i = j
	}
	if !measured {
		return nil
	}
	if g.in.Results == nil {
		g.in.Results = map[recommend.Result][]float64{}
	}
	g.in.Results[recommend.Followers] = gains
	return nil
}

// counts reads how many weeks of counts of work calibration has, up to the
// end of the period, and how many it needs.
func (g *recommendGather) counts() error {
	g.in.CalibrationWeeks = workload.MinCalibrationWeeks
	if err := g.tx.queryRow(`SELECT COUNT(*) FROM work_counts WHERE workspace_id = ? AND week_start < ?`, g.ws, g.end).
		Scan(&g.in.CountedWeeks); err != nil {
		return gears.Internal("recommend work counts: %w", err)
	}
	return nil
}
