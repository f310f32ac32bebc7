package gears

import (
	"net/mail"
	"strings"
	"time"
)

// Reports cover a period of the workspace's local dates, both ends
// included.

// DateLayout is how dates are written in reports, their API and forms.
const DateLayout = "2006-01-02"

// MaxReportDays is the longest period a report covers (three years).
const MaxReportDays = 3 * 366

// ReportPeriod is an inclusive range of local dates. From and To are the
// dates at midnight UTC (the date matters, not the instant).
type ReportPeriod struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// ParseReportPeriod reads a period from two dates written as DateLayout.
// Both empty means the last 30 days up to today (today in the workspace's
// time zone is given); one of them empty, a date that does not exist, a
// start after the end and a period over MaxReportDays are errors that name
// the field at fault.
func ParseReportPeriod(from, to string, today time.Time) (ReportPeriod, error) {
	if from == "" && to == "" {
		return LastDays(today, 30), nil
	}
	var p ReportPeriod
	for _, f := range []struct {
		name, value string
		dst         *time.Time
	}{{"from", from, &p.From}, {"to", to, &p.To}} {
		if f.value == "" {
			return p, Invalid(f.name, "report.date_required", f.name)
		}
		d, err := time.Parse(DateLayout, f.value)
		if err != nil || len(f.value) != len(DateLayout) {
			return p, Invalid(f.name, "report.bad_date", f.name)
		}
		*f.dst = d
	}
	return p, p.Validate()
}

// LastDays returns the n days up to today's date, today included.
func LastDays(today time.Time, n int) ReportPeriod {
	y, m, d := today.Date()
	to := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return ReportPeriod{From: to.AddDate(0, 0, -(n - 1)), To: to}
}

// Previous returns the period of as many days just before p: what a report
// compares p with (the 30 days before the last 30; for October, the 31
// days before it).
func (p ReportPeriod) Previous() ReportPeriod {
	n := p.Days()
	return ReportPeriod{From: p.From.AddDate(0, 0, -n), To: p.From.AddDate(0, 0, -1)}
}

// Validate checks that the period runs forwards, is not longer than
// MaxReportDays, and lies between the years 2000 and 2200.
func (p ReportPeriod) Validate() error {
	lo, hi := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	if p.From.Before(lo) || !p.From.Before(hi) {
		return Invalid("from", "report.date_out_of_range", "from")
	}
	if p.To.Before(lo) || !p.To.Before(hi) {
		return Invalid("to", "report.date_out_of_range", "to")
	}
	if p.To.Before(p.From) {
		return Invalid("from", "report.period_backwards")
	}
	if p.Days() > MaxReportDays {
		return Invalid("to", "report.period_too_long", MaxReportDays)
	}
	return nil
}

// Days returns how many days the period covers.
func (p ReportPeriod) Days() int { return int(p.To.Sub(p.From).Hours()/24) + 1 }

// Report frequencies of a schedule.
const (
	Weekly  = "weekly"
	Monthly = "monthly"
)

// MaxRecipients is how many addresses one schedule may send to.
const MaxRecipients = 20

// ReportSchedule e-mails a workspace's report weekly (the last week, Monday
// to Sunday) or monthly (the last month), in the workspace's language.
type ReportSchedule struct {
	ID          int64         `json:"id"`
	WorkspaceID int64         `json:"workspace_id"`
	Frequency   string        `json:"frequency"`
	Recipients  []string      `json:"recipients"`
	NextSendAt  time.Time     `json:"next_send_at"`
	LastSentAt  *time.Time    `json:"last_sent_at"`
	LastPeriod  *ReportPeriod `json:"last_period"`
	LastError   string        `json:"last_error"`
	CreatedAt   time.Time     `json:"created_at"`
}

// ReportScheduleCreate is what it takes to schedule a report.
type ReportScheduleCreate struct {
	Frequency  string   `json:"frequency"`
	Recipients []string `json:"recipients"`
}

// Validate checks the frequency and the addresses, and keeps each address
// once, trimmed.
func (c *ReportScheduleCreate) Validate() error {
	if c.Frequency != Weekly && c.Frequency != Monthly {
		return Invalid("frequency", "report.bad_frequency")
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range c.Recipients {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		a, err := mail.ParseAddress(r)
		if err != nil || strings.ContainsAny(r, "\r\n") || len(a.Address) > 254 {
			return Invalid("recipients", "report.bad_recipient", r)
		}
		key := strings.ToLower(a.Address)
		if !seen[key] {
			seen[key] = true
			out = append(out, a.Address)
		}
	}
	if len(out) == 0 {
		return Invalid("recipients", "report.no_recipients")
	}
	if len(out) > MaxRecipients {
		return Invalid("recipients", "report.too_many_recipients", MaxRecipients)
	}
	c.Recipients = out
	return nil
}

// RollingShareDays is the period of a rolling share link: the last 30 days.
const RollingShareDays = 30

// ShareLink shows a workspace's report read-only to whoever has its token:
// for a fixed period, or rolling (the last RollingShareDays days, whenever
// it is opened).
type ShareLink struct {
	ID          int64         `json:"id"`
	WorkspaceID int64         `json:"workspace_id"`
	Rolling     bool          `json:"rolling"`
	Period      *ReportPeriod `json:"period"` // nil when rolling
	CreatedBy   string        `json:"created_by"`
	CreatedAt   time.Time     `json:"created_at"`
	RevokedAt   *time.Time    `json:"revoked_at"`
	// Token is set only when the link is created: it is shown once and
	// stored as a hash.
	Token string `json:"token,omitempty"`
}

// ShareLinkCreate is what it takes to share a report.
type ShareLinkCreate struct {
	Rolling bool          `json:"rolling"`
	Period  *ReportPeriod `json:"period"`
}

// Validate requires a valid period unless the link is rolling.
func (c *ShareLinkCreate) Validate() error {
	if c.Rolling {
		c.Period = nil
		return nil
	}
	if c.Period == nil {
		return Invalid("from", "report.date_required", "from")
	}
	return c.Period.Validate()
}
