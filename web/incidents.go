package web

import (
	"encoding/json"
	"net/http"
	"net/mail"
	"strconv"
	"time"

	"gears"
	"gears/crisis"
	"gears/notify"
	"gears/store"
)

// Crisis mode: incidents with their playbook, and the settings and alerts
// of the spike detector.

// crisisActivity is the planner activity time spent on an incident goes to.
const crisisActivity = "maintenance.crisis"

type incidentsPage struct {
	Incidents []*gears.Incident
	Alerts    []alertView
	Members   []*gears.Member
	Playbooks []crisis.Playbook
	Paused    bool
	Input     gears.IncidentCreate
	Err       *formError
}

// alertView is a stored alert with its explanation in the page's language.
type alertView struct {
	store.StoredAlert
	Explain string
}

func (s *Server) alertViews(r *http.Request, list []store.StoredAlert) []alertView {
	out := make([]alertView, 0, len(list))
	for _, a := range list {
		v := alertView{StoredAlert: a}
		var da crisis.Alert
		if err := json.Unmarshal(a.Data, &da); err == nil {
			v.Explain = (&view{Lang: info(r).lang}).T(da.MessageKey(), da.MessageArgs()...)
		}
		out = append(out, v)
	}
	return out
}

func (s *Server) loadIncidents(r *http.Request, p *incidentsPage) error {
	ctx, ws := r.Context(), info(r).workspace
	var err error
	if p.Incidents, err = s.incidents.FindIncidents(ctx, ws.ID); err != nil {
		return err
	}
	alerts, err := s.crisis.FindAlerts(ctx, ws.ID, 20)
	if err != nil {
		return err
	}
	p.Alerts = s.alertViews(r, alerts)
	if p.Members, err = s.workspaces.FindMembers(ctx, ws.ID); err != nil {
		return err
	}
	if _, p.Paused, err = s.posts.PublishingSettings(ctx, ws.ID); err != nil {
		return err
	}
	p.Playbooks = crisis.Playbooks()
	return nil
}

func (s *Server) incidentsPage(w http.ResponseWriter, r *http.Request) error {
	p := &incidentsPage{Input: gears.IncidentCreate{Severity: gears.SeverityMedium}}
	if err := s.loadIncidents(r, p); err != nil {
		return err
	}
	return s.render(w, r, "incidents", "incidents", p)
}

// openIncident opens an incident with its playbook's checklist.
func (s *Server) openIncident(r *http.Request, in gears.IncidentCreate) (*gears.Incident, error) {
	if in.Playbook == "" {
		in.Playbook = "general"
	}
	pb, ok := crisis.PlaybookByKey(in.Playbook)
	if !ok {
		return nil, gears.Invalid("playbook", "incident.bad_playbook")
	}
	return s.incidents.CreateIncident(r.Context(), info(r).workspace.ID, in, pb.Steps)
}

func (s *Server) createIncidentForm(w http.ResponseWriter, r *http.Request) error {
	in := gears.IncidentCreate{
		Title: r.PostFormValue("title"), Severity: gears.Severity(r.PostFormValue("severity")),
		Playbook: r.PostFormValue("playbook"), PausePublishing: r.PostFormValue("pause") == "1",
	}
	var err error
	if v := r.PostFormValue("owner_id"); v != "" {
		var id int64
		if id, err = strconv.ParseInt(v, 10, 64); err != nil {
			err = gears.Invalid("owner_id", "request.bad_id", "owner_id")
		}
		in.OwnerID = &id
	}
	if v := r.PostFormValue("conversation_id"); v != "" && err == nil {
		id, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			err = gears.Invalid("conversation_id", "request.bad_id", "conversation_id")
		}
		in.Conversations = []int64{id}
	}
	var inc *gears.Incident
	if err == nil {
		inc, err = s.openIncident(r, in)
	}
	if err != nil {
		p := &incidentsPage{Input: in}
		if lerr := s.loadIncidents(r, p); lerr != nil {
			return lerr
		}
		return s.formFailed(w, r, err, "incidents", "incidents", p, &p.Err)
	}
	return redirect(w, r, "/w/"+itoa(info(r).workspace.ID)+"/incidents/"+itoa(inc.ID), "flash.incident_opened")
}

type incidentPage struct {
	Incident      *gears.Incident
	Members       []*gears.Member
	Conversations []*gears.Conversation
	PostMortem    crisis.PostMortem
	OpenedAt      int64
	Err           *formError
}

func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request) error {
	return s.showIncident(w, r, http.StatusOK, nil)
}

