package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"gears"
	"gears/vault"
)

// CrisisService keeps what crisis mode needs between its runs: the
// workspace's sensitivity and baseline, the alerts raised, and the
// channels alerts go to.
type CrisisService struct {
	db    *DB
	vault *vault.Vault
}

// NewCrisisService returns the crisis mode of db; webhook secrets are
// sealed with v.
func NewCrisisService(db *DB, v *vault.Vault) *CrisisService { return &CrisisService{db: db, vault: v} }

// Sensitivities of the spike detector.
var Sensitivities = []string{"low", "medium", "high"}

// Sensitivity returns the workspace's detector sensitivity.
func (s *CrisisService) Sensitivity(ctx context.Context, wsID int64) (string, error) {
	var v string
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		if err := tx.queryRow(`SELECT crisis_sensitivity FROM workspaces WHERE id = ?`, wsID).Scan(&v); err != nil {
			return gears.Internal("sensitivity: %w", err)
		}
		return nil
	})
	return v, err
}

// SetSensitivity sets the detector's sensitivity: low, medium or high.
func (s *CrisisService) SetSensitivity(ctx context.Context, wsID int64, v string) error {
	ok := false
	for _, x := range Sensitivities {
		ok = ok || x == v
	}
	if !ok {
		return gears.Invalid("sensitivity", "inbox.bad_sensitivity")
	}
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE workspaces SET crisis_sensitivity = ? WHERE id = ?`, v, wsID); err != nil {
			return gears.Internal("sensitivity: %w", err)
		}
		return nil
	})
}

// Detection is a workspace's detector state between runs.
type Detection struct {
	WorkspaceID   int64
	TimeZone      string
	Sensitivity   string
	Baseline      []byte    // the detector's JSON; empty at first
	ObservedUntil time.Time // minutes before this are in the baseline
}

// Detections lists every workspace's detector state (for the periodic
// run; not on behalf of a user).
func (s *CrisisService) Detections(ctx context.Context) ([]Detection, error) {
	var list []Detection
	err := s.db.InTx(ctx, func(tx *Tx) error {
		var err error
		list, err = queryAll(tx, "detections", func(r scanner) (Detection, error) {
			var d Detection
			var base string
			var until int64
			err := r.Scan(&d.WorkspaceID, &d.TimeZone, &d.Sensitivity, &base, &until)
			d.Baseline, d.ObservedUntil = []byte(base), fromMillis(until)
			return d, err
		}, `SELECT id, timezone, crisis_sensitivity, crisis_baseline, crisis_observed_until FROM workspaces ORDER BY id`)
		return err
	})
	return list, err
}

// MinuteCount is how many messages from outside arrived in one minute,
// and how many of them were negative.
type MinuteCount struct {
	Start           time.Time
	Total, Negative int
}

// MinuteCounts counts a workspace's inbound messages per minute of
// arrival in [from, to); minutes without messages are left out.
func (s *CrisisService) MinuteCounts(ctx context.Context, wsID int64, from, to time.Time) ([]MinuteCount, error) {
	var list []MinuteCount
	err := s.db.InTx(ctx, func(tx *Tx) error {
		var err error
		list, err = queryAll(tx, "minute counts", func(r scanner) (MinuteCount, error) {
			var m MinuteCount
			var minute int64
			err := r.Scan(&minute, &m.Total, &m.Negative)
			m.Start = fromMillis(minute * 60000)
			return m, err
		}, `SELECT received_at / 60000 AS minute, COUNT(*), SUM(CASE WHEN sentiment = 'negative' THEN 1 ELSE 0 END)
			FROM messages WHERE workspace_id = ? AND received_at >= ? AND received_at < ? AND outbound = ? AND kind <> 'match'
			GROUP BY received_at / 60000 ORDER BY minute`, wsID, millis(from), millis(to), false)
		return err
	})
	return list, err
}

// RaisedAlert is an alert to record: its kind, when its spike began and
// when it was raised, and the detector's alert as JSON.
type RaisedAlert struct {
	Kind      string
	Start, At time.Time
	Data      any
}

// SaveDetection stores the detector's state after a run over the minutes
// from d.ObservedUntil to until, and the alerts it raised, and sends each
// alert to the workspace's channels, in one transaction. A run whose
// starting state another run replaced meanwhile (two runs over the same
// minutes) saves nothing: the minutes are observed once, and a spike
// alerts once.
func (s *CrisisService) SaveDetection(ctx context.Context, d Detection, baseline []byte, until time.Time, alerts []RaisedAlert) error {
	wsID := d.WorkspaceID
	return s.db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE workspaces SET crisis_baseline = ?, crisis_observed_until = ? WHERE id = ? AND crisis_observed_until = ?`,
			string(baseline), millis(until), wsID, millis(d.ObservedUntil))
		if err != nil {
			return gears.Internal("save detection: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		for _, a := range alerts {
			raw, err := json.Marshal(a.Data)
			if err != nil {
				return gears.Internal("save alert: %w", err)
			}
			var id int64
			if err := tx.queryRow(`INSERT INTO crisis_alerts (workspace_id, kind, start, at, data) VALUES (?, ?, ?, ?, ?) RETURNING id`,
				wsID, a.Kind, millis(a.Start), millis(a.At), string(raw)).Scan(&id); err != nil {
				return gears.Internal("save alert: %w", err)
			}
			if err := enqueueNotify(tx, wsID, "crisis.alert", json.RawMessage(raw)); err != nil {
				return err
			}
		}
		return nil
	})
}

