package demo

import (
	"context"
	"math/rand/v2"
	"time"

	"gears"
	"gears/store"
	"gears/workload"
)

// The example organisation: a coffee roaster selling to consumers in
// Spanish and English.
var (
	today = workload.Input{
		Networks: 4, PostsPerWeek: 12, MentionsPerWeek: 150, BlogPostsPerMonth: 2,
		CampaignsPerQuarter: 1, ContestsPerQuarter: 1, ReportsPerMonth: 2, Languages: 2,
		OrgSize: workload.Small, Audience: workload.B2C, CrisisRisk: workload.RiskMedium, Rate: 28,
	}
	growth = func() workload.Input {
		in := today
		in.Networks, in.PostsPerWeek, in.MentionsPerWeek = 6, 18, 220
		return in
	}()
)

// owners of each activity in the example team, by e-mail.
var owners = map[string]string{
	"maintenance.monitoring":    "amara.okafor@aurora-coffee.example",
	"maintenance.engagement":    "amara.okafor@aurora-coffee.example",
	"maintenance.curation":      "amara.okafor@aurora-coffee.example",
	"maintenance.calendar":      "diego.santos@aurora-coffee.example",
	"maintenance.graphics":      "diego.santos@aurora-coffee.example",
	"maintenance.blogs":         "diego.santos@aurora-coffee.example",
	"maintenance.crisis":        "lucia.moreno@aurora-coffee.example",
	"metrics.performance":       "tom.becker@aurora-coffee.example",
	"metrics.engagement_review": "tom.becker@aurora-coffee.example",
	"metrics.roi":               "tom.becker@aurora-coffee.example",
	"metrics.changes":           "lucia.moreno@aurora-coffee.example",
	"strategy.research":         "lucia.moreno@aurora-coffee.example",
	"strategy.communication":    "lucia.moreno@aurora-coffee.example",
	"strategy.platforms":        "diego.santos@aurora-coffee.example",
	"strategy.followers":        "amara.okafor@aurora-coffee.example",
	"strategy.campaigns":        "lucia.moreno@aurora-coffee.example",
	"strategy.calendar":         "diego.santos@aurora-coffee.example",
}

const historyWeeks = 6

// fillPlanner saves two scenarios, activates the first six weeks ago,
// assigns its tasks and tracks six weeks of time and work, so the board,
// planned against actual and calibration have something to show.
func fillPlanner(ctx context.Context, db *store.DB, ws *gears.Workspace, now time.Time) error {
	plans := store.NewPlanService(db)
	users := store.NewUserService(db)
	p, err := plans.CreatePlan(ctx, ws.ID, workload.PlanCreate{Name: "Today", Input: today})
	if err != nil {
		return err
	}
	if _, err := plans.CreatePlan(ctx, ws.ID, workload.PlanCreate{Name: "With TikTok and LinkedIn", Input: growth}); err != nil {
		return err
	}
	loc := ws.Location()
	weeks := workload.Weeks(now.In(loc), historyWeeks+1)[:historyWeeks] // the finished weeks
	tasks, err := plans.ActivatePlan(ctx, ws.ID, p.ID, weeks[0])
	if err != nil {
		return err
	}
	people := map[string]*gears.User{}
	for _, email := range owners {
		if people[email] == nil {
			if people[email], err = users.FindUserByEmail(ctx, email); err != nil {
				return err
			}
		}
	}
	byActivity := map[string]*workload.Task{}
	for _, t := range tasks {
		byActivity[t.ActivityKey] = t
		if u := people[owners[t.ActivityKey]]; u != nil {
			if _, err := plans.AssignTask(ctx, ws.ID, t.ID, &u.ID); err != nil {
				return err
			}
		}
	}
	// Work and time grow from known unit times, with noise: about 25
	// minutes a post, 2.5 a conversation and 3 hours a report.
	rng := rand.New(rand.NewPCG(uint64(ws.ID), 2026))
	for _, monday := range weeks {
		w := workload.WorkCount{
			WeekStart:     monday,
			Posts:         float64(10 + rng.IntN(5)),
			Conversations: float64(120 + rng.IntN(70)),
			Reports:       float64(rng.IntN(2) + 0),
		}
		if err := plans.SetWorkCount(ctx, ws.ID, w); err != nil {
			return err
		}
		minutes := map[string]float64{
			"maintenance.calendar":   w.Posts * 14 * noise(rng),
			"maintenance.graphics":   w.Posts * 11 * noise(rng),
			"maintenance.engagement": w.Conversations * 2.5 * noise(rng),
			"metrics.performance":    w.Reports*150*noise(rng) + 30,
			"metrics.roi":            w.Reports * 30 * noise(rng),
		}
		for key, t := range byActivity {
			if _, ok := minutes[key]; !ok && t.ActiveIn(monday) {
				minutes[key] = t.WeeklyHours * 60 * noise(rng)
			}
		}
		for key, m := range minutes {
			u := people[owners[key]]
			if u == nil || m < 1 {
				continue
			}
			as := gears.NewContextWithUser(ctx, u)
			// Two sittings on two weekdays, in office hours.
			for i, part := range []float64{0.6, 0.4} {
				start := monday.AddDate(0, 0, rng.IntN(5)).Add(time.Duration(9+rng.IntN(7)) * time.Hour)
				e := workload.TimeEntryCreate{ActivityKey: key, StartedAt: start, Minutes: float64(int(m * part)), Note: ""}
				if t := byActivity[key]; i == 0 && t != nil {
					e.TaskID = &t.ID
				}
				if e.Minutes < 1 {
					continue
				}
				if _, err := plans.AddTime(as, ws.ID, e); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func noise(rng *rand.Rand) float64 { return 0.85 + 0.3*rng.Float64() }