func (s *Server) showIncident(w http.ResponseWriter, r *http.Request, status int, fe *formError) error {
	ctx, ws := r.Context(), info(r).workspace
	id, err := pathID(r, "incident")
	if err != nil {
		return err
	}
	p := &incidentPage{OpenedAt: time.Now().UnixMilli(), Err: fe}
	if p.Incident, err = s.incidents.FindIncident(ctx, ws.ID, id); err != nil {
		return err
	}
	if p.Members, err = s.workspaces.FindMembers(ctx, ws.ID); err != nil {
		return err
	}
	for _, cid := range p.Incident.Conversations {
		c, err := s.inbox.FindConversation(ctx, ws.ID, cid)
		if err != nil {
			return err
		}
		p.Conversations = append(p.Conversations, c)
	}
	p.PostMortem = postMortem(p.Incident)
	if status != http.StatusOK {
		s.renderPage(w, r, status, "incident", p, "incidents")
		return nil
	}
	return s.render(w, r, "incident", "incidents", p)
}

// postMortem summarises an incident's timeline.
func postMortem(in *gears.Incident) crisis.PostMortem {
	events := make([]crisis.Event, len(in.Timeline))
	for i, e := range in.Timeline {
		events[i] = crisis.Event{At: e.At, Kind: e.Kind, Text: e.Text}
	}
	done := 0
	for _, c := range in.Checklist {
		if c.DoneAt != nil {
			done++
		}
	}
	closed := time.Now()
	if in.ClosedAt != nil {
		closed = *in.ClosedAt
	}
	return crisis.Summarise(in.OpenedAt, closed, events, done, len(in.Checklist))
}

func (s *Server) updateIncidentForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "incident")
	if err != nil {
		return err
	}
	var u gears.IncidentUpdate
	if v := r.PostFormValue("status"); v != "" {
		st := gears.IncidentStatus(v)
		u.Status = &st
	}
	if v := r.PostFormValue("severity"); v != "" {
		sv := gears.Severity(v)
		u.Severity = &sv
	}
	if v, ok := r.PostForm["owner_id"]; ok {
		owner := int64(0)
		if v[0] != "" {
			if owner, err = strconv.ParseInt(v[0], 10, 64); err != nil {
				return s.incidentFailed(w, r, gears.Invalid("owner_id", "request.bad_id", "owner_id"))
			}
		}
		u.OwnerID = &owner
	}
	if v, ok := r.PostForm["summary"]; ok {
		u.Summary = &v[0]
	}
	if v := r.PostFormValue("note"); v != "" {
		u.Note = &v
	}
	for _, key := range []string{"check", "uncheck"} {
		if v := r.PostFormValue(key); v != "" {
			pos, err := strconv.Atoi(v)
			if err != nil {
				return s.incidentFailed(w, r, gears.Invalid(key, "request.bad_number", key))
			}
			if key == "check" {
				u.Check = []int{pos}
			} else {
				u.Uncheck = []int{pos}
			}
		}
	}
	u.ResumePublishing = r.PostFormValue("resume") == "1"
	if _, err := s.incidents.UpdateIncident(r.Context(), ws.ID, id, u); err != nil {
		return s.incidentFailed(w, r, err)
	}
	s.captureTime(r, ws, crisisActivity, "incident", id)
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/incidents/"+itoa(id), "flash.saved")
}

func (s *Server) incidentFailed(w http.ResponseWriter, r *http.Request, err error) error {
	code := gears.ErrorCode(err)
	fe, err := asFormError(info(r).lang, err)
	if err != nil {
		return err
	}
	return s.showIncident(w, r, status(code), fe)
}

// The incidents' API.

func (s *Server) apiIncidents(w http.ResponseWriter, r *http.Request) error {
	list, err := s.incidents.FindIncidents(r.Context(), info(r).workspace.ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*gears.Incident{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"incidents": list})
	return nil
}

func (s *Server) apiCreateIncident(w http.ResponseWriter, r *http.Request) error {
	var in gears.IncidentCreate
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	inc, err := s.openIncident(r, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, inc)
	return nil
}

func (s *Server) apiIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "incident")
	if err != nil {
		return err
	}
	inc, err := s.incidents.FindIncident(r.Context(), info(r).workspace.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, inc)
	return nil
}

func (s *Server) apiUpdateIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "incident")
	if err != nil {
		return err
	}
	var u gears.IncidentUpdate
	if err := decodeJSON(r, &u); err != nil {
		return err
	}
	inc, err := s.incidents.UpdateIncident(r.Context(), info(r).workspace.ID, id, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, inc)
	return nil
}

// Crisis settings: sensitivity, first-response target, alert channels.

type crisisPage struct {
	Sensitivity string
	Target      int // minutes
	Channels    []*gears.AlertChannel
	Secret      string // a new webhook's secret, shown once
	Alerts      []alertView
	Mail        bool // an SMTP server is configured
	Err         *formError
}

