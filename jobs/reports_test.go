package jobs_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"gears"
	"gears/jobs"
	"gears/notify"
	"gears/notify/smtptest"
	"gears/queue"
	"gears/store"
	"gears/store/storetest"
	"gears/web"
)

// reportSetup is a Spanish-speaking workspace with a weekly report
// scheduled to two addresses, first due on Monday 7 September 2026 at
// 07:00 in Madrid, and the week before it with 9 engagements.
type reportSetup struct {
	db      *store.DB
	reports *store.ReportService
	owner   context.Context
	ws      *gears.Workspace
	sched   *gears.ReportSchedule
	clock   *clock // the store's and the workers' time, set by the test
	smtp    *smtptest.Server
	client  *jobs.Client
}

func newReportSetup(t *testing.T, db *store.DB) *reportSetup {
	t.Helper()
	s := &reportSetup{db: db, reports: store.NewReportService(db), smtp: smtptest.New(t)}
	s.clock = &clock{t: time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)}
	db.SetNow(s.clock.now)
	u, err := store.NewUserService(db).CreateUser(context.Background(), gears.UserCreate{Email: "owner@example.com", Name: "Olga", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	s.owner = gears.NewContextWithUser(context.Background(), u)
	wss := store.NewWorkspaceService(db)
	if s.ws, err = wss.CreateWorkspace(s.owner, gears.WorkspaceCreate{Name: "Aurora", Timezone: "Europe/Madrid"}); err != nil {
		t.Fatal(err)
	}
	es := "es"
	if _, err := wss.UpdateWorkspace(s.owner, s.ws.ID, gears.WorkspaceUpdate{Language: &es}); err != nil {
		t.Fatal(err)
	}
	if s.sched, err = s.reports.CreateSchedule(s.owner, s.ws.ID, gears.ReportScheduleCreate{Frequency: gears.Weekly,
		Recipients: []string{"cliente@example.org", "jefa@example.org"}}); err != nil {
		t.Fatal(err)
	}
	q := `INSERT INTO daily_metrics (workspace_id, day, likes, replies, clicks) VALUES (?, ?, 7, 2, 4)`
	if db.Dialect() == store.Postgres {
		q = `INSERT INTO daily_metrics (workspace_id, day, likes, replies, clicks) VALUES ($1, $2, 7, 2, 4)`
	}
	if _, err := db.SQL().Exec(q, s.ws.ID, time.Date(2026, 9, 2, 0, 0, 0, 0, time.UTC).Unix()/86400); err != nil {
		t.Fatal(err)
	}
	s.client, err = jobs.New(jobs.Config{DB: db, Logger: slog.New(slog.DiscardHandler), PollInterval: 20 * time.Millisecond, NoPeriodic: true,
		Reports: &jobs.Reports{Store: s.reports, Now: s.clock.now, PDF: web.WriteReportPDF,
			Mailer: &notify.Mailer{Config: notify.SMTPConfig{Host: s.smtp.Host, Port: s.smtp.Port, From: "Gears <reports@gears.example>", TLS: notify.TLSNone}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.client.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.client.Stop(ctx)
	})
	return s
}

// run inserts a job and waits until it and the jobs it inserted are
// finalized; it returns the job.
func (s *reportSetup) run(t *testing.T, args river.JobArgs) *rivertype.JobRow {
	t.Helper()
	res, err := s.client.Insert(context.Background(), args, nil)
	if err != nil {
		t.Fatal(err)
	}
	job := s.wait(t, res.Job.ID)
	// Then every send the round inserted.
	list, err := s.client.JobList(context.Background(), river.NewJobListParams().Kinds(queue.SendReport{}.Kind()).First(100))
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range list.Jobs {
		s.wait(t, j.ID)
	}
	return job
}

func (s *reportSetup) wait(t *testing.T, id int64) *rivertype.JobRow {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		j, err := s.client.JobGet(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if j.FinalizedAt != nil || j.State == rivertype.JobStateRetryable {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d (%s) still %s", id, j.Kind, j.State)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *reportSetup) schedule(t *testing.T) *gears.ReportSchedule {
	t.Helper()
	list, err := s.reports.FindSchedules(s.owner, s.ws.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("schedules = %v, %v", list, err)
	}
	return list[0]
}

// TestScheduledReport sends a due weekly report once, in the workspace's
// language, through a real SMTP server; a second round sends nothing, and
// the schedule has moved to the next week.
func TestScheduledReport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newReportSetup(t, db)
		// Not due yet: nothing.
		s.run(t, queue.ReportRound{})
		if n := len(s.smtp.Messages()); n != 0 {
			t.Fatalf("%d mails before the schedule is due", n)
		}
		s.clock.set(time.Date(2026, 9, 7, 5, 30, 0, 0, time.UTC))
		s.run(t, queue.ReportRound{})
		mails := s.smtp.Messages()
		if len(mails) != 1 {
			t.Fatalf("%d mails, want 1", len(mails))
		}
		subject, text, pdf := readReportMail(t, mails[0])
		if !strings.HasPrefix(string(pdf), "%PDF-") {
			t.Errorf("the attachment is not a PDF: %.20q", pdf)
		}
		if subject != "Aurora: informe del 2026-08-31 al 2026-09-06" || strings.Join(mails[0].To, ",") != "cliente@example.org,jefa@example.org" {
			t.Errorf("mail %q to %v", subject, mails[0].To)
		}
		for _, want := range []string{"El informe de Aurora del 2026-08-31 al 2026-09-06.", "Interacciones: 9", "Clics en enlaces: 4", "Retorno de la inversión: —", "Estrategia: 0,00 h"} {
			if !strings.Contains(text, want) {
				t.Errorf("the mail lacks %q:\n%s", want, text)
			}
		}
		sch := s.schedule(t)
		if sch.LastSentAt == nil || !sch.NextSendAt.Equal(time.Date(2026, 9, 14, 5, 0, 0, 0, time.UTC)) || sch.LastError != "" {
			t.Errorf("after the send: %+v", sch)
		}
		// The same round again, and the same send again: nothing more.
		s.run(t, queue.ReportRound{})
		if j := s.run(t, queue.SendReport{ScheduleID: s.sched.ID, Due: time.Date(2026, 9, 7, 5, 0, 0, 0, time.UTC).UnixMilli()}); j.State != rivertype.JobStateCompleted {
			t.Errorf("the repeated send = %s", j.State)
		}
		if n := len(s.smtp.Messages()); n != 1 {
			t.Errorf("%d mails after repeating, want 1", n)
		}
		// A refusal for good is recorded and the schedule moves on.
		s.clock.set(time.Date(2026, 9, 14, 6, 0, 0, 0, time.UTC))
		s.smtp.RejectNext(550)
		s.run(t, queue.ReportRound{})
		sch = s.schedule(t)
		if !strings.Contains(sch.LastError, "refused") || !sch.NextSendAt.Equal(time.Date(2026, 9, 21, 5, 0, 0, 0, time.UTC)) {
			t.Errorf("after a refusal: %+v", sch)
		}
		if n := len(s.smtp.Messages()); n != 1 {
			t.Errorf("%d mails after a refusal, want 1", n)
		}
	})
}

// readReportMail decodes a report's e-mail: its subject, its text and the
// PDF attached.
func readReportMail(t *testing.T, m smtptest.Message) (subject, text string, pdf []byte) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	if subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("Content-Type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch p.Header.Get("Content-Transfer-Encoding") {
		case "quoted-printable":
			// multipart.Reader decodes quoted-printable itself.
			b, _ := io.ReadAll(p)
			text = string(b)
		case "base64":
			if p.FileName() == "" || !strings.HasPrefix(p.Header.Get("Content-Type"), "application/pdf") {
				t.Errorf("attachment headers %v", p.Header)
			}
			b, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
			if err != nil {
				t.Fatal(err)
			}
			pdf = b
		default:
			b, _ := io.ReadAll(p)
			text = string(b)
		}
	}
	return subject, text, pdf
}