// StoredAlert is an alert as stored: the detector's JSON is the caller's
// to read.
type StoredAlert struct {
	ID         int64
	Kind       string
	Start, At  time.Time
	Data       []byte
	IncidentID *int64
}

// FindAlerts lists the workspace's latest alerts, newest first.
func (s *CrisisService) FindAlerts(ctx context.Context, wsID int64, limit int) ([]StoredAlert, error) {
	var list []StoredAlert
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var err error
		list, err = queryAll(tx, "find alerts", func(r scanner) (StoredAlert, error) {
			var a StoredAlert
			var start, at int64
			var data string
			var inc sql.NullInt64
			err := r.Scan(&a.ID, &a.Kind, &start, &at, &data, &inc)
			a.Start, a.At, a.Data, a.IncidentID = fromMillis(start), fromMillis(at), []byte(data), nullID(inc)
			return a, err
		}, `SELECT id, kind, start, at, data, incident_id FROM crisis_alerts WHERE workspace_id = ? ORDER BY at DESC, id DESC LIMIT `+strconv.Itoa(max(1, min(limit, 500))), wsID)
		return err
	})
	return list, err
}

func channelAD(id int64) []byte { return []byte("alert_channel:" + strconv.FormatInt(id, 10)) }

// CreateChannel adds where alerts go. A webhook gets a signing secret,
// returned once, here, and stored sealed. check validates the target (the
// webhook's URL, the address) beyond what the store knows.
func (s *CrisisService) CreateChannel(ctx context.Context, wsID int64, kind gears.AlertChannelKind, target string, check func(string) error) (*gears.AlertChannel, string, error) {
	if kind != gears.AlertWebhook && kind != gears.AlertEmail {
		return nil, "", gears.Invalid("kind", "alerts.bad_kind")
	}
	if check != nil {
		if err := check(target); err != nil {
			return nil, "", err
		}
	}
	var ch gears.AlertChannel
	var secret string
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(`SELECT COUNT(*) FROM alert_channels WHERE workspace_id = ?`, wsID).Scan(&n); err != nil {
			return gears.Internal("count channels: %w", err)
		}
		if n >= 20 {
			return gears.Invalid("", "alerts.too_many", 20)
		}
		ch = gears.AlertChannel{Kind: kind, Target: target, CreatedAt: tx.now()}
		if err := tx.queryRow(`INSERT INTO alert_channels (workspace_id, kind, target, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			wsID, kind, target, millis(ch.CreatedAt)).Scan(&ch.ID); err != nil {
			return gears.Internal("create channel: %w", err)
		}
		if kind == gears.AlertWebhook {
			secret = newSecret("whsec_")
			if _, err := tx.exec(`UPDATE alert_channels SET secret = ? WHERE id = ?`, s.vault.Seal([]byte(secret), channelAD(ch.ID)), ch.ID); err != nil {
				return gears.Internal("create channel: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return &ch, secret, nil
}

// FindChannels lists where the workspace's alerts go.
func (s *CrisisService) FindChannels(ctx context.Context, wsID int64) ([]*gears.AlertChannel, error) {
	var list []*gears.AlertChannel
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var err error
		list, err = queryAll(tx, "find channels", func(r scanner) (*gears.AlertChannel, error) {
			var c gears.AlertChannel
			var at int64
			err := r.Scan(&c.ID, &c.Kind, &c.Target, &at)
			c.CreatedAt = fromMillis(at)
			return &c, err
		}, `SELECT id, kind, target, created_at FROM alert_channels WHERE workspace_id = ? ORDER BY id`, wsID)
		return err
	})
	return list, err
}

// DeleteChannel removes an alert channel.
func (s *CrisisService) DeleteChannel(ctx context.Context, wsID, id int64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		res, err := tx.exec(`DELETE FROM alert_channels WHERE workspace_id = ? AND id = ?`, wsID, id)
		if err != nil {
			return gears.Internal("delete channel: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gears.ErrNotFound
		}
		return nil
	})
}

// TestChannel sends a test event to one channel.
func (s *CrisisService) TestChannel(ctx context.Context, wsID, id int64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(`SELECT COUNT(*) FROM alert_channels WHERE workspace_id = ? AND id = ?`, wsID, id).Scan(&n); err != nil {
			return gears.Internal("test channel: %w", err)
		}
		if n == 0 {
			return gears.ErrNotFound
		}
		return enqueueNotify(tx, wsID, "test", map[string]any{"channel_id": id})
	})
}

// Channel is an alert channel as a sender needs it, with the workspace's
// language and name.
type Channel struct {
	gears.AlertChannel
	Secret        []byte
	WorkspaceName string
	Lang          string
}

// LoadChannel opens one channel for sending (not on behalf of a user).
func (s *CrisisService) LoadChannel(ctx context.Context, id int64) (*Channel, error) {
	var ch Channel
	err := s.db.InTx(ctx, func(tx *Tx) error {
		var sealed string
		var at int64
		err := tx.queryRow(`SELECT c.id, c.kind, c.target, c.secret, c.created_at, w.name, w.language FROM alert_channels c
			JOIN workspaces w ON w.id = c.workspace_id WHERE c.id = ?`, id).
			Scan(&ch.ID, &ch.Kind, &ch.Target, &sealed, &at, &ch.WorkspaceName, &ch.Lang)
		if errors.Is(err, sql.ErrNoRows) {
			return gears.ErrNotFound
		}
		if err != nil {
			return gears.Internal("load channel: %w", err)
		}
		ch.CreatedAt = fromMillis(at)
		if sealed != "" {
			if ch.Secret, err = s.vault.Open(sealed, channelAD(id)); err != nil {
				return gears.Internal("channel %d secret: %w", id, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ch, nil
}
