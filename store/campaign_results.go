package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gears"
	"gears/roi"
)

// CampaignResults is how a campaign did over its days so far: what it
// published and gained, and its line of ROI by campaign (hours tagged with
// it, its spend, the value of its conversions and engagements).
type CampaignResults struct {
	Period      gears.ReportPeriod `json:"period"` // its start to its end, or to today while it runs
	Posts       int64              `json:"posts"`  // deliveries of its posts published in Period
	Engagements int64              `json:"engagements"`
	Clicks      int64              `json:"clicks"`
	Conversions int64              `json:"conversions"`
	ROI         roi.Line           `json:"roi"`
	// Redacted: names and rates are out of ROI's steps, as in reports.
	Redacted bool `json:"-"`
}

// CampaignResults returns the results of a campaign of the workspace, for
// those who may view reports; nil (and no error) before it starts. A
// campaign longer than gears.MaxReportDays is read over its last days.
func (s *ReportService) CampaignResults(ctx context.Context, wsID, campaignID int64, today time.Time) (*CampaignResults, error) {
	var out *CampaignResults
	err := s.db.InTx(ctx, func(tx *Tx) error {
		role, err := authorize(tx, wsID, gears.ActionViewReports)
		if err != nil {
			return err
		}
		var name string
		var starts, ends int64
		err = tx.queryRow(`SELECT name, starts_at, ends_at FROM campaigns WHERE id = ? AND workspace_id = ?`, campaignID, wsID).
			Scan(&name, &starts, &ends)
		if errors.Is(err, sql.ErrNoRows) {
			return gears.ErrNotFound
		}
		if err != nil {
			return gears.Internal("find campaign: %w", err)
		}
		loc, err := workspaceLocation(tx, wsID)
		if err != nil {
			return err
		}
		p := campaignPeriod(fromMillis(starts).In(loc), fromMillis(ends).In(loc), today.In(loc))
		if p == nil {
			return nil
		}
		g, err := gather(tx, wsID, *p)
		if err != nil {
			return err
		}
		r, err := roi.Compute(g.inputs(), roi.ByCampaign)
		if err != nil {
			return gears.Internal("campaign roi: %w", err)
		}
		redact := !role.Can(gears.ActionManageMembers)
		if redact {
			redactReport(&r)
		}
		out = &CampaignResults{Period: *p, Redacted: redact, ROI: roi.Line{Key: name, Cost: roi.Money{Currency: g.ws.currency},
			Value: roi.Money{Currency: g.ws.currency}, Missing: []roi.Missing{}}}
		for _, l := range r.Lines {
			if l.Key == name {
				out.ROI = l
			}
		}
		if err := tx.queryRow(`SELECT COALESCE(SUM(replies + reposts + likes + quotes), 0), COALESCE(SUM(clicks), 0), COALESCE(SUM(conversions), 0)
			FROM daily_metrics WHERE workspace_id = ? AND campaign = ? AND day >= ? AND day <= ?`, wsID, name, g.from, g.to).
			Scan(&out.Engagements, &out.Clicks, &out.Conversions); err != nil {
			return gears.Internal("campaign results: %w", err)
		}
		return tx.queryRow(`SELECT COUNT(*) FROM deliveries d JOIN posts p ON p.id = d.post_id
			WHERE p.workspace_id = ? AND p.campaign = ? AND p.reply_to = '' AND d.status = 'published' AND d.published_at >= ? AND d.published_at < ?`,
			wsID, name, g.start, g.end).Scan(&out.Posts)
	})
	return out, err
}

// campaignPeriod is the report period of a campaign running from its
// first local day to its last (ends, local midnight of the day after or
// of the last day), cut at today, and to its last gears.MaxReportDays;
// nil before it starts.
func campaignPeriod(starts, ends, today time.Time) *gears.ReportPeriod {
	day := func(t time.Time) time.Time {
		y, m, d := t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	from, to, now := day(starts), day(ends), day(today)
	if now.Before(from) {
		return nil
	}
	if now.Before(to) {
		to = now
	}
	if to.Before(from) {
		to = from
	}
	if min := to.AddDate(0, 0, -(gears.MaxReportDays - 1)); from.Before(min) {
		from = min
	}
	return &gears.ReportPeriod{From: from, To: to}
}
