package web

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gears"
	"gears/chart"
	"gears/locale"
	"gears/roi"
	"gears/store"
)

// The strategy gear: the strategy workspace (the communication strategy,
// research notes, competitors, the platform set-up checklist), objectives
// with their progress, and campaigns with their posts and spend.

// The planner's activities time spent here is logged to.
const (
	researchActivity      = "strategy.research"
	communicationActivity = "strategy.communication"
	platformsActivity     = "strategy.platforms"
	followersActivity     = "strategy.followers"
	campaignsActivity     = "strategy.campaigns"
)

// strategyRoutes returns the routes of the strategy gear: research,
// competitors, the communication strategy, objectives and KPIs, the
// platform set-up checklist and campaigns.
func (s *Server) strategyRoutes() []Route {
	page, api := pageRoute, apiRoute
	const (
		view = gears.ActionView
		edit = gears.ActionEdit
	)
	return []Route{
		page("GET", "/w/{ws}/strategy", Workspace, view, s.strategyPage),
		page("POST", "/w/{ws}/strategy", Workspace, edit, s.saveStrategyForm),
		page("POST", "/w/{ws}/strategy/research", Workspace, edit, s.noteForm),
		page("POST", "/w/{ws}/strategy/research/{note}", Workspace, edit, s.noteForm),
		page("POST", "/w/{ws}/strategy/research/{note}/delete", Workspace, edit, s.deleteNoteForm),
		page("POST", "/w/{ws}/strategy/competitors", Workspace, edit, s.competitorForm),
		page("POST", "/w/{ws}/strategy/competitors/{competitor}", Workspace, edit, s.competitorForm),
		page("POST", "/w/{ws}/strategy/competitors/{competitor}/delete", Workspace, edit, s.deleteCompetitorForm),
		page("POST", "/w/{ws}/strategy/checklist/{account}", Workspace, edit, s.checklistForm),
		page("GET", "/w/{ws}/objectives", Workspace, view, s.objectivesPage),
		page("POST", "/w/{ws}/objectives", Workspace, edit, s.objectiveForm),
		page("GET", "/w/{ws}/objectives/{objective}", Workspace, view, s.objectivePage),
		page("POST", "/w/{ws}/objectives/{objective}", Workspace, edit, s.objectiveForm),
		page("POST", "/w/{ws}/objectives/{objective}/delete", Workspace, edit, s.deleteObjectiveForm),
		page("POST", "/w/{ws}/objectives/{objective}/readings", Workspace, edit, s.readingForm),
		page("GET", "/w/{ws}/campaigns", Workspace, view, s.campaignsPage),
		page("POST", "/w/{ws}/campaigns", Workspace, edit, s.campaignForm),
		page("GET", "/w/{ws}/campaigns/{campaign}", Workspace, view, s.campaignPage),
		page("POST", "/w/{ws}/campaigns/{campaign}", Workspace, edit, s.campaignForm),
		page("POST", "/w/{ws}/campaigns/{campaign}/delete", Workspace, edit, s.deleteCampaignForm),
		page("POST", "/w/{ws}/campaigns/{campaign}/spend", Workspace, edit, s.spendForm),
		page("POST", "/w/{ws}/campaigns/{campaign}/spend/{spend}/delete", Workspace, edit, s.deleteSpendForm),

		api("GET", "/workspaces/{ws}/strategy", Workspace, view, s.apiStrategy),
		api("PUT", "/workspaces/{ws}/strategy", Workspace, edit, s.apiSaveStrategy),
		api("GET", "/workspaces/{ws}/research-notes", Workspace, view, s.apiResearchNotes),
		api("POST", "/workspaces/{ws}/research-notes", Workspace, edit, s.apiCreateResearchNote),
		api("GET", "/workspaces/{ws}/research-notes/{note}", Workspace, view, s.apiResearchNote),
		api("PATCH", "/workspaces/{ws}/research-notes/{note}", Workspace, edit, s.apiUpdateResearchNote),
		api("DELETE", "/workspaces/{ws}/research-notes/{note}", Workspace, edit, s.apiDeleteResearchNote),
		api("GET", "/workspaces/{ws}/competitors", Workspace, view, s.apiCompetitors),
		api("POST", "/workspaces/{ws}/competitors", Workspace, edit, s.apiCreateCompetitor),
		api("GET", "/workspaces/{ws}/competitors/{competitor}", Workspace, view, s.apiCompetitor),
		api("PATCH", "/workspaces/{ws}/competitors/{competitor}", Workspace, edit, s.apiUpdateCompetitor),
		api("DELETE", "/workspaces/{ws}/competitors/{competitor}", Workspace, edit, s.apiDeleteCompetitor),
		api("GET", "/workspaces/{ws}/checklist", Workspace, view, s.apiChecklist),
		api("PUT", "/workspaces/{ws}/checklist/{account}/{item}", Workspace, edit, s.apiSetChecklist),
		api("GET", "/workspaces/{ws}/campaigns", Workspace, view, s.apiCampaigns),
		api("POST", "/workspaces/{ws}/campaigns", Workspace, edit, s.apiCreateCampaign),
		api("GET", "/workspaces/{ws}/campaigns/{campaign}", Workspace, view, s.apiCampaign),
		api("GET", "/workspaces/{ws}/campaigns/{campaign}/results", Workspace, gears.ActionViewReports, s.apiCampaignResults),
		api("PATCH", "/workspaces/{ws}/campaigns/{campaign}", Workspace, edit, s.apiUpdateCampaign),
		api("DELETE", "/workspaces/{ws}/campaigns/{campaign}", Workspace, edit, s.apiDeleteCampaign),
		api("GET", "/workspaces/{ws}/campaigns/{campaign}/spend", Workspace, view, s.apiSpend),
		api("POST", "/workspaces/{ws}/campaigns/{campaign}/spend", Workspace, edit, s.apiAddSpend),
		api("DELETE", "/workspaces/{ws}/campaigns/{campaign}/spend/{spend}", Workspace, edit, s.apiDeleteSpend),
		api("GET", "/workspaces/{ws}/objectives", Workspace, view, s.apiObjectives),
		api("POST", "/workspaces/{ws}/objectives", Workspace, edit, s.apiCreateObjective),
		api("GET", "/workspaces/{ws}/objectives/{objective}", Workspace, view, s.apiObjective),
		api("PATCH", "/workspaces/{ws}/objectives/{objective}", Workspace, edit, s.apiUpdateObjective),
		api("DELETE", "/workspaces/{ws}/objectives/{objective}", Workspace, edit, s.apiDeleteObjective),
		api("GET", "/workspaces/{ws}/objectives/{objective}/progress", Workspace, view, s.apiProgress),
		api("GET", "/workspaces/{ws}/objectives/{objective}/readings", Workspace, view, s.apiReadings),
		api("POST", "/workspaces/{ws}/objectives/{objective}/readings", Workspace, edit, s.apiAddReading),
	}
}

