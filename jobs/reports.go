package jobs

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"gears"
	"gears/locale"
	"gears/notify"
	"gears/queue"
	"gears/roi"
	"gears/store"
)

// Reports holds what scheduled reports need. Without a Mailer (no SMTP
// server configured) the rounds send nothing and leave schedules due.
type Reports struct {
	Store  *store.ReportService
	Mailer *notify.Mailer
	// Every is how often the round looks for due schedules (default 5 minutes).
	Every  time.Duration
	Logger *slog.Logger
	// Now is the clock (default time.Now), for tests.
	Now func() time.Time
	// PDF, when set, writes the report as a PDF in a language; the mail
	// carries it as an attachment (web.WriteReportPDF).
	PDF func(w io.Writer, lang string, d *store.ReportData) error
}

func (r *Reports) register(workers *river.Workers) {
	river.AddWorker(workers, &ReportRoundWorker{reports: r})
	river.AddWorker(workers, &SendReportWorker{reports: r})
}

func (r *Reports) logger() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}

func (r *Reports) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

// ReportRoundWorker works queue.ReportRound: one SendReport job per send
// due, unique by schedule and due time.
type ReportRoundWorker struct {
	river.WorkerDefaults[queue.ReportRound]
	reports *Reports
}

// Work finds the sends due and inserts their jobs.
func (w *ReportRoundWorker) Work(ctx context.Context, job *river.Job[queue.ReportRound]) error {
	if w.reports.Mailer == nil {
		return nil
	}
	due, err := w.reports.Store.DueSends(ctx, w.reports.now(), 200)
	if err != nil {
		return err
	}
	client := river.ClientFromContext[*sql.Tx](ctx)
	for _, d := range due {
		if _, err := client.Insert(ctx, queue.SendReport{ScheduleID: d.ScheduleID, Due: d.Due}, nil); err != nil {
			return fmt.Errorf("insert report send %d: %w", d.ScheduleID, err)
		}
	}
	return nil
}

// SendReportWorker works queue.SendReport: it claims the send, mails the
// report in the workspace's language, and records the send, which moves
// the schedule to its next period in the same transaction.
//
// Why claim first: a crash between the mail server accepting the message
// and the send being recorded would otherwise send it again on retry. With
// the claim, the retry finds the send claimed and unrecorded, does not
// send, and records it as interrupted (visible on the report page), so a
// crash never sends twice in a row and never skips a period silently. A
// temporary failure (the mail server down) releases the claim and River
// retries; a refusal for good is recorded and the schedule moves on.
type SendReportWorker struct {
	river.WorkerDefaults[queue.SendReport]
	reports *Reports
}

// Work sends one report.
func (w *SendReportWorker) Work(ctx context.Context, job *river.Job[queue.SendReport]) error {
	r := w.reports
	if r.Mailer == nil {
		return nil
	}
	d := store.DueSend{ScheduleID: job.Args.ScheduleID, Due: job.Args.Due}
	rep, err := r.Store.ClaimSend(ctx, d)
	switch {
	case errors.Is(err, store.ErrSendDone):
		return nil
	case errors.Is(err, store.ErrSendInterrupted):
		r.logger().Warn("scheduled report interrupted earlier: not sent again", "schedule_id", d.ScheduleID, "due", d.Due)
		return nil
	case err != nil:
		return err
	}
	mail := ReportMail(rep)
	if r.PDF != nil {
		var buf bytes.Buffer
		if err := r.PDF(&buf, rep.Data.Language, rep.Data); err != nil {
			// Nothing was sent: release the claim and let River retry.
			return r.release(ctx, job, d, "pdf: "+err.Error(), fmt.Errorf("report pdf: %w", err))
		}
		mail.Attachments = []notify.Attachment{{Name: fmt.Sprintf("report-%s-%s.pdf",
			rep.Data.Period.From.Format(gears.DateLayout), rep.Data.Period.To.Format(gears.DateLayout)),
			ContentType: "application/pdf", Data: buf.Bytes()}}
	}
	if err := r.Mailer.Send(ctx, mail); err != nil {
		var re *gears.RemoteError
		if errors.As(err, &re) && re.Kind == gears.RemoteTemporary {
			return r.release(ctx, job, d, re.Message, err)
		}
		r.logger().Error("scheduled report refused", "schedule_id", d.ScheduleID, "err", err)
		return r.finish(ctx, d, "refused: "+err.Error())
	}
	return r.finish(ctx, d, "")
}

