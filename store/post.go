package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"gears"
	"gears/queue"
)

// PostService implements gears.PostService.
type PostService struct {
	db         *DB
	connectors Connectors
}

var _ gears.PostService = (*PostService)(nil)

// NewPostService returns the post service of db; connectors check texts as
// each network counts.
func NewPostService(db *DB, c Connectors) *PostService { return &PostService{db: db, connectors: c} }

// scheduleSlack is how far in the past a time may be and still count as
// "now" (the time it takes to press the button).
const scheduleSlack = 2 * time.Minute

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

func splitIDs(s string) []int64 {
	var ids []int64
	for _, p := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

func splitTags(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}

type workspaceFlags struct {
	approvalRequired, paused bool
}

func loadFlags(tx *Tx, wsID int64) (workspaceFlags, error) {
	var f workspaceFlags
	err := tx.queryRow(`SELECT approval_required, publishing_paused FROM workspaces WHERE id = ?`, wsID).Scan(&f.approvalRequired, &f.paused)
	if err != nil {
		return f, gears.Internal("workspace flags: %w", err)
	}
	return f, nil
}

// checkInput checks a post against the workspace's accounts and media and
// against each network's limits, naming the account at fault.
func (s *PostService) checkInput(tx *Tx, wsID int64, in *gears.PostInput) (map[int64]*gears.Account, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	accounts := map[int64]*gears.Account{}
	for _, id := range in.AccountIDs {
		a, err := findAccount(tx, wsID, id)
		if gears.ErrorCode(err) == gears.ENOTFOUND {
			return nil, gears.Invalid("account_ids", "post.account_unknown", id)
		}
		if err != nil {
			return nil, err
		}
		accounts[id] = a
	}
	for k := range in.Variants {
		id, err := strconv.ParseInt(k, 10, 64)
		if err != nil || accounts[id] == nil {
			return nil, gears.Invalid("variants", "post.variant_account_unknown", k)
		}
	}
	var media []gears.MediaInfo
	for _, id := range in.MediaIDs {
		var m gears.MediaInfo
		err := tx.queryRow(`SELECT content_type, size, alt FROM media WHERE id = ? AND workspace_id = ?`, id, wsID).Scan(&m.ContentType, &m.Size, &m.Alt)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, gears.Invalid("media_ids", "post.media_unknown", id)
		}
		if err != nil {
			return nil, gears.Internal("find media: %w", err)
		}
		media = append(media, m)
	}
	for _, id := range in.AccountIDs {
		a := accounts[id]
		text := in.Text
		if v, ok := in.Variants[strconv.FormatInt(id, 10)]; ok && strings.TrimSpace(v.Text) != "" {
			text = v.Text
		}
		conn := s.connectors[a.Network]
		if conn == nil {
			continue
		}
		if problems := conn.Check(text, media); len(problems) > 0 {
			field := "text"
			if text != in.Text {
				field = "variants." + strconv.FormatInt(id, 10)
			}
			return nil, &gears.Error{Code: gears.EINVALID, Key: "post.problem_on_account", Args: []any{a.Handle, problems[0]}, Field: field}
		}
	}
	return accounts, nil
}

// targetStatus says where a post goes when written or approved: without a
// time it stays a draft (or approved); with one it is scheduled if the
// actor may approve and approval is not required, else it waits in review.
func targetStatus(in *gears.PostInput, role gears.Role, f workspaceFlags, approved bool) gears.PostStatus {
	switch {
	case in.ScheduledAt == nil && approved:
		return gears.PostApproved
	case in.ScheduledAt == nil:
		return gears.PostDraft
	case approved || (!f.approvalRequired && role.Can(gears.ActionApprove)):
		return gears.PostScheduled
	default:
		return gears.PostInReview
	}
}