// strategy returns the strategy gear's service (it holds nothing but the
// database).
func (s *Server) strategy() *store.StrategyService { return store.NewStrategyService(s.db) }

func strategyNow() int64 { return time.Now().UnixMilli() }

// strategyPath is a path inside the request's workspace.
func strategyPath(r *http.Request, format string, args ...any) string {
	p := format
	if len(args) > 0 {
		p = fmt.Sprintf(format, args...)
	}
	return "/w/" + itoa(info(r).workspace.ID) + p
}

// strategyDecimal reads a number as people type it: 1234.5, 1234,5 or
// 1 234,50 (a comma is a decimal comma only when there is no point).
func strategyDecimal(field, s string) (float64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if s == "" {
		return 0, gears.Invalid(field, "strategy.number_required", field)
	}
	if !strings.Contains(s, ".") {
		s = strings.ReplaceAll(s, ",", ".")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(s, "xXpP_") {
		return 0, gears.Invalid(field, "strategy.bad_number", field)
	}
	return v, nil
}

// strategyCents reads an amount of money in the currency's units as cents:
// 1234.5, 1234,50 or 1 234,50.
func strategyCents(field, s string) (int64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if s == "" {
		return 0, gears.Invalid(field, "strategy.number_required", field)
	}
	c, ok := parseAmount(s)
	if !ok {
		return 0, gears.Invalid(field, "strategy.bad_number", field)
	}
	if c > gears.MaxSpendCents {
		return 0, gears.Invalid(field, "strategy.amount_too_large")
	}
	return c, nil
}

// fmtKPI writes a KPI value without useless decimals.
func fmtKPI(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// The strategy workspace.

type strategyPage struct {
	Doc         *gears.Strategy
	Roles       map[gears.Network]string
	Networks    []gears.Network
	Objectives  []objectiveSummary
	Campaigns   []*gears.Campaign
	Competitors []*gears.Competitor
	Notes       []*gears.ResearchNote
	Checklist   []*gears.AccountChecklist
	Currency    string
	OpenedAt    int64
	// The form that failed, its input and its error.
	Form       string
	FormID     int64
	DocIn      gears.StrategyInput
	NoteIn     gears.ResearchNoteInput
	CompIn     gears.CompetitorInput
	Err        *formError
	SetupItems []string
}

// objectiveSummary is an objective with where it stands.
type objectiveSummary struct {
	*gears.Objective
	Progress gears.Progress
}

// Status says where the objective stands: reached, on_track or behind.
func (o objectiveSummary) Status() string { return strategyStatus(o.Progress) }

// StatusKey is the message of Status.
func (o objectiveSummary) StatusKey() string { return "strategy.progress." + o.Status() }

func strategyStatus(p gears.Progress) string {
	switch {
	case p.Reached:
		return "reached"
	case p.OnTrack:
		return "on_track"
	}
	return "behind"
}

func (s *Server) loadStrategy(r *http.Request, p *strategyPage) error {
	ctx, ws, st := r.Context(), info(r).workspace, s.strategy()
	var err error
	if p.Doc, err = st.FindStrategy(ctx, ws.ID); err != nil {
		return err
	}
	p.Roles = map[gears.Network]string{}
	for _, c := range p.Doc.Channels {
		p.Roles[c.Network] = c.Role
	}
	if p.Form != "strategy" {
		p.DocIn = gears.StrategyInput{Audiences: p.Doc.Audiences, Tone: p.Doc.Tone}
	} else {
		p.Roles = map[gears.Network]string{}
		for _, c := range p.DocIn.Channels {
			p.Roles[c.Network] = c.Role
		}
	}
	if p.Objectives, err = s.objectiveSummaries(r); err != nil {
		return err
	}
	if p.Campaigns, err = st.FindCampaigns(ctx, ws.ID); err != nil {
		return err
	}
	if p.Competitors, err = st.FindCompetitors(ctx, ws.ID); err != nil {
		return err
	}
	if p.Notes, err = st.FindResearchNotes(ctx, ws.ID); err != nil {
		return err
	}
	if p.Checklist, err = st.FindChecklist(ctx, ws.ID); err != nil {
		return err
	}
	p.Networks, p.SetupItems, p.OpenedAt = gears.StrategyNetworks, gears.SetupItems, strategyNow()
	return nil
}

func (s *Server) objectiveSummaries(r *http.Request) ([]objectiveSummary, error) {
	ctx, ws, st := r.Context(), info(r).workspace, s.strategy()
	list, err := st.FindObjectives(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	out := make([]objectiveSummary, 0, len(list))
	now := time.Now()
	for _, o := range list {
		_, p, err := st.Progress(ctx, ws.ID, o.ID, now)
		if err != nil {
			return nil, err
		}
		out = append(out, objectiveSummary{Objective: o, Progress: p})
	}
	return out, nil
}

func (s *Server) strategyPage(w http.ResponseWriter, r *http.Request) error {
	p := &strategyPage{}
	if err := s.loadStrategy(r, p); err != nil {
		return err
	}
	return s.render(w, r, "strategy", "strategy", p)
}

// strategyFailed shows the strategy page again with the failed form's
// input and error.
func (s *Server) strategyFailed(w http.ResponseWriter, r *http.Request, err error, p *strategyPage) error {
	if lerr := s.loadStrategy(r, p); lerr != nil {
		return lerr
	}
	return s.formFailed(w, r, err, "strategy", "strategy", p, &p.Err)
}

func strategyInputFrom(r *http.Request) gears.StrategyInput {
	in := gears.StrategyInput{Audiences: r.PostFormValue("audiences"), Tone: r.PostFormValue("tone")}
	for _, n := range gears.StrategyNetworks {
		if v, ok := r.PostForm["role_"+string(n)]; ok {
			in.Channels = append(in.Channels, gears.ChannelRole{Network: n, Role: v[0]})
		}
	}
	return in
}

func (s *Server) saveStrategyForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	in := strategyInputFrom(r)
	if _, err := s.strategy().SaveStrategy(r.Context(), ws.ID, in); err != nil {
		return s.strategyFailed(w, r, err, &strategyPage{Form: "strategy", DocIn: in})
	}
	s.captureTime(r, ws, communicationActivity, "strategy", ws.ID)
	return redirect(w, r, strategyPath(r, "/strategy#strategy-doc"), "flash.saved")
}

// strategyOptionalID reads the path value name when the route has it: 0 for a
// new thing.
func strategyOptionalID(r *http.Request, name string) (int64, error) {
	if r.PathValue(name) == "" {
		return 0, nil
	}
	return pathID(r, name)
}

func (s *Server) noteForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := strategyOptionalID(r, "note")
	if err != nil {
		return err
	}
	in := gears.ResearchNoteInput{Title: r.PostFormValue("title"), Body: r.PostFormValue("body"), SourceURL: r.PostFormValue("source_url")}
	st := s.strategy()
	n, err := saveByID(r.Context(), ws.ID, id, in, st.CreateResearchNote, st.UpdateResearchNote)
	if err != nil {
		return s.strategyFailed(w, r, err, &strategyPage{Form: "note", FormID: id, NoteIn: in})
	}
	s.captureTime(r, ws, researchActivity, "research_note", n.ID)
	return redirect(w, r, strategyPath(r, "/strategy#research"), "flash.saved")
}

func (s *Server) deleteNoteForm(w http.ResponseWriter, r *http.Request) error {
	return deleteForm(w, r, "note", s.strategy().DeleteResearchNote, strategyPath(r, "/strategy#research"), "flash.strategy_deleted")
}

func (s *Server) competitorForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := strategyOptionalID(r, "competitor")
	if err != nil {
		return err
	}
	in := gears.CompetitorInput{Name: r.PostFormValue("name"), Network: gears.Network(r.PostFormValue("network")), Handle: r.PostFormValue("handle"),
		ProfileURL: r.PostFormValue("profile_url"), Notes: r.PostFormValue("notes")}
	st := s.strategy()
	c, err := saveByID(r.Context(), ws.ID, id, in, st.CreateCompetitor, st.UpdateCompetitor)
	if err != nil {
		return s.strategyFailed(w, r, err, &strategyPage{Form: "competitor", FormID: id, CompIn: in})
	}
	s.captureTime(r, ws, researchActivity, "competitor", c.ID)
	return redirect(w, r, strategyPath(r, "/strategy#competitors"), "flash.saved")
}

