package queue

import "github.com/riverqueue/river"

// ReportRound asks for the report schedules that are due to be found, and
// one SendReport job inserted for each.
type ReportRound struct{}

// Kind implements river.JobArgs.
func (ReportRound) Kind() string { return "report_round" }

// InsertOpts: one round waiting or running at a time.
func (ReportRound) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: WhileUnfinished}
}

// SendReport asks for one scheduled report to be e-mailed: the send of
// schedule ScheduleID due at Due (Unix ms, the schedule's next_send_at).
// Unique by its arguments in every state River keeps, so a round that
// finds the same send again adds nothing; the schedule's claim (see
// store.ReportService.ClaimSend) makes a retried job never send twice.
type SendReport struct {
	ScheduleID int64 `json:"schedule_id"`
	Due        int64 `json:"due"`
}

// Kind implements river.JobArgs.
func (SendReport) Kind() string { return "send_report" }

// InsertOpts: a send is tried for about a day while the mail server is
// unreachable, then given up (and recorded so).
func (SendReport) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 12, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}
