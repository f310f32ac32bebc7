package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gears"
	"gears/workload"
)

// The unified inbox: conversations from every connected account and saved
// search, answered in their thread.

// answeringActivity is the planner activity time spent answering goes to.
const answeringActivity = "maintenance.engagement"

type inboxPage struct {
	Filter        gears.ConversationFilter
	Assignee      string // the filter's value as typed: "", "me", "none" or an ID
	Conversations []*gears.Conversation
	Searches      []*gears.SavedSearch
	Members       []*gears.Member
	Target        time.Duration
	Now           time.Time
	More          template.URL // the next page's query, when there may be one
	Err           *formError
}

// conversationFilter reads the inbox's filters from a query string.
func conversationFilter(q url.Values, me int64) (gears.ConversationFilter, string, error) {
	f := gears.ConversationFilter{
		Status:    gears.ConversationStatus(q.Get("status")),
		Stream:    gears.Stream(q.Get("stream")),
		Network:   gears.Network(q.Get("network")),
		Sentiment: gears.Sentiment(q.Get("sentiment")),
		Query:     q.Get("q"),
	}
	assignee, assigneeField := q.Get("assignee"), "assignee"
	if assignee == "" {
		assignee, assigneeField = q.Get("assignee_id"), "assignee_id"
	}
	switch assignee {
	case "":
	case "me":
		f.AssigneeID = &me
	case "none", "0":
		zero := int64(0)
		f.AssigneeID = &zero
	default:
		id, err := strconv.ParseInt(assignee, 10, 64)
		if err != nil || id < 0 {
			return f, assignee, gears.Invalid(assigneeField, "inbox.bad_assignee")
		}
		f.AssigneeID = &id
	}
	for _, p := range []struct {
		name string
		dst  **int64
	}{{"search", &f.SearchID}, {"account", &f.AccountID}} {
		if v := q.Get(p.name); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return f, assignee, gears.Invalid(p.name, "request.bad_id", p.name)
			}
			*p.dst = &id
		}
	}
	if v := q.Get("before"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return f, assignee, gears.Invalid("before", "request.bad_time", "before")
		}
		f.Before = &t
		if v := q.Get("before_id"); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return f, assignee, gears.Invalid("before_id", "request.bad_id", "before_id")
			}
			f.BeforeID = id
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return f, assignee, gears.Invalid("limit", "request.bad_number", "limit")
		}
		f.Limit = n
	}
	err := f.Validate()
	return f, assignee, err
}

func (s *Server) inboxPage(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	ws := ri.workspace
	p := &inboxPage{Now: time.Now()}
	f, assignee, err := conversationFilter(r.URL.Query(), ri.user.ID)
	p.Filter, p.Assignee = f, assignee
	if err != nil {
		if p.Err, err = asFormError(ri.lang, err); err != nil {
			return err
		}
		p.Filter = gears.ConversationFilter{Limit: 50}
	}
	if p.Conversations, err = s.inbox.FindConversations(r.Context(), ws.ID, p.Filter); err != nil {
		return err
	}
	if p.Searches, err = s.listening.FindSearches(r.Context(), ws.ID); err != nil {
		return err
	}
	if p.Members, err = s.workspaces.FindMembers(r.Context(), ws.ID); err != nil {
		return err
	}
	if p.Target, err = s.inbox.ResponseTarget(r.Context(), ws.ID); err != nil {
		return err
	}
	if n := len(p.Conversations); n == p.Filter.Limit {
		q := r.URL.Query()
		last := p.Conversations[n-1]
		q.Set("before", last.LastAt.Format(time.RFC3339Nano))
		q.Set("before_id", strconv.FormatInt(last.ID, 10))
		p.More = template.URL("?" + q.Encode())
	}
	return s.render(w, r, "inbox", "inbox", p)
}

type conversationPage struct {
	Conversation *gears.Conversation
	Notes        []*gears.Note
	Replies      []*gears.SavedReply
	Members      []*gears.Member
	Accounts     []*gears.Account // to answer a listening match through
	Incidents    []*gears.Incident
	Variables    gears.ReplyVariables
	Target       time.Duration
	Now          time.Time
	OpenedAt     int64
	Text         string
	Err          *formError
}

func (s *Server) conversationPage(w http.ResponseWriter, r *http.Request) error {
	return s.showConversation(w, r, http.StatusOK, nil, "")
}

