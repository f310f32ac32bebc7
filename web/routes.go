package web

import "gears"

// routeTable lists every page, form action and API endpoint, with who may
// reach it. The access test walks this table: a route added here without a
// test case fails it.
func (s *Server) routeTable() []Route {
	routes := s.coreRoutes()
	// The strategy and results gears keep their routes beside their
	// handlers; the access test walks them all the same.
	for _, more := range [][]Route{s.strategyRoutes(), s.metricsRoutes(), s.linkRoutes(), s.reportRoutes()} {
		routes = append(routes, more...)
	}
	return routes
}

// pageRoute and apiRoute build the routes of the table: a page or form
// action, and an endpoint of the JSON API under /api/v1.
func pageRoute(method, pattern string, access Access, action gears.Action, h handlerFunc) Route {
	return Route{Method: method, Pattern: pattern, Access: access, Action: action, handle: h}
}

func apiRoute(method, pattern string, access Access, action gears.Action, h handlerFunc) Route {
	return Route{Method: method, Pattern: "/api/v1" + pattern, API: true, Access: access, Action: action, handle: h}
}

// coreRoutes are the routes of the foundation, the planner, publishing and
// the inbox.
func (s *Server) coreRoutes() []Route {
	page, api := pageRoute, apiRoute
	const (
		view     = gears.ActionView
		edit     = gears.ActionEdit
		approve  = gears.ActionApprove
		track    = gears.ActionTrackTime
		reports  = gears.ActionViewReports
		members  = gears.ActionManageMembers
		settings = gears.ActionManageSettings
		del      = gears.ActionDeleteWorkspace
	)
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
		page("GET", "/w/{ws}/calendar", Workspace, view, s.calendarPage),
		page("GET", "/w/{ws}/calendar.csv", Workspace, view, s.calendarCSV),
		page("GET", "/w/{ws}/calendar/import", Workspace, edit, s.importPage),
		{Method: "POST", Pattern: "/w/{ws}/calendar/import", Access: Workspace, Action: edit, MaxBody: 2 * maxImport, handle: s.importCalendar},
		page("POST", "/w/{ws}/calendar/feed/reset", Workspace, settings, s.resetFeed),
		page("GET", "/ical/{token}", Public, "", s.icalFeed),
		page("GET", "/w/{ws}/posts/new", Workspace, edit, s.newPostPage),
		page("POST", "/w/{ws}/posts", Workspace, edit, s.savePost),
		page("GET", "/w/{ws}/posts/{post}", Workspace, view, s.postPage),
		page("POST", "/w/{ws}/posts/{post}", Workspace, edit, s.savePost),
		page("POST", "/w/{ws}/posts/{post}/submit", Workspace, edit, s.postAction("submit")),
		page("POST", "/w/{ws}/posts/{post}/approve", Workspace, approve, s.postAction("approve")),
		page("POST", "/w/{ws}/posts/{post}/send-back", Workspace, approve, s.postAction("send-back")),
		page("POST", "/w/{ws}/posts/{post}/publish-now", Workspace, edit, s.postAction("publish-now")),
		page("POST", "/w/{ws}/posts/{post}/reschedule", Workspace, edit, s.postAction("reschedule")),
		page("POST", "/w/{ws}/posts/{post}/delete", Workspace, edit, s.postAction("delete")),
		page("POST", "/w/{ws}/posts/{post}/comment", Workspace, view, s.postAction("comment")),
		page("POST", "/w/{ws}/publishing/pause", Workspace, settings, s.setPaused(true)),
		page("POST", "/w/{ws}/publishing/resume", Workspace, settings, s.setPaused(false)),
		page("POST", "/w/{ws}/publishing/approval", Workspace, settings, s.setApproval),
		page("GET", "/w/{ws}/accounts", Workspace, view, s.accountsPage),
		page("POST", "/w/{ws}/accounts", Workspace, settings, s.connectAccount),
		page("POST", "/w/{ws}/accounts/{account}/disconnect", Workspace, settings, s.disconnectAccount),
		page("POST", "/w/{ws}/accounts/mastodon/authorize", Workspace, settings, s.startMastodonOAuth),
		page("GET", "/oauth/mastodon/callback", SignedIn, "", s.finishMastodonOAuth),
		page("GET", "/w/{ws}/media", Workspace, view, s.mediaPage),
		{Method: "POST", Pattern: "/w/{ws}/media", Access: Workspace, Action: edit, MaxBody: maxUpload, handle: s.uploadMediaForm},
		page("GET", "/w/{ws}/media/{media}", Workspace, view, s.serveMedia),
		page("POST", "/w/{ws}/media/{media}/alt", Workspace, edit, s.mediaAction("alt")),
		page("POST", "/w/{ws}/media/{media}/delete", Workspace, edit, s.mediaAction("delete")),
		page("GET", "/w/{ws}/inbox", Workspace, view, s.inboxPage),
		page("GET", "/w/{ws}/inbox/{conv}", Workspace, view, s.conversationPage),
		page("POST", "/w/{ws}/inbox/{conv}", Workspace, edit, s.updateConversationForm),
		page("POST", "/w/{ws}/inbox/{conv}/reply", Workspace, edit, s.replyForm),
		page("POST", "/w/{ws}/inbox/{conv}/notes", Workspace, edit, s.addNoteForm),
		page("GET", "/w/{ws}/listening", Workspace, view, s.listeningPage),
		page("POST", "/w/{ws}/listening", Workspace, edit, s.createSearchForm),
		page("POST", "/w/{ws}/listening/{search}/pause", Workspace, edit, s.searchAction("pause")),
		page("POST", "/w/{ws}/listening/{search}/delete", Workspace, edit, s.searchAction("delete")),
		page("POST", "/w/{ws}/replies", Workspace, edit, s.createReplyForm),
		page("POST", "/w/{ws}/replies/{reply}/delete", Workspace, edit, s.deleteReplyForm),
		page("GET", "/w/{ws}/incidents", Workspace, view, s.incidentsPage),
		page("POST", "/w/{ws}/incidents", Workspace, edit, s.createIncidentForm),
		page("GET", "/w/{ws}/incidents/{incident}", Workspace, view, s.incidentPage),
		page("POST", "/w/{ws}/incidents/{incident}", Workspace, edit, s.updateIncidentForm),
		page("GET", "/w/{ws}/crisis", Workspace, settings, s.crisisPage),
		page("POST", "/w/{ws}/crisis", Workspace, settings, s.updateCrisisForm),
		page("POST", "/w/{ws}/crisis/channels", Workspace, settings, s.createChannelForm),
		page("POST", "/w/{ws}/crisis/channels/{channel}/delete", Workspace, settings, s.channelAction("delete")),
		page("POST", "/w/{ws}/crisis/channels/{channel}/test", Workspace, settings, s.channelAction("test")),
		page("GET", "/w/{ws}/settings", Workspace, settings, s.settingsPage),
		page("POST", "/w/{ws}/settings", Workspace, settings, s.updateSettings),
		page("POST", "/w/{ws}/delete", Workspace, del, s.deleteWorkspace),
		page("GET", "/w/{ws}/members", Workspace, view, s.membersPage),
		page("POST", "/w/{ws}/members", Workspace, members, s.addMember),
		page("POST", "/w/{ws}/members/{user}/role", Workspace, members, s.setMemberRole),
		page("POST", "/w/{ws}/members/{user}/remove", Workspace, view, s.removeMember),
		page("POST", "/w/{ws}/invitations/{inv}/revoke", Workspace, members, s.revokeInvitation),

		// The planner's work. The actions agree with what package store
		// enforces: plans are edited by whoever plans (edit); activating a
		// plan replaces the team's tasks and, like assigning them and
		// setting capacity, is a manager's call (manage_members); everyone
		// who works tracks their own time (track_time); the board is every
		// member's, each seeing the hours they may see (view); planned
		// against actual, the heat map, its CSV and calibration are reports
		// (view_reports); the counts of work done are typed by whoever
		// plans (edit), on the calibration page or through the API.
		page("POST", "/w/{ws}/plans", Workspace, edit, s.createPlanForm),
		page("POST", "/w/{ws}/plans/{plan}", Workspace, edit, s.updatePlanForm),
		page("POST", "/w/{ws}/plans/{plan}/delete", Workspace, edit, s.deletePlanForm),
		page("POST", "/w/{ws}/plans/{plan}/activate", Workspace, members, s.activatePlanForm),
		page("GET", "/w/{ws}/planner/compare", Workspace, view, s.comparePage),
		page("GET", "/w/{ws}/board", Workspace, view, s.boardPage),
		page("POST", "/w/{ws}/tasks/{task}/assign", Workspace, members, s.assignTaskForm),
		page("GET", "/w/{ws}/time", Workspace, track, s.timePage),
		page("POST", "/w/{ws}/time", Workspace, track, s.addTimeForm),
		page("POST", "/w/{ws}/time/start", Workspace, track, s.startTimerForm),
		page("POST", "/w/{ws}/time/stop", Workspace, track, s.stopTimerForm),
		page("POST", "/w/{ws}/time/{entry}/delete", Workspace, track, s.deleteTimeForm),
		page("GET", "/w/{ws}/workload", Workspace, reports, s.workloadPage),
		page("GET", "/w/{ws}/workload.csv", Workspace, reports, s.workloadCSV),
		page("POST", "/w/{ws}/capacity/{user}", Workspace, members, s.setCapacityForm),
		page("GET", "/w/{ws}/calibration", Workspace, reports, s.calibrationPage),
		page("POST", "/w/{ws}/work-counts", Workspace, edit, s.workCountsForm),

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
		api("GET", "/workspaces/{ws}/plans", Workspace, view, s.apiPlans),
		api("POST", "/workspaces/{ws}/plans", Workspace, edit, s.apiCreatePlan),
		api("GET", "/workspaces/{ws}/plans/{plan}", Workspace, view, s.apiPlan),
		api("PATCH", "/workspaces/{ws}/plans/{plan}", Workspace, edit, s.apiUpdatePlan),
		api("DELETE", "/workspaces/{ws}/plans/{plan}", Workspace, edit, s.apiDeletePlan),
		api("POST", "/workspaces/{ws}/plans/{plan}/activate", Workspace, members, s.apiActivatePlan),
		api("GET", "/workspaces/{ws}/tasks", Workspace, view, s.apiTasks),
		api("PATCH", "/workspaces/{ws}/tasks/{task}", Workspace, members, s.apiAssignTask),
		api("GET", "/workspaces/{ws}/time", Workspace, view, s.apiTime),
		api("POST", "/workspaces/{ws}/time", Workspace, track, s.apiAddTime),
		api("DELETE", "/workspaces/{ws}/time/{entry}", Workspace, track, s.apiDeleteTime),
		api("POST", "/workspaces/{ws}/time/timer/start", Workspace, track, s.apiStartTimer),
		api("POST", "/workspaces/{ws}/time/timer/stop", Workspace, track, s.apiStopTimer),
		api("GET", "/workspaces/{ws}/workload", Workspace, reports, s.apiWorkload),
		api("GET", "/workspaces/{ws}/workload.csv", Workspace, reports, s.workloadCSV),
		api("PUT", "/workspaces/{ws}/capacity/{user}", Workspace, members, s.apiSetCapacity),
		api("PUT", "/workspaces/{ws}/work-counts/{week}", Workspace, edit, s.apiSetWorkCount),
		api("GET", "/workspaces/{ws}/calibration", Workspace, reports, s.apiCalibration),
		api("GET", "/workspaces/{ws}/accounts", Workspace, view, s.apiAccounts),
		api("POST", "/workspaces/{ws}/accounts", Workspace, settings, s.apiConnectAccount),
		api("DELETE", "/workspaces/{ws}/accounts/{account}", Workspace, settings, s.apiDisconnectAccount),
		api("GET", "/workspaces/{ws}/media", Workspace, view, s.apiMediaList),
		{Method: "POST", Pattern: "/api/v1/workspaces/{ws}/media", API: true, Access: Workspace, Action: edit, MaxBody: maxUpload, handle: s.apiUploadMedia},
		api("GET", "/workspaces/{ws}/posts", Workspace, view, s.apiPosts),
		api("POST", "/workspaces/{ws}/posts", Workspace, edit, s.apiCreatePost),
		api("GET", "/workspaces/{ws}/posts/{post}", Workspace, view, s.apiPost),
		api("PATCH", "/workspaces/{ws}/posts/{post}", Workspace, edit, s.apiUpdatePost),
		api("DELETE", "/workspaces/{ws}/posts/{post}", Workspace, edit, s.apiDeletePost),
		api("POST", "/workspaces/{ws}/posts/{post}/submit", Workspace, edit, s.apiPostAction("submit")),
		api("POST", "/workspaces/{ws}/posts/{post}/approve", Workspace, approve, s.apiPostAction("approve")),
		api("POST", "/workspaces/{ws}/posts/{post}/send-back", Workspace, approve, s.apiPostAction("send-back")),
		api("POST", "/workspaces/{ws}/posts/{post}/publish-now", Workspace, edit, s.apiPostAction("publish-now")),
		api("POST", "/workspaces/{ws}/publishing/pause", Workspace, settings, s.apiPause(true)),
		api("POST", "/workspaces/{ws}/publishing/resume", Workspace, settings, s.apiPause(false)),
		api("GET", "/workspaces/{ws}/conversations", Workspace, view, s.apiConversations),
		api("GET", "/workspaces/{ws}/conversations/{conv}", Workspace, view, s.apiConversation),
		api("PATCH", "/workspaces/{ws}/conversations/{conv}", Workspace, edit, s.apiUpdateConversation),
		api("POST", "/workspaces/{ws}/conversations/{conv}/reply", Workspace, edit, s.apiReply),
		api("GET", "/workspaces/{ws}/conversations/{conv}/notes", Workspace, view, s.apiNotes),
		api("POST", "/workspaces/{ws}/conversations/{conv}/notes", Workspace, edit, s.apiAddNote),
		api("GET", "/workspaces/{ws}/saved-searches", Workspace, view, s.apiSearches),
		api("POST", "/workspaces/{ws}/saved-searches", Workspace, edit, s.apiCreateSearch),
		api("DELETE", "/workspaces/{ws}/saved-searches/{search}", Workspace, edit, s.apiDeleteSearch),
		api("GET", "/workspaces/{ws}/saved-replies", Workspace, view, s.apiSavedReplies),
		api("POST", "/workspaces/{ws}/saved-replies", Workspace, edit, s.apiCreateSavedReply),
		api("DELETE", "/workspaces/{ws}/saved-replies/{reply}", Workspace, edit, s.apiDeleteSavedReply),
		api("GET", "/workspaces/{ws}/incidents", Workspace, view, s.apiIncidents),
		api("POST", "/workspaces/{ws}/incidents", Workspace, edit, s.apiCreateIncident),
		api("GET", "/workspaces/{ws}/incidents/{incident}", Workspace, view, s.apiIncident),
		api("PATCH", "/workspaces/{ws}/incidents/{incident}", Workspace, edit, s.apiUpdateIncident),
		api("GET", "/workspaces/{ws}/alerts", Workspace, view, s.apiAlerts),
		api("GET", "/workspaces/{ws}/alert-channels", Workspace, settings, s.apiChannels),
		api("POST", "/workspaces/{ws}/alert-channels", Workspace, settings, s.apiCreateChannel),
		api("DELETE", "/workspaces/{ws}/alert-channels/{channel}", Workspace, settings, s.apiDeleteChannel),
	}
}