func (s *Server) deleteCompetitorForm(w http.ResponseWriter, r *http.Request) error {
	return deleteForm(w, r, "competitor", s.strategy().DeleteCompetitor, strategyPath(r, "/strategy#competitors"), "flash.strategy_deleted")
}

func (s *Server) checklistForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "account")
	if err != nil {
		return err
	}
	item := r.PostFormValue("item")
	if err := s.strategy().SetSetupItem(r.Context(), ws.ID, id, item, r.PostFormValue("done") == "1"); err != nil {
		return s.strategyFailed(w, r, err, &strategyPage{Form: "checklist", FormID: id})
	}
	s.captureTime(r, ws, platformsActivity, "account", id)
	return redirect(w, r, strategyPath(r, "/strategy#checklist"), "flash.saved")
}

// Objectives.

type objectivesPage struct {
	Objectives []objectiveSummary
	Form       objectiveFormData
}

// objectiveFormData is the objective form: its input as typed, and what
// it offers.
type objectiveFormData struct {
	ID                                          int64
	Title, KPI, Target, Baseline                string
	StartsOn, DueOn, Account, Network, Campaign string
	KPIs                                        []gears.KPI
	Accounts                                    []*gears.Account
	Networks                                    []gears.Network
	Campaigns                                   []*gears.Campaign
	OpenedAt                                    int64
	Err                                         *formError
}