// showConversation renders a conversation's page, with a failed form's
// error and text when there is one.
func (s *Server) showConversation(w http.ResponseWriter, r *http.Request, status int, formErr *formError, text string) error {
	ri := info(r)
	ws := ri.workspace
	id, err := pathID(r, "conv")
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := &conversationPage{Now: time.Now(), OpenedAt: time.Now().UnixMilli(), Err: formErr, Text: text}
	if p.Conversation, err = s.inbox.FindConversation(ctx, ws.ID, id); err != nil {
		return err
	}
	if p.Notes, err = s.inbox.FindNotes(ctx, ws.ID, id); err != nil {
		return err
	}
	if p.Replies, err = s.inbox.FindSavedReplies(ctx, ws.ID); err != nil {
		return err
	}
	if p.Members, err = s.workspaces.FindMembers(ctx, ws.ID); err != nil {
		return err
	}
	if p.Target, err = s.inbox.ResponseTarget(ctx, ws.ID); err != nil {
		return err
	}
	if p.Incidents, err = s.incidents.FindIncidents(ctx, ws.ID); err != nil {
		return err
	}
	open := p.Incidents[:0]
	for _, in := range p.Incidents {
		if in.Status != gears.IncidentResolved {
			open = append(open, in)
		}
	}
	p.Incidents = open
	if p.Conversation.SearchID != nil {
		accounts, err := s.accounts.FindAccounts(ctx, ws.ID)
		if err != nil {
			return err
		}
		for _, a := range accounts {
			if a.Network == p.Conversation.Network {
				p.Accounts = append(p.Accounts, a)
			}
		}
	}
	p.Variables = gears.ReplyVariables{Agent: ri.user.Name, Workspace: ws.Name}
	for i := len(p.Conversation.Messages) - 1; i >= 0; i-- {
		if m := p.Conversation.Messages[i]; !m.Outbound {
			p.Variables.Name, p.Variables.Handle = m.AuthorName, m.Author
			break
		}
	}
	if status != http.StatusOK {
		s.renderPage(w, r, status, "conversation", p, "inbox")
		return nil
	}
	return s.render(w, r, "conversation", "inbox", p)
}

func (s *Server) conversationPath(r *http.Request) string {
	return "/w/" + itoa(info(r).workspace.ID) + "/inbox/" + r.PathValue("conv")
}

// conversationFailed shows the conversation again with a form's error.
func (s *Server) conversationFailed(w http.ResponseWriter, r *http.Request, err error, text string) error {
	code := gears.ErrorCode(err)
	fe, err := asFormError(info(r).lang, err)
	if err != nil {
		return err
	}
	return s.showConversation(w, r, status(code), fe, text)
}

func (s *Server) replyForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "conv")
	if err != nil {
		return err
	}
	text := r.PostFormValue("text")
	var account *int64
	if v := r.PostFormValue("account_id"); v != "" {
		a, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return s.conversationFailed(w, r, gears.Invalid("account_id", "request.bad_id", "account_id"), text)
		}
		account = &a
	}
	if _, err := s.inbox.Reply(r.Context(), ws.ID, id, text, account); err != nil {
		return s.conversationFailed(w, r, err, text)
	}
	s.captureTime(r, ws, answeringActivity, "conversation", id)
	return redirect(w, r, s.conversationPath(r), "flash.reply_sent")
}

func (s *Server) updateConversationForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "conv")
	if err != nil {
		return err
	}
	// Linking to an open incident is the same form's other use.
	if v := r.PostFormValue("incident_id"); v != "" {
		incident, err := strconv.ParseInt(v, 10, 64)
		if err != nil || incident <= 0 {
			return s.conversationFailed(w, r, gears.Invalid("incident_id", "request.bad_id", "incident_id"), "")
		}
		if _, err := s.incidents.UpdateIncident(r.Context(), ws.ID, incident, gears.IncidentUpdate{Link: []int64{id}}); err != nil {
			return s.conversationFailed(w, r, err, "")
		}
		return redirect(w, r, s.conversationPath(r), "flash.linked")
	}
	var u gears.ConversationUpdate
	if v := r.PostFormValue("status"); v != "" {
		st := gears.ConversationStatus(v)
		u.Status = &st
	}
	if v, ok := r.PostForm["assignee_id"]; ok {
		a := int64(0)
		if v[0] != "" {
			if a, err = strconv.ParseInt(v[0], 10, 64); err != nil {
				return s.conversationFailed(w, r, gears.Invalid("assignee_id", "request.bad_id", "assignee_id"), "")
			}
		}
		u.AssigneeID = &a
	}
	if _, err := s.inbox.UpdateConversation(r.Context(), ws.ID, id, u); err != nil {
		return s.conversationFailed(w, r, err, "")
	}
	return redirect(w, r, s.conversationPath(r), "flash.saved")
}

func (s *Server) addNoteForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "conv")
	if err != nil {
		return err
	}
	if _, err := s.inbox.AddNote(r.Context(), ws.ID, id, r.PostFormValue("body")); err != nil {
		return s.conversationFailed(w, r, err, "")
	}
	return redirect(w, r, s.conversationPath(r), "flash.saved")
}

