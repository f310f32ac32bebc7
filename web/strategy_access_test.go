package web_test

import (
	"fmt"
	"time"

	"gears"
	"gears/store"
)

// The strategy gear's rows, made on demand in a case's copy of the
// fixture by its owner.

func (f *fixture) strategyService() *store.StrategyService { return store.NewStrategyService(f.db) }

func (f *fixture) mustNote() *gears.ResearchNote {
	return must(f.strategyService().CreateResearchNote(as(f.actors["owner"].user), f.ws.ID, gears.ResearchNoteInput{Title: "Rivals post at 9"}))
}

func (f *fixture) mustCompetitor() *gears.Competitor {
	return must(f.strategyService().CreateCompetitor(as(f.actors["owner"].user), f.ws.ID,
		gears.CompetitorInput{Name: "Bean Bros", Network: gears.Mastodon, Handle: "beanbros@example.social"}))
}

func (f *fixture) mustCampaign() *gears.Campaign {
	return must(f.strategyService().CreateCampaign(as(f.actors["owner"].user), f.ws.ID,
		gears.CampaignInput{Name: "Spring", StartsOn: "2026-03-01", EndsOn: "2026-03-31"}))
}

func (f *fixture) mustSpend(c *gears.Campaign) *gears.CampaignSpend {
	return must(f.strategyService().AddSpend(as(f.actors["owner"].user), f.ws.ID, c.ID,
		gears.CampaignSpendInput{AmountCents: 5000, SpentOn: "2026-03-02"}))
}

func (f *fixture) mustObjective(kpi gears.KPI) *gears.Objective {
	today := time.Now().In(f.ws.Location())
	return must(f.strategyService().CreateObjective(as(f.actors["owner"].user), f.ws.ID, gears.ObjectiveInput{Title: "Grow", KPI: kpi,
		Target: 100, StartsOn: today.AddDate(0, 0, -7).Format("2006-01-02"), DueOn: today.AddDate(0, 1, 0).Format("2006-01-02")}))
}

