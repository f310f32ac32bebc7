package store

import (
	"context"
	"encoding/json"
	"time"

	"gears"
)

// InsertAccountForTest stores an account row without asking a network, for
// tests of what happens after an account is connected.
func InsertAccountForTest(db *DB, wsID int64, network gears.Network, handle string) (int64, error) {
	var id int64
	err := db.InTx(context.Background(), func(tx *Tx) error {
		return tx.queryRow(`INSERT INTO accounts (workspace_id, network, server, handle, remote_id, credentials, status, created_at)
			VALUES (?, ?, 'http://127.0.0.1:9', ?, ?, 'v1:none', 'active', ?) RETURNING id`,
			wsID, network, handle, handle, millis(tx.now())).Scan(&id)
	})
	return id, err
}

// JobsForTest lists the publish jobs waiting in River: delivery ID and version.
func JobsForTest(db *DB) ([][2]int64, error) {
	var out [][2]int64
	err := db.InTx(context.Background(), func(tx *Tx) error {
		args := "args"
		if db.dialect == SQLite {
			args = "json(args)" // River stores JSONB there
		}
		rows, err := tx.query(`SELECT ` + args + ` FROM river_job WHERE kind = 'publish' AND state IN ('available', 'scheduled') ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var args []byte
			if err := rows.Scan(&args); err != nil {
				return err
			}
			var a struct {
				DeliveryID int64 `json:"delivery_id"`
				Version    int64 `json:"version"`
			}
			if err := jsonUnmarshal(args, &a); err != nil {
				return err
			}
			out = append(out, [2]int64{a.DeliveryID, a.Version})
		}
		return rows.Err()
	})
	return out, err
}

var jsonUnmarshal = func(b []byte, v any) error { return json.Unmarshal(b, v) }

// AddDailyForTest adds to the daily roll-up of results and returns the row's
// likes and conversion value after it.
func AddDailyForTest(db *DB, ws int64, at time.Time, loc *time.Location, network string, likes, valueCents int64) (int64, int64, error) {
	k := dailyKey{Workspace: ws, Day: epochDay(at, loc), Network: network}
	var gotLikes, gotValue int64
	err := db.InTx(context.Background(), func(tx *Tx) error {
		if err := tx.addDaily(k, dailyDelta{Likes: likes, ConversionValueCents: valueCents}); err != nil {
			return err
		}
		return tx.queryRow(`SELECT likes, conversion_value_cents FROM daily_metrics
			WHERE workspace_id = ? AND day = ? AND network = ? AND account_id = 0 AND campaign = ''`,
			k.Workspace, k.Day, k.Network).Scan(&gotLikes, &gotValue)
	})
	return gotLikes, gotValue, err
}

// EpochDayForTest is epochDay.
func EpochDayForTest(t time.Time, loc *time.Location) int64 { return epochDay(t, loc) }