// objectiveFormCtx is the objective form with the page's view, for the
// template that draws it.
type objectiveFormCtx struct {
	V *view
	F objectiveFormData
}

// With pairs the form with the page's view.
func (f objectiveFormData) With(v *view) objectiveFormCtx { return objectiveFormCtx{V: v, F: f} }

// HasCampaign reports whether name is one of the campaigns offered.
func (f objectiveFormData) HasCampaign(name string) bool {
	for _, c := range f.Campaigns {
		if c.Name == name {
			return true
		}
	}
	return false
}

func (s *Server) loadObjectiveChoices(r *http.Request, f *objectiveFormData) error {
	ctx, ws := r.Context(), info(r).workspace
	var err error
	if f.Accounts, err = s.accounts.FindAccounts(ctx, ws.ID); err != nil {
		return err
	}
	if f.Campaigns, err = s.strategy().FindCampaigns(ctx, ws.ID); err != nil {
		return err
	}
	f.KPIs, f.Networks, f.OpenedAt = gears.KPIs, gears.StrategyNetworks, strategyNow()
	return nil
}

func objectiveFormOf(o *gears.Objective) objectiveFormData {
	f := objectiveFormData{ID: o.ID, Title: o.Title, KPI: string(o.KPI), Target: fmtKPI(o.Target), Baseline: fmtKPI(o.Baseline),
		StartsOn: o.StartsOn, DueOn: o.DueOn, Network: string(o.Network), Campaign: o.Campaign}
	if o.AccountID != nil {
		f.Account = itoa(*o.AccountID)
	}
	return f
}

func (s *Server) objectivesPage(w http.ResponseWriter, r *http.Request) error {
	today := time.Now().In(info(r).workspace.Location())
	p := &objectivesPage{Form: objectiveFormData{KPI: string(gears.KPIFollowers), Baseline: "0",
		StartsOn: today.Format("2006-01-02"), DueOn: today.AddDate(0, 3, 0).Format("2006-01-02")}}
	return s.showObjectives(w, r, p, nil)
}

func (s *Server) showObjectives(w http.ResponseWriter, r *http.Request, p *objectivesPage, err error) error {
	var lerr error
	if p.Objectives, lerr = s.objectiveSummaries(r); lerr != nil {
		return lerr
	}
	if lerr := s.loadObjectiveChoices(r, &p.Form); lerr != nil {
		return lerr
	}
	if err != nil {
		return s.formFailed(w, r, err, "objectives", "strategy", p, &p.Form.Err)
	}
	return s.render(w, r, "objectives", "objectives", p)
}

// objectiveInputFrom reads the objective form.
func objectiveInputFrom(r *http.Request) (gears.ObjectiveInput, objectiveFormData, error) {
	f := objectiveFormData{Title: r.PostFormValue("title"), KPI: r.PostFormValue("kpi"), Target: r.PostFormValue("target"),
		Baseline: r.PostFormValue("baseline"), StartsOn: r.PostFormValue("starts_on"), DueOn: r.PostFormValue("due_on"),
		Account: r.PostFormValue("account"), Network: r.PostFormValue("network"), Campaign: r.PostFormValue("campaign")}
	in := gears.ObjectiveInput{Title: f.Title, KPI: gears.KPI(f.KPI), Network: gears.Network(f.Network), Campaign: f.Campaign,
		StartsOn: f.StartsOn, DueOn: f.DueOn}
	if f.Account != "" {
		id, err := strconv.ParseInt(f.Account, 10, 64)
		if err != nil || id <= 0 {
			return in, f, gears.Invalid("account", "request.bad_id", "account")
		}
		in.AccountID = &id
	}
	var err error
	if strings.TrimSpace(f.Baseline) != "" {
		if in.Baseline, err = strategyDecimal("baseline", f.Baseline); err != nil {
			return in, f, err
		}
	}
	if in.Target, err = strategyDecimal("target", f.Target); err != nil {
		return in, f, err
	}
	return in, f, nil
}

func (s *Server) objectiveForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := strategyOptionalID(r, "objective")
	if err != nil {
		return err
	}
	in, f, err := objectiveInputFrom(r)
	f.ID = id
	var o *gears.Objective
	if err == nil {
		st := s.strategy()
		o, err = saveByID(r.Context(), ws.ID, id, in, st.CreateObjective, st.UpdateObjective)
	}
	if err != nil {
		if id != 0 {
			return s.showObjective(w, r, &objectivePage{Form: f}, err)
		}
		return s.showObjectives(w, r, &objectivesPage{Form: f}, err)
	}
	activity := communicationActivity
	if o.KPI == gears.KPIFollowers {
		activity = followersActivity
	}
	s.captureTime(r, ws, activity, "objective", o.ID)
	return redirect(w, r, strategyPath(r, "/objectives/%d", o.ID), "flash.saved")
}

type objectivePage struct {
	Objective  *gears.Objective
	Progress   gears.Progress
	Chart      template.HTML
	Readings   []*gears.KPIReading
	Account    *gears.Account
	Form       objectiveFormData
	Reading    struct{ Day, Value, Note string }
	ReadingErr *formError
	ReportURL  string
	// readingFailed says the reading form failed, not the objective's.
	readingFailed bool
}

// Status says where the objective stands: reached, on_track or behind.
func (p *objectivePage) Status() string { return strategyStatus(p.Progress) }

