package workload

import (
	"sort"
	"time"
)

// Row is planned against tracked hours for one week, person and activity.
// UserID 0 is work nobody is assigned to.
type Row struct {
	Week        time.Time `json:"week"` // the Monday, in the workspace's time zone
	UserID      int64     `json:"user_id"`
	Gear        Gear      `json:"gear"`
	ActivityKey string    `json:"activity_key"`
	Planned     float64   `json:"planned_hours"`
	Tracked     float64   `json:"tracked_hours"`
	Difference  float64   `json:"difference_hours"` // tracked − planned
}

// PlannedVsActual sets the tasks' weekly budgets against the time tracked,
// for each of weeks (Mondays in the workspace's time zone), per person and
// activity. Rows come sorted by week, person, gear order and activity.
func PlannedVsActual(tasks []*Task, entries []*TimeEntry, weeks []time.Time) []Row {
	type key struct {
		week     int64
		user     int64
		activity string
	}
	rows := map[key]*Row{}
	get := func(week time.Time, user int64, activity string) *Row {
		k := key{week.Unix(), user, activity}
		r := rows[k]
		if r == nil {
			a, _ := Lookup(activity)
			r = &Row{Week: week, UserID: user, Gear: a.Gear, ActivityKey: activity}
			rows[k] = r
		}
		return r
	}
	for _, w := range weeks {
		for _, t := range tasks {
			if !t.ActiveIn(w) {
				continue
			}
			var user int64
			if t.AssigneeID != nil {
				user = *t.AssigneeID
			}
			get(w, user, t.ActivityKey).Planned += t.WeeklyHours
		}
	}
	for _, e := range entries {
		if e.Running {
			continue
		}
		start := WeekStart(e.StartedAt.In(weeks[0].Location()))
		for _, w := range weeks {
			if w.Equal(start) {
				get(w, e.UserID, e.ActivityKey).Tracked += e.Minutes / 60
				break
			}
		}
	}
	out := make([]Row, 0, len(rows))
	for _, r := range rows {
		r.Planned = round(r.Planned, 2)
		r.Tracked = round(r.Tracked, 2)
		r.Difference = round(r.Tracked-r.Planned, 2)
		out = append(out, *r)
	}
	order := map[string]int{}
	for i, a := range catalogue {
		order[a.Key] = i
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.Week.Equal(b.Week) {
			return a.Week.Before(b.Week)
		}
		if a.UserID != b.UserID {
			return a.UserID < b.UserID
		}
		return order[a.ActivityKey] < order[b.ActivityKey]
	})
	return out
}

// LoadCell is one person's week: planned and tracked hours against their
// capacity.
type LoadCell struct {
	Week     time.Time `json:"week"`
	UserID   int64     `json:"user_id"`
	Planned  float64   `json:"planned_hours"`
	Tracked  float64   `json:"tracked_hours"`
	Capacity float64   `json:"capacity_hours"`
	Load     float64   `json:"load"` // max(planned, tracked) ÷ capacity; 0 without capacity
}

// Load sums rows per person and week against each person's weekly
// capacity, for the capacity heat map. People without a row get cells too.
func Load(rows []Row, weeks []time.Time, capacity map[int64]float64) []LoadCell {
	type key struct {
		week int64
		user int64
	}
	sums := map[key]*LoadCell{}
	users := make([]int64, 0, len(capacity))
	for u := range capacity {
		users = append(users, u)
	}
	sort.Slice(users, func(i, j int) bool { return users[i] < users[j] })
	for _, w := range weeks {
		for _, u := range users {
			sums[key{w.Unix(), u}] = &LoadCell{Week: w, UserID: u, Capacity: capacity[u]}
		}
	}
	for _, r := range rows {
		c := sums[key{r.Week.Unix(), r.UserID}]
		if c == nil {
			c = &LoadCell{Week: r.Week, UserID: r.UserID, Capacity: capacity[r.UserID]}
			sums[key{r.Week.Unix(), r.UserID}] = c
		}
		c.Planned += r.Planned
		c.Tracked += r.Tracked
	}
	out := make([]LoadCell, 0, len(sums))
	for _, c := range sums {
		c.Planned, c.Tracked = round(c.Planned, 2), round(c.Tracked, 2)
		if c.Capacity > 0 {
			c.Load = round(max(c.Planned, c.Tracked)/c.Capacity, 2)
		}
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].UserID != out[j].UserID {
			return out[i].UserID < out[j].UserID
		}
		return out[i].Week.Before(out[j].Week)
	})
	return out
}

// History turns tracked time and work counts into the weeks Calibrate
// reads. Weeks with neither are left out.
func History(entries []*TimeEntry, counts []WorkCount, weeks []time.Time) []Week {
	byWeek := map[int64]*Week{}
	get := func(w time.Time) *Week {
		h := byWeek[w.Unix()]
		if h == nil {
			h = &Week{Hours: map[string]float64{}}
			byWeek[w.Unix()] = h
		}
		return h
	}
	inRange := map[int64]bool{}
	for _, w := range weeks {
		inRange[w.Unix()] = true
	}
	loc := time.UTC
	if len(weeks) > 0 {
		loc = weeks[0].Location()
	}
	for _, e := range entries {
		w := WeekStart(e.StartedAt.In(loc))
		if e.Running || !inRange[w.Unix()] {
			continue
		}
		get(w).Hours[e.ActivityKey] += e.Minutes / 60
	}
	for _, c := range counts {
		w := WeekStart(c.WeekStart.In(loc))
		if !inRange[w.Unix()] {
			continue
		}
		h := get(w)
		h.Posts, h.Conversations, h.Reports = c.Posts, c.Conversations, c.Reports
	}
	var out []Week
	for _, w := range weeks {
		if h := byWeek[w.Unix()]; h != nil {
			out = append(out, *h)
		}
	}
	return out
}

// Weeks returns the n Mondays up to and including the week of t.
func Weeks(t time.Time, n int) []time.Time {
	last := WeekStart(t)
	out := make([]time.Time, n)
	for i := range n {
		out[i] = last.AddDate(0, 0, -7*(n-1-i))
	}
	return out
}