// CreatePost writes a post: a draft, a post waiting for approval, or a
// scheduled one whose jobs are inserted in the same transaction.
func (s *PostService) CreatePost(ctx context.Context, wsID int64, in gears.PostInput) (*gears.Post, error) {
	var p *gears.Post
	err := s.db.InTx(ctx, func(tx *Tx) error {
		role, err := authorize(tx, wsID, gears.ActionEdit)
		if err != nil {
			return err
		}
		f, err := loadFlags(tx, wsID)
		if err != nil {
			return err
		}
		p, err = s.createPost(tx, wsID, role, f, in)
		return err
	})
	return p, err
}

// createPost writes one post in tx, for an actor already authorized.
func (s *PostService) createPost(tx *Tx, wsID int64, role gears.Role, f workspaceFlags, in gears.PostInput) (*gears.Post, error) {
	if _, err := s.checkInput(tx, wsID, &in); err != nil {
		return nil, err
	}
	if in.ScheduledAt != nil && in.ScheduledAt.Before(tx.now().Add(-scheduleSlack)) {
		return nil, gears.Invalid("scheduled_at", "post.in_the_past")
	}
	status := targetStatus(&in, role, f, false)
	now := millis(tx.now())
	var id int64
	err := tx.queryRow(`INSERT INTO posts (workspace_id, author_id, text, content_type, campaign, tags, scheduled_at, status, media_ids, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, wsID, gears.UserIDFromContext(tx.ctx), in.Text, in.ContentType, in.Campaign,
		strings.Join(in.Tags, "\n"), nullTime(in.ScheduledAt), status, joinIDs(in.MediaIDs), now, now).Scan(&id)
	if err != nil {
		return nil, gears.Internal("create post: %w", err)
	}
	if err := setDeliveries(tx, id, &in); err != nil {
		return nil, err
	}
	if status == gears.PostScheduled {
		if err := schedule(tx, id, false); err != nil {
			return nil, err
		}
	}
	return findPost(tx, wsID, id)
}

// RowResult is what importing one row did, or why it could not.
type RowResult struct {
	Row  int          `json:"row"` // 1-based, after the header
	Post *gears.Post  `json:"post,omitempty"`
	Err  *gears.Error `json:"-"`
}

// errDryRun rolls an import's transaction back on purpose.
var errDryRun = errors.New("dry run")

// ImportPosts writes many posts in one transaction: all of them, or none
// when any row is wrong. A dry run does the same work and writes nothing,
// so its results are exactly what the import would do.
func (s *PostService) ImportPosts(ctx context.Context, wsID int64, rows []gears.PostInput, dryRun bool) ([]RowResult, error) {
	var results []RowResult
	failed := false
	err := s.db.InTx(ctx, func(tx *Tx) error {
		role, err := authorize(tx, wsID, gears.ActionEdit)
		if err != nil {
			return err
		}
		f, err := loadFlags(tx, wsID)
		if err != nil {
			return err
		}
		for i, in := range rows {
			res := RowResult{Row: i + 1}
			p, err := s.createPost(tx, wsID, role, f, in)
			if err != nil {
				e := gears.AsError(err)
				if e.Code == gears.EINTERNAL {
					return err
				}
				res.Err, failed = e, true
			}
			res.Post = p
			results = append(results, res)
		}
		if dryRun || failed {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, err
	}
	if failed {
		return results, gears.Errorf(gears.EINVALID, "import.rows_failed")
	}
	return results, nil
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return millis(*t)
}

// setDeliveries makes the post's deliveries match its accounts and
// variants: new accounts get a delivery, removed ones lose theirs unless
// done, every variant is stored.
func setDeliveries(tx *Tx, postID int64, in *gears.PostInput) error {
	keep := map[int64]bool{}
	for _, id := range in.AccountIDs {
		keep[id] = true
		var variant any
		if v, ok := in.Variants[strconv.FormatInt(id, 10)]; ok && strings.TrimSpace(v.Text) != "" {
			variant = v.Text
		}
		res, err := tx.exec(`UPDATE deliveries SET variant = ? WHERE post_id = ? AND account_id = ?`, variant, postID, id)
		if err != nil {
			return gears.Internal("set delivery: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.exec(`INSERT INTO deliveries (post_id, account_id, variant, status, idem_key) VALUES (?, ?, ?, ?, ?)`,
				postID, id, variant, gears.DeliveryPending, gears.NewKey()); err != nil {
				return gears.Internal("add delivery: %w", err)
			}
		}
	}
	rows, err := tx.query(`SELECT account_id, status FROM deliveries WHERE post_id = ?`, postID)
	if err != nil {
		return gears.Internal("deliveries: %w", err)
	}
	var drop []int64
	for rows.Next() {
		var id int64
		var st gears.DeliveryStatus
		if err := rows.Scan(&id, &st); err != nil {
			rows.Close()
			return gears.Internal("deliveries: %w", err)
		}
		if !keep[id] && st != gears.DeliveryPublished {
			drop = append(drop, id)
		}
	}
	rows.Close()
	for _, id := range drop {
		if _, err := tx.exec(`DELETE FROM deliveries WHERE post_id = ? AND account_id = ?`, postID, id); err != nil {
			return gears.Internal("drop delivery: %w", err)
		}
	}
	return nil
}

// schedule marks the post's unfinished deliveries scheduled, bumps their
// version (so jobs inserted before are stale) and inserts one job each,
// due at the post's time — in the caller's transaction.
func schedule(tx *Tx, postID int64, urgent bool) error {
	var at sql.NullInt64
	if err := tx.queryRow(`SELECT scheduled_at FROM posts WHERE id = ?`, postID).Scan(&at); err != nil {
		return gears.Internal("schedule: %w", err)
	}
	if !at.Valid {
		return gears.Internal("schedule post %d: no time", postID)
	}
	if _, err := tx.exec(`UPDATE posts SET status = ? WHERE id = ?`, gears.PostScheduled, postID); err != nil {
		return gears.Internal("schedule: %w", err)
	}
	return reschedulePending(tx, `d.post_id = ? AND d.status NOT IN ('published', 'cancelled')`, postID, urgent)
}

// reschedulePending (re)inserts jobs for the deliveries matching where
// (on alias d) that belong to scheduled posts: after scheduling, resuming
// or reconnecting. Each gets a new version, so older jobs do nothing.
func reschedulePending(tx *Tx, where string, arg any, urgent ...bool) error {
	rows, err := tx.query(`SELECT d.id, p.scheduled_at FROM deliveries d JOIN posts p ON p.id = d.post_id
		WHERE `+where+` AND p.status IN ('scheduled', 'publishing', 'unknown', 'failed') AND p.deleted = ? AND p.scheduled_at IS NOT NULL
		AND d.status IN ('pending', 'scheduled', 'publishing', 'unknown', 'failed')`, arg, false)
	if err != nil {
		return gears.Internal("pending deliveries: %w", err)
	}
	type due struct {
		id int64
		at int64
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.at); err != nil {
			rows.Close()
			return gears.Internal("pending deliveries: %w", err)
		}
		list = append(list, d)
	}
	rows.Close()
	now := tx.now()
	for _, d := range list {
		var version int64
		err := tx.queryRow(`UPDATE deliveries SET version = version + 1,
			status = CASE WHEN status IN ('pending', 'failed') THEN 'scheduled' ELSE status END, error = CASE WHEN status = 'failed' THEN '' ELSE error END
			WHERE id = ? RETURNING version`, d.id).Scan(&version)
		if err != nil {
			return gears.Internal("reschedule delivery: %w", err)
		}
		// A job given a time is "scheduled" in River, and River makes such
		// jobs available every few seconds; one due now must be available
		// at once (publish now, resuming overdue posts).
		var opts river.InsertOpts
		if at := fromMillis(d.at); at.After(now) {
			opts.ScheduledAt = at
		}
		if err := tx.Enqueue(queue.Publish{DeliveryID: d.id, Version: version, Urgent: len(urgent) > 0 && urgent[0]}, &opts); err != nil {
			return err
		}
	}
	return nil
}

// stopDeliveries bumps the version of the post's unfinished deliveries so
// their jobs do nothing, and sets them to status.
func stopDeliveries(tx *Tx, postID int64, status gears.DeliveryStatus) error {
	_, err := tx.exec(`UPDATE deliveries SET version = version + 1, status = ? WHERE post_id = ? AND status IN ('pending', 'scheduled', 'failed')`, status, postID)
	if err != nil {
		return gears.Internal("stop deliveries: %w", err)
	}
	return nil
}

const postColumns = `id, workspace_id, author_id, text, content_type, campaign, tags, scheduled_at, status, media_ids, created_at, updated_at`

func scanPost(row interface{ Scan(...any) error }) (*gears.Post, error) {
	var p gears.Post
	var author, at sql.NullInt64
	var tags, media string
	var created, updated int64
	if err := row.Scan(&p.ID, &p.WorkspaceID, &author, &p.Text, &p.ContentType, &p.Campaign, &tags, &at, &p.Status, &media, &created, &updated); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, gears.ErrNotFound
		}
		return nil, gears.Internal("scan post: %w", err)
	}
	p.AuthorID = author.Int64
	p.Tags, p.MediaIDs = splitTags(tags), splitIDs(media)
	if p.MediaIDs == nil {
		p.MediaIDs = []int64{}
	}
	p.ScheduledAt = nullMillis(at)
	p.CreatedAt, p.UpdatedAt = fromMillis(created), fromMillis(updated)
	p.Variants = map[int64]string{}
	return &p, nil
}

func loadDeliveries(tx *Tx, posts []*gears.Post) error {
	if len(posts) == 0 {
		return nil
	}
	byID := map[int64]*gears.Post{}
	ids := make([]string, len(posts))
	for i, p := range posts {
		byID[p.ID] = p
		p.Deliveries = []*gears.Delivery{}
		ids[i] = strconv.FormatInt(p.ID, 10)
	}
	// IDs are integers from the database: safe to inline.
	rows, err := tx.query(`SELECT id, post_id, account_id, variant, status, remote_id, remote_url, error, attempts, published_at
		FROM deliveries WHERE post_id IN (` + strings.Join(ids, ",") + `) ORDER BY post_id, account_id`)
	if err != nil {
		return gears.Internal("load deliveries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d gears.Delivery
		var variant sql.NullString
		var published sql.NullInt64
		if err := rows.Scan(&d.ID, &d.PostID, &d.AccountID, &variant, &d.Status, &d.RemoteID, &d.RemoteURL, &d.Error, &d.Attempts, &published); err != nil {
			return gears.Internal("scan delivery: %w", err)
		}
		d.PublishedAt = nullMillis(published)
		p := byID[d.PostID]
		p.Deliveries = append(p.Deliveries, &d)
		if variant.Valid {
			p.Variants[d.AccountID] = variant.String
		}
	}
	if err := rows.Err(); err != nil {
		return gears.Internal("load deliveries: %w", err)
	}
	return nil
}

func findPost(tx *Tx, wsID, id int64) (*gears.Post, error) {
	p, err := scanPost(tx.queryRow(`SELECT `+postColumns+` FROM posts WHERE id = ? AND workspace_id = ? AND deleted = ?`, id, wsID, false))
	if err != nil {
		return nil, err
	}
	return p, loadDeliveries(tx, []*gears.Post{p})
}

// FindPost returns one post with its deliveries.
func (s *PostService) FindPost(ctx context.Context, wsID, id int64) (*gears.Post, error) {
	var p *gears.Post
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var err error
		p, err = findPost(tx, wsID, id)
		return err
	})
	return p, err
}

// FindPosts lists posts for the calendar, by time (drafts without a time last).
func (s *PostService) FindPosts(ctx context.Context, wsID int64, f gears.PostFilter) ([]*gears.Post, error) {
	var list []*gears.Post
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		// Answers sent from the inbox are posts too, but not the calendar's.
		q := `SELECT ` + postColumns + ` FROM posts p WHERE workspace_id = ? AND deleted = ? AND reply_to = ''`
		args := []any{wsID, false}
		if f.From != nil {
			q += ` AND scheduled_at >= ?`
			args = append(args, millis(*f.From))
		}
		if f.To != nil {
			q += ` AND scheduled_at < ?`
			args = append(args, millis(*f.To))
		}
		if f.Status != "" {
			q += ` AND status = ?`
			args = append(args, f.Status)
		}
		if f.Campaign != "" {
			q += ` AND campaign = ?`
			args = append(args, f.Campaign)
		}
		if f.ContentType != "" {
			q += ` AND content_type = ?`
			args = append(args, f.ContentType)
		}
		if f.Network != "" {
			q += ` AND EXISTS (SELECT 1 FROM deliveries d JOIN accounts a ON a.id = d.account_id WHERE d.post_id = p.id AND a.network = ?)`
			args = append(args, f.Network)
		}
		limit := f.Limit
		if limit <= 0 || limit > 5000 {
			limit = 5000
		}
		q += ` ORDER BY scheduled_at IS NULL, scheduled_at, id LIMIT ` + strconv.Itoa(limit)
		var err error
		if list, err = queryAll(tx, "find posts", scanPost, q, args...); err != nil {
			return err
		}
		return loadDeliveries(tx, list)
	})
	return list, err
}

// editable loads a post the actor may change.
func editable(tx *Tx, wsID, id int64) (*gears.Post, gears.Role, error) {
	role, err := authorize(tx, wsID, gears.ActionEdit)
	if err != nil {
		return nil, role, err
	}
	p, err := findPost(tx, wsID, id)
	if err != nil {
		return nil, role, err
	}
	if !p.Status.Editable() {
		return nil, role, gears.Errorf(gears.ECONFLICT, "post.not_editable", string(p.Status))
	}
	return p, role, nil
}

// UpdatePost replaces what a post says, where and when. A scheduled post's
// jobs are replaced in the same transaction; whoever may not approve sends
// it back to review when approval is required.
func (s *PostService) UpdatePost(ctx context.Context, wsID, id int64, in gears.PostInput) (*gears.Post, error) {
	var p *gears.Post
	err := s.db.InTx(ctx, func(tx *Tx) error {
		old, role, err := editable(tx, wsID, id)
		if err != nil {
			return err
		}
		if _, err := s.checkInput(tx, wsID, &in); err != nil {
			return err
		}
		if in.ScheduledAt != nil && in.ScheduledAt.Before(tx.now().Add(-scheduleSlack)) &&
			(old.ScheduledAt == nil || !in.ScheduledAt.Equal(*old.ScheduledAt)) {
			return gears.Invalid("scheduled_at", "post.in_the_past")
		}
		f, err := loadFlags(tx, wsID)
		if err != nil {
			return err
		}
		if err := stopDeliveries(tx, id, gears.DeliveryPending); err != nil {
			return err
		}
		approved := (old.Status == gears.PostApproved || old.Status == gears.PostScheduled) && (!f.approvalRequired || role.Can(gears.ActionApprove))
		if old.Status == gears.PostScheduled && f.approvalRequired && !role.Can(gears.ActionApprove) {
			approved = false
		}
		status := targetStatus(&in, role, f, approved)
		if _, err := tx.exec(`UPDATE posts SET text = ?, content_type = ?, campaign = ?, tags = ?, scheduled_at = ?, status = ?, media_ids = ?, updated_at = ? WHERE id = ?`,
			in.Text, in.ContentType, in.Campaign, strings.Join(in.Tags, "\n"), nullTime(in.ScheduledAt), status, joinIDs(in.MediaIDs), millis(tx.now()), id); err != nil {
			return gears.Internal("update post: %w", err)
		}
		if err := setDeliveries(tx, id, &in); err != nil {
			return err
		}
		if status == gears.PostScheduled {
			if err := schedule(tx, id, false); err != nil {
				return err
			}
		}
		p, err = findPost(tx, wsID, id)
		return err
	})
	return p, err
}

// Reschedule moves a post to another time, keeping everything else.
func (s *PostService) Reschedule(ctx context.Context, wsID, id int64, at time.Time) (*gears.Post, error) {
	var in gears.PostInput
	err := s.db.InTx(ctx, func(tx *Tx) error {
		p, _, err := editable(tx, wsID, id)
		if err != nil {
			return err
		}
		in = p.Input()
		return nil
	})
	if err != nil {
		return nil, err
	}
	in.ScheduledAt = &at
	return s.UpdatePost(ctx, wsID, id, in)
}

// DeletePost deletes a post; its deliveries that have not gone out are
// cancelled in the same transaction, so it never goes out. A post being
// published cannot be deleted until its outcome is known.
func (s *PostService) DeletePost(ctx context.Context, wsID, id int64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		p, err := findPost(tx, wsID, id)
		if err != nil {
			return err
		}
		if p.Status == gears.PostPublishing || p.Status == gears.PostUnknown {
			return gears.Errorf(gears.ECONFLICT, "post.in_flight")
		}
		if err := stopDeliveries(tx, id, gears.DeliveryCancelled); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE posts SET deleted = ?, status = CASE WHEN status = 'published' THEN status ELSE 'cancelled' END, updated_at = ? WHERE id = ?`,
			true, millis(tx.now()), id); err != nil {
			return gears.Internal("delete post: %w", err)
		}
		return nil
	})
}

