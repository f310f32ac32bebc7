package web

import "gears"

// routeTable lists every page, form action and API endpoint, with who may
// reach it. The access test walks this table: a route added here without a
// test case fails it.
func (s *Server) routeTable() []Route {
	page := func(method, pattern string, access Access, action gears.Action, h handlerFunc) Route {
		return Route{Method: method, Pattern: pattern, Access: access, Action: action, handle: h}
	}
	api := func(method, pattern string, access Access, action gears.Action, h handlerFunc) Route {
		return Route{Method: method, Pattern: "/api/v1" + pattern, API: true, Access: access, Action: action, handle: h}
	}
	const (
		view     = gears.ActionView
		edit     = gears.ActionEdit
		reports  = gears.ActionViewReports
		members  = gears.ActionManageMembers
		settings = gears.ActionManageSettings
		del      = gears.ActionDeleteWorkspace
	)
	_ = edit
	return []Route{
		// Signing in and out, first run, invitations, language.
		page("GET", "/login", Public, "", s.loginPage),
		page("POST", "/login", Public, "", s.login),
		page("POST", "/logout", Public, "", s.logout),
		page("GET", "/setup", Public, "", s.setupPage),
		page("POST", "/setup", Public, "", s.completeSetup),
		page("GET", "/invite/{token}", Public, "", s.invitePage),
		page("POST", "/invite/{token}", Public, "", s.acceptInvite),
		page("POST", "/settings/language", Public, "", s.setLanguage),

		// The signed-in user's own pages.
		page("GET", "/{$}", SignedIn, "", s.home),
		page("GET", "/switch", SignedIn, "", s.switchWorkspace),
		page("GET", "/workspaces/new", SignedIn, "", s.newWorkspacePage),
		page("POST", "/workspaces", SignedIn, "", s.createWorkspace),
		page("POST", "/demo", SignedIn, "", s.loadDemo),
		page("GET", "/settings/profile", SignedIn, "", s.profilePage),
		page("POST", "/settings/profile", SignedIn, "", s.updateProfile),
		page("POST", "/settings/tokens", SignedIn, "", s.createTokenForm),
		page("POST", "/settings/tokens/{id}/delete", SignedIn, "", s.deleteTokenForm),

		// A workspace's pages.
		page("GET", "/w/{ws}/{$}", Workspace, view, s.overview),
		page("GET", "/w/{ws}/planner", Workspace, view, s.plannerPage),
		page("GET", "/w/{ws}/strategy", Workspace, view, s.gearSection("strategy")),
		page("GET", "/w/{ws}/calendar", Workspace, view, s.gearSection("calendar")),
		page("GET", "/w/{ws}/inbox", Workspace, view, s.gearSection("inbox")),
		page("GET", "/w/{ws}/metrics", Workspace, reports, s.gearSection("metrics")),
		page("GET", "/w/{ws}/settings", Workspace, settings, s.settingsPage),
		page("POST", "/w/{ws}/settings", Workspace, settings, s.updateSettings),
		page("POST", "/w/{ws}/delete", Workspace, del, s.deleteWorkspace),
		page("GET", "/w/{ws}/members", Workspace, view, s.membersPage),
		page("POST", "/w/{ws}/members", Workspace, members, s.addMember),
		page("POST", "/w/{ws}/members/{user}/role", Workspace, members, s.setMemberRole),
		page("POST", "/w/{ws}/members/{user}/remove", Workspace, view, s.removeMember),
		page("POST", "/w/{ws}/invitations/{inv}/revoke", Workspace, members, s.revokeInvitation),

		// The JSON API.
		api("GET", "/me", SignedIn, "", s.apiMe),
		api("PATCH", "/me", SignedIn, "", s.apiUpdateMe),
		api("GET", "/tokens", SignedIn, "", s.apiTokens),
		api("POST", "/tokens", SignedIn, "", s.apiCreateToken),
		api("DELETE", "/tokens/{id}", SignedIn, "", s.apiDeleteToken),
		api("POST", "/plans/estimate", SignedIn, "", s.apiEstimate),
		api("GET", "/workspaces", SignedIn, "", s.apiWorkspaces),
		api("POST", "/workspaces", SignedIn, "", s.apiCreateWorkspace),
		api("GET", "/workspaces/{ws}", Workspace, view, s.apiWorkspace),
		api("PATCH", "/workspaces/{ws}", Workspace, settings, s.apiUpdateWorkspace),
		api("DELETE", "/workspaces/{ws}", Workspace, del, s.apiDeleteWorkspace),
		api("GET", "/workspaces/{ws}/members", Workspace, view, s.apiMembers),
		api("POST", "/workspaces/{ws}/members", Workspace, members, s.apiAddMember),
		api("PATCH", "/workspaces/{ws}/members/{user}", Workspace, members, s.apiSetMemberRole),
		api("DELETE", "/workspaces/{ws}/members/{user}", Workspace, view, s.apiRemoveMember),
	}
}
