package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gears"
)

// BenchmarkReportSummary times the summary of a year for a workspace whose
// year holds 10,000,000 raw metric readings (post_metric_readings) on
// SQLite. The database is filled once per run: 40,000 deliveries of a
// year (10 accounts, about 110 posts a day, five campaigns) with 250
// readings each, rolled into daily_metrics by RebuildDaily (the bulk path,
// which TestRebuildDailyMatchesReadings holds equal to recording readings
// one by one), plus a year of clicks and conversions, follower counts, a
// team of six tracking time every working day, and campaign spend. Then
// Summary is timed; p95-ms is the 95th percentile of its calls.
//
// GEARS_BENCH_READINGS sets another number of readings (for a quick run).
func BenchmarkReportSummary(b *testing.B) {
	readings := 10_000_000
	if s := os.Getenv("GEARS_BENCH_READINGS"); s != "" {
		readings, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	db, err := Open(ctx, Options{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	ws, owner := fillYear(b, db, readings)
	fill := time.Since(start)
	var n int64
	if err := db.db.QueryRow(`SELECT COUNT(*) FROM post_metric_readings`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	var daily int64
	db.db.QueryRow(`SELECT COUNT(*) FROM daily_metrics WHERE workspace_id = ?`, ws).Scan(&daily)
	b.Logf("filled %d readings (%d roll-up rows) in %s", n, daily, fill.Round(time.Second))

	s := NewReportService(db)
	as := gears.NewContextWithUser(ctx, owner)
	year := gears.ReportPeriod{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}
	if sum, err := s.Summary(as, ws, year); err != nil {
		b.Fatal(err)
	} else {
		b.Logf("summary: %+v", *sum)
	}
	b.Run("summary", func(b *testing.B) {
		times := make([]time.Duration, 0, b.N)
		for b.Loop() {
			t0 := time.Now()
			if _, err := s.Summary(as, ws, year); err != nil {
				b.Fatal(err)
			}
			times = append(times, time.Since(t0))
		}
		slices.Sort(times)
		b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
	})
	for _, order := range []gears.PostSort{gears.SortEngagements, gears.SortClicks} {
		b.Run("top-posts-"+string(order), func(b *testing.B) {
			times := make([]time.Duration, 0, b.N)
			for b.Loop() {
				t0 := time.Now()
				if _, err := s.TopPosts(as, ws, year, order, ReportTopPosts); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t0))
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
	b.Run("report", func(b *testing.B) {
		times := make([]time.Duration, 0, b.N)
		for b.Loop() {
			t0 := time.Now()
			if _, err := s.Report(as, ws, year); err != nil {
				b.Fatal(err)
			}
			times = append(times, time.Since(t0))
		}
		slices.Sort(times)
		b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
	})
}

// fillYear writes the benchmark's year of 2025 and returns the workspace
// and its owner.
func fillYear(b *testing.B, db *DB, readings int) (int64, *gears.User) {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(6, 2025))
	users := NewUserService(db)
	var people []*gears.User
	for i := range 6 {
		u, err := users.CreateUser(ctx, gears.UserCreate{Email: fmt.Sprintf("p%d@example.com", i), Name: fmt.Sprintf("Person %d", i), Password: "correct horse battery"})
		if err != nil {
			b.Fatal(err)
		}
		people = append(people, u)
	}
	var ws int64
	err := db.InTx(ctx, func(tx *Tx) error {
		w, err := createWorkspace(tx, people[0].ID, gears.WorkspaceCreate{Name: "Bench", Timezone: "Europe/Madrid"})
		if err != nil {
			return err
		}
		ws = w.ID
		for i, p := range people[1:] {
			if err := addMembership(tx, ws, p.ID, gears.RoleEditor); err != nil {
				return err
			}
			if i < 4 { // one person has no rate
				if _, err := tx.exec(`UPDATE memberships SET hourly_rate_cents = ? WHERE workspace_id = ? AND user_id = ?`, 2500+500*i, ws, p.ID); err != nil {
					return err
				}
			}
		}
		_, err = tx.exec(`UPDATE workspaces SET engagement_value_cents = 20 WHERE id = ?`, ws)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	var accounts []int64
	networks := []string{}
	for i := range 10 {
		n := gears.Mastodon
		if i%2 == 1 {
			n = gears.Bluesky
		}
		id, err := InsertAccountForTest(db, ws, n, fmt.Sprintf("@bench%d", i))
		if err != nil {
			b.Fatal(err)
		}
		accounts = append(accounts, id)
		networks = append(networks, string(n))
	}
	campaigns := []string{"", "spring", "summer", "launch", "holidays"}
	loc, _ := time.LoadLocation("Europe/Madrid")
	yearStart := time.Date(2025, 1, 1, 0, 0, 0, 0, loc)
	const perDelivery = 250
	deliveries := max(readings/perDelivery, 1)

	// Posts, deliveries and their latest counts, in batches.
	err = db.InTx(ctx, func(tx *Tx) error {
		for i, c := range campaigns[1:] {
			if _, err := tx.exec(`INSERT INTO campaigns (workspace_id, name, starts_at, ends_at, created_at) VALUES (?, ?, ?, ?, ?)`,
				ws, c, yearStart.UnixMilli(), yearStart.AddDate(1, 0, 0).UnixMilli(), 0); err != nil {
				return err
			}
			for m := range 12 {
				if _, err := tx.exec(`INSERT INTO campaign_spend (campaign_id, amount_cents, spent_at, created_at)
					SELECT id, ?, ?, 0 FROM campaigns WHERE workspace_id = ? AND name = ?`,
					10000+1000*i, yearStart.AddDate(0, m, 3).UnixMilli(), ws, c); err != nil {
					return err
				}
			}
		}
		post, err := tx.prepare(`INSERT INTO posts (id, workspace_id, author_id, text, content_type, campaign, status, created_at, updated_at)
			VALUES (?, ?, ?, 'Bench post', 'update', ?, 'published', 0, 0)`)
		if err != nil {
			return err
		}
		del, err := tx.prepare(`INSERT INTO deliveries (id, post_id, account_id, status, idem_key, published_at) VALUES (?, ?, ?, 'published', ?, ?)`)
		if err != nil {
			return err
		}
		pm, err := tx.prepare(`INSERT INTO post_metrics (delivery_id, workspace_id, post_id, account_id, network, published_at, reads)
			VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		for d := range deliveries {
			id := int64(d + 1)
			a := d % len(accounts)
			at := yearStart.Add(time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
			if _, err := post.ExecContext(tx.ctx, id, ws, people[0].ID, campaigns[d%len(campaigns)]); err != nil {
				return err
			}
			if _, err := del.ExecContext(tx.ctx, id, id, accounts[a], "bench-"+strconv.Itoa(d), at.UnixMilli()); err != nil {
				return err
			}
			if _, err := pm.ExecContext(tx.ctx, id, ws, id, accounts[a], networks[a], at.UnixMilli(), perDelivery); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}

	// The readings: 250 per delivery, hourly, counts growing with noise
	// (now and then one less: an unlike).
	type pub struct{ id, at int64 }
	var pubs []pub
	rows, err := db.db.Query(`SELECT delivery_id, published_at FROM post_metrics WHERE workspace_id = ? ORDER BY delivery_id`, ws)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var p pub
		rows.Scan(&p.id, &p.at)
		pubs = append(pubs, p)
	}
	rows.Close()
	const batch = 200
	insert := `INSERT INTO post_metric_readings (delivery_id, read_at, replies, reposts, likes, quotes) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", batch), ", ")
	args := make([]any, 0, batch*6)
	left := readings
	for start := 0; start < len(pubs); start += 200 {
		err := db.InTx(ctx, func(tx *Tx) error {
			stmt, err := tx.prepare(insert)
			if err != nil {
				return err
			}
			flush := func() error {
				if len(args) == 0 {
					return nil
				}
				if len(args) < batch*6 {
					n := len(args) / 6
					_, err := tx.exec(`INSERT INTO post_metric_readings (delivery_id, read_at, replies, reposts, likes, quotes) VALUES `+
						strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", n), ", "), args...)
					args = args[:0]
					return err
				}
				_, err := stmt.ExecContext(tx.ctx, args...)
				args = args[:0]
				return err
			}
			for _, p := range pubs[start:min(start+200, len(pubs))] {
				var c [4]int64
				for r := range perDelivery {
					if left == 0 {
						break
					}
					left--
					c[0] += rng.Int64N(2)
					c[1] += rng.Int64N(3)
					c[2] += rng.Int64N(6) - map[bool]int64{true: 1, false: 0}[c[2] > 0 && rng.IntN(20) == 0]
					c[3] += rng.Int64N(2) * rng.Int64N(2)
					args = append(args, p.id, p.at+int64(r+1)*3_600_000, c[0], c[1], c[2], c[3])
					if len(args) == batch*6 {
						if err := flush(); err != nil {
							return err
						}
					}
				}
			}
			return flush()
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := db.RebuildDaily(ctx, ws); err != nil {
		b.Fatal(err)
	}

	// Clicks and conversions every day, follower counts, tracked time.
	err = db.InTx(ctx, func(tx *Tx) error {
		for day := range 365 {
			date := yearStart.AddDate(0, 0, day)
			ed := epochDay(date, loc)
			for a, acc := range accounts {
				if _, err := tx.exec(`INSERT INTO follower_counts (workspace_id, account_id, day, followers, read_at) VALUES (?, ?, ?, ?, 0)`,
					ws, acc, ed, 1000+a*100+day*3+rng.IntN(5)); err != nil {
					return err
				}
			}
			for i, c := range campaigns {
				if err := tx.addDaily(dailyKey{Workspace: ws, Day: ed, Network: networks[i%2], Campaign: c},
					dailyDelta{Clicks: rng.Int64N(40), Conversions: 2, ConversionValueCents: 3000, UnvaluedConversions: 1}); err != nil {
					return err
				}
			}
			if wd := date.Weekday(); wd == time.Saturday || wd == time.Sunday {
				continue
			}
			for _, p := range people {
				for k, act := range []string{"strategy.research", "maintenance.engagement", "maintenance.monitoring", "maintenance.calendar", "metrics.performance", "metrics.roi"} {
					if _, err := tx.exec(`INSERT INTO time_entries (workspace_id, user_id, activity_key, started_at, minutes, running, source)
						VALUES (?, ?, ?, ?, ?, ?, 'manual')`, ws, p.ID, act, date.Add(time.Duration(9+k)*time.Hour).UnixMilli(), 15+rng.IntN(60), false); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.db.Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
	return ws, people[0]
}
