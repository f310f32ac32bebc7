package store

import (
	"context"
	"strconv"
	"time"
)

// PublishForTest marks a delivery published at at with a remote ID, as the
// publishing engine does, without a network.
func PublishForTest(db *DB, deliveryID int64, remoteID string, at time.Time) error {
	return db.InTx(context.Background(), func(tx *Tx) error {
		_, err := tx.exec(`UPDATE deliveries SET status = 'published', remote_id = ?, remote_url = ?, published_at = ? WHERE id = ?`,
			remoteID, "https://example.social/@aurora/"+remoteID, millis(at), deliveryID)
		return err
	})
}

// DailyForTest returns the roll-up's sums of replies, reposts, likes and
// quotes of a workspace, by day (all networks, accounts and campaigns).
func DailyForTest(db *DB, wsID int64) (map[int64][4]int64, error) {
	out := map[int64][4]int64{}
	err := db.InTx(context.Background(), func(tx *Tx) error {
		rows, err := tx.query(`SELECT day, SUM(replies), SUM(reposts), SUM(likes), SUM(quotes) FROM daily_metrics
			WHERE workspace_id = ? GROUP BY day`, wsID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var day int64
			var v [4]int64
			if err := rows.Scan(&day, &v[0], &v[1], &v[2], &v[3]); err != nil {
				return err
			}
			out[day] = v
		}
		return rows.Err()
	})
	return out, err
}

// CountForTest runs a COUNT(*) query.
func CountForTest(db *DB, q string, args ...any) (int, error) {
	var n int
	err := db.InTx(context.Background(), func(tx *Tx) error { return tx.queryRow(q, args...).Scan(&n) })
	return n, err
}

// InsertCompetitorForTest adds a competitor's profile.
func InsertCompetitorForTest(db *DB, wsID int64, network, handle string) (int64, error) {
	var id int64
	err := db.InTx(context.Background(), func(tx *Tx) error {
		return tx.queryRow(`INSERT INTO competitors (workspace_id, name, network, handle, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			wsID, "Rival "+handle, network, handle, millis(tx.now())).Scan(&id)
	})
	return id, err
}

// SeedPublishedForTest inserts n posts of a workspace, each with one
// delivery on account published at at, and returns the deliveries.
func SeedPublishedForTest(db *DB, wsID, accountID int64, n int, at time.Time) ([]int64, error) {
	var ids []int64
	err := db.InTx(context.Background(), func(tx *Tx) error {
		for i := range n {
			var post, d int64
			if err := tx.queryRow(`INSERT INTO posts (workspace_id, text, content_type, status, created_at, updated_at, campaign)
				VALUES (?, 'Seeded', 'message', 'published', ?, ?, 'autumn') RETURNING id`, wsID, millis(at), millis(at)).Scan(&post); err != nil {
				return err
			}
			if err := tx.queryRow(`INSERT INTO deliveries (post_id, account_id, status, idem_key, remote_id, published_at)
				VALUES (?, ?, 'published', ?, ?, ?) RETURNING id`, post, accountID, "k"+strconv.Itoa(i), strconv.Itoa(9000+i), millis(at)).Scan(&d); err != nil {
				return err
			}
			ids = append(ids, d)
		}
		return nil
	})
	return ids, err
}
