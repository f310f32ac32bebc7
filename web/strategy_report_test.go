package web

import "testing"

// The objective's PDF link asks for a period a report accepts, whatever
// the objective's dates.
func TestObjectiveReportURL(t *testing.T) {
	for _, c := range []struct{ start, today, want string }{
		{"2026-10-01", "2026-11-26", "/api/v1/workspaces/7/report.pdf?from=2026-10-01&to=2026-11-26"},
		{"2026-12-01", "2026-11-26", "/api/v1/workspaces/7/report.pdf?from=2026-11-26&to=2026-11-26"}, // not started yet
		{"2020-01-01", "2026-11-26", "/api/v1/workspaces/7/report.pdf?from=2023-11-25&to=2026-11-26"}, // longer than a report
		{"2026-10-01", "", ""},
	} {
		if got := objectiveReportURL(7, c.start, c.today); got != c.want {
			t.Errorf("objectiveReportURL(%s, %s) = %q, want %q", c.start, c.today, got, c.want)
		}
	}
}
