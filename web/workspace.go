package web

import (
	"net/http"
	"strconv"
	"time"

	"gears"
)

type homePage struct {
	CanDemo bool
}

// home sends people to their workspace, or offers to create one.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	list, err := s.workspaces.FindWorkspaces(r.Context())
	if err != nil {
		return err
	}
	if len(list) == 1 && r.URL.Query().Get("ok") == "" {
		return redirect(w, r, "/w/"+itoa(list[0].ID)+"/", "")
	}
	return s.render(w, r, "home", "", &homePage{CanDemo: s.Demo != nil})
}

type workspaceForm struct {
	Name, Timezone string
	Zones          []string
	Err            *formError
}

func (s *Server) newWorkspacePage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "workspace_new", "", &workspaceForm{Timezone: "Europe/Madrid", Zones: commonZones})
}

func (s *Server) createWorkspace(w http.ResponseWriter, r *http.Request) error {
	f := &workspaceForm{Name: r.PostFormValue("name"), Timezone: r.PostFormValue("timezone"), Zones: commonZones}
	ws, err := s.workspaces.CreateWorkspace(r.Context(), gears.WorkspaceCreate{Name: f.Name, Timezone: f.Timezone})
	if err != nil {
		return s.formFailed(w, r, err, "workspace_new", "", f, &f.Err)
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/", "flash.workspace_created")
}

// formFailed shows a form again with its error and the input kept, or
// returns the error when it is not the person's to fix.
func (s *Server) formFailed(w http.ResponseWriter, r *http.Request, err error, page, active string, data any, slot **formError) error {
	e := gears.AsError(err)
	fe, err := asFormError(info(r).lang, err)
	if err != nil {
		return err
	}
	*slot = fe
	s.renderPage(w, r, status(e.Code), page, data, active)
	return nil
}

func (s *Server) loadDemo(w http.ResponseWriter, r *http.Request) error {
	if s.Demo == nil {
		return gears.ErrNotFound
	}
	ws, err := s.Demo(r.Context(), info(r).user)
	if err != nil {
		return err
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/", "flash.demo_loaded")
}

// switchWorkspace serves the workspace switcher's form.
func (s *Server) switchWorkspace(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.URL.Query().Get("ws"), 10, 64)
	if err != nil {
		return redirect(w, r, "/", "")
	}
	if _, err := s.workspaces.FindWorkspace(r.Context(), id); err != nil {
		return err
	}
	return redirect(w, r, "/w/"+itoa(id)+"/", "")
}

type overviewPage struct {
	Members      []*gears.Member
	Now          time.Time
	Disconnected []*gears.Account  // accounts that need reconnecting: their posts wait
	Alerts       []alertView       // crisis alerts of the last two hours
	Incidents    []*gears.Incident // incidents not resolved
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	members, err := s.workspaces.FindMembers(r.Context(), ws.ID)
	if err != nil {
		return err
	}
	accounts, err := s.accounts.FindAccounts(r.Context(), ws.ID)
	if err != nil {
		return err
	}
	p := &overviewPage{Members: members, Now: time.Now().In(ws.Location())}
	for _, a := range accounts {
		if a.Status == gears.AccountNeedsReconnect {
			p.Disconnected = append(p.Disconnected, a)
		}
	}
	alerts, err := s.crisis.FindAlerts(r.Context(), ws.ID, 5)
	if err != nil {
		return err
	}
	for _, a := range s.alertViews(r, alerts) {
		if time.Since(a.At) < 2*time.Hour {
			p.Alerts = append(p.Alerts, a)
		}
	}
	incidents, err := s.incidents.FindIncidents(r.Context(), ws.ID)
	if err != nil {
		return err
	}
	for _, in := range incidents {
		if in.Status != gears.IncidentResolved {
			p.Incidents = append(p.Incidents, in)
		}
	}
	return s.render(w, r, "overview", "overview", p)
}

// gearPage is a section whose tools arrive with later work: it says what
// will be there and what to do meanwhile.
type gearPage struct {
	Section string
}

func (s *Server) gearSection(section string) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		return s.render(w, r, "section", section, &gearPage{Section: section})
	}
}

type settingsPage struct {
	Name, Timezone, Language string
	Zones                    []string
	Err                      *formError
	Results                  *resultsForm // currency and value per engagement (see reports.go)
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	results, err := s.resultsForm(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "settings", "settings", &settingsPage{Name: ws.Name, Timezone: ws.Timezone, Language: ws.Language, Zones: zonesWith(ws.Timezone), Results: results})
}

