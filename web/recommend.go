package web

import (
	"context"
	"net/http"
	"time"

	"gears"
	"gears/locale"
	"gears/recommend"
	"gears/store"
)

// Recommendations with their evidence: the API
// (GET /api/v1/workspaces/{ws}/reports/recommendations) and the block the
// report page shows (the partial "recommendations").

// recommendDays is the period without from and to: twelve weeks, enough
// for the trends (six complete weeks at least) and the comparisons.
const recommendDays = 84

// recommendPeriod reads from and to (local dates, both included, as every
// report reads them); with neither, the last recommendDays days.
func recommendPeriod(r *http.Request) (gears.ReportPeriod, error) {
	q := r.URL.Query()
	today := time.Now().In(info(r).workspace.Location())
	if q.Get("from") == "" && q.Get("to") == "" {
		return gears.LastDays(today, recommendDays), nil
	}
	return gears.ParseReportPeriod(q.Get("from"), q.Get("to"), today)
}

// recommendationJSON is one recommendation as the API and the partial give
// it, translated.
type recommendationJSON struct {
	Kind        recommend.Kind     `json:"kind"`
	Status      recommend.Status   `json:"status"`
	Network     string             `json:"network"`
	AccountID   *int64             `json:"account_id"`
	ActivityKey string             `json:"activity_key"`
	Text        string             `json:"text"`
	Evidence    []string           `json:"evidence"`
	Figures     map[string]float64 `json:"figures"`
}

func recommendationsIn(lang string, recs []recommend.Recommendation) []recommendationJSON {
	out := make([]recommendationJSON, 0, len(recs))
	for _, r := range recs {
		j := recommendationJSON{Kind: r.Kind, Status: r.Status, Network: r.Network, ActivityKey: r.ActivityKey,
			Text: locale.T(lang, r.Text.MessageKey(), r.Text.MessageArgs()...), Evidence: make([]string, 0, len(r.Evidence)), Figures: r.Figures}
		if r.AccountID != 0 {
			id := r.AccountID
			j.AccountID = &id
		}
		for _, e := range r.Evidence {
			j.Evidence = append(j.Evidence, locale.T(lang, e.MessageKey(), e.MessageArgs()...))
		}
		if j.Figures == nil {
			j.Figures = map[string]float64{}
		}
		out = append(out, j)
	}
	return out
}

func (s *Server) apiRecommendations(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	p, err := recommendPeriod(r)
	if err != nil {
		return err
	}
	recs, err := store.NewRecommendService(s.db).Recommendations(r.Context(), ri.workspace.ID, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"from": p.From.Format(dateLayout), "to": p.To.Format(dateLayout),
		"recommendations": recommendationsIn(ri.lang, recs),
	})
	return nil
}

// recommendationsBlock is what the partial "recommendations" shows: the
// period's recommendations by kind, every text already in the reader's
// language, so any page (the report, its share link) can include it with
// {{template "recommendations" .Recommendations}}.
type recommendationsBlock struct {
	Title, Period, None, EvidenceLabel, Insufficient string
	Groups                                           []recommendGroup
	// CalibrationPath, when set, links estimate mismatches to calibration.
	CalibrationPath, CalibrationLabel string
}

// recommendGroup is one kind's recommendations.
type recommendGroup struct {
	Kind  recommend.Kind
	Title string
	Items []recommendationJSON
}

// recommendations builds the block of the period p for the workspace ws
// in lang; the acting user (in ctx) must be allowed to view reports. The
// calibration link is given to those who may open it (every role that
// views reports may).
func (s *Server) recommendations(ctx context.Context, lang string, ws *gears.Workspace, p gears.ReportPeriod) (*recommendationsBlock, error) {
	recs, err := store.NewRecommendService(s.db).Recommendations(ctx, ws.ID, p)
	if err != nil {
		return nil, err
	}
	return newRecommendationsBlock(lang, "/w/"+itoa(ws.ID)+"/calibration", p, recs), nil
}

// newRecommendationsBlock groups recs by kind, in recommend.Kinds' order.
func newRecommendationsBlock(lang, calibration string, p gears.ReportPeriod, recs []recommend.Recommendation) *recommendationsBlock {
	b := &recommendationsBlock{
		Title:            locale.T(lang, "recommend.title"),
		Period:           locale.T(lang, "recommend.period", p.From.Format(dateLayout), p.To.Format(dateLayout)),
		None:             locale.T(lang, "recommend.none"),
		EvidenceLabel:    locale.T(lang, "recommend.evidence"),
		Insufficient:     locale.T(lang, "recommend.status.insufficient_data"),
		CalibrationPath:  calibration,
		CalibrationLabel: locale.T(lang, "recommend.calibrate_link"),
	}
	items := recommendationsIn(lang, recs)
	for _, k := range recommend.Kinds {
		g := recommendGroup{Kind: k, Title: locale.T(lang, "recommend.kind."+string(k))}
		for _, it := range items {
			if it.Kind == k {
				g.Items = append(g.Items, it)
			}
		}
		if len(g.Items) > 0 {
			b.Groups = append(b.Groups, g)
		}
	}
	return b
}
