package web_test

import (
	"context"
	"fmt"

	"gears"
	"gears/store"
)

// The access cases of the report routes, added to accessCases (which
// TestAccess walks).
func init() {
	owner := func(f *fixture) context.Context {
		return gears.NewContextWithUser(context.Background(), f.actors["owner"].user)
	}
	share := func(f *fixture) *gears.ShareLink {
		l, err := store.NewReportService(f.db).CreateShareLink(owner(f), f.ws.ID, gears.ShareLinkCreate{Rolling: true})
		if err != nil {
			panic(err)
		}
		return l
	}
	cases := map[string]accessCase{
		"POST /w/{ws}/reports/share":     inWS("/reports/share", form("kind", "period", "from", "2026-01-01", "to", "2026-01-31")),
		"POST /w/{ws}/reports/schedules": inWS("/reports/schedules", form("frequency", "weekly", "recipients", "client@example.org")),
		"POST /w/{ws}/reports/share/{share}/revoke": func(f *fixture, _ string) (string, string) {
			return inWSPath(f, fmt.Sprintf("/reports/share/%d/revoke", share(f).ID)), ""
		},
		"POST /w/{ws}/reports/schedules/{schedule}/delete": func(f *fixture, _ string) (string, string) {
			s, err := store.NewReportService(f.db).CreateSchedule(owner(f), f.ws.ID, gears.ReportScheduleCreate{Frequency: gears.Monthly, Recipients: []string{"c@example.org"}})
			if err != nil {
				panic(err)
			}
			return inWSPath(f, fmt.Sprintf("/reports/schedules/%d/delete", s.ID)), ""
		},
		"POST /w/{ws}/members/{user}/rate": func(f *fixture, _ string) (string, string) {
			return inWSPath(f, fmt.Sprintf("/members/%d/rate", f.actors["editor"].user.ID)), form("hourly_rate", "35,50")
		},
		"POST /w/{ws}/settings/results": inWS("/settings/results", form("currency", "USD", "engagement_value", "0.10")),
		"GET /share/{token}":            func(f *fixture, _ string) (string, string) { return "/share/" + share(f).Token, "" },

		"GET /api/v1/workspaces/{ws}/reports/summary":     inAPIWS("/reports/summary?from=2026-01-01&to=2026-01-31", ""),
		"GET /api/v1/workspaces/{ws}/reports/summary.csv": inAPIWS("/reports/summary.csv?from=2026-01-01&to=2026-01-31", ""),
		"GET /api/v1/workspaces/{ws}/report.pdf":          inAPIWS("/report.pdf?from=2026-01-01&to=2026-01-31", ""),
	}
	for k, v := range cases {
		if _, dup := accessCases[k]; dup {
			panic("access case written twice: " + k)
		}
		accessCases[k] = v
	}
}
