package store

import (
	"context"
	"database/sql"
	"errors"
)

// DailyResultsForTest reads one row of the daily roll-up (zeros when it
// does not exist): clicks, conversions, their value and the unvalued ones.
func DailyResultsForTest(db *DB, ws, day int64, network, campaign string) (clicks, conversions, value, unvalued int64, err error) {
	err = db.InTx(context.Background(), func(tx *Tx) error {
		err := tx.queryRow(`SELECT clicks, conversions, conversion_value_cents, unvalued_conversions FROM daily_metrics
			WHERE workspace_id = ? AND day = ? AND network = ? AND account_id = 0 AND campaign = ?`, ws, day, network, campaign).
			Scan(&clicks, &conversions, &value, &unvalued)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return
}

// ColumnsForTest lists the columns of a table.
func ColumnsForTest(db *DB, table string) ([]string, error) {
	q := `SELECT name FROM pragma_table_info(?) ORDER BY cid`
	if db.dialect == Postgres {
		q = `SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position`
	}
	var cols []string
	err := db.InTx(context.Background(), func(tx *Tx) error {
		var err error
		cols, err = queryAll(tx, "columns", func(r scanner) (string, error) {
			var s string
			return s, r.Scan(&s)
		}, q, table)
		return err
	})
	return cols, err
}