// transition moves a post between approval states.
func (s *PostService) transition(ctx context.Context, wsID, id int64, action gears.Action, from []gears.PostStatus, fn func(tx *Tx, p *gears.Post, role gears.Role, f workspaceFlags) error) (*gears.Post, error) {
	var p *gears.Post
	err := s.db.InTx(ctx, func(tx *Tx) error {
		role, err := authorize(tx, wsID, action)
		if err != nil {
			return err
		}
		cur, err := findPost(tx, wsID, id)
		if err != nil {
			return err
		}
		ok := false
		for _, st := range from {
			ok = ok || cur.Status == st
		}
		if !ok {
			return gears.Errorf(gears.ECONFLICT, "post.wrong_status", string(cur.Status))
		}
		f, err := loadFlags(tx, wsID)
		if err != nil {
			return err
		}
		if err := fn(tx, cur, role, f); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE posts SET updated_at = ? WHERE id = ?`, millis(tx.now()), id); err != nil {
			return gears.Internal("touch post: %w", err)
		}
		p, err = findPost(tx, wsID, id)
		return err
	})
	return p, err
}

func setStatus(tx *Tx, id int64, st gears.PostStatus) error {
	if _, err := tx.exec(`UPDATE posts SET status = ? WHERE id = ?`, st, id); err != nil {
		return gears.Internal("post status: %w", err)
	}
	return nil
}

// SubmitPost sends a draft for approval.
func (s *PostService) SubmitPost(ctx context.Context, wsID, id int64) (*gears.Post, error) {
	return s.transition(ctx, wsID, id, gears.ActionEdit, []gears.PostStatus{gears.PostDraft}, func(tx *Tx, p *gears.Post, _ gears.Role, _ workspaceFlags) error {
		return setStatus(tx, p.ID, gears.PostInReview)
	})
}

// ApprovePost approves a post: scheduled at once when it has a time.
func (s *PostService) ApprovePost(ctx context.Context, wsID, id int64) (*gears.Post, error) {
	return s.transition(ctx, wsID, id, gears.ActionApprove, []gears.PostStatus{gears.PostInReview, gears.PostDraft}, func(tx *Tx, p *gears.Post, _ gears.Role, _ workspaceFlags) error {
		if p.ScheduledAt == nil {
			return setStatus(tx, p.ID, gears.PostApproved)
		}
		if p.ScheduledAt.Before(tx.now().Add(-scheduleSlack)) {
			return gears.Invalid("scheduled_at", "post.in_the_past")
		}
		return schedule(tx, p.ID, false)
	})
}

// SendBack returns a post to its author as a draft, with a comment saying why.
func (s *PostService) SendBack(ctx context.Context, wsID, id int64, comment string) (*gears.Post, error) {
	comment = strings.TrimSpace(comment)
	if comment == "" {
		return nil, gears.Invalid("comment", "post.comment_required")
	}
	return s.transition(ctx, wsID, id, gears.ActionApprove, []gears.PostStatus{gears.PostInReview, gears.PostApproved, gears.PostScheduled}, func(tx *Tx, p *gears.Post, _ gears.Role, _ workspaceFlags) error {
		if err := stopDeliveries(tx, p.ID, gears.DeliveryPending); err != nil {
			return err
		}
		if err := addComment(tx, p.ID, comment); err != nil {
			return err
		}
		return setStatus(tx, p.ID, gears.PostDraft)
	})
}

// PublishNow sends a post at once: an unscheduled message. It goes out
// even while publishing is paused (a holding statement in a crisis), but
// never without the approval the workspace requires.
func (s *PostService) PublishNow(ctx context.Context, wsID, id int64) (*gears.Post, error) {
	return s.transition(ctx, wsID, id, gears.ActionEdit, []gears.PostStatus{gears.PostDraft, gears.PostInReview, gears.PostApproved, gears.PostScheduled, gears.PostFailed},
		func(tx *Tx, p *gears.Post, role gears.Role, f workspaceFlags) error {
			approved := p.Status == gears.PostApproved || p.Status == gears.PostScheduled || p.Status == gears.PostFailed
			if !approved && (f.approvalRequired || !role.Can(gears.ActionApprove)) {
				return gears.Errorf(gears.EFORBIDDEN, "post.needs_approval")
			}
			if _, err := tx.exec(`UPDATE posts SET scheduled_at = ? WHERE id = ?`, millis(tx.now()), p.ID); err != nil {
				return gears.Internal("publish now: %w", err)
			}
			if err := stopDeliveries(tx, p.ID, gears.DeliveryPending); err != nil {
				return err
			}
			if err := schedule(tx, p.ID, true); err != nil {
				return err
			}
			// A holding statement during a crisis goes to the timeline of
			// the open incidents.
			return recordPublished(tx, wsID, p.Text)
		})
}

// SetPaused switches the workspace's publishing off and on. Paused, every
// scheduled delivery is held; resumed, each gets its job again (those
// overdue go out at once).
func (s *PostService) SetPaused(ctx context.Context, wsID int64, paused bool) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE workspaces SET publishing_paused = ? WHERE id = ?`, paused, wsID); err != nil {
			return gears.Internal("pause: %w", err)
		}
		if paused {
			return nil
		}
		return reschedulePending(tx, `p.workspace_id = ?`, wsID)
	})
}

