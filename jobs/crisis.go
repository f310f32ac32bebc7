package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"gears"
	"gears/crisis"
	"gears/locale"
	"gears/notify"
	"gears/queue"
	"gears/store"
)

// Crisis holds what crisis mode's jobs need.
type Crisis struct {
	Store   *store.CrisisService
	Webhook *notify.WebhookSender
	Mailer  *notify.Mailer // nil when no SMTP server is configured
	BaseURL string         // for links in alerts
	Logger  *slog.Logger
}

func (c *Crisis) register(workers *river.Workers) {
	river.AddWorker(workers, &DetectWorker{crisis: c})
	river.AddWorker(workers, &NotifyWorker{crisis: c})
}

func (c *Crisis) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

// DetectArgs asks for the spike detector to run over every workspace.
type DetectArgs struct{}

// Kind implements river.JobArgs.
func (DetectArgs) Kind() string { return "crisis_detect" }

// InsertOpts: one run waiting or running at a time.
func (DetectArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queue.QueueInbox, UniqueOpts: queue.WhileUnfinished}
}

// DetectWorker feeds each workspace's minutes of inbound messages, up to
// the last whole minute, to the spike detector, and records the alerts it
// raises (which go to the workspace's alert channels).
type DetectWorker struct {
	river.WorkerDefaults[DetectArgs]
	crisis *Crisis
}

// maxCatchUp is how far back a detector run reads: a workspace that has
// not been observed for longer starts afresh from there.
const maxCatchUp = 7 * 24 * time.Hour

// Work runs the detector.
func (w *DetectWorker) Work(ctx context.Context, job *river.Job[DetectArgs]) error {
	list, err := w.crisis.Store.Detections(ctx)
	if err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Minute)
	var errs []error
	for _, d := range list {
		if err := w.crisis.Detect(ctx, d, now); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Detect runs the detector for one workspace over the whole minutes
// before until.
func (c *Crisis) Detect(ctx context.Context, d store.Detection, until time.Time) error {
	loc, err := time.LoadLocation(d.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	det := crisis.Detector{Sensitivity: crisis.Sensitivity(d.Sensitivity), Location: loc}
	var base crisis.Baseline
	if len(d.Baseline) > 0 {
		if err := json.Unmarshal(d.Baseline, &base); err != nil {
			c.logger().Warn("crisis baseline unreadable: starting afresh", "workspace_id", d.WorkspaceID, "err", err)
			base = crisis.Baseline{}
		}
	}
	from := d.ObservedUntil
	if from.Before(until.Add(-maxCatchUp)) {
		from = until.Add(-maxCatchUp)
	}
	if !from.Before(until) {
		return nil
	}
	counts, err := c.Store.MinuteCounts(ctx, d.WorkspaceID, from, until)
	if err != nil {
		return err
	}
	var raised []store.RaisedAlert
	observe := func(m crisis.Minute) {
		for _, a := range det.Observe(&base, m) {
			raised = append(raised, store.RaisedAlert{Kind: string(a.Kind), Start: a.Start, At: a.At, Data: a})
		}
	}
	for _, m := range counts {
		observe(crisis.Minute{Start: m.Start, Total: m.Total, Negative: m.Negative})
	}
	// The quiet minutes up to the end count too.
	if last := until.Add(-time.Minute); len(counts) == 0 || counts[len(counts)-1].Start.Before(last) {
		observe(crisis.Minute{Start: last})
	}
	raw, err := json.Marshal(&base)
	if err != nil {
		return fmt.Errorf("crisis baseline: %w", err)
	}
	for _, a := range raised {
		c.logger().Warn("crisis alert", "workspace_id", d.WorkspaceID, "kind", a.Kind, "start", a.Start)
	}
	return c.Store.SaveDetection(ctx, d, raw, until, raised)
}

// NotifyWorker sends one event to one alert channel.
type NotifyWorker struct {
	river.WorkerDefaults[queue.Notify]
	crisis *Crisis
}

// Timeout bounds one sending.
func (w *NotifyWorker) Timeout(*river.Job[queue.Notify]) time.Duration { return time.Minute }

// NextRetry backs off: 10 s doubling, up to an hour.
func (w *NotifyWorker) NextRetry(job *river.Job[queue.Notify]) time.Time {
	return time.Now().Add(min(10*time.Second<<min(job.Attempt, 9), time.Hour))
}

// Work sends.
func (w *NotifyWorker) Work(ctx context.Context, job *river.Job[queue.Notify]) error {
	ch, err := w.crisis.Store.LoadChannel(ctx, job.Args.ChannelID)
	if gears.ErrorCode(err) == gears.ENOTFOUND {
		return nil // the channel was removed
	}
	if err != nil {
		return err
	}
	ev := notify.Event{ID: job.Args.EventID, Type: job.Args.Type, WorkspaceID: job.Args.WorkspaceID,
		CreatedAt: time.UnixMilli(job.Args.CreatedAt).UTC(), Data: job.Args.Data}
	switch ch.Kind {
	case gears.AlertWebhook:
		err = w.crisis.Webhook.Send(ctx, notify.Webhook{URL: ch.Target, Secret: ch.Secret}, ev)
	case gears.AlertEmail:
		if w.crisis.Mailer == nil {
			w.crisis.logger().Warn("alert by e-mail: no SMTP server configured", "channel_id", ch.ID)
			return nil
		}
		subject, text := Describe(ch.Lang, ch.WorkspaceName, job.Args.Type, job.Args.Data, w.crisis.BaseURL, job.Args.WorkspaceID)
		err = w.crisis.Mailer.Send(ctx, notify.Mail{To: []string{ch.Target}, Subject: subject, Text: text})
	}
	var re *gears.RemoteError
	if errors.As(err, &re) && re.Kind == gears.RemoteRejected {
		w.crisis.logger().Warn("alert refused for good", "channel_id", ch.ID, "err", err)
		return river.JobCancel(err)
	}
	return err
}

// Describe writes an event for people, in lang: a subject and a text.
func Describe(lang, workspace, typ string, data json.RawMessage, baseURL string, wsID int64) (subject, text string) {
	var b strings.Builder
	switch typ {
	case "crisis.alert":
		var a crisis.Alert
		if err := json.Unmarshal(data, &a); err == nil {
			subject = locale.T(lang, "alerts.subject.crisis", workspace)
			b.WriteString(locale.T(lang, a.MessageKey(), a.MessageArgs()...))
		}
	case "incident.opened", "incident.updated":
		var in gears.Incident
		if err := json.Unmarshal(data, &in); err == nil {
			subject = locale.T(lang, "alerts.subject."+typ, workspace, in.Title)
			b.WriteString(locale.T(lang, "alerts.incident", in.Title, locale.T(lang, "crisis.severity."+string(in.Severity)),
				locale.T(lang, "incident.status."+string(in.Status))))
			if baseURL != "" {
				fmt.Fprintf(&b, "\n\n%s/w/%d/incidents/%d", strings.TrimRight(baseURL, "/"), wsID, in.ID)
			}
		}
	}
	if subject == "" {
		subject = locale.T(lang, "alerts.subject.test", workspace)
		b.WriteString(locale.T(lang, "alerts.test"))
	}
	return subject, b.String()
}
