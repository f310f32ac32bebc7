package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"gears"
)

// MetricsService keeps what the networks say of the workspace's posts and
// profiles: the counts of every published delivery, read on the decaying
// schedule of gears.MetricsSchedule, and one follower count a day per
// account and competitor. The pollers (package jobs) call its unauthorized
// methods (MetricsRound, MetricsWork, Record*), as they do the inbox's;
// people read through the authorized ones (PostMetrics, Followers).
type MetricsService struct {
	db       *DB
	accounts *AccountService
}

// NewMetricsService returns the metrics of db; accounts opens credentials
// for the pollers (nil when only reading).
func NewMetricsService(db *DB, accounts *AccountService) *MetricsService {
	return &MetricsService{db: db, accounts: accounts}
}

// MetricsBatch bounds how many deliveries one job reads: a job's calls
// stay few (Mastodon reads 20 a call, Bluesky 25), and what is left is
// still due for the next round.
const MetricsBatch = 200

// metricsLookback is how long after publication a delivery still gets a
// row: after it, the schedule is over anyway.
var metricsLookback = gears.MetricsSchedule[len(gears.MetricsSchedule)-1]

// MetricsRound makes the rows of deliveries published since the last
// round, each first due an hour after its publication, and returns the
// active accounts with work due now: deliveries to read, or a follower
// count (their own, or of a competitor they read) missing for the
// workspace's local day.
func (s *MetricsService) MetricsRound(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.db.InTx(ctx, func(tx *Tx) error {
		now := tx.now()
		if _, err := tx.exec(`INSERT INTO post_metrics (delivery_id, workspace_id, post_id, account_id, network, published_at, next_read_at)
			SELECT d.id, p.workspace_id, p.id, d.account_id, a.network, d.published_at, d.published_at + ?
			FROM deliveries d JOIN posts p ON p.id = d.post_id JOIN accounts a ON a.id = d.account_id
			WHERE d.status = 'published' AND d.published_at >= ? AND d.remote_id <> ''
			AND NOT EXISTS (SELECT 1 FROM post_metrics m WHERE m.delivery_id = d.id)`,
			gears.MetricsSchedule[0].Milliseconds(), millis(now.Add(-metricsLookback))); err != nil {
			return gears.Internal("metrics round: new deliveries: %w", err)
		}
		due := map[int64]bool{}
		posts, err := queryAll(tx, "metrics round: due posts", scanID,
			`SELECT DISTINCT m.account_id FROM post_metrics m JOIN accounts a ON a.id = m.account_id
			WHERE m.next_read_at IS NOT NULL AND m.next_read_at <= ? AND a.status = ? AND a.limited_until <= ?`,
			millis(now), gears.AccountActive, millis(now))
		if err != nil {
			return err
		}
		for _, id := range posts {
			due[id] = true
		}
		readers, err := profileReaders(tx, now, 0)
		if err != nil {
			return err
		}
		for _, r := range readers {
			if r.ownDue || len(r.competitors) > 0 {
				due[r.account] = true
			}
		}
		for id := range due {
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}

func scanID(r scanner) (int64, error) {
	var v int64
	if err := r.Scan(&v); err != nil {
		return 0, gears.Internal("scan id: %w", err)
	}
	return v, nil
}

// profileReader is an active account and the profiles it reads today:
// its own when ownDue, and the competitors of its workspace on its
// network whose count of the day is missing (each competitor is read
// through the first active account of its network in the workspace).
type profileReader struct {
	account     int64
	workspace   int64
	day         int64
	ownDue      bool
	competitors []CompetitorTarget
}

// CompetitorTarget is a competitor's profile to read.
type CompetitorTarget struct {
	ID     int64
	Handle string
}

// profileReaders finds, for every active account that is not held (of
// one workspace, or of all when wsID is 0), what profiles it reads today.
func profileReaders(tx *Tx, now time.Time, wsID int64) (map[int64]*profileReader, error) {
	accountsOf, competitorsOf := ``, ``
	accArgs, compArgs := []any{gears.AccountActive, millis(now)}, []any{}
	if wsID != 0 {
		accountsOf, competitorsOf = ` AND a.workspace_id = ?`, ` WHERE c.workspace_id = ?`
		accArgs, compArgs = append(accArgs, wsID), append(compArgs, wsID)
	}
	type acc struct {
		id, ws  int64
		network gears.Network
		tz      string
		last    sql.NullInt64
	}
	accs, err := queryAll(tx, "metrics round: accounts", func(r scanner) (acc, error) {
		var a acc
		err := r.Scan(&a.id, &a.ws, &a.network, &a.tz, &a.last)
		return a, err
	}, `SELECT a.id, a.workspace_id, a.network, w.timezone,
			(SELECT MAX(f.day) FROM follower_counts f WHERE f.account_id = a.id)
		FROM accounts a JOIN workspaces w ON w.id = a.workspace_id
		WHERE a.status = ? AND a.limited_until <= ?`+accountsOf+` ORDER BY a.id`, accArgs...)
	if err != nil {
		return nil, err
	}
	out := map[int64]*profileReader{}
	type wsNet struct {
		ws      int64
		network gears.Network
	}
	first := map[wsNet]*profileReader{}
	for _, a := range accs {
		loc := zone(a.tz)
		r := &profileReader{account: a.id, workspace: a.ws, day: epochDay(now, loc)}
		r.ownDue = !a.last.Valid || a.last.Int64 < r.day
		out[a.id] = r
		if k := (wsNet{a.ws, a.network}); first[k] == nil {
			first[k] = r
		}
	}
	type comp struct {
		id, ws  int64
		network gears.Network
		handle  string
		last    sql.NullInt64
		refused int64
	}
	comps, err := queryAll(tx, "metrics round: competitors", func(r scanner) (comp, error) {
		var c comp
		err := r.Scan(&c.id, &c.ws, &c.network, &c.handle, &c.refused, &c.last)
		return c, err
	}, `SELECT c.id, c.workspace_id, c.network, c.handle, c.refused_day,
			(SELECT MAX(f.day) FROM follower_counts f WHERE f.competitor_id = c.id)
		FROM competitors c`+competitorsOf+` ORDER BY c.id`, compArgs...)
	if err != nil {
		return nil, err
	}
	for _, c := range comps {
		r := first[wsNet{c.ws, c.network}]
		if r == nil || (c.last.Valid && c.last.Int64 >= r.day) || c.refused >= r.day {
			continue
		}
		r.competitors = append(r.competitors, CompetitorTarget{ID: c.id, Handle: c.handle})
	}
	return out, nil
}

// DueDelivery is a delivery whose counts are due.
type DueDelivery struct {
	DeliveryID int64
	RemoteID   string
}

// MetricsTask is what one account's metrics job reads now.
type MetricsTask struct {
	Account     *gears.Account
	Credentials gears.Credentials
	Deliveries  []DueDelivery // at most MetricsBatch, the longest due first
	// Profile says the account's own follower count of the day is missing.
	Profile     bool
	Competitors []CompetitorTarget
}

// MetricsWork loads what an account's metrics job reads now; a *Skip
// error when the account is gone, needs reconnecting or is held by a rate
// limit.
func (s *MetricsService) MetricsWork(ctx context.Context, accountID int64) (*MetricsTask, error) {
	var task MetricsTask
	err := s.db.InTx(ctx, func(tx *Tx) error {
		now := tx.now()
		var wsID, limited int64
		var sealed string
		var status gears.AccountStatus
		err := tx.queryRow(`SELECT workspace_id, credentials, status, limited_until FROM accounts WHERE id = ?`, accountID).
			Scan(&wsID, &sealed, &status, &limited)
		if errors.Is(err, sql.ErrNoRows) {
			return &Skip{Reason: "gone"}
		}
		if err != nil {
			return gears.Internal("metrics work: %w", err)
		}
		if status != gears.AccountActive {
			return &Skip{Reason: "needs_reconnect"}
		}
		if until := fromMillis(limited); until.After(now) {
			return &Skip{Reason: "rate_limited", Wait: until.Sub(now)}
		}
		if task.Account, err = findAccount(tx, wsID, accountID); err != nil {
			return err
		}
		if task.Credentials, err = s.accounts.Credentials(sealed, accountID); err != nil {
			return err
		}
		task.Deliveries, err = queryAll(tx, "metrics work: due deliveries", func(r scanner) (DueDelivery, error) {
			var d DueDelivery
			err := r.Scan(&d.DeliveryID, &d.RemoteID)
			return d, err
		}, `SELECT m.delivery_id, d.remote_id FROM post_metrics m JOIN deliveries d ON d.id = m.delivery_id
			WHERE m.account_id = ? AND m.next_read_at IS NOT NULL AND m.next_read_at <= ?
			ORDER BY m.next_read_at, m.delivery_id LIMIT ?`, accountID, millis(now), MetricsBatch)
		if err != nil {
			return err
		}
		readers, err := profileReaders(tx, now, wsID)
		if err != nil {
			return err
		}
		if r := readers[accountID]; r != nil {
			task.Profile, task.Competitors = r.ownDue, r.competitors
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &task, nil
}

// PostReadingResult is one delivery's reading: the network's answer, or
// why it could not be used (Problem, for people; the schedule moves on).
type PostReadingResult struct {
	DeliveryID int64
	ReadAt     time.Time
	Reading    gears.PostReading
	Problem    string
}

// RecordPostReadings stores readings, each with the growth it brings to
// the daily roll-up, in one transaction. A reading no newer than the
// latest stored (a job run twice) changes nothing; a reading of a
// delivery gone from Gears is dropped. A post gone from its network keeps
// its last counts and is not read again.
func (s *MetricsService) RecordPostReadings(ctx context.Context, readings []PostReadingResult) error {
	if len(readings) == 0 {
		return nil
	}
	return s.db.InTx(ctx, func(tx *Tx) error {
		for _, r := range readings {
			if err := recordPostReading(tx, r); err != nil {
				return err
			}
		}
		return nil
	})
}

func recordPostReading(tx *Tx, r PostReadingResult) error {
	var (
		ws, account, published int64
		network, campaign, tz  string
		prev                   gears.PostCounts
		readAt                 sql.NullInt64
		reads                  int64
	)
	// Lock the delivery's row before reading it, so that two transactions
	// recording the same delivery (a rescued job beside the original) take
	// turns and the second sees the first's counts: on PostgreSQL a plain
	// read would let both add the same growth. SQLite's writes are already
	// serial.
	if _, err := tx.exec(`UPDATE post_metrics SET reads = reads WHERE delivery_id = ?`, r.DeliveryID); err != nil {
		return gears.Internal("record reading of delivery %d: %w", r.DeliveryID, err)
	}
	err := tx.queryRow(`SELECT m.workspace_id, m.account_id, m.network, m.published_at, m.replies, m.reposts, m.likes, m.quotes,
			m.read_at, m.reads, p.campaign, w.timezone
		FROM post_metrics m JOIN posts p ON p.id = m.post_id JOIN workspaces w ON w.id = m.workspace_id
		WHERE m.delivery_id = ?`, r.DeliveryID).Scan(&ws, &account, &network, &published,
		&prev.Replies, &prev.Reposts, &prev.Likes, &prev.Quotes, &readAt, &reads, &campaign, &tz)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return gears.Internal("record reading of delivery %d: %w", r.DeliveryID, err)
	}
	at := r.ReadAt.UTC().Truncate(time.Millisecond)
	if readAt.Valid && millis(at) <= readAt.Int64 {
		return nil // this reading or a newer one is stored already
	}
	var next any
	if t, ok := gears.NextReading(fromMillis(published), at); ok {
		next = millis(t)
	}
	problem := r.Problem
	if problem == "" && !r.Reading.Gone {
		if err := r.Reading.Counts.Validate(); err != nil {
			problem = "impossible counts: " + r.Reading.Counts.String()
		}
	}
	switch {
	case r.Reading.Gone:
		_, err = tx.exec(`UPDATE post_metrics SET gone = ?, next_read_at = NULL, error = ? WHERE delivery_id = ?`,
			true, "the post is no longer on the network", r.DeliveryID)
	case problem != "":
		if len(problem) > 300 {
			problem = problem[:300]
		}
		_, err = tx.exec(`UPDATE post_metrics SET next_read_at = ?, error = ? WHERE delivery_id = ?`, next, problem, r.DeliveryID)
	default:
		c := r.Reading.Counts
		if _, err = tx.exec(`INSERT INTO post_metric_readings (delivery_id, read_at, replies, reposts, likes, quotes)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id, read_at) DO NOTHING`,
			r.DeliveryID, millis(at), c.Replies, c.Reposts, c.Likes, c.Quotes); err != nil {
			return gears.Internal("store reading of delivery %d: %w", r.DeliveryID, err)
		}
		if _, err = tx.exec(`UPDATE post_metrics SET replies = ?, reposts = ?, likes = ?, quotes = ?, reads = reads + 1,
			read_at = ?, next_read_at = ?, error = '' WHERE delivery_id = ?`,
			c.Replies, c.Reposts, c.Likes, c.Quotes, millis(at), next, r.DeliveryID); err != nil {
			return gears.Internal("store counts of delivery %d: %w", r.DeliveryID, err)
		}
		loc := zone(tz)
		g := c.Sub(prev)
		return tx.addDaily(dailyKey{Workspace: ws, Day: epochDay(at, loc), Network: network, Account: account, Campaign: campaign},
			dailyDelta{Replies: g.Replies, Reposts: g.Reposts, Likes: g.Likes, Quotes: g.Quotes})
	}
	if err != nil {
		return gears.Internal("record reading of delivery %d: %w", r.DeliveryID, err)
	}
	return nil
}

// DeferPostReadings moves deliveries that could not be read now (the
// account's rate limit, say) to be due again at until, so that the next
// rounds do not pick them up before.
func (s *MetricsService) DeferPostReadings(ctx context.Context, deliveryIDs []int64, until time.Time) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		for _, id := range deliveryIDs {
			if _, err := tx.exec(`UPDATE post_metrics SET next_read_at = ? WHERE delivery_id = ? AND next_read_at IS NOT NULL AND next_read_at < ?`,
				millis(until), id, millis(until)); err != nil {
				return gears.Internal("defer reading: %w", err)
			}
		}
		return nil
	})
}

// ProfileReading is one reading of a profile's counts: an account's
// (AccountID) or a competitor's (CompetitorID).
type ProfileReading struct {
	AccountID    int64
	CompetitorID int64
	ReadAt       time.Time
	Counts       gears.ProfileCounts
}

// CompetitorRefused records that the network refused a competitor's
// profile today (an unknown or unusable handle), so that it is asked again
// tomorrow, not at every round.
func (s *MetricsService) CompetitorRefused(ctx context.Context, competitorID int64, at time.Time) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		var tz string
		err := tx.queryRow(`SELECT w.timezone FROM competitors c JOIN workspaces w ON w.id = c.workspace_id WHERE c.id = ?`, competitorID).Scan(&tz)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // deleted meanwhile
		}
		if err != nil {
			return gears.Internal("competitor refused: %w", err)
		}
		if _, err := tx.exec(`UPDATE competitors SET refused_day = ? WHERE id = ?`, epochDay(at, zone(tz)), competitorID); err != nil {
			return gears.Internal("competitor refused: %w", err)
		}
		return nil
	})
}