// SetApprovalRequired says whether every post needs an approver.
func (s *PostService) SetApprovalRequired(ctx context.Context, wsID int64, required bool) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE workspaces SET approval_required = ? WHERE id = ?`, required, wsID); err != nil {
			return gears.Internal("approval setting: %w", err)
		}
		return nil
	})
}

// Comment is a remark on a post.
type Comment struct {
	ID        int64     `json:"id"`
	AuthorID  int64     `json:"author_id"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

func addComment(tx *Tx, postID int64, body string) error {
	if len([]rune(body)) > 5000 {
		return gears.Invalid("comment", "post.comment_too_long", 5000)
	}
	_, err := tx.exec(`INSERT INTO post_comments (post_id, author_id, body, created_at) VALUES (?, ?, ?, ?)`,
		postID, gears.UserIDFromContext(tx.ctx), body, millis(tx.now()))
	if err != nil {
		return gears.Internal("add comment: %w", err)
	}
	return nil
}

// AddComment comments on a post: anyone who may see it (approvers too).
func (s *PostService) AddComment(ctx context.Context, wsID, postID int64, body string) error {
	body = strings.TrimSpace(body)
	if body == "" {
		return gears.Invalid("comment", "post.comment_required")
	}
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		if _, err := findPost(tx, wsID, postID); err != nil {
			return err
		}
		return addComment(tx, postID, body)
	})
}