func (s *Server) loadCrisis(r *http.Request, p *crisisPage) error {
	ctx, ws := r.Context(), info(r).workspace
	var err error
	if p.Sensitivity, err = s.crisis.Sensitivity(ctx, ws.ID); err != nil {
		return err
	}
	target, err := s.inbox.ResponseTarget(ctx, ws.ID)
	if err != nil {
		return err
	}
	p.Target = int(target / time.Minute)
	if p.Channels, err = s.crisis.FindChannels(ctx, ws.ID); err != nil {
		return err
	}
	alerts, err := s.crisis.FindAlerts(ctx, ws.ID, 50)
	if err != nil {
		return err
	}
	p.Alerts = s.alertViews(r, alerts)
	p.Mail = s.cfg.Mail
	return nil
}

func (s *Server) crisisPage(w http.ResponseWriter, r *http.Request) error {
	p := &crisisPage{}
	if err := s.loadCrisis(r, p); err != nil {
		return err
	}
	return s.render(w, r, "crisis", "crisis", p)
}

func (s *Server) updateCrisisForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	err := s.crisis.SetSensitivity(r.Context(), ws.ID, r.PostFormValue("sensitivity"))
	if err == nil {
		minutes, perr := strconv.Atoi(r.PostFormValue("response_target"))
		if perr != nil {
			err = gears.Invalid("response_target", "inbox.bad_response_target")
		} else {
			err = s.inbox.SetResponseTarget(r.Context(), ws.ID, time.Duration(minutes)*time.Minute)
		}
	}
	if err != nil {
		p := &crisisPage{}
		if lerr := s.loadCrisis(r, p); lerr != nil {
			return lerr
		}
		return s.formFailed(w, r, err, "crisis", "crisis", p, &p.Err)
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/crisis", "flash.saved")
}

// validateAddress checks an e-mail address: one plain address, no name.
func validateAddress(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 {
		return gears.Invalid("target", "alerts.bad_address")
	}
	return nil
}

// checkChannel validates an alert channel's target.
func (s *Server) checkChannel(kind gears.AlertChannelKind) func(string) error {
	return func(target string) error {
		if kind == gears.AlertWebhook {
			return asField(notify.ValidateWebhookURL(target), "target")
		}
		if !s.cfg.Mail {
			return gears.Invalid("target", "alerts.no_smtp")
		}
		return validateAddress(target)
	}
}

func (s *Server) createChannelForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	kind := gears.AlertChannelKind(r.PostFormValue("kind"))
	_, secret, err := s.crisis.CreateChannel(r.Context(), ws.ID, kind, r.PostFormValue("target"), s.checkChannel(kind))
	p := &crisisPage{Secret: secret}
	if lerr := s.loadCrisis(r, p); lerr != nil {
		return lerr
	}
	if err != nil {
		return s.formFailed(w, r, err, "crisis", "crisis", p, &p.Err)
	}
	// The secret is shown once, on this page, never in a URL.
	return s.render(w, r, "crisis", "crisis", p)
}

func (s *Server) channelAction(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ws := info(r).workspace
		id, err := pathID(r, "channel")
		if err != nil {
			return err
		}
		flash := "flash.saved"
		switch action {
		case "delete":
			err = s.crisis.DeleteChannel(r.Context(), ws.ID, id)
		case "test":
			err, flash = s.crisis.TestChannel(r.Context(), ws.ID, id), "flash.alert_test_sent"
		}
		if err != nil {
			return err
		}
		return redirect(w, r, "/w/"+itoa(ws.ID)+"/crisis", flash)
	}
}

func (s *Server) apiAlerts(w http.ResponseWriter, r *http.Request) error {
	alerts, err := s.crisis.FindAlerts(r.Context(), info(r).workspace.ID, 100)
	if err != nil {
		return err
	}
	out := make([]gears.CrisisAlert, 0, len(alerts))
	for _, a := range s.alertViews(r, alerts) {
		out = append(out, gears.CrisisAlert{ID: a.ID, Kind: a.Kind, Start: a.Start, At: a.At, Explain: a.Explain, IncidentID: a.IncidentID})
	}
	writeJSON(w, http.StatusOK, map[string]any{"alerts": out})
	return nil
}

func (s *Server) apiChannels(w http.ResponseWriter, r *http.Request) error {
	list, err := s.crisis.FindChannels(r.Context(), info(r).workspace.ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*gears.AlertChannel{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"alert_channels": list})
	return nil
}

func (s *Server) apiCreateChannel(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Kind   gears.AlertChannelKind `json:"kind"`
		Target string                 `json:"target"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ch, secret, err := s.crisis.CreateChannel(r.Context(), info(r).workspace.ID, in.Kind, in.Target, s.checkChannel(in.Kind))
	if err != nil {
		return err
	}
	out := map[string]any{"id": ch.ID, "kind": ch.Kind, "target": ch.Target, "created_at": ch.CreatedAt}
	if secret != "" {
		out["secret"] = secret
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) apiDeleteChannel(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "channel")
	if err != nil {
		return err
	}
	if err := s.crisis.DeleteChannel(r.Context(), info(r).workspace.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