// captureTime logs the time spent on a page's work to an activity of the
// planner, from when the form was opened: implausible spans (under 30 s,
// over 2 h) are not logged, nor is anything for members who do not track
// time.
func (s *Server) captureTime(r *http.Request, ws *gears.Workspace, activity, refType string, refID int64) {
	if !ws.Role.Can(gears.ActionTrackTime) {
		return
	}
	opened, err := strconv.ParseInt(r.PostFormValue("opened_at"), 10, 64)
	if err != nil {
		return
	}
	start := time.UnixMilli(opened)
	spent := time.Since(start)
	if spent < 30*time.Second || spent > 2*time.Hour {
		return
	}
	_, err = s.timeHook.RecordTime(r.Context(), ws.ID, workload.TimeEntryCreate{
		ActivityKey: activity, StartedAt: start, Minutes: spent.Minutes(), RefType: refType, RefID: refID})
	if err != nil {
		s.logger.Warn("could not log time", "activity", activity, "ref_type", refType, "ref_id", refID, "err", err)
	}
}

// The inbox's API.

func (s *Server) apiConversations(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	f, _, err := conversationFilter(r.URL.Query(), ri.user.ID)
	if err != nil {
		return err
	}
	list, err := s.inbox.FindConversations(r.Context(), ri.workspace.ID, f)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*gears.Conversation{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"conversations": list})
	return nil
}

func (s *Server) apiConversation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "conv")
	if err != nil {
		return err
	}
	c, err := s.inbox.FindConversation(r.Context(), info(r).workspace.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiUpdateConversation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "conv")
	if err != nil {
		return err
	}
	var in struct {
		Status     *gears.ConversationStatus `json:"status"`
		AssigneeID *int64                    `json:"assignee_id"`
		Unassign   bool                      `json:"unassign"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u := gears.ConversationUpdate{Status: in.Status, AssigneeID: in.AssigneeID}
	if in.Unassign {
		zero := int64(0)
		u.AssigneeID = &zero
	}
	c, err := s.inbox.UpdateConversation(r.Context(), info(r).workspace.ID, id, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiReply(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "conv")
	if err != nil {
		return err
	}
	var in struct {
		Text      string `json:"text"`
		AccountID *int64 `json:"account_id"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ans, err := s.inbox.Reply(r.Context(), info(r).workspace.ID, id, in.Text, in.AccountID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"id": ans.Delivery.ID, "post_id": ans.PostID, "account_id": ans.Delivery.AccountID, "status": ans.Delivery.Status,
		"remote_id": ans.Delivery.RemoteID, "remote_url": ans.Delivery.RemoteURL, "message": ans.Message,
	})
	return nil
}

func (s *Server) apiNotes(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "conv")
	if err != nil {
		return err
	}
	notes, err := s.inbox.FindNotes(r.Context(), info(r).workspace.ID, id)
	if err != nil {
		return err
	}
	if notes == nil {
		notes = []*gears.Note{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"notes": notes})
	return nil
}

func (s *Server) apiAddNote(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "conv")
	if err != nil {
		return err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	n, err := s.inbox.AddNote(r.Context(), info(r).workspace.ID, id, in.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, n)
	return nil
}

// firstResponseClass says how a conversation stands against the target:
// "ok" answered in time, "late" answered late or waiting past it, "" still
// within it.
func firstResponseClass(c *gears.Conversation, target time.Duration, now time.Time) string {
	if c.Stream == gears.StreamActivity || c.Stream == gears.StreamListening {
		return ""
	}
	took := c.FirstResponse(now)
	switch {
	case c.RespondedAt != nil && took <= target:
		return "ok"
	case took > target && (c.RespondedAt != nil || c.Status == gears.ConversationOpen):
		return "late"
	}
	return ""
}

// duration renders a duration as "1 h 05 min", "12 min" or "40 s".
func duration(d time.Duration) string {
	switch {
	case d >= time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " h " + twoDigits(int(d%time.Hour/time.Minute)) + " min"
	case d >= time.Minute:
		return strconv.Itoa(int(d/time.Minute)) + " min"
	default:
		return strconv.Itoa(int(max(d, 0)/time.Second)) + " s"
	}
}

func twoDigits(n int) string {
	s := strconv.Itoa(n)
	if len(s) < 2 {
		return "0" + s
	}
	return s
}

// expandReply fills a saved reply's variables for the page's composer.
func expandReply(v gears.ReplyVariables, text string) string { return v.Expand(text) }

// lines splits untrusted text into lines, for templates that show each
// line as text.
func lines(s string) []string { return strings.Split(s, "\n") }