// FindComments lists a post's comments, oldest first.
func (s *PostService) FindComments(ctx context.Context, wsID, postID int64) ([]Comment, error) {
	var list []Comment
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		if _, err := findPost(tx, wsID, postID); err != nil {
			return err
		}
		rows, err := tx.query(`SELECT c.id, COALESCE(c.author_id, 0), COALESCE(u.name, ''), c.body, c.created_at
			FROM post_comments c LEFT JOIN users u ON u.id = c.author_id WHERE c.post_id = ? ORDER BY c.id`, postID)
		if err != nil {
			return gears.Internal("find comments: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var c Comment
			var created int64
			if err := rows.Scan(&c.ID, &c.AuthorID, &c.Author, &c.Body, &created); err != nil {
				return gears.Internal("scan comment: %w", err)
			}
			c.CreatedAt = fromMillis(created)
			list = append(list, c)
		}
		return rows.Err()
	})
	return list, err
}

// PublishingSettings returns whether the workspace requires approval and
// whether its publishing is paused.
func (s *PostService) PublishingSettings(ctx context.Context, wsID int64) (approvalRequired, paused bool, err error) {
	err = s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		f, err := loadFlags(tx, wsID)
		approvalRequired, paused = f.approvalRequired, f.paused
		return err
	})
	return approvalRequired, paused, err
}