func (s *Server) objectivePage(w http.ResponseWriter, r *http.Request) error {
	return s.showObjective(w, r, &objectivePage{}, nil)
}

// showObjective renders an objective's page; err, when set, is the
// failure of one of its forms (the edit form's input is in p.Form).
func (s *Server) showObjective(w http.ResponseWriter, r *http.Request, p *objectivePage, ferr error) error {
	ctx, ws, st := r.Context(), info(r).workspace, s.strategy()
	id, err := pathID(r, "objective")
	if err != nil {
		return err
	}
	if p.Objective, p.Progress, err = st.Progress(ctx, ws.ID, id, time.Now()); err != nil {
		return err
	}
	if p.Readings, err = st.FindReadings(ctx, ws.ID, id); err != nil {
		return err
	}
	if p.Objective.AccountID != nil {
		if p.Account, err = s.accounts.FindAccount(ctx, ws.ID, *p.Objective.AccountID); err != nil && gears.ErrorCode(err) != gears.ENOTFOUND {
			return err
		}
	}
	if p.Form.Title == "" && p.Form.KPI == "" {
		p.Form = objectiveFormOf(p.Objective)
	}
	p.Form.ID = id
	if err := s.loadObjectiveChoices(r, &p.Form); err != nil {
		return err
	}
	if p.Reading.Day == "" {
		p.Reading.Day = p.Progress.Today
	}
	lang := info(r).lang
	p.Chart = strategyChart(lang, p.Objective, p.Progress)
	p.ReportURL = objectiveReportURL(ws.ID, p.Objective.StartsOn, p.Progress.Today)
	if ferr != nil {
		slot := &p.Form.Err
		if p.readingFailed {
			slot = &p.ReadingErr
		}
		return s.formFailed(w, r, ferr, "objective", "strategy", p, slot)
	}
	return s.render(w, r, "objective", "objectives", p)
}

// objectiveReportURL is the PDF report of an objective's span so far: from
// its start to today, held to a period a report accepts (an objective that
// starts in the future gets today's report; a longer span, its last
// gears.MaxReportDays).
func objectiveReportURL(wsID int64, startsOn, today string) string {
	to, err := time.Parse(gears.DateLayout, today)
	if err != nil {
		return ""
	}
	from, err := time.Parse(gears.DateLayout, startsOn)
	if err != nil || from.After(to) {
		from = to
	}
	if earliest := to.AddDate(0, 0, -(gears.MaxReportDays - 1)); from.Before(earliest) {
		from = earliest
	}
	q := url.Values{"from": {from.Format(gears.DateLayout)}, "to": {to.Format(gears.DateLayout)}}
	return "/api/v1/workspaces/" + itoa(wsID) + "/report.pdf?" + q.Encode()
}

// strategyChart draws an objective's progress: the KPI, the straight line
// to the target, and the target.
func strategyChart(lang string, o *gears.Objective, p gears.Progress) template.HTML {
	v := &view{Lang: lang}
	actual := chart.Series{Name: v.T("strategy.chart.actual")}
	expected := chart.Series{Name: v.T("strategy.chart.expected")}
	for _, pt := range p.Series {
		t, err := time.Parse("2006-01-02", pt.Day)
		if err != nil {
			continue
		}
		actual.Points = append(actual.Points, chart.Point{X: t, Y: pt.Value})
		expected.Points = append(expected.Points, chart.Point{X: t, Y: pt.Expected})
	}
	target := o.Target
	return chart.SVG(chart.Line{
		Title:  o.Title,
		Series: []chart.Series{actual, expected},
		// The axes and the target in lang: "0,5", "1,2k", "Objetivo 1.234,5".
		Numbers:     chart.Compact(func(x float64, decimals int) string { return locale.Number(lang, x, -decimals) }),
		Target:      &target,
		TargetLabel: v.T("strategy.chart.target", v.KPI(o.Target)),
		Empty:       v.T("strategy.chart.empty"),
		Zoom:        !o.KPI.Cumulative(), // a level's change is what matters
	}, 720, 300)
}

func (s *Server) deleteObjectiveForm(w http.ResponseWriter, r *http.Request) error {
	return deleteForm(w, r, "objective", s.strategy().DeleteObjective, strategyPath(r, "/objectives"), "flash.strategy_deleted")
}

func (s *Server) readingForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "objective")
	if err != nil {
		return err
	}
	p := &objectivePage{readingFailed: true}
	p.Reading.Day, p.Reading.Value, p.Reading.Note = r.PostFormValue("day"), r.PostFormValue("value"), r.PostFormValue("note")
	value, err := strategyDecimal("value", p.Reading.Value)
	if err == nil {
		_, err = s.strategy().AddReading(r.Context(), ws.ID, id, gears.KPIReadingInput{Day: p.Reading.Day, Value: value, Note: p.Reading.Note})
	}
	if err != nil {
		return s.showObjective(w, r, p, err)
	}
	s.captureTime(r, ws, communicationActivity, "objective", id)
	return redirect(w, r, strategyPath(r, "/objectives/%d", id), "flash.saved")
}

// Campaigns.

type campaignsPage struct {
	Campaigns []*gears.Campaign
	Form      campaignFormData
}

type campaignFormData struct {
	ID                                  int64
	Name, Description, StartsOn, EndsOn string
	Networks                            map[gears.Network]bool
	AllNetworks                         []gears.Network
	OpenedAt                            int64
	Err                                 *formError
}