// The access cases of the strategy gear's routes, added to accessCases
// (which TestAccess walks).
func init() {
	note := func(api bool, suffix, body string) accessCase {
		return func(f *fixture, _ string) (string, string) {
			if api {
				return f.apiPath("/research-notes/%d%s", f.mustNote().ID, suffix), body
			}
			return f.path("/strategy/research/%d%s", f.mustNote().ID, suffix), body
		}
	}
	competitor := func(api bool, suffix, body string) accessCase {
		return func(f *fixture, _ string) (string, string) {
			if api {
				return f.apiPath("/competitors/%d%s", f.mustCompetitor().ID, suffix), body
			}
			return f.path("/strategy/competitors/%d%s", f.mustCompetitor().ID, suffix), body
		}
	}
	campaign := func(api bool, suffix, body string) accessCase {
		return func(f *fixture, _ string) (string, string) {
			if api {
				return f.apiPath("/campaigns/%d%s", f.mustCampaign().ID, suffix), body
			}
			return f.path("/campaigns/%d%s", f.mustCampaign().ID, suffix), body
		}
	}
	spend := func(api bool) accessCase {
		return func(f *fixture, _ string) (string, string) {
			c := f.mustCampaign()
			sp := f.mustSpend(c)
			if api {
				return f.apiPath("/campaigns/%d/spend/%d", c.ID, sp.ID), ""
			}
			return f.path("/campaigns/%d/spend/%d/delete", c.ID, sp.ID), ""
		}
	}
	objective := func(api bool, kpi gears.KPI, suffix, body string) accessCase {
		return func(f *fixture, _ string) (string, string) {
			if api {
				return f.apiPath("/objectives/%d%s", f.mustObjective(kpi).ID, suffix), body
			}
			return f.path("/objectives/%d%s", f.mustObjective(kpi).ID, suffix), body
		}
	}
	today := time.Now().Format("2006-01-02")
	later := time.Now().AddDate(0, 2, 0).Format("2006-01-02")
	objectiveForm := form("title", "Publish more", "kpi", "posts", "target", "40", "baseline", "0", "starts_on", today, "due_on", later, "network", "mastodon")
	objectiveJSON := fmt.Sprintf(`{"title":"Publish more","kpi":"posts","target":40,"starts_on":%q,"due_on":%q}`, today, later)
	cases := map[string]accessCase{
		"POST /w/{ws}/strategy":                                 inWS("/strategy", form("audiences", "Coffee lovers", "tone", "Warm", "role_mastodon", "Community")),
		"POST /w/{ws}/strategy/research":                        inWS("/strategy/research", form("title", "Mornings work", "body", "Posts at 9 get more replies")),
		"POST /w/{ws}/strategy/research/{note}":                 note(false, "", form("title", "Mornings work best")),
		"POST /w/{ws}/strategy/research/{note}/delete":          note(false, "/delete", ""),
		"POST /w/{ws}/strategy/competitors":                     inWS("/strategy/competitors", form("name", "Roast Co", "network", "bluesky", "handle", "roastco.example.com")),
		"POST /w/{ws}/strategy/competitors/{competitor}":        competitor(false, "", form("name", "Bean Brothers", "network", "mastodon", "handle", "beanbros@example.social")),
		"POST /w/{ws}/strategy/competitors/{competitor}/delete": competitor(false, "/delete", ""),
		"POST /w/{ws}/strategy/checklist/{account}": func(f *fixture, _ string) (string, string) {
			return f.path("/strategy/checklist/%d", f.account.ID), form("item", "bio", "done", "1")
		},
		"GET /w/{ws}/objectives":                                 inWS("/objectives", ""),
		"POST /w/{ws}/objectives":                                inWS("/objectives", objectiveForm),
		"GET /w/{ws}/objectives/{objective}":                     objective(false, gears.KPIEngagements, "", ""),
		"POST /w/{ws}/objectives/{objective}":                    objective(false, gears.KPIEngagements, "", objectiveForm),
		"POST /w/{ws}/objectives/{objective}/delete":             objective(false, gears.KPIEngagements, "/delete", ""),
		"POST /w/{ws}/objectives/{objective}/readings":           objective(false, gears.KPICustom, "/readings", form("day", today, "value", "12,5")),
		"GET /w/{ws}/campaigns":                                  inWS("/campaigns", ""),
		"POST /w/{ws}/campaigns":                                 inWS("/campaigns", form("name", "Autumn", "starts_on", today, "ends_on", later, "networks", "mastodon")),
		"GET /w/{ws}/campaigns/{campaign}":                       campaign(false, "", ""),
		"POST /w/{ws}/campaigns/{campaign}":                      campaign(false, "", form("name", "Spring sale", "starts_on", "2026-03-01", "ends_on", "2026-03-31")),
		"POST /w/{ws}/campaigns/{campaign}/delete":               campaign(false, "/delete", ""),
		"POST /w/{ws}/campaigns/{campaign}/spend":                campaign(false, "/spend", form("amount", "120.50", "spent_on", "2026-03-03", "gear", "strategy")),
		"POST /w/{ws}/campaigns/{campaign}/spend/{spend}/delete": spend(false),

		"GET /api/v1/workspaces/{ws}/strategy":                    inAPIWS("/strategy", ""),
		"PUT /api/v1/workspaces/{ws}/strategy":                    inAPIWS("/strategy", `{"audiences":"Locals","tone":"Warm","channels":[{"network":"bluesky","role":"News"}]}`),
		"GET /api/v1/workspaces/{ws}/research-notes":              inAPIWS("/research-notes", ""),
		"POST /api/v1/workspaces/{ws}/research-notes":             inAPIWS("/research-notes", `{"title":"Mornings","body":"Replies peak at 9"}`),
		"GET /api/v1/workspaces/{ws}/research-notes/{note}":       note(true, "", ""),
		"PATCH /api/v1/workspaces/{ws}/research-notes/{note}":     note(true, "", `{"body":"And at 19"}`),
		"DELETE /api/v1/workspaces/{ws}/research-notes/{note}":    note(true, "", ""),
		"GET /api/v1/workspaces/{ws}/competitors":                 inAPIWS("/competitors", ""),
		"POST /api/v1/workspaces/{ws}/competitors":                inAPIWS("/competitors", `{"name":"Roast Co","network":"bluesky","handle":"roastco.example.com"}`),
		"GET /api/v1/workspaces/{ws}/competitors/{competitor}":    competitor(true, "", ""),
		"PATCH /api/v1/workspaces/{ws}/competitors/{competitor}":  competitor(true, "", `{"notes":"Cheaper"}`),
		"DELETE /api/v1/workspaces/{ws}/competitors/{competitor}": competitor(true, "", ""),
		"GET /api/v1/workspaces/{ws}/checklist":                   inAPIWS("/checklist", ""),
		"PUT /api/v1/workspaces/{ws}/checklist/{account}/{item}": func(f *fixture, _ string) (string, string) {
			return f.apiPath("/checklist/%d/avatar", f.account.ID), `{"done":true}`
		},
		"GET /api/v1/workspaces/{ws}/campaigns":                             inAPIWS("/campaigns", ""),
		"POST /api/v1/workspaces/{ws}/campaigns":                            inAPIWS("/campaigns", `{"name":"Autumn","starts_on":"2026-10-01","ends_on":"2026-10-31","networks":["bluesky"]}`),
		"GET /api/v1/workspaces/{ws}/campaigns/{campaign}":                  campaign(true, "", ""),
		"GET /api/v1/workspaces/{ws}/campaigns/{campaign}/results":          campaign(true, "/results", ""),
		"PATCH /api/v1/workspaces/{ws}/campaigns/{campaign}":                campaign(true, "", `{"name":"Spring sale"}`),
		"DELETE /api/v1/workspaces/{ws}/campaigns/{campaign}":               campaign(true, "", ""),
		"GET /api/v1/workspaces/{ws}/campaigns/{campaign}/spend":            campaign(true, "/spend", ""),
		"POST /api/v1/workspaces/{ws}/campaigns/{campaign}/spend":           campaign(true, "/spend", `{"amount_cents":12050,"spent_on":"2026-03-03"}`),
		"DELETE /api/v1/workspaces/{ws}/campaigns/{campaign}/spend/{spend}": spend(true),
		"GET /api/v1/workspaces/{ws}/objectives":                            inAPIWS("/objectives", ""),
		"POST /api/v1/workspaces/{ws}/objectives":                           inAPIWS("/objectives", objectiveJSON),
		"GET /api/v1/workspaces/{ws}/objectives/{objective}":                objective(true, gears.KPIClicks, "", ""),
		"PATCH /api/v1/workspaces/{ws}/objectives/{objective}":              objective(true, gears.KPIClicks, "", `{"target":250}`),
		"DELETE /api/v1/workspaces/{ws}/objectives/{objective}":             objective(true, gears.KPIClicks, "", ""),
		"GET /api/v1/workspaces/{ws}/objectives/{objective}/progress":       objective(true, gears.KPIFollowers, "/progress", ""),
		"GET /api/v1/workspaces/{ws}/objectives/{objective}/readings":       objective(true, gears.KPICustom, "/readings", ""),
		"POST /api/v1/workspaces/{ws}/objectives/{objective}/readings":      objective(true, gears.KPICustom, "/readings", fmt.Sprintf(`{"day":%q,"value":42}`, today)),
	}
	for k, v := range cases {
		if _, dup := accessCases[k]; dup {
			panic("access case written twice: " + k)
		}
		accessCases[k] = v
	}
}
