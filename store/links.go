package store

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"time"

	"gears"
)

// LinkService keeps tracked short links, their clicks and the
// conversions credited to campaigns. Clicks arrive in batches from the
// web server's in-memory counter (AddClicks); nothing about a visitor is
// ever stored.
type LinkService struct {
	db *DB
	// Changed, when set, is told the code of every link whose target or
	// tags changed, after the change is committed (the redirect's cache
	// forgets it).
	Changed func(code string)
}

// NewLinkService returns the links and conversions of db.
func NewLinkService(db *DB) *LinkService { return &LinkService{db: db} }

// LocalDay returns the local date of t in loc as days since 1970-01-01,
// the day of daily_metrics.
func LocalDay(t time.Time, loc *time.Location) int64 { return epochDay(t, loc) }

const linkColumns = `id, workspace_id, code, target_url, network, campaign, utm_content, post_id, clicks, created_at`

func scanLink(r scanner) (*gears.Link, error) {
	var l gears.Link
	var post sql.NullInt64
	var created int64
	if err := r.Scan(&l.ID, &l.WorkspaceID, &l.Code, &l.TargetURL, &l.Network, &l.Campaign, &l.UTMContent, &post, &l.Clicks, &created); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, gears.ErrNotFound
		}
		return nil, gears.Internal("scan link: %w", err)
	}
	if post.Valid {
		l.PostID = &post.Int64
	}
	l.CreatedAt = fromMillis(created)
	return &l, nil
}

func findLink(tx *Tx, wsID, id int64) (*gears.Link, error) {
	return scanLink(tx.queryRow(`SELECT `+linkColumns+` FROM links WHERE workspace_id = ? AND id = ?`, wsID, id))
}

// insertLink writes a validated link with a fresh random code; a code
// already taken (about one chance in 10^14 per link) is drawn again.
func insertLink(tx *Tx, wsID int64, in gears.LinkCreate) (*gears.Link, error) {
	now := millis(tx.now())
	for attempt := 0; attempt < 5; attempt++ {
		code := gears.NewLinkCode()
		var id int64
		err := tx.queryRow(`INSERT INTO links (workspace_id, code, target_url, network, campaign, utm_content, post_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING RETURNING id`,
			wsID, code, in.TargetURL, in.Network, in.Campaign, in.UTMContent, in.PostID, now, now).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, gears.Internal("create link: %w", err)
		}
		return findLink(tx, wsID, id)
	}
	return nil, gears.Internal("create link: no free code after 5 draws")
}

// checkPost makes sure a post belongs to the workspace.
func checkPost(tx *Tx, wsID int64, postID *int64) error {
	if postID == nil {
		return nil
	}
	var n int
	if err := tx.queryRow(`SELECT COUNT(*) FROM posts WHERE id = ? AND workspace_id = ? AND deleted = ?`, *postID, wsID, false).Scan(&n); err != nil {
		return gears.Internal("find post: %w", err)
	}
	if n == 0 {
		return gears.Invalid("post_id", "link.post_unknown")
	}
	return nil
}

// CreateLink makes a tracked link.
func (s *LinkService) CreateLink(ctx context.Context, wsID int64, in gears.LinkCreate) (*gears.Link, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *gears.Link
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		if err := checkPost(tx, wsID, in.PostID); err != nil {
			return err
		}
		var err error
		out, err = insertLink(tx, wsID, in)
		return err
	})
	return out, err
}

// LinkFilter narrows a list of links.
type LinkFilter struct {
	PostID   int64 // 0: any
	BeforeID int64 // 0: the newest; else the links made before this one
	Limit    int   // 0: 200
}

// FindLinks lists a workspace's links, newest first (IDs grow with time).
func (s *LinkService) FindLinks(ctx context.Context, wsID int64, f LinkFilter) ([]*gears.Link, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	var list []*gears.Link
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		q, args := `SELECT `+linkColumns+` FROM links WHERE workspace_id = ?`, []any{wsID}
		if f.PostID != 0 {
			q, args = q+` AND post_id = ?`, append(args, f.PostID)
		}
		if f.BeforeID != 0 {
			q, args = q+` AND id < ?`, append(args, f.BeforeID)
		}
		var err error
		list, err = queryAll(tx, "links", scanLink, q+` ORDER BY id DESC LIMIT ?`, append(args, f.Limit)...)
		return err
	})
	if list == nil {
		list = []*gears.Link{}
	}
	return list, err
}