// campaignFormCtx is the campaign form with the page's view.
type campaignFormCtx struct {
	V *view
	F campaignFormData
}

// With pairs the form with the page's view.
func (f campaignFormData) With(v *view) campaignFormCtx { return campaignFormCtx{V: v, F: f} }

func campaignFormOf(c *gears.Campaign) campaignFormData {
	f := campaignFormData{ID: c.ID, Name: c.Name, Description: c.Description, StartsOn: c.StartsOn, EndsOn: c.EndsOn, Networks: map[gears.Network]bool{}}
	for _, n := range c.Networks {
		f.Networks[n] = true
	}
	return f
}

func (s *Server) campaignsPage(w http.ResponseWriter, r *http.Request) error {
	today := time.Now().In(info(r).workspace.Location())
	return s.showCampaigns(w, r, &campaignsPage{Form: campaignFormData{StartsOn: today.Format("2006-01-02"), EndsOn: today.AddDate(0, 1, 0).Format("2006-01-02")}}, nil)
}

func (s *Server) showCampaigns(w http.ResponseWriter, r *http.Request, p *campaignsPage, ferr error) error {
	var err error
	if p.Campaigns, err = s.strategy().FindCampaigns(r.Context(), info(r).workspace.ID); err != nil {
		return err
	}
	p.Form.AllNetworks, p.Form.OpenedAt = gears.StrategyNetworks, strategyNow()
	if ferr != nil {
		return s.formFailed(w, r, ferr, "campaigns", "strategy", p, &p.Form.Err)
	}
	return s.render(w, r, "campaigns", "campaigns", p)
}

func (s *Server) campaignForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := strategyOptionalID(r, "campaign")
	if err != nil {
		return err
	}
	f := campaignFormData{ID: id, Name: r.PostFormValue("name"), Description: r.PostFormValue("description"),
		StartsOn: r.PostFormValue("starts_on"), EndsOn: r.PostFormValue("ends_on"), Networks: map[gears.Network]bool{}}
	in := gears.CampaignInput{Name: f.Name, Description: f.Description, StartsOn: f.StartsOn, EndsOn: f.EndsOn}
	for _, n := range r.PostForm["networks"] {
		in.Networks = append(in.Networks, gears.Network(n))
		f.Networks[gears.Network(n)] = true
	}
	st := s.strategy()
	c, err := saveByID(r.Context(), ws.ID, id, in, st.CreateCampaign, st.UpdateCampaign)
	if err != nil {
		if id != 0 {
			return s.showCampaign(w, r, &campaignPage{Form: f}, err)
		}
		return s.showCampaigns(w, r, &campaignsPage{Form: f}, err)
	}
	s.captureTime(r, ws, campaignsActivity, "campaign", c.ID)
	return redirect(w, r, strategyPath(r, "/campaigns/%d", c.ID), "flash.saved")
}

type campaignPage struct {
	Campaign    *gears.Campaign
	Posts       []*gears.Post
	Spend       []*gears.CampaignSpend
	CalendarURL string
	Form        campaignFormData
	Spending    struct{ Amount, Network, Gear, SpentOn, Note string }
	SpendErr    *formError
	spendFailed bool // the spend form failed, not the campaign's
	Gears       []string
	Currency    string
	// Results is how the campaign did so far, for those who may view
	// reports (nil otherwise, and before it starts); ResultsLine its ROI
	// line as the report writes it.
	Results     *store.CampaignResults
	ResultsLine roiLine
	ReportURL   string // the report of its days
}

func (s *Server) campaignPage(w http.ResponseWriter, r *http.Request) error {
	return s.showCampaign(w, r, &campaignPage{}, nil)
}

func (s *Server) showCampaign(w http.ResponseWriter, r *http.Request, p *campaignPage, ferr error) error {
	ctx, ws, st := r.Context(), info(r).workspace, s.strategy()
	id, err := pathID(r, "campaign")
	if err != nil {
		return err
	}
	if p.Campaign, err = st.FindCampaign(ctx, ws.ID, id); err != nil {
		return err
	}
	if p.Posts, err = s.posts.FindPosts(ctx, ws.ID, gears.PostFilter{Campaign: p.Campaign.Name, Limit: 500}); err != nil {
		return err
	}
	if p.Spend, err = st.FindSpend(ctx, ws.ID, id); err != nil {
		return err
	}
	if p.Form.Name == "" && p.Form.StartsOn == "" {
		p.Form = campaignFormOf(p.Campaign)
	}
	p.Form.ID, p.Form.AllNetworks, p.Form.OpenedAt = id, gears.StrategyNetworks, strategyNow()
	if p.Spending.SpentOn == "" {
		p.Spending.SpentOn = time.Now().In(ws.Location()).Format("2006-01-02")
	}
	p.Gears = gears.SpendGears
	if p.Currency, err = st.Currency(ctx, ws.ID); err != nil {
		return err
	}
	q := url.Values{"view": {"list"}, "campaign": {p.Campaign.Name}, "date": {p.Campaign.StartsOn}}
	p.CalendarURL = strategyPath(r, "/calendar?%s", q.Encode())
	if ws.Role.Can(gears.ActionViewReports) {
		if p.Results, err = s.reportService().CampaignResults(ctx, ws.ID, id, time.Now()); err != nil {
			return err
		}
		if p.Results != nil {
			p.ResultsLine = lineView(info(r).lang, roi.ByCampaign, p.Results.ROI)
			rq := url.Values{"period": {"custom"}, "from": {p.Results.Period.From.Format(gears.DateLayout)}, "to": {p.Results.Period.To.Format(gears.DateLayout)}}
			p.ReportURL = strategyPath(r, "/metrics?%s", rq.Encode())
		}
	}
	if ferr != nil {
		slot := &p.Form.Err
		if p.spendFailed {
			slot = &p.SpendErr
		}
		return s.formFailed(w, r, ferr, "campaign", "strategy", p, slot)
	}
	return s.render(w, r, "campaign", "campaigns", p)
}