func (s *Server) updateSettings(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	f := &settingsPage{Name: r.PostFormValue("name"), Timezone: r.PostFormValue("timezone"), Language: r.PostFormValue("language")}
	f.Zones = zonesWith(f.Timezone)
	upd := gears.WorkspaceUpdate{Name: &f.Name, Timezone: &f.Timezone}
	if f.Language != "" {
		upd.Language = &f.Language
	}
	if _, err := s.workspaces.UpdateWorkspace(r.Context(), ws.ID, upd); err != nil {
		var rerr error
		if f.Results, rerr = s.resultsForm(r); rerr != nil { // the other form of the page, as it is
			return rerr
		}
		return s.formFailed(w, r, err, "settings", "settings", f, &f.Err)
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/settings", "flash.saved")
}

func (s *Server) deleteWorkspace(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	if r.PostFormValue("confirm") != ws.Name {
		f := &settingsPage{Name: ws.Name, Timezone: ws.Timezone, Language: ws.Language, Zones: zonesWith(ws.Timezone)}
		return s.formFailed(w, r, gears.Invalid("confirm", "workspace.delete_confirm"), "settings", "settings", f, &f.Err)
	}
	if err := s.workspaces.DeleteWorkspace(r.Context(), ws.ID); err != nil {
		return err
	}
	return redirect(w, r, "/", "flash.workspace_deleted")
}

type membersPage struct {
	Members     []*gears.Member
	Invitations []*gears.Invitation
	Email       string
	Role        gears.Role
	InviteLink  string
	Err         *formError
	Rates       map[int64]string // hourly rates as typed (managers only; see reports.go)
}

func (s *Server) membersData(r *http.Request) (*membersPage, error) {
	ws := info(r).workspace
	p := &membersPage{Role: gears.RoleEditor}
	var err error
	if p.Members, err = s.workspaces.FindMembers(r.Context(), ws.ID); err != nil {
		return nil, err
	}
	if ws.Role.Can(gears.ActionManageMembers) {
		if p.Invitations, err = s.workspaces.FindInvitations(r.Context(), ws.ID); err != nil {
			return nil, err
		}
		if p.Rates, err = s.memberRates(r); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (s *Server) membersPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.membersData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "members", "members", p)
}

func (s *Server) addMember(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	add := gears.MemberAdd{Email: r.PostFormValue("email"), Role: gears.Role(r.PostFormValue("role"))}
	res, err := s.workspaces.AddMember(r.Context(), ws.ID, add)
	p, lerr := s.membersData(r)
	if lerr != nil {
		return lerr
	}
	if err != nil {
		p.Email, p.Role = add.Email, add.Role
		return s.formFailed(w, r, err, "members", "members", p, &p.Err)
	}
	if res.Invitation != nil {
		// The link is shown once, now; only its hash is stored.
		p.InviteLink = s.absURL(r, "/invite/"+res.Invitation.Token)
		return s.render(w, r, "members", "members", p)
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/members", "flash.member_added")
}

func (s *Server) setMemberRole(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	uid, err := pathID(r, "user")
	if err != nil {
		return err
	}
	if _, err := s.workspaces.SetMemberRole(r.Context(), ws.ID, uid, gears.Role(r.PostFormValue("role"))); err != nil {
		p, lerr := s.membersData(r)
		if lerr != nil {
			return lerr
		}
		return s.formFailed(w, r, err, "members", "members", p, &p.Err)
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/members", "flash.saved")
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	uid, err := pathID(r, "user")
	if err != nil {
		return err
	}
	if err := s.workspaces.RemoveMember(r.Context(), ri.workspace.ID, uid); err != nil {
		p, lerr := s.membersData(r)
		if lerr != nil {
			return lerr
		}
		return s.formFailed(w, r, err, "members", "members", p, &p.Err)
	}
	if uid == ri.user.ID {
		return redirect(w, r, "/", "flash.left_workspace")
	}
	return redirect(w, r, "/w/"+itoa(ri.workspace.ID)+"/members", "flash.member_removed")
}

func (s *Server) revokeInvitation(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "inv")
	if err != nil {
		return err
	}
	if err := s.workspaces.RevokeInvitation(r.Context(), ws.ID, id); err != nil {
		return err
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/members", "flash.invitation_revoked")
}

// absURL makes a link absolute with GEARS_BASE_URL, or with the request's
// host when none is configured.
func (s *Server) absURL(r *http.Request, path string) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL + path
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// commonZones are offered first in time zone pickers; any IANA name works.
var commonZones = []string{
	"UTC", "Europe/Madrid", "Europe/Lisbon", "Europe/London", "Europe/Paris", "Europe/Berlin",
	"Atlantic/Canary", "America/Mexico_City", "America/Bogota", "America/Lima", "America/Santiago",
	"America/Argentina/Buenos_Aires", "America/Caracas", "America/New_York", "America/Chicago",
	"America/Denver", "America/Los_Angeles", "America/Sao_Paulo", "Asia/Tokyo", "Australia/Sydney",
}

func zonesWith(tz string) []string {
	for _, z := range commonZones {
		if z == tz {
			return commonZones
		}
	}
	return append([]string{tz}, commonZones...)
}
