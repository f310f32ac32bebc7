package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"gears"
)

// StrategyService keeps the strategy gear of each workspace: research
// notes, competitors, the communication strategy, the platform set-up
// checklist, campaigns with their spend, and objectives with their
// progress. Reading needs ActionView, writing ActionEdit.
type StrategyService struct{ db *DB }

var _ gears.StrategyService = (*StrategyService)(nil)

// NewStrategyService returns the strategy gear of db.
func NewStrategyService(db *DB) *StrategyService { return &StrategyService{db: db} }

// read and write run fn in a transaction after authorizing the actor.
func (s *StrategyService) read(ctx context.Context, wsID int64, fn func(tx *Tx) error) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		return fn(tx)
	})
}

func (s *StrategyService) write(ctx context.Context, wsID int64, fn func(tx *Tx) error) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		return fn(tx)
	})
}

// strategyRead runs fn in a transaction that may view the workspace and
// returns what fn returns.
func strategyRead[T any](ctx context.Context, s *StrategyService, wsID int64, fn func(tx *Tx) (T, error)) (T, error) {
	var v T
	err := s.read(ctx, wsID, func(tx *Tx) (err error) {
		v, err = fn(tx)
		return err
	})
	return v, err
}

// strategyList is strategyRead for a list: nothing found is an empty list,
// never nil (JSON [] rather than null).
func strategyList[T any](ctx context.Context, s *StrategyService, wsID int64, fn func(tx *Tx) ([]T, error)) ([]T, error) {
	list, err := strategyRead(ctx, s, wsID, fn)
	if list == nil {
		list = []T{}
	}
	return list, err
}

// strategyWrite validates in, then runs fn in a transaction that may edit
// the workspace and returns what fn returns.
func strategyWrite[T any](ctx context.Context, s *StrategyService, wsID int64, in interface{ Validate() error }, fn func(tx *Tx) (T, error)) (T, error) {
	var v T
	if err := in.Validate(); err != nil {
		return v, err
	}
	err := s.write(ctx, wsID, func(tx *Tx) (err error) {
		v, err = fn(tx)
		return err
	})
	return v, err
}

// strategyRow reads one row of the workspace with scan; a missing row is
// gears.ErrNotFound.
func strategyRow[T any](tx *Tx, what string, scan func(scanner) (T, error), q string, args ...any) (T, error) {
	v, err := scan(tx.queryRow(q, args...))
	if err != nil {
		return v, strategyNotFound(err, what)
	}
	return v, nil
}

// deleteRow deletes the row id of the workspace from table; no such row
// is gears.ErrNotFound.
func (s *StrategyService) deleteRow(ctx context.Context, wsID int64, table string, id int64) error {
	return s.write(ctx, wsID, func(tx *Tx) error {
		return strategyAffected(tx.exec(`DELETE FROM `+table+` WHERE workspace_id = ? AND id = ?`, wsID, id))
	})
}

// strategyActor is the acting user, for the created_by columns.
func strategyActor(tx *Tx) any {
	if uid := gears.UserIDFromContext(tx.ctx); uid != 0 {
		return uid
	}
	return nil
}

// strategyNotFound turns a missing row into gears.ErrNotFound.
func strategyNotFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return gears.ErrNotFound
	}
	return gears.Internal("%s: %w", what, err)
}