func (s *Server) deleteCampaignForm(w http.ResponseWriter, r *http.Request) error {
	return deleteForm(w, r, "campaign", s.strategy().DeleteCampaign, strategyPath(r, "/campaigns"), "flash.strategy_deleted")
}

func (s *Server) spendForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "campaign")
	if err != nil {
		return err
	}
	p := &campaignPage{spendFailed: true}
	p.Spending.Amount, p.Spending.Network, p.Spending.Gear = r.PostFormValue("amount"), r.PostFormValue("network"), r.PostFormValue("gear")
	p.Spending.SpentOn, p.Spending.Note = r.PostFormValue("spent_on"), r.PostFormValue("note")
	cents, err := strategyCents("amount", p.Spending.Amount)
	if err == nil {
		_, err = s.strategy().AddSpend(r.Context(), ws.ID, id, gears.CampaignSpendInput{AmountCents: cents, Network: gears.Network(p.Spending.Network),
			Gear: p.Spending.Gear, SpentOn: p.Spending.SpentOn, Note: p.Spending.Note})
	}
	if err != nil {
		return s.showCampaign(w, r, p, err)
	}
	s.captureTime(r, ws, campaignsActivity, "campaign", id)
	return redirect(w, r, strategyPath(r, "/campaigns/%d#spend", id), "flash.saved")
}

func (s *Server) deleteSpendForm(w http.ResponseWriter, r *http.Request) error {
	campaign, err := pathID(r, "campaign")
	if err != nil {
		return err
	}
	return deleteForm(w, r, "spend", func(ctx context.Context, wsID, id int64) error {
		return s.strategy().DeleteSpend(ctx, wsID, campaign, id)
	}, strategyPath(r, "/campaigns/%d#spend", campaign), "flash.strategy_deleted")
}

// The strategy gear's API, through the shapes in crud.go. The PATCH
// endpoints decode the body over the thing as it is: fields left out keep
// their values.

func (s *Server) apiStrategy(w http.ResponseWriter, r *http.Request) error {
	return wsJSON(w, r, s.strategy().FindStrategy)
}

func (s *Server) apiSaveStrategy(w http.ResponseWriter, r *http.Request) error {
	return saveJSON(w, r, http.StatusOK, s.strategy().SaveStrategy)
}

func (s *Server) apiResearchNotes(w http.ResponseWriter, r *http.Request) error {
	return listJSON(w, r, "research_notes", s.strategy().FindResearchNotes)
}

func (s *Server) apiCreateResearchNote(w http.ResponseWriter, r *http.Request) error {
	return saveJSON(w, r, http.StatusCreated, s.strategy().CreateResearchNote)
}

func (s *Server) apiResearchNote(w http.ResponseWriter, r *http.Request) error {
	return findJSON(w, r, "note", s.strategy().FindResearchNote)
}

func (s *Server) apiUpdateResearchNote(w http.ResponseWriter, r *http.Request) error {
	st := s.strategy()
	return patchJSON(w, r, "note", st.FindResearchNote, func(n *gears.ResearchNote) gears.ResearchNoteInput {
		return gears.ResearchNoteInput{Title: n.Title, Body: n.Body, SourceURL: n.SourceURL}
	}, st.UpdateResearchNote)
}

func (s *Server) apiDeleteResearchNote(w http.ResponseWriter, r *http.Request) error {
	return deleteJSON(w, r, "note", s.strategy().DeleteResearchNote)
}

func (s *Server) apiCompetitors(w http.ResponseWriter, r *http.Request) error {
	return listJSON(w, r, "competitors", s.strategy().FindCompetitors)
}

func (s *Server) apiCreateCompetitor(w http.ResponseWriter, r *http.Request) error {
	return saveJSON(w, r, http.StatusCreated, s.strategy().CreateCompetitor)
}

func (s *Server) apiCompetitor(w http.ResponseWriter, r *http.Request) error {
	return findJSON(w, r, "competitor", s.strategy().FindCompetitor)
}

func (s *Server) apiUpdateCompetitor(w http.ResponseWriter, r *http.Request) error {
	st := s.strategy()
	return patchJSON(w, r, "competitor", st.FindCompetitor, func(c *gears.Competitor) gears.CompetitorInput {
		return gears.CompetitorInput{Name: c.Name, Network: c.Network, Handle: c.Handle, ProfileURL: c.ProfileURL, Notes: c.Notes}
	}, st.UpdateCompetitor)
}

func (s *Server) apiDeleteCompetitor(w http.ResponseWriter, r *http.Request) error {
	return deleteJSON(w, r, "competitor", s.strategy().DeleteCompetitor)
}

func (s *Server) apiChecklist(w http.ResponseWriter, r *http.Request) error {
	return listJSON(w, r, "accounts", s.strategy().FindChecklist)
}