// feedPrefix marks calendar feed secrets.
const feedPrefix = "gcal_"

// CalendarFeedToken returns the secret of the workspace's iCalendar feed,
// making one the first time. Whoever can see the calendar may have it.
func (s *PostService) CalendarFeedToken(ctx context.Context, wsID int64) (string, error) {
	var token string
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		if err := tx.queryRow(`SELECT ical_token FROM workspaces WHERE id = ?`, wsID).Scan(&token); err != nil {
			return gears.Internal("feed token: %w", err)
		}
		if token != "" {
			return nil
		}
		token = newSecret(feedPrefix)
		if _, err := tx.exec(`UPDATE workspaces SET ical_token = ? WHERE id = ?`, token, wsID); err != nil {
			return gears.Internal("feed token: %w", err)
		}
		return nil
	})
	return token, err
}

// ResetCalendarFeed replaces the feed's secret: the old address stops working.
func (s *PostService) ResetCalendarFeed(ctx context.Context, wsID int64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE workspaces SET ical_token = ? WHERE id = ?`, newSecret(feedPrefix), wsID); err != nil {
			return gears.Internal("reset feed: %w", err)
		}
		return nil
	})
}

// CalendarFeed returns the workspace whose feed secret this is and its
// posts scheduled from a month ago on. The secret is the permission: it
// is what a calendar application holds instead of a sign-in.
func (s *PostService) CalendarFeed(ctx context.Context, token string, now time.Time) (*gears.Workspace, []*gears.Post, error) {
	if !strings.HasPrefix(token, feedPrefix) || len(token) < 20 {
		return nil, nil, gears.ErrNotFound
	}
	var ws gears.Workspace
	var posts []*gears.Post
	err := s.db.InTx(ctx, func(tx *Tx) error {
		var created int64
		err := tx.queryRow(`SELECT id, name, timezone, created_at FROM workspaces WHERE ical_token = ?`, token).Scan(&ws.ID, &ws.Name, &ws.Timezone, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return gears.ErrNotFound
		}
		if err != nil {
			return gears.Internal("feed: %w", err)
		}
		posts, err = queryAll(tx, "feed posts", scanPost, `SELECT `+postColumns+` FROM posts WHERE workspace_id = ? AND deleted = ? AND scheduled_at >= ?
			ORDER BY scheduled_at LIMIT 5000`, ws.ID, false, millis(now.AddDate(0, -1, 0)))
		if err != nil {
			return err
		}
		return loadDeliveries(tx, posts)
	})
	if err != nil {
		return nil, nil, err
	}
	return &ws, posts, nil
}
