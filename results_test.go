package gears_test

import (
	"testing"
	"time"

	"gears"
)

func TestReportPeriodPrevious(t *testing.T) {
	d := func(s string) time.Time {
		t, err := time.Parse(gears.DateLayout, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	for _, c := range []struct{ from, to, wantFrom, wantTo string }{
		{"2026-01-01", "2026-01-31", "2025-12-01", "2025-12-31"}, // 31 days
		{"2026-03-01", "2026-03-31", "2026-01-29", "2026-02-28"}, // 31 days before a 31-day March
		{"2026-03-01", "2026-03-01", "2026-02-28", "2026-02-28"}, // one day
		{"2024-03-01", "2024-03-07", "2024-02-23", "2024-02-29"}, // across a leap day
	} {
		got := gears.ReportPeriod{From: d(c.from), To: d(c.to)}.Previous()
		if got.From != d(c.wantFrom) || got.To != d(c.wantTo) {
			t.Errorf("before %s..%s: %s..%s, want %s..%s", c.from, c.to,
				got.From.Format(gears.DateLayout), got.To.Format(gears.DateLayout), c.wantFrom, c.wantTo)
		}
	}
}
