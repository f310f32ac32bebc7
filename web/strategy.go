package web

import "gears"

// strategyRoutes returns the routes of the strategy gear: research,
// competitors, the communication strategy, objectives and KPIs, the
// platform set-up checklist and campaigns.
func (s *Server) strategyRoutes() []Route {
	return []Route{
		pageRoute("GET", "/w/{ws}/strategy", Workspace, gears.ActionView, s.gearSection("strategy")),
	}
}