// RecordProfile stores the day's follower count of a profile (the
// workspace's local day of ReadAt): the day's row is replaced by a later
// reading of the same day.
func (s *MetricsService) RecordProfile(ctx context.Context, r ProfileReading) error {
	if err := r.Counts.Validate(); err != nil {
		return err
	}
	if (r.AccountID == 0) == (r.CompetitorID == 0) {
		return gears.Internal("record profile: one of account and competitor, please")
	}
	return s.db.InTx(ctx, func(tx *Tx) error {
		var ws int64
		var err error
		if r.AccountID != 0 {
			err = tx.queryRow(`SELECT workspace_id FROM accounts WHERE id = ?`, r.AccountID).Scan(&ws)
		} else {
			err = tx.queryRow(`SELECT workspace_id FROM competitors WHERE id = ?`, r.CompetitorID).Scan(&ws)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return nil // removed meanwhile
		}
		if err != nil {
			return gears.Internal("record profile: %w", err)
		}
		loc, err := workspaceLocation(tx, ws)
		if err != nil {
			return err
		}
		day := epochDay(r.ReadAt, loc)
		col, id := "account_id", r.AccountID
		if r.CompetitorID != 0 {
			col, id = "competitor_id", r.CompetitorID
		}
		if _, err := tx.exec(`INSERT INTO follower_counts (workspace_id, `+col+`, day, followers, following, posts, read_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (`+col+`, day) WHERE `+col+` IS NOT NULL DO UPDATE SET
			followers = excluded.followers, following = excluded.following, posts = excluded.posts, read_at = excluded.read_at`,
			ws, id, day, r.Counts.Followers, r.Counts.Following, r.Counts.Posts, millis(r.ReadAt)); err != nil {
			return gears.Internal("record follower count: %w", err)
		}
		return nil
	})
}