// FindLink returns one link.
func (s *LinkService) FindLink(ctx context.Context, wsID, id int64) (*gears.Link, error) {
	var out *gears.Link
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var err error
		out, err = findLink(tx, wsID, id)
		return err
	})
	return out, err
}

// SetLinkTarget changes where a link goes (a mistyped address, a page that
// moved); its code, and so every published short URL, stays.
func (s *LinkService) SetLinkTarget(ctx context.Context, wsID, id int64, target string) (*gears.Link, error) {
	target, err := gears.ValidateTargetURL(target)
	if err != nil {
		return nil, err
	}
	var out *gears.Link
	err = s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE links SET target_url = ?, updated_at = ? WHERE workspace_id = ? AND id = ?`, target, millis(tx.now()), wsID, id)
		if err != nil {
			return gears.Internal("set link target: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gears.ErrNotFound
		}
		out, err = findLink(tx, wsID, id)
		return err
	})
	if err == nil && s.Changed != nil {
		s.Changed(out.Code)
	}
	return out, err
}

// ResolvedLink is what the redirect needs of a link.
type ResolvedLink struct {
	ID          int64
	WorkspaceID int64
	Destination string // the target with its UTM tags
	Timezone    string // the workspace's: clicks count on its local day
}

// ResolveLink finds a link by its code, for the public redirect (no
// actor: the code is the capability).
func (s *LinkService) ResolveLink(ctx context.Context, code string) (*ResolvedLink, error) {
	if !gears.ValidLinkCode(code) {
		return nil, gears.ErrNotFound
	}
	var l gears.Link
	var tz string
	err := s.db.db.QueryRowContext(ctx, s.db.rebind(`SELECT l.id, l.workspace_id, l.target_url, l.network, l.campaign, l.utm_content, w.timezone
		FROM links l JOIN workspaces w ON w.id = l.workspace_id WHERE l.code = ?`), code).
		Scan(&l.ID, &l.WorkspaceID, &l.TargetURL, &l.Network, &l.Campaign, &l.UTMContent, &tz)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, gears.ErrNotFound
	}
	if err != nil {
		return nil, gears.Internal("resolve link: %w", err)
	}
	return &ResolvedLink{ID: l.ID, WorkspaceID: l.WorkspaceID, Destination: l.Destination(), Timezone: tz}, nil
}

// Clicks is a number of clicks on one link on one local day (LocalDay).
type Clicks struct {
	LinkID int64
	Day    int64
	Count  int64
}

// AddClicks writes a batch of counted clicks in one transaction: each is
// added to its link's total and to daily_metrics.clicks under the link's
// network and campaign. Clicks on links deleted meanwhile are dropped.
// It is called by the click flusher, not on behalf of a user.
func (s *LinkService) AddClicks(ctx context.Context, batch []Clicks) error {
	if len(batch) == 0 {
		return nil
	}
	// One order for every writer, so that two replicas flushing the same
	// links cannot deadlock on PostgreSQL: the links by ID first, then the
	// roll-up's rows in key order (never a link between two rows).
	sorted := append([]Clicks(nil), batch...)
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].LinkID != sorted[j].LinkID {
			return sorted[i].LinkID < sorted[j].LinkID
		}
		return sorted[i].Day < sorted[j].Day
	})
	return s.db.InTx(ctx, func(tx *Tx) error {
		stmt, err := tx.statement(`UPDATE links SET clicks = clicks + ? WHERE id = ? RETURNING workspace_id, network, campaign`)
		if err != nil {
			return gears.Internal("add clicks: %w", err)
		}
		daily := map[dailyKey]int64{}
		for _, c := range sorted {
			if c.Count <= 0 {
				continue
			}
			k := dailyKey{Day: c.Day}
			err := stmt.QueryRowContext(tx.ctx, c.Count, c.LinkID).Scan(&k.Workspace, &k.Network, &k.Campaign)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return gears.Internal("add clicks to link %d: %w", c.LinkID, err)
			}
			daily[k] += c.Count
		}
		keys := make([]dailyKey, 0, len(daily))
		for k := range daily {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			a, b := keys[i], keys[j]
			if a.Workspace != b.Workspace {
				return a.Workspace < b.Workspace
			}
			if a.Day != b.Day {
				return a.Day < b.Day
			}
			if a.Network != b.Network {
				return a.Network < b.Network
			}
			if a.Account != b.Account {
				return a.Account < b.Account
			}
			return a.Campaign < b.Campaign
		})
		for _, k := range keys {
			if err := tx.addDaily(k, dailyDelta{Clicks: daily[k]}); err != nil {
				return gears.Internal("add clicks: %w", err)
			}
		}
		return nil
	})
}

// TrackedLink asks for a tracked link in a post: the address and an
// optional utm_content.
type TrackedLink struct {
	URL        string
	UTMContent string
}

// TrackPost makes the post's tracked links for a target: one per network,
// so that clicks count per network, all with the post's campaign. A link
// the post already has with the same target, network, campaign and
// utm_content is used again. postID is 0 for a post not written yet
// (AttachLinks names it once it is). The caller puts each network's short
// URL in the text of that network's accounts before the post is saved, so
// the text every delivery publishes is decided with the post. made lists
// the links this call created (not those used again).
func (s *LinkService) TrackPost(ctx context.Context, wsID, postID int64, campaign string, req TrackedLink, networks []gears.Network) (links map[gears.Network]*gears.Link, made []int64, err error) {
	out := map[gears.Network]*gears.Link{}
	var post *int64
	if postID != 0 {
		post = &postID
	}
	ins := map[gears.Network]gears.LinkCreate{}
	for _, n := range networks {
		in := gears.LinkCreate{TargetURL: req.URL, Network: n, Campaign: campaign, UTMContent: req.UTMContent, PostID: post}
		if err := in.Validate(); err != nil {
			if e := gears.AsError(err); e.Field == "target_url" || e.Field == "utm_content" {
				copied := *e
				copied.Field = "link_" + e.Field
				return nil, nil, &copied
			}
			return nil, nil, err
		}
		ins[n] = in
	}
	err = s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		if err := checkPost(tx, wsID, post); err != nil {
			return err
		}
		for _, n := range networks {
			if out[n] != nil {
				continue
			}
			in := ins[n]
			if post != nil {
				l, err := scanLink(tx.queryRow(`SELECT `+linkColumns+` FROM links WHERE workspace_id = ? AND post_id = ? AND target_url = ?
					AND network = ? AND campaign = ? AND utm_content = ? ORDER BY id LIMIT 1`, wsID, *post, in.TargetURL, in.Network, in.Campaign, in.UTMContent))
				if err == nil {
					out[n] = l
					continue
				}
				if gears.ErrorCode(err) != gears.ENOTFOUND {
					return err
				}
			}
			l, err := insertLink(tx, wsID, in)
			if err != nil {
				return err
			}
			out[n] = l
			made = append(made, l.ID)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, made, nil
}

// AttachLinks names the post of links made before it was written.
func (s *LinkService) AttachLinks(ctx context.Context, wsID, postID int64, linkIDs []int64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		if err := checkPost(tx, wsID, &postID); err != nil {
			return err
		}
		for _, id := range linkIDs {
			if _, err := tx.exec(`UPDATE links SET post_id = ? WHERE workspace_id = ? AND id = ? AND post_id IS NULL`, postID, wsID, id); err != nil {
				return gears.Internal("attach link: %w", err)
			}
		}
		return nil
	})
}

// DropUnusedLinks deletes links that were made for a post that could not
// be saved, unless something already counts on them.
func (s *LinkService) DropUnusedLinks(ctx context.Context, wsID int64, linkIDs []int64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		for _, id := range linkIDs {
			if _, err := tx.exec(`DELETE FROM links WHERE workspace_id = ? AND id = ? AND clicks = 0
				AND NOT EXISTS (SELECT 1 FROM conversions c WHERE c.link_id = links.id)`, wsID, id); err != nil {
				return gears.Internal("drop link: %w", err)
			}
		}
		return nil
	})
}

// Conversions.

const conversionColumns = `id, workspace_id, campaign, network, link_id, count, value_cents, currency, occurred_at, external_id, source, created_at`

func scanConversion(r scanner) (*gears.Conversion, error) {
	var c gears.Conversion
	var link, value sql.NullInt64
	var ext sql.NullString
	var occurred, created int64
	if err := r.Scan(&c.ID, &c.WorkspaceID, &c.Campaign, &c.Network, &link, &c.Count, &value, &c.Currency, &occurred, &ext, &c.Source, &created); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, gears.ErrNotFound
		}
		return nil, gears.Internal("scan conversion: %w", err)
	}
	if link.Valid {
		c.LinkID = &link.Int64
	}
	if value.Valid {
		c.ValueCents = &value.Int64
	}
	c.ExternalID = ext.String
	c.OccurredAt, c.CreatedAt = fromMillis(occurred), fromMillis(created)
	return &c, nil
}

// workspaceMoney is what recording a conversion needs of its workspace.
type workspaceMoney struct {
	currency string
	loc      *time.Location
}

func loadMoney(tx *Tx, wsID int64) (workspaceMoney, error) {
	var m workspaceMoney
	var tz string
	if err := tx.queryRow(`SELECT currency, timezone FROM workspaces WHERE id = ?`, wsID).Scan(&m.currency, &tz); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return m, gears.ErrNotFound
		}
		return m, gears.Internal("workspace currency: %w", err)
	}
	m.loc = zone(tz)
	return m, nil
}

// recordConversion writes one validated conversion and adds it to the
// daily roll-up, in tx. A conversion whose external ID is already stored
// is a duplicate: the stored one is returned and nothing changes.
func recordConversion(tx *Tx, wsID int64, m workspaceMoney, in gears.ConversionInput) (*gears.Conversion, bool, error) {
	if in.Currency != "" && in.Currency != m.currency {
		return nil, false, gears.Invalid("currency", "conversion.wrong_currency", in.Currency, m.currency)
	}
	var linkID *int64
	if in.Link != "" {
		var id int64
		var network gears.Network
		var campaign string
		err := tx.queryRow(`SELECT id, network, campaign FROM links WHERE workspace_id = ? AND code = ?`, wsID, in.Link).Scan(&id, &network, &campaign)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, false, gears.Invalid("link", "conversion.link_unknown", in.Link)
		}
		if err != nil {
			return nil, false, gears.Internal("find link: %w", err)
		}
		linkID = &id
		if in.Network == "" {
			in.Network = network
		}
		if in.Campaign == "" {
			in.Campaign = campaign
		}
	}
	var ext any
	if in.ExternalID != "" {
		ext = in.ExternalID
	}
	var id int64
	err := tx.queryRow(`INSERT INTO conversions (workspace_id, campaign, network, link_id, count, value_cents, currency, occurred_at, external_id, source, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, external_id) DO NOTHING RETURNING id`,
		wsID, in.Campaign, in.Network, linkID, in.Count, in.ValueCents, m.currency, millis(*in.OccurredAt), ext, in.Source, millis(tx.now())).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		c, err := scanConversion(tx.queryRow(`SELECT `+conversionColumns+` FROM conversions WHERE workspace_id = ? AND external_id = ?`, wsID, in.ExternalID))
		return c, true, err
	}
	if err != nil {
		return nil, false, gears.Internal("record conversion: %w", err)
	}
	d := dailyDelta{Conversions: in.Count}
	if in.ValueCents != nil {
		d.ConversionValueCents = *in.ValueCents
	} else {
		d.UnvaluedConversions = in.Count
	}
	k := dailyKey{Workspace: wsID, Day: epochDay(*in.OccurredAt, m.loc), Network: string(in.Network), Campaign: in.Campaign}
	if err := tx.addDaily(k, d); err != nil {
		return nil, false, gears.Internal("record conversion: %w", err)
	}
	c, err := scanConversion(tx.queryRow(`SELECT `+conversionColumns+` FROM conversions WHERE id = ?`, id))
	return c, false, err
}

// RecordConversion writes a conversion (a form or the API). duplicate is
// true when its external ID was already recorded: nothing changed.
func (s *LinkService) RecordConversion(ctx context.Context, wsID int64, in gears.ConversionInput) (c *gears.Conversion, duplicate bool, err error) {
	if err := in.Validate(s.db.now()); err != nil {
		return nil, false, err
	}
	err = s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		m, err := loadMoney(tx, wsID)
		if err != nil {
			return err
		}
		c, duplicate, err = recordConversion(tx, wsID, m, in)
		return err
	})
	return c, duplicate, err
}

// RecordHookConversion writes a conversion posted to a workspace's secret
// webhook address; an unknown token is not found.
func (s *LinkService) RecordHookConversion(ctx context.Context, token string, in gears.ConversionInput) (c *gears.Conversion, duplicate bool, err error) {
	in.Source = gears.SourceWebhook
	if err := in.Validate(s.db.now()); err != nil {
		return nil, false, err
	}
	err = s.db.InTx(ctx, func(tx *Tx) error {
		var wsID int64
		err := tx.queryRow(`SELECT workspace_id FROM conversion_hooks WHERE token_hash = ?`, hashSecret(token)).Scan(&wsID)
		if errors.Is(err, sql.ErrNoRows) {
			return gears.ErrNotFound
		}
		if err != nil {
			return gears.Internal("conversion hook: %w", err)
		}
		m, err := loadMoney(tx, wsID)
		if err != nil {
			return err
		}
		c, duplicate, err = recordConversion(tx, wsID, m, in)
		return err
	})
	return c, duplicate, err
}

// ConversionRow is what importing one row did, or why it could not.
type ConversionRow struct {
	Row        int
	Conversion *gears.Conversion
	Duplicate  bool
	Err        *gears.Error
}

// MaxConversionRows bounds one import.
const MaxConversionRows = 5000

// ImportConversions writes many conversions in one transaction: all of
// them, or none when any row is wrong (every wrong row is reported). Rows
// whose external ID is already stored are duplicates, skipped; so a file
// imported twice counts once.
func (s *LinkService) ImportConversions(ctx context.Context, wsID int64, rows []gears.ConversionInput) ([]ConversionRow, error) {
	if len(rows) > MaxConversionRows {
		return nil, gears.Invalid("file", "import.too_many", MaxConversionRows)
	}
	results := make([]ConversionRow, len(rows))
	failed := 0
	now := s.db.now()
	for i := range rows {
		results[i].Row = i + 1
		rows[i].Source = gears.SourceCSV
		if err := rows[i].Validate(now); err != nil {
			results[i].Err = gears.AsError(err)
			failed++
		}
	}
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		m, err := loadMoney(tx, wsID)
		if err != nil {
			return err
		}
		for i, in := range rows {
			if results[i].Err != nil {
				continue
			}
			c, dup, err := recordConversion(tx, wsID, m, in)
			if err != nil {
				e := gears.AsError(err)
				if e.Code == gears.EINTERNAL {
					return err
				}
				results[i].Err, failed = e, failed+1
				continue
			}
			results[i].Conversion, results[i].Duplicate = c, dup
		}
		if failed > 0 {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, err
	}
	if failed > 0 {
		for i := range results {
			results[i].Conversion = nil // rolled back
		}
		return results, gears.Invalid("file", "conversion.import_failed", failed)
	}
	return results, nil
}

// FindConversions lists a workspace's conversions, newest first.
func (s *LinkService) FindConversions(ctx context.Context, wsID int64, limit int) ([]*gears.Conversion, error) {
	return s.FindConversionsBefore(ctx, wsID, nil, limit)
}

// ConversionCursor is where a page of conversions ends: the next page
// starts after it (older).
type ConversionCursor struct {
	OccurredAt time.Time
	ID         int64
}

// FindConversionsBefore returns the conversions older than before (all,
// when nil), newest first, at most limit (1 to 1000; else 200).
func (s *LinkService) FindConversionsBefore(ctx context.Context, wsID int64, before *ConversionCursor, limit int) ([]*gears.Conversion, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	var list []*gears.Conversion
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionViewReports); err != nil {
			return err
		}
		q, args := `SELECT `+conversionColumns+` FROM conversions WHERE workspace_id = ?`, []any{wsID}
		if before != nil {
			at := millis(before.OccurredAt)
			q += ` AND (occurred_at < ? OR (occurred_at = ? AND id < ?))`
			args = append(args, at, at, before.ID)
		}
		var err error
		list, err = queryAll(tx, "conversions", scanConversion, q+` ORDER BY occurred_at DESC, id DESC LIMIT ?`, append(args, limit)...)
		return err
	})
	if list == nil {
		list = []*gears.Conversion{}
	}
	return list, err
}

// Currency returns the workspace's currency, in which conversions are
// valued.
func (s *LinkService) Currency(ctx context.Context, wsID int64) (string, error) {
	var cur string
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		m, err := loadMoney(tx, wsID)
		cur = m.currency
		return err
	})
	return cur, err
}

// ResetConversionHook makes a new secret webhook address for the
// workspace's conversions and returns its token, which is not stored (only
// its hash): the old address stops working.
func (s *LinkService) ResetConversionHook(ctx context.Context, wsID int64) (string, error) {
	token := newSecret("gcv_")
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO conversion_hooks (workspace_id, token_hash, created_at) VALUES (?, ?, ?)
			ON CONFLICT (workspace_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
			wsID, hashSecret(token), millis(tx.now())); err != nil {
			return gears.Internal("reset conversion hook: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// ConversionHookMade returns when the workspace's webhook address was
// made, or nil when it has none.
func (s *LinkService) ConversionHookMade(ctx context.Context, wsID int64) (*time.Time, error) {
	var at *time.Time
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionViewReports); err != nil {
			return err
		}
		var ms int64
		err := tx.queryRow(`SELECT created_at FROM conversion_hooks WHERE workspace_id = ?`, wsID).Scan(&ms)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return gears.Internal("conversion hook: %w", err)
		}
		t := fromMillis(ms)
		at = &t
		return nil
	})
	return at, err
}
