package web

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gears"
	"gears/locale"
	"gears/workload"
)

// Helpers shared by the planner's work pages: the board, time, planned
// against actual and calibration.

// dateLayout is how dates travel in forms, query strings and paths.
const dateLayout = "2006-01-02"

// parseDate reads a YYYY-MM-DD date as midnight in loc; anything else is an
// error naming field.
func parseDate(field, s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(dateLayout, strings.TrimSpace(s), loc)
	if err != nil {
		return time.Time{}, gears.Invalid(field, "date.invalid", s)
	}
	return t, nil
}

// parseInstant reads a date (YYYY-MM-DD, midnight in loc) or an RFC 3339
// time.
func parseInstant(field, s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, strings.TrimSpace(s)); err == nil {
		return t, nil
	}
	return parseDate(field, s, loc)
}

// weekOf returns the Monday of the week named by the query parameter
// "week" (any date of it), or of this week in loc when there is none.
func weekOf(r *http.Request, loc *time.Location) (time.Time, error) {
	q := r.URL.Query().Get("week")
	if q == "" {
		return workload.WeekStart(time.Now().In(loc)), nil
	}
	d, err := parseDate("week", q, loc)
	if err != nil {
		return time.Time{}, err
	}
	return workload.WeekStart(d), nil
}

// weeksParam reads the number of weeks a report covers: def when absent,
// 1 to 52 otherwise.
func weeksParam(r *http.Request, def int) (int, error) {
	q := r.URL.Query().Get("weeks")
	if q == "" {
		return def, nil
	}
	n, err := strconv.Atoi(q)
	if err != nil || n < 1 || n > maxReportWeeks {
		return 0, gears.Invalid("weeks", "workload.weeks_range", maxReportWeeks)
	}
	return n, nil
}

const maxReportWeeks = 52

// parseNumber reads a number as people type it, with a comma or a point.
func parseNumber(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// activityGroup is one gear's activities, for selects.
type activityGroup struct {
	Gear       workload.Gear
	Colour     string
	Activities []activityOption
}

type activityOption struct {
	Key, Name string
}

// activityGroups lists every activity by gear, named in lang.
func activityGroups(lang string) []activityGroup {
	var out []activityGroup
	for _, g := range workload.Gears() {
		ag := activityGroup{Gear: g, Colour: gearColours[g]}
		for _, a := range workload.Activities() {
			if a.Gear == g {
				ag.Activities = append(ag.Activities, activityOption{Key: a.Key, Name: locale.T(lang, a.NameKey())})
			}
		}
		out = append(out, ag)
	}
	return out
}

// activityName returns the name of an activity in lang.
func activityName(lang, key string) string { return locale.T(lang, workload.NameKey(key)) }

// memberName is the name a member goes by: their name, or their address.
func memberName(m *gears.Member) string {
	if m.Name == "" {
		return m.Email
	}
	return m.Name
}

// memberNames maps user IDs to the names members go by.
func memberNames(members []*gears.Member) map[int64]string {
	names := make(map[int64]string, len(members))
	for _, m := range members {
		names[m.UserID] = memberName(m)
	}
	return names
}

// activePlan returns the workspace's active plan, or nil.
func activePlan(plans []*workload.Plan) *workload.Plan {
	for _, p := range plans {
		if p.Active {
			return p
		}
	}
	return nil
}

// numberedSVG gives a drawing's title its own id, so that several drawings
// can share a page.
func numberedSVG(svg template.HTML, n int) template.HTML {
	id := fmt.Sprintf("gears-title-%d", n)
	s := strings.Replace(string(svg), `aria-labelledby="gears-title"`, `aria-labelledby="`+id+`"`, 1)
	s = strings.Replace(s, `<title id="gears-title">`, `<title id="`+id+`">`, 1)
	return template.HTML(s)
}

// fmtHours shows hours with one decimal.
func fmtHours(h float64) string { return strconv.FormatFloat(math.Round(h*10)/10, 'f', 1, 64) }

// fmtMinutes shows minutes as hours and minutes: 1:05.
func fmtMinutes(m float64) string {
	total := int(math.Round(m))
	return fmt.Sprintf("%d:%02d", total/60, total%60)
}

// signed shows a difference of hours with its sign.
func signed(h float64) string {
	h = math.Round(h*10) / 10
	if h > 0 {
		return "+" + fmtHours(h)
	}
	if h == 0 {
		return "0.0"
	}
	return fmtHours(h)
}

// fmtNumber shows a number as briefly as it is.
func fmtNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
