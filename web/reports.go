package web

import "gears"

// reportRoutes returns the routes of reports: the summary, charts, ROI, PDF
// and CSV exports, schedules, share links and recommendations.
func (s *Server) reportRoutes() []Route {
	return []Route{
		pageRoute("GET", "/w/{ws}/metrics", Workspace, gears.ActionViewReports, s.gearSection("metrics")),
	}
}