// PostMetrics returns the counts of each published delivery of a post, as
// last read.
func (s *MetricsService) PostMetrics(ctx context.Context, wsID, postID int64) ([]gears.DeliveryMetrics, error) {
	var out []gears.DeliveryMetrics
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(`SELECT COUNT(*) FROM posts WHERE id = ? AND workspace_id = ? AND deleted = ?`, postID, wsID, false).Scan(&n); err != nil {
			return gears.Internal("post metrics: %w", err)
		}
		if n == 0 {
			return gears.ErrNotFound
		}
		var err error
		out, err = queryAll(tx, "post metrics", func(r scanner) (gears.DeliveryMetrics, error) {
			var m gears.DeliveryMetrics
			var published sql.NullInt64
			var readAt, next sql.NullInt64
			var hasRow sql.NullInt64
			var replies, reposts, likes, quotes, reads sql.NullInt64
			var gone sql.NullBool
			var problem sql.NullString
			if err := r.Scan(&m.DeliveryID, &m.AccountID, &m.Network, &m.Handle, &m.RemoteURL, &published, &hasRow,
				&replies, &reposts, &likes, &quotes, &reads, &readAt, &next, &gone, &problem); err != nil {
				return m, gears.Internal("scan post metrics: %w", err)
			}
			if published.Valid {
				m.PublishedAt = fromMillis(published.Int64)
			}
			m.Counts = gears.PostCounts{Replies: replies.Int64, Reposts: reposts.Int64, Likes: likes.Int64, Quotes: quotes.Int64}
			m.Engagements = m.Counts.Engagements()
			m.Reads = int(reads.Int64)
			m.ReadAt = nullMillis(readAt)
			m.Gone, m.Error = gone.Bool, problem.String
			if hasRow.Valid {
				m.NextReadAt = nullMillis(next)
			} else if published.Valid {
				// Not yet in a round: due an hour after publication.
				t := gears.FirstReading(m.PublishedAt)
				m.NextReadAt = &t
			}
			return m, nil
		}, `SELECT d.id, d.account_id, a.network, a.handle, d.remote_url, d.published_at, m.delivery_id,
				m.replies, m.reposts, m.likes, m.quotes, m.reads, m.read_at, m.next_read_at, m.gone, m.error
			FROM deliveries d JOIN accounts a ON a.id = d.account_id
			LEFT JOIN post_metrics m ON m.delivery_id = d.id
			WHERE d.post_id = ? AND d.status = 'published' ORDER BY a.network, a.handle, d.id`, postID)
		return err
	})
	if out == nil {
		out = []gears.DeliveryMetrics{}
	}
	return out, err
}