func (s *Server) apiSetChecklist(w http.ResponseWriter, r *http.Request) error {
	ctx, ws := r.Context(), info(r).workspace
	id, err := pathID(r, "account")
	if err != nil {
		return err
	}
	var in struct {
		Done *bool `json:"done"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Done == nil {
		return gears.Invalid("done", "strategy.done_required")
	}
	if err := s.strategy().SetSetupItem(ctx, ws.ID, id, r.PathValue("item"), *in.Done); err != nil {
		return err
	}
	list, err := s.strategy().FindChecklist(ctx, ws.ID)
	if err != nil {
		return err
	}
	for _, a := range list {
		if a.AccountID == id {
			writeJSON(w, http.StatusOK, a)
			return nil
		}
	}
	return gears.ErrNotFound
}

func (s *Server) apiCampaigns(w http.ResponseWriter, r *http.Request) error {
	return listJSON(w, r, "campaigns", s.strategy().FindCampaigns)
}

func (s *Server) apiCreateCampaign(w http.ResponseWriter, r *http.Request) error {
	return saveJSON(w, r, http.StatusCreated, s.strategy().CreateCampaign)
}

func (s *Server) apiCampaign(w http.ResponseWriter, r *http.Request) error {
	return findJSON(w, r, "campaign", s.strategy().FindCampaign)
}

// apiCampaignResults answers how a campaign did so far: its counts and
// its ROI line with the arithmetic in the request's language; null before
// it starts.
func (s *Server) apiCampaignResults(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "campaign")
	if err != nil {
		return err
	}
	res, err := s.reportService().CampaignResults(r.Context(), info(r).workspace.ID, id, time.Now())
	if err != nil {
		return err
	}
	if res == nil {
		writeJSON(w, http.StatusOK, map[string]any{"results": nil})
		return nil
	}
	l := res.ROI
	steps := make([]string, 0, len(l.Steps))
	for _, st := range l.Steps {
		steps = append(steps, locale.T(info(r).lang, st.MessageKey(), st.MessageArgs()...))
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": map[string]any{
		"from": res.Period.From.Format(gears.DateLayout), "to": res.Period.To.Format(gears.DateLayout),
		"posts": res.Posts, "engagements": res.Engagements, "clicks": res.Clicks, "conversions": res.Conversions,
		"hours": l.Hours, "cost": l.Cost, "value": l.Value, "roi": store.SummaryROIOf(l.ROI), "missing": l.Missing, "steps": steps,
	}})
	return nil
}

func (s *Server) apiUpdateCampaign(w http.ResponseWriter, r *http.Request) error {
	st := s.strategy()
	return patchJSON(w, r, "campaign", st.FindCampaign, func(c *gears.Campaign) gears.CampaignInput {
		return gears.CampaignInput{Name: c.Name, Description: c.Description, Networks: c.Networks, StartsOn: c.StartsOn, EndsOn: c.EndsOn}
	}, st.UpdateCampaign)
}

func (s *Server) apiDeleteCampaign(w http.ResponseWriter, r *http.Request) error {
	return deleteJSON(w, r, "campaign", s.strategy().DeleteCampaign)
}

func (s *Server) apiSpend(w http.ResponseWriter, r *http.Request) error {
	return listUnderJSON(w, r, "campaign", "spend", s.strategy().FindSpend)
}

func (s *Server) apiAddSpend(w http.ResponseWriter, r *http.Request) error {
	return addUnderJSON(w, r, "campaign", s.strategy().AddSpend)
}

func (s *Server) apiDeleteSpend(w http.ResponseWriter, r *http.Request) error {
	campaign, err := pathID(r, "campaign")
	if err != nil {
		return err
	}
	return deleteJSON(w, r, "spend", func(ctx context.Context, wsID, id int64) error {
		return s.strategy().DeleteSpend(ctx, wsID, campaign, id)
	})
}

func (s *Server) apiObjectives(w http.ResponseWriter, r *http.Request) error {
	return listJSON(w, r, "objectives", s.strategy().FindObjectives)
}

func (s *Server) apiCreateObjective(w http.ResponseWriter, r *http.Request) error {
	return saveJSON(w, r, http.StatusCreated, s.strategy().CreateObjective)
}

func (s *Server) apiObjective(w http.ResponseWriter, r *http.Request) error {
	return findJSON(w, r, "objective", s.strategy().FindObjective)
}

func (s *Server) apiUpdateObjective(w http.ResponseWriter, r *http.Request) error {
	st := s.strategy()
	return patchJSON(w, r, "objective", st.FindObjective, func(o *gears.Objective) gears.ObjectiveInput {
		return gears.ObjectiveInput{Title: o.Title, KPI: o.KPI, AccountID: o.AccountID, Network: o.Network, Campaign: o.Campaign,
			Baseline: o.Baseline, Target: o.Target, StartsOn: o.StartsOn, DueOn: o.DueOn}
	}, st.UpdateObjective)
}

func (s *Server) apiDeleteObjective(w http.ResponseWriter, r *http.Request) error {
	return deleteJSON(w, r, "objective", s.strategy().DeleteObjective)
}

func (s *Server) apiProgress(w http.ResponseWriter, r *http.Request) error {
	return findJSON(w, r, "objective", func(ctx context.Context, wsID, id int64) (map[string]any, error) {
		o, p, err := s.strategy().Progress(ctx, wsID, id, time.Now())
		if err != nil {
			return nil, err
		}
		return map[string]any{"objective": o, "progress": p}, nil
	})
}

func (s *Server) apiReadings(w http.ResponseWriter, r *http.Request) error {
	return listUnderJSON(w, r, "objective", "readings", s.strategy().FindReadings)
}

func (s *Server) apiAddReading(w http.ResponseWriter, r *http.Request) error {
	return addUnderJSON(w, r, "objective", s.strategy().AddReading)
}