// strategyAffected reports a change that touched no row as not found.
func strategyAffected(res sql.Result, err error) error {
	if err != nil {
		return gears.Internal("change: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return gears.ErrNotFound
	}
	return nil
}

// strategyMidnight returns the start of a local date (days since 1970) in loc.
func strategyMidnight(day int64, loc *time.Location) time.Time {
	y, m, d := dayDate(day).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// Currency returns the workspace's currency (ISO 4217), in which spend is
// entered.
func (s *StrategyService) Currency(ctx context.Context, wsID int64) (string, error) {
	var cur string
	err := s.read(ctx, wsID, func(tx *Tx) error {
		if err := tx.queryRow(`SELECT currency FROM workspaces WHERE id = ?`, wsID).Scan(&cur); err != nil {
			return strategyNotFound(err, "currency")
		}
		return nil
	})
	return cur, err
}

// Research notes.

const noteColumns = `id, title, body, source_url, created_by, created_at, updated_at`

func scanNote(r scanner) (*gears.ResearchNote, error) {
	var n gears.ResearchNote
	var by sql.NullInt64
	var created, updated int64
	if err := r.Scan(&n.ID, &n.Title, &n.Body, &n.SourceURL, &by, &created, &updated); err != nil {
		return nil, err
	}
	n.CreatedBy, n.CreatedAt, n.UpdatedAt = nullID(by), fromMillis(created), fromMillis(updated)
	return &n, nil
}

// FindResearchNotes lists the workspace's research notes, latest first.
func (s *StrategyService) FindResearchNotes(ctx context.Context, wsID int64) ([]*gears.ResearchNote, error) {
	return strategyList(ctx, s, wsID, func(tx *Tx) ([]*gears.ResearchNote, error) {
		return queryAll(tx, "research notes", strategyScan(scanNote, "research note"),
			`SELECT `+noteColumns+` FROM research_notes WHERE workspace_id = ? ORDER BY updated_at DESC, id DESC LIMIT 1000`, wsID)
	})
}

// FindResearchNote returns one note.
func (s *StrategyService) FindResearchNote(ctx context.Context, wsID, id int64) (*gears.ResearchNote, error) {
	return strategyRead(ctx, s, wsID, func(tx *Tx) (*gears.ResearchNote, error) { return findNote(tx, wsID, id) })
}

func findNote(tx *Tx, wsID, id int64) (*gears.ResearchNote, error) {
	return strategyRow(tx, "research note", scanNote, `SELECT `+noteColumns+` FROM research_notes WHERE workspace_id = ? AND id = ?`, wsID, id)
}

// CreateResearchNote writes a note.
func (s *StrategyService) CreateResearchNote(ctx context.Context, wsID int64, in gears.ResearchNoteInput) (*gears.ResearchNote, error) {
	return strategyWrite(ctx, s, wsID, &in, func(tx *Tx) (*gears.ResearchNote, error) {
		now := millis(tx.now())
		var id int64
		if err := tx.queryRow(`INSERT INTO research_notes (workspace_id, title, body, source_url, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, wsID, in.Title, in.Body, in.SourceURL, strategyActor(tx), now, now).Scan(&id); err != nil {
			return nil, gears.Internal("create research note: %w", err)
		}
		return findNote(tx, wsID, id)
	})
}

// UpdateResearchNote replaces a note's text.
func (s *StrategyService) UpdateResearchNote(ctx context.Context, wsID, id int64, in gears.ResearchNoteInput) (*gears.ResearchNote, error) {
	return strategyWrite(ctx, s, wsID, &in, func(tx *Tx) (*gears.ResearchNote, error) {
		if err := strategyAffected(tx.exec(`UPDATE research_notes SET title = ?, body = ?, source_url = ?, updated_at = ? WHERE workspace_id = ? AND id = ?`,
			in.Title, in.Body, in.SourceURL, millis(tx.now()), wsID, id)); err != nil {
			return nil, err
		}
		return findNote(tx, wsID, id)
	})
}

// DeleteResearchNote deletes a note.
func (s *StrategyService) DeleteResearchNote(ctx context.Context, wsID, id int64) error {
	return s.deleteRow(ctx, wsID, "research_notes", id)
}

// strategyScan turns a scan's failure into an internal error naming what.
func strategyScan[T any](scan func(scanner) (T, error), what string) func(scanner) (T, error) {
	return func(r scanner) (T, error) {
		v, err := scan(r)
		if err != nil {
			return v, gears.Internal("scan %s: %w", what, err)
		}
		return v, nil
	}
}

// Competitors.

const competitorColumns = `id, name, network, handle, profile_url, notes, created_at`

func scanCompetitor(r scanner) (*gears.Competitor, error) {
	var c gears.Competitor
	var created int64
	if err := r.Scan(&c.ID, &c.Name, &c.Network, &c.Handle, &c.ProfileURL, &c.Notes, &created); err != nil {
		return nil, err
	}
	c.CreatedAt = fromMillis(created)
	return &c, nil
}

func findCompetitor(tx *Tx, wsID, id int64) (*gears.Competitor, error) {
	return strategyRow(tx, "competitor", scanCompetitor, `SELECT `+competitorColumns+` FROM competitors WHERE workspace_id = ? AND id = ?`, wsID, id)
}

// FindCompetitors lists the workspace's competitors by name.
func (s *StrategyService) FindCompetitors(ctx context.Context, wsID int64) ([]*gears.Competitor, error) {
	return strategyList(ctx, s, wsID, func(tx *Tx) ([]*gears.Competitor, error) {
		return queryAll(tx, "competitors", strategyScan(scanCompetitor, "competitor"),
			`SELECT `+competitorColumns+` FROM competitors WHERE workspace_id = ? ORDER BY name, id LIMIT 1000`, wsID)
	})
}

// FindCompetitor returns one competitor.
func (s *StrategyService) FindCompetitor(ctx context.Context, wsID, id int64) (*gears.Competitor, error) {
	return strategyRead(ctx, s, wsID, func(tx *Tx) (*gears.Competitor, error) { return findCompetitor(tx, wsID, id) })
}

func competitorConflict(err error, in gears.CompetitorInput, what string) error {
	if isUniqueViolation(err) {
		return &gears.Error{Code: gears.ECONFLICT, Key: "strategy.competitor_exists", Args: []any{in.Handle}, Field: "handle"}
	}
	return gears.Internal("%s: %w", what, err)
}

// CreateCompetitor adds a competitor; a profile is listed once per
// network.
func (s *StrategyService) CreateCompetitor(ctx context.Context, wsID int64, in gears.CompetitorInput) (*gears.Competitor, error) {
	return strategyWrite(ctx, s, wsID, &in, func(tx *Tx) (*gears.Competitor, error) {
		var id int64
		if err := tx.queryRow(`INSERT INTO competitors (workspace_id, name, network, handle, profile_url, notes, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, wsID, in.Name, in.Network, in.Handle, in.ProfileURL, in.Notes, millis(tx.now())).Scan(&id); err != nil {
			return nil, competitorConflict(err, in, "create competitor")
		}
		return findCompetitor(tx, wsID, id)
	})
}

// UpdateCompetitor replaces a competitor. Its follower counts stay.
func (s *StrategyService) UpdateCompetitor(ctx context.Context, wsID, id int64, in gears.CompetitorInput) (*gears.Competitor, error) {
	return strategyWrite(ctx, s, wsID, &in, func(tx *Tx) (*gears.Competitor, error) {
		res, err := tx.exec(`UPDATE competitors SET name = ?, network = ?, handle = ?, profile_url = ?, notes = ? WHERE workspace_id = ? AND id = ?`,
			in.Name, in.Network, in.Handle, in.ProfileURL, in.Notes, wsID, id)
		if err != nil {
			return nil, competitorConflict(err, in, "update competitor")
		}
		if err := strategyAffected(res, nil); err != nil {
			return nil, err
		}
		return findCompetitor(tx, wsID, id)
	})
}

// DeleteCompetitor deletes a competitor and its follower counts.
func (s *StrategyService) DeleteCompetitor(ctx context.Context, wsID, id int64) error {
	return s.deleteRow(ctx, wsID, "competitors", id)
}

// The communication strategy.

// FindStrategy returns the workspace's strategy document (empty when
// nobody wrote it yet).
func (s *StrategyService) FindStrategy(ctx context.Context, wsID int64) (*gears.Strategy, error) {
	return strategyRead(ctx, s, wsID, func(tx *Tx) (*gears.Strategy, error) { return findStrategy(tx, wsID) })
}

func findStrategy(tx *Tx, wsID int64) (*gears.Strategy, error) {
	st := &gears.Strategy{Channels: []gears.ChannelRole{}}
	var by sql.NullInt64
	var at int64
	err := tx.queryRow(`SELECT audiences, tone, updated_by, updated_at FROM strategies WHERE workspace_id = ?`, wsID).Scan(&st.Audiences, &st.Tone, &by, &at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, gears.Internal("strategy: %w", err)
	default:
		t := fromMillis(at)
		st.UpdatedBy, st.UpdatedAt = nullID(by), &t
	}
	roles, err := queryAll(tx, "channel roles", func(r scanner) (gears.ChannelRole, error) {
		var c gears.ChannelRole
		err := r.Scan(&c.Network, &c.Role)
		return c, err
	}, `SELECT network, role FROM channel_roles WHERE workspace_id = ? ORDER BY network`, wsID)
	st.Channels = append(st.Channels, roles...)
	return st, err
}

// SaveStrategy replaces the strategy document and its channel roles.
func (s *StrategyService) SaveStrategy(ctx context.Context, wsID int64, in gears.StrategyInput) (*gears.Strategy, error) {
	return strategyWrite(ctx, s, wsID, &in, func(tx *Tx) (*gears.Strategy, error) {
		if _, err := tx.exec(`INSERT INTO strategies (workspace_id, audiences, tone, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (workspace_id) DO UPDATE SET audiences = excluded.audiences, tone = excluded.tone,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			wsID, in.Audiences, in.Tone, strategyActor(tx), millis(tx.now())); err != nil {
			return nil, gears.Internal("save strategy: %w", err)
		}
		if _, err := tx.exec(`DELETE FROM channel_roles WHERE workspace_id = ?`, wsID); err != nil {
			return nil, gears.Internal("save channel roles: %w", err)
		}
		for _, c := range in.Channels {
			if _, err := tx.exec(`INSERT INTO channel_roles (workspace_id, network, role) VALUES (?, ?, ?)`, wsID, c.Network, c.Role); err != nil {
				return nil, gears.Internal("save channel role: %w", err)
			}
		}
		return findStrategy(tx, wsID)
	})
}

// The platform set-up checklist.

// FindChecklist returns the set-up checklist of every account of the
// workspace, each with every step of gears.SetupItems.
func (s *StrategyService) FindChecklist(ctx context.Context, wsID int64) ([]*gears.AccountChecklist, error) {
	return strategyList(ctx, s, wsID, func(tx *Tx) ([]*gears.AccountChecklist, error) {
		accounts, err := queryAll(tx, "checklist accounts", func(r scanner) (*gears.AccountChecklist, error) {
			var c gears.AccountChecklist
			err := r.Scan(&c.AccountID, &c.Network, &c.Handle)
			return &c, err
		}, `SELECT id, network, handle FROM accounts WHERE workspace_id = ? ORDER BY network, handle, id`, wsID)
		if err != nil {
			return nil, err
		}
		type done struct {
			account int64
			item    gears.SetupItem
		}
		rows, err := queryAll(tx, "checklist items", func(r scanner) (done, error) {
			var d done
			var by sql.NullInt64
			var at int64
			err := r.Scan(&d.account, &d.item.Item, &by, &at)
			t := fromMillis(at)
			d.item.Done, d.item.DoneBy, d.item.DoneAt = true, nullID(by), &t
			return d, err
		}, `SELECT s.account_id, s.item, s.done_by, s.done_at FROM setup_items s JOIN accounts a ON a.id = s.account_id WHERE a.workspace_id = ?`, wsID)
		if err != nil {
			return nil, err
		}
		byAccount := map[int64]map[string]gears.SetupItem{}
		for _, d := range rows {
			if byAccount[d.account] == nil {
				byAccount[d.account] = map[string]gears.SetupItem{}
			}
			byAccount[d.account][d.item.Item] = d.item
		}
		for _, a := range accounts {
			for _, item := range gears.SetupItems {
				it, ok := byAccount[a.AccountID][item]
				if !ok {
					it = gears.SetupItem{Item: item}
				}
				a.Items = append(a.Items, it)
			}
		}
		return accounts, nil
	})
}

// SetSetupItem ticks (done) or unticks a step of an account's set-up,
// recording who and when.
func (s *StrategyService) SetSetupItem(ctx context.Context, wsID, accountID int64, item string, done bool) error {
	if !gears.ValidSetupItem(item) {
		return gears.Invalid("item", "strategy.bad_setup_item")
	}
	return s.write(ctx, wsID, func(tx *Tx) error {
		if _, err := findAccount(tx, wsID, accountID); err != nil {
			return err
		}
		if !done {
			_, err := tx.exec(`DELETE FROM setup_items WHERE account_id = ? AND item = ?`, accountID, item)
			if err != nil {
				return gears.Internal("untick set-up item: %w", err)
			}
			return nil
		}
		if _, err := tx.exec(`INSERT INTO setup_items (account_id, item, done_by, done_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (account_id, item) DO NOTHING`, accountID, item, strategyActor(tx), millis(tx.now())); err != nil {
			return gears.Internal("tick set-up item: %w", err)
		}
		return nil
	})
}

// Campaigns.

const campaignColumns = `c.id, c.name, c.description, c.networks, c.starts_at, c.ends_at, c.created_at,
	(SELECT COALESCE(SUM(amount_cents), 0) FROM campaign_spend s WHERE s.campaign_id = c.id),
	(SELECT COUNT(*) FROM posts p WHERE p.workspace_id = c.workspace_id AND p.campaign = c.name AND p.deleted = ?)`

func scanCampaign(loc *time.Location) func(r scanner) (*gears.Campaign, error) {
	return func(r scanner) (*gears.Campaign, error) {
		var c gears.Campaign
		var nets string
		var starts, ends, created int64
		if err := r.Scan(&c.ID, &c.Name, &c.Description, &nets, &starts, &ends, &created, &c.SpentCents, &c.Posts); err != nil {
			return nil, err
		}
		c.Networks = []gears.Network{}
		for _, n := range strings.Split(nets, ",") {
			if n != "" {
				c.Networks = append(c.Networks, gears.Network(n))
			}
		}
		c.StartsOn = fromMillis(starts).In(loc).Format("2006-01-02")
		c.EndsOn = fromMillis(ends).In(loc).Format("2006-01-02")
		c.CreatedAt = fromMillis(created)
		return &c, nil
	}
}

func findCampaign(tx *Tx, wsID, id int64) (*gears.Campaign, error) {
	loc, err := workspaceLocation(tx, wsID)
	if err != nil {
		return nil, err
	}
	return strategyRow(tx, "campaign", scanCampaign(loc), `SELECT `+campaignColumns+` FROM campaigns c WHERE c.workspace_id = ? AND c.id = ?`, false, wsID, id)
}

// FindCampaigns lists the workspace's campaigns, latest start first, with
// their spend and number of posts.
func (s *StrategyService) FindCampaigns(ctx context.Context, wsID int64) ([]*gears.Campaign, error) {
	return strategyList(ctx, s, wsID, func(tx *Tx) ([]*gears.Campaign, error) {
		loc, err := workspaceLocation(tx, wsID)
		if err != nil {
			return nil, err
		}
		return queryAll(tx, "campaigns", strategyScan(scanCampaign(loc), "campaign"),
			`SELECT `+campaignColumns+` FROM campaigns c WHERE c.workspace_id = ? ORDER BY c.starts_at DESC, c.id DESC LIMIT 1000`, false, wsID)
	})
}

// FindCampaign returns one campaign.
func (s *StrategyService) FindCampaign(ctx context.Context, wsID, id int64) (*gears.Campaign, error) {
	return strategyRead(ctx, s, wsID, func(tx *Tx) (*gears.Campaign, error) { return findCampaign(tx, wsID, id) })
}

// campaignSpan returns the instants a campaign's dates span in loc: from
// the first day's midnight to the last millisecond of the last day.
func campaignSpan(in gears.CampaignInput, loc *time.Location) (int64, int64) {
	start, _ := gears.DayNumber(in.StartsOn)
	end, _ := gears.DayNumber(in.EndsOn)
	return millis(strategyMidnight(start, loc)), millis(strategyMidnight(end+1, loc)) - 1
}

func strategyJoinNetworks(ns []gears.Network) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = string(n)
	}
	return strings.Join(s, ",")
}

func campaignConflict(err error, name, what string) error {
	if isUniqueViolation(err) {
		return &gears.Error{Code: gears.ECONFLICT, Key: "strategy.campaign_exists", Args: []any{name}, Field: "name"}
	}
	return gears.Internal("%s: %w", what, err)
}

// CreateCampaign creates a campaign; names are unique in a workspace.
func (s *StrategyService) CreateCampaign(ctx context.Context, wsID int64, in gears.CampaignInput) (*gears.Campaign, error) {
	return strategyWrite(ctx, s, wsID, &in, func(tx *Tx) (*gears.Campaign, error) {
		loc, err := workspaceLocation(tx, wsID)
		if err != nil {
			return nil, err
		}
		starts, ends := campaignSpan(in, loc)
		var id int64
		if err := tx.queryRow(`INSERT INTO campaigns (workspace_id, name, description, networks, starts_at, ends_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, wsID, in.Name, in.Description, strategyJoinNetworks(in.Networks), starts, ends, millis(tx.now())).Scan(&id); err != nil {
			return nil, campaignConflict(err, in.Name, "create campaign")
		}
		return findCampaign(tx, wsID, id)
	})
}

// UpdateCampaign replaces a campaign. Renaming it renames what names it in
// the same transaction: its posts, the objectives scoped to it, its tracked
// links and conversions, and its rows of the daily roll-up of results.
func (s *StrategyService) UpdateCampaign(ctx context.Context, wsID, id int64, in gears.CampaignInput) (*gears.Campaign, error) {
	return strategyWrite(ctx, s, wsID, &in, func(tx *Tx) (*gears.Campaign, error) {
		cur, err := findCampaign(tx, wsID, id)
		if err != nil {
			return nil, err
		}
		loc, err := workspaceLocation(tx, wsID)
		if err != nil {
			return nil, err
		}
		starts, ends := campaignSpan(in, loc)
		if _, err := tx.exec(`UPDATE campaigns SET name = ?, description = ?, networks = ?, starts_at = ?, ends_at = ? WHERE workspace_id = ? AND id = ?`,
			in.Name, in.Description, strategyJoinNetworks(in.Networks), starts, ends, wsID, id); err != nil {
			return nil, campaignConflict(err, in.Name, "update campaign")
		}
		if cur.Name != in.Name {
			if err := renameCampaign(tx, wsID, cur.Name, in.Name); err != nil {
				return nil, err
			}
		}
		return findCampaign(tx, wsID, id)
	})
}

// renameCampaign carries what names a campaign over to its new name. The
// roll-up's rows of the old name are added to those of the new one, which
// may exist (results of posts that named it before the campaign did).
func renameCampaign(tx *Tx, wsID int64, from, to string) error {
	if _, err := tx.exec(`UPDATE posts SET campaign = ? WHERE workspace_id = ? AND campaign = ?`, to, wsID, from); err != nil {
		return gears.Internal("rename campaign posts: %w", err)
	}
	if _, err := tx.exec(`UPDATE objectives SET campaign = ? WHERE workspace_id = ? AND campaign = ?`, to, wsID, from); err != nil {
		return gears.Internal("rename campaign objectives: %w", err)
	}
	// Tracked links (their future clicks count for the new name), the
	// conversions recorded for it and the time spent on it.
	for _, table := range []string{"links", "conversions", "time_entries"} {
		if _, err := tx.exec(`UPDATE `+table+` SET campaign = ? WHERE workspace_id = ? AND campaign = ?`, to, wsID, from); err != nil {
			return gears.Internal("rename campaign %s: %w", table, err)
		}
	}
	if _, err := tx.exec(`INSERT INTO daily_metrics (workspace_id, day, network, account_id, campaign,
		replies, reposts, likes, quotes, clicks, conversions, conversion_value_cents, unvalued_conversions)
		SELECT workspace_id, day, network, account_id, ?, replies, reposts, likes, quotes, clicks, conversions,
		conversion_value_cents, unvalued_conversions FROM daily_metrics WHERE workspace_id = ? AND campaign = ? `+dailyAddOnConflict, to, wsID, from); err != nil {
		return gears.Internal("rename campaign results: %w", err)
	}
	if _, err := tx.exec(`DELETE FROM daily_metrics WHERE workspace_id = ? AND campaign = ?`, wsID, from); err != nil {
		return gears.Internal("rename campaign results: %w", err)
	}
	return nil
}

// DeleteCampaign deletes a campaign and its spend. Its posts keep the
// name, as text.
func (s *StrategyService) DeleteCampaign(ctx context.Context, wsID, id int64) error {
	return s.deleteRow(ctx, wsID, "campaigns", id)
}

// Spend.

func scanSpend(loc *time.Location) func(r scanner) (*gears.CampaignSpend, error) {
	return func(r scanner) (*gears.CampaignSpend, error) {
		var sp gears.CampaignSpend
		var at, created int64
		if err := r.Scan(&sp.ID, &sp.CampaignID, &sp.Network, &sp.Gear, &sp.AmountCents, &at, &sp.Note, &created); err != nil {
			return nil, err
		}
		sp.SpentOn = fromMillis(at).In(loc).Format("2006-01-02")
		sp.CreatedAt = fromMillis(created)
		return &sp, nil
	}
}

const spendColumns = `s.id, s.campaign_id, s.network, s.gear, s.amount_cents, s.spent_at, s.note, s.created_at`

// FindSpend lists a campaign's spend, latest first.
func (s *StrategyService) FindSpend(ctx context.Context, wsID, campaignID int64) ([]*gears.CampaignSpend, error) {
	return strategyList(ctx, s, wsID, func(tx *Tx) ([]*gears.CampaignSpend, error) {
		if _, err := findCampaign(tx, wsID, campaignID); err != nil {
			return nil, err
		}
		loc, err := workspaceLocation(tx, wsID)
		if err != nil {
			return nil, err
		}
		return queryAll(tx, "spend", strategyScan(scanSpend(loc), "spend"),
			`SELECT `+spendColumns+` FROM campaign_spend s WHERE s.campaign_id = ? ORDER BY s.spent_at DESC, s.id DESC LIMIT 5000`, campaignID)
	})
}

// AddSpend records spend on a campaign, dated at the local midnight of
// its day.
func (s *StrategyService) AddSpend(ctx context.Context, wsID, campaignID int64, in gears.CampaignSpendInput) (*gears.CampaignSpend, error) {
	return strategyWrite(ctx, s, wsID, &in, func(tx *Tx) (*gears.CampaignSpend, error) {
		if _, err := findCampaign(tx, wsID, campaignID); err != nil {
			return nil, err
		}
		loc, err := workspaceLocation(tx, wsID)
		if err != nil {
			return nil, err
		}
		day, _ := gears.DayNumber(in.SpentOn)
		var id int64
		if err := tx.queryRow(`INSERT INTO campaign_spend (campaign_id, network, gear, amount_cents, spent_at, note, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, campaignID, in.Network, in.Gear, in.AmountCents,
			millis(strategyMidnight(day, loc)), in.Note, millis(tx.now())).Scan(&id); err != nil {
			return nil, gears.Internal("add spend: %w", err)
		}
		sp, err := scanSpend(loc)(tx.queryRow(`SELECT `+spendColumns+` FROM campaign_spend s WHERE s.id = ?`, id))
		if err != nil {
			return nil, gears.Internal("read spend: %w", err)
		}
		return sp, nil
	})
}

// DeleteSpend deletes one entry of a campaign's spend.
func (s *StrategyService) DeleteSpend(ctx context.Context, wsID, campaignID, id int64) error {
	return s.write(ctx, wsID, func(tx *Tx) error {
		if _, err := findCampaign(tx, wsID, campaignID); err != nil {
			return err
		}
		return strategyAffected(tx.exec(`DELETE FROM campaign_spend WHERE campaign_id = ? AND id = ?`, campaignID, id))
	})
}

// Objectives.

const objectiveColumns = `id, title, kpi, account_id, network, campaign, baseline, target, starts_on, due_on, created_at`

func scanObjective(r scanner) (*gears.Objective, error) {
	var o gears.Objective
	var account sql.NullInt64
	var starts, due, created int64
	if err := r.Scan(&o.ID, &o.Title, &o.KPI, &account, &o.Network, &o.Campaign, &o.Baseline, &o.Target, &starts, &due, &created); err != nil {
		return nil, err
	}
	o.AccountID, o.StartsOn, o.DueOn, o.CreatedAt = nullID(account), gears.DayString(starts), gears.DayString(due), fromMillis(created)
	return &o, nil
}

func findObjective(tx *Tx, wsID, id int64) (*gears.Objective, error) {
	return strategyRow(tx, "objective", scanObjective, `SELECT `+objectiveColumns+` FROM objectives WHERE workspace_id = ? AND id = ?`, wsID, id)
}

// FindObjectives lists the workspace's objectives, soonest due first.
func (s *StrategyService) FindObjectives(ctx context.Context, wsID int64) ([]*gears.Objective, error) {
	return strategyList(ctx, s, wsID, func(tx *Tx) ([]*gears.Objective, error) {
		return queryAll(tx, "objectives", strategyScan(scanObjective, "objective"),
			`SELECT `+objectiveColumns+` FROM objectives WHERE workspace_id = ? ORDER BY due_on, id LIMIT 1000`, wsID)
	})
}

// FindObjective returns one objective.
func (s *StrategyService) FindObjective(ctx context.Context, wsID, id int64) (*gears.Objective, error) {
	return strategyRead(ctx, s, wsID, func(tx *Tx) (*gears.Objective, error) { return findObjective(tx, wsID, id) })
}

// checkObjectiveScope refuses an account of another workspace.
func checkObjectiveScope(tx *Tx, wsID int64, in *gears.ObjectiveInput) error {
	if in.AccountID == nil {
		return nil
	}
	if _, err := findAccount(tx, wsID, *in.AccountID); err != nil {
		if gears.ErrorCode(err) == gears.ENOTFOUND {
			return gears.Invalid("account", "strategy.unknown_account")
		}
		return err
	}
	return nil
}

// CreateObjective sets an objective.
func (s *StrategyService) CreateObjective(ctx context.Context, wsID int64, in gears.ObjectiveInput) (*gears.Objective, error) {
	return strategyWrite(ctx, s, wsID, &in, func(tx *Tx) (*gears.Objective, error) {
		if err := checkObjectiveScope(tx, wsID, &in); err != nil {
			return nil, err
		}
		start, _ := gears.DayNumber(in.StartsOn)
		due, _ := gears.DayNumber(in.DueOn)
		var id int64
		if err := tx.queryRow(`INSERT INTO objectives (workspace_id, title, kpi, account_id, network, campaign, baseline, target, starts_on, due_on, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, wsID, in.Title, in.KPI, in.AccountID, in.Network, in.Campaign,
			in.Baseline, in.Target, start, due, strategyActor(tx), millis(tx.now())).Scan(&id); err != nil {
			return nil, gears.Internal("create objective: %w", err)
		}
		return findObjective(tx, wsID, id)
	})
}

// UpdateObjective replaces an objective. The readings of a custom KPI stay.
func (s *StrategyService) UpdateObjective(ctx context.Context, wsID, id int64, in gears.ObjectiveInput) (*gears.Objective, error) {
	return strategyWrite(ctx, s, wsID, &in, func(tx *Tx) (*gears.Objective, error) {
		if err := checkObjectiveScope(tx, wsID, &in); err != nil {
			return nil, err
		}
		start, _ := gears.DayNumber(in.StartsOn)
		due, _ := gears.DayNumber(in.DueOn)
		if err := strategyAffected(tx.exec(`UPDATE objectives SET title = ?, kpi = ?, account_id = ?, network = ?, campaign = ?, baseline = ?, target = ?,
			starts_on = ?, due_on = ? WHERE workspace_id = ? AND id = ?`, in.Title, in.KPI, in.AccountID, in.Network, in.Campaign,
			in.Baseline, in.Target, start, due, wsID, id)); err != nil {
			return nil, err
		}
		return findObjective(tx, wsID, id)
	})
}

// DeleteObjective deletes an objective and its readings.
func (s *StrategyService) DeleteObjective(ctx context.Context, wsID, id int64) error {
	return s.deleteRow(ctx, wsID, "objectives", id)
}

const readingColumns = `id, day, value, note, created_by, created_at`

func scanReading(r scanner) (*gears.KPIReading, error) {
	var k gears.KPIReading
	var day, created int64
	var by sql.NullInt64
	if err := r.Scan(&k.ID, &day, &k.Value, &k.Note, &by, &created); err != nil {
		return nil, err
	}
	k.Day, k.CreatedBy, k.CreatedAt = gears.DayString(day), nullID(by), fromMillis(created)
	return &k, nil
}

// FindReadings lists an objective's manual readings by day.
func (s *StrategyService) FindReadings(ctx context.Context, wsID, objectiveID int64) ([]*gears.KPIReading, error) {
	return strategyList(ctx, s, wsID, func(tx *Tx) ([]*gears.KPIReading, error) {
		if _, err := findObjective(tx, wsID, objectiveID); err != nil {
			return nil, err
		}
		return queryAll(tx, "readings", strategyScan(scanReading, "reading"),
			`SELECT `+readingColumns+` FROM kpi_readings WHERE objective_id = ? ORDER BY day LIMIT 5000`, objectiveID)
	})
}

// AddReading records a reading of a custom KPI; a second reading on the
// same day replaces the first.
func (s *StrategyService) AddReading(ctx context.Context, wsID, objectiveID int64, in gears.KPIReadingInput) (*gears.KPIReading, error) {
	return strategyWrite(ctx, s, wsID, &in, func(tx *Tx) (*gears.KPIReading, error) {
		o, err := findObjective(tx, wsID, objectiveID)
		if err != nil {
			return nil, err
		}
		if o.KPI != gears.KPICustom {
			return nil, gears.Invalid("value", "strategy.readings_custom_only")
		}
		day, _ := gears.DayNumber(in.Day)
		if _, err := tx.exec(`INSERT INTO kpi_readings (objective_id, day, value, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (objective_id, day) DO UPDATE SET value = excluded.value, note = excluded.note,
			created_by = excluded.created_by, created_at = excluded.created_at`,
			objectiveID, day, in.Value, in.Note, strategyActor(tx), millis(tx.now())); err != nil {
			return nil, gears.Internal("add reading: %w", err)
		}
		k, err := scanReading(tx.queryRow(`SELECT `+readingColumns+` FROM kpi_readings WHERE objective_id = ? AND day = ?`, objectiveID, day))
		if err != nil {
			return nil, gears.Internal("read reading: %w", err)
		}
		return k, nil
	})
}

// Progress measures an objective up to today (the workspace's local date
// at now): it gathers the KPI's rows in the objective's scope and leaves
// the arithmetic to gears.ComputeProgress.
func (s *StrategyService) Progress(ctx context.Context, wsID, id int64, now time.Time) (*gears.Objective, gears.Progress, error) {
	var o *gears.Objective
	var p gears.Progress
	err := s.read(ctx, wsID, func(tx *Tx) error {
		var err error
		if o, err = findObjective(tx, wsID, id); err != nil {
			return err
		}
		loc, err := workspaceLocation(tx, wsID)
		if err != nil {
			return err
		}
		today := epochDay(now, loc)
		data, err := progressData(tx, wsID, o, today, loc)
		if err != nil {
			return err
		}
		p = gears.ComputeProgress(o, gears.DayString(today), data)
		return nil
	})
	return o, p, err
}

// strategyDailySums are the roll-up's expressions of the counting KPIs.
var strategyDailySums = map[gears.KPI]string{
	gears.KPIEngagements:     `SUM(replies + reposts + likes + quotes)`,
	gears.KPIClicks:          `SUM(clicks)`,
	gears.KPIConversions:     `SUM(conversions)`,
	gears.KPIConversionValue: `SUM(conversion_value_cents) / 100.0`,
}

func scanStrategyDayValue(r scanner) (gears.DayValue, error) {
	var d gears.DayValue
	err := r.Scan(&d.Day, &d.Value)
	return d, err
}

// progressData gathers what an objective's KPI needs from its start to
// today: the roll-up's days, follower counts per account, deliveries
// published, or the readings people entered.
func progressData(tx *Tx, wsID int64, o *gears.Objective, today int64, loc *time.Location) (gears.ProgressData, error) {
	var data gears.ProgressData
	start, _ := gears.DayNumber(o.StartsOn)
	due, _ := gears.DayNumber(o.DueOn)
	last := min(today, due)
	switch o.KPI {
	case gears.KPIEngagements, gears.KPIClicks, gears.KPIConversions, gears.KPIConversionValue:
		q := `SELECT day, ` + strategyDailySums[o.KPI] + ` FROM daily_metrics WHERE workspace_id = ? AND day >= ? AND day <= ?`
		args := []any{wsID, start, last}
		if o.AccountID != nil {
			q += ` AND account_id = ?`
			args = append(args, *o.AccountID)
		}
		if o.Network != "" {
			q += ` AND network = ?`
			args = append(args, o.Network)
		}
		if o.Campaign != "" {
			q += ` AND campaign = ?`
			args = append(args, o.Campaign)
		}
		var err error
		data.Increments, err = queryAll(tx, "objective results", scanStrategyDayValue, q+` GROUP BY day`, args...)
		return data, err
	case gears.KPIPosts:
		q := `SELECT d.published_at FROM deliveries d JOIN posts p ON p.id = d.post_id JOIN accounts a ON a.id = d.account_id
			WHERE p.workspace_id = ? AND p.reply_to = '' AND d.status = 'published' AND d.published_at >= ? AND d.published_at < ?`
		args := []any{wsID, millis(strategyMidnight(start, loc)), millis(strategyMidnight(last+1, loc))}
		if o.AccountID != nil {
			q += ` AND d.account_id = ?`
			args = append(args, *o.AccountID)
		}
		if o.Network != "" {
			q += ` AND a.network = ?`
			args = append(args, o.Network)
		}
		if o.Campaign != "" {
			q += ` AND p.campaign = ?`
			args = append(args, o.Campaign)
		}
		times, err := queryAll(tx, "objective posts", func(r scanner) (int64, error) {
			var ms int64
			err := r.Scan(&ms)
			return ms, err
		}, q, args...)
		for _, ms := range times {
			data.Increments = append(data.Increments, gears.DayValue{Day: epochDay(fromMillis(ms), loc), Value: 1})
		}
		return data, err
	case gears.KPIFollowers:
		// The last reading before the start is the level at the start; a
		// year back is far enough to look for it.
		q := `SELECT f.account_id, f.day, f.followers FROM follower_counts f
			WHERE f.workspace_id = ? AND f.day >= ? AND f.day <= ? AND f.account_id IS NOT NULL`
		args := []any{wsID, start - 366, last}
		if o.AccountID != nil {
			q += ` AND f.account_id = ?`
			args = append(args, *o.AccountID)
		}
		if o.Network != "" {
			q += ` AND f.account_id IN (SELECT id FROM accounts WHERE workspace_id = ? AND network = ?)`
			args = append(args, wsID, o.Network)
		}
		type reading struct {
			account int64
			gears.DayValue
		}
		rows, err := queryAll(tx, "objective followers", func(r scanner) (reading, error) {
			var x reading
			err := r.Scan(&x.account, &x.Day, &x.Value)
			return x, err
		}, q, args...)
		// One series per account; ComputeProgress sorts each by day.
		index := map[int64]int{}
		for _, x := range rows {
			i, ok := index[x.account]
			if !ok {
				i = len(data.Levels)
				index[x.account] = i
				data.Levels = append(data.Levels, nil)
			}
			data.Levels[i] = append(data.Levels[i], x.DayValue)
		}
		return data, err
	case gears.KPICustom:
		readings, err := queryAll(tx, "objective readings", scanStrategyDayValue,
			`SELECT day, value FROM kpi_readings WHERE objective_id = ? AND day <= ? ORDER BY day`, o.ID, last)
		data.Levels = [][]gears.DayValue{readings}
		return data, err
	}
	return data, gears.Internal("objective %d: unknown KPI %q", o.ID, o.KPI)
}