// Followers returns the daily follower counts of every account and
// competitor of the workspace over the local dates [from, to] (midnight
// UTC of each date, as parsed from YYYY-MM-DD).
func (s *MetricsService) Followers(ctx context.Context, wsID int64, from, to time.Time) ([]gears.FollowerSeries, error) {
	if err := gears.ValidatePeriod(from, to); err != nil {
		return nil, err
	}
	fromDay, toDay := from.Unix()/86400, to.Unix()/86400
	var out []gears.FollowerSeries
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionViewReports); err != nil {
			return err
		}
		type profile struct {
			kind   string
			id     int64
			net    gears.Network
			handle string
			name   string
		}
		profiles, err := queryAll(tx, "follower profiles", func(r scanner) (profile, error) {
			var p profile
			err := r.Scan(&p.kind, &p.id, &p.net, &p.handle, &p.name)
			return p, err
		}, `SELECT 'account', id, network, handle, display_name FROM accounts WHERE workspace_id = ?
			UNION ALL SELECT 'competitor', id, network, handle, name FROM competitors WHERE workspace_id = ?
			ORDER BY 1, 3, 4, 2`, wsID, wsID)
		if err != nil {
			return err
		}
		type row struct {
			account, competitor sql.NullInt64
			day                 gears.FollowerDay
		}
		rows, err := queryAll(tx, "follower counts", func(r scanner) (row, error) {
			var x row
			var day int64
			if err := r.Scan(&x.account, &x.competitor, &day, &x.day.Followers, &x.day.Following, &x.day.Posts); err != nil {
				return x, gears.Internal("scan follower count: %w", err)
			}
			x.day.Date = dayDate(day).Format("2006-01-02")
			return x, nil
		}, `SELECT account_id, competitor_id, day, followers, following, posts FROM follower_counts
			WHERE workspace_id = ? AND day >= ? AND day <= ? ORDER BY day`, wsID, fromDay, toDay)
		if err != nil {
			return err
		}
		days := map[string][]gears.FollowerDay{}
		for _, r := range rows {
			key := "a" + strconv.FormatInt(r.account.Int64, 10)
			if r.competitor.Valid {
				key = "c" + strconv.FormatInt(r.competitor.Int64, 10)
			}
			days[key] = append(days[key], r.day)
		}
		for _, p := range profiles {
			sr := gears.FollowerSeries{Kind: p.kind, Network: p.net, Handle: p.handle, Name: p.name, Days: []gears.FollowerDay{}}
			key := "a"
			if p.kind == "competitor" {
				sr.CompetitorID, key = p.id, "c"
			} else {
				sr.AccountID = p.id
			}
			if d := days[key+strconv.FormatInt(p.id, 10)]; len(d) > 0 {
				sr.Days = d
				// As the report's summary counts it: from the last count
				// before the period, or else the first in it.
				col := "account_id"
				if p.kind == "competitor" {
					col = "competitor_id"
				}
				base := d[0].Followers
				var prior int64
				err := tx.queryRow(`SELECT followers FROM follower_counts WHERE `+col+` = ? AND day < ? ORDER BY day DESC LIMIT 1`, p.id, fromDay).Scan(&prior)
				switch {
				case err == nil:
					base = prior
				case !errors.Is(err, sql.ErrNoRows):
					return gears.Internal("followers before the period: %w", err)
				}
				sr.Delta = d[len(d)-1].Followers - base
			}
			out = append(out, sr)
		}
		return nil
	})
	if out == nil && err == nil {
		out = []gears.FollowerSeries{}
	}
	return out, err
}