// finish records a send's outcome (errText empty when it went out); a send
// recorded already is no error.
func (r *Reports) finish(ctx context.Context, d store.DueSend, errText string) error {
	err := bookkeeping(ctx, func(ctx context.Context) error { return r.Store.FinishSend(ctx, d, errText) })
	if errors.Is(err, store.ErrSendDone) {
		return nil
	}
	return err
}

// release hands a send that failed before any mail left back for a retry,
// or, on the job's last attempt, records it as given up so the schedule
// moves on to its next period (River would discard the job, and the next
// round would queue it again, for ever).
func (r *Reports) release(ctx context.Context, job *river.Job[queue.SendReport], d store.DueSend, why string, cause error) error {
	if job.Attempt >= job.MaxAttempts {
		r.logger().Error("scheduled report given up", "schedule_id", d.ScheduleID, "attempts", job.Attempt, "err", cause)
		if err := r.finish(ctx, d, "gave up: "+why); err != nil {
			return errors.Join(cause, err)
		}
		return nil
	}
	if err := bookkeeping(ctx, func(ctx context.Context) error { return r.Store.ReleaseSend(ctx, d, why) }); err != nil {
		return errors.Join(cause, err)
	}
	return cause
}

// bookkeeping records a send's outcome with a context that outlives the
// job's own (its timeout, a shutdown): a claim left behind would make the
// retry skip a report that never went out.
func bookkeeping(ctx context.Context, record func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return record(ctx)
}

// ReportMail writes a scheduled report as an e-mail in the workspace's
// language: the period, the summary and what ROI did without.
func ReportMail(rep *store.ScheduledReport) notify.Mail {
	d := rep.Data
	lang := d.Language
	t := func(key string, args ...any) string { return locale.T(lang, key, args...) }
	from, to := d.Period.From.Format(gears.DateLayout), d.Period.To.Format(gears.DateLayout)
	s := d.Summary
	money := func(m roi.Money) string { return t(m.MessageKey(), m.MessageArgs()...) }
	roiText := "—"
	if s.ROI != nil {
		x := roi.ROI{Gain: s.ROI.Gain, Cost: s.ROI.Cost}
		roiText = t(x.MessageKey(), x.MessageArgs()...)
	}
	var b strings.Builder
	b.WriteString(t("reports.mail.intro", d.WorkspaceName, from, to) + "\n\n")
	count := func(n int64) string { return locale.Number(lang, float64(n), 0) }
	hours := func(h float64) string { return t("reportpdf.hours_value", locale.Number(lang, h, 2)) }
	for _, l := range [][2]string{
		{t("reports.posts"), count(s.Posts)},
		{t("reports.engagements"), count(s.Engagements)},
		{t("reports.followers_delta"), count(s.FollowersDelta)},
		{t("reports.clicks"), count(s.Clicks)},
		{t("gear.strategy"), hours(s.Hours.Strategy)},
		{t("gear.maintenance"), hours(s.Hours.Maintenance)},
		{t("gear.metrics"), hours(s.Hours.Metrics)},
		{t("reports.cost"), money(s.Cost)},
		{t("reports.value"), money(s.Value)},
		{t("reports.roi"), roiText},
	} {
		b.WriteString(t("reports.mail.line", l[0], l[1]) + "\n")
	}
	for _, m := range s.Missing {
		if m.Kind == roi.MissingRate && m.Person == "" {
			b.WriteString("\n" + t("reports.missing.rate_anonymous", m.MessageArgs()[1]))
			continue
		}
		b.WriteString("\n" + t(m.MessageKey(), m.MessageArgs()...))
	}
	b.WriteString("\n\n" + t("reports.mail.footer") + "\n")
	return notify.Mail{To: rep.Schedule.Recipients, Subject: t("reports.mail.subject", d.WorkspaceName, from, to), Text: b.String()}
}
