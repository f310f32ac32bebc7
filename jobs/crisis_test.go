package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gears"
	"gears/crisis"
	"gears/jobs"
	"gears/notify"
	"gears/notify/smtptest"
	"gears/store"
	"gears/store/storetest"
)

// hook is a webhook receiver on 127.0.0.1 that keeps what it is sent.
type hook struct {
	mu   sync.Mutex
	got  []hookRequest
	more chan struct{}
	srv  *httptest.Server
}

type hookRequest struct {
	header http.Header
	body   []byte
}

func newHook(t *testing.T) *hook {
	h := &hook{more: make(chan struct{}, 1)}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		h.mu.Lock()
		h.got = append(h.got, hookRequest{header: r.Header.Clone(), body: body})
		h.mu.Unlock()
		select {
		case h.more <- struct{}{}:
		default: // a signal is already waiting
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// wait waits for the nth request, and then a little longer to see that
// no other follows.
func (h *hook) wait(t *testing.T, n int) []hookRequest {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		h.mu.Lock()
		got := len(h.got)
		h.mu.Unlock()
		if got >= n {
			break
		}
		select {
		case <-h.more:
		case <-deadline:
			t.Fatalf("webhook received %d requests, want %d", got, n)
		}
	}
	time.Sleep(300 * time.Millisecond)
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.got) != n {
		t.Errorf("webhook received %d requests, want exactly %d", len(h.got), n)
	}
	return append([]hookRequest(nil), h.got...)
}

// hookEvent is an event as a webhook receives it.
type hookEvent struct {
	ID          string          `json:"id"`
	Type        string          `json:"type"`
	WorkspaceID int64           `json:"workspace_id"`
	CreatedAt   time.Time       `json:"created_at"`
	Data        json.RawMessage `json:"data"`
}

// event checks a webhook request's signature against secret and its
// headers, and returns the event it carries.
func (r hookRequest) event(t *testing.T, secret, typ string) hookEvent {
	t.Helper()
	var ev hookEvent
	if err := notify.Verify([]byte(secret), r.header.Get("X-Gears-Signature"), r.body, time.Now(), 0); err != nil {
		t.Errorf("signature %q: %v", r.header.Get("X-Gears-Signature"), err)
	}
	if err := notify.Verify([]byte(secret+"x"), r.header.Get("X-Gears-Signature"), r.body, time.Now(), 0); err == nil {
		t.Error("the signature verifies with another secret")
	}
	if err := json.Unmarshal(r.body, &ev); err != nil {
		t.Fatalf("webhook body %s: %v", r.body, err)
	}
	if ev.Type != typ || r.header.Get("X-Gears-Event") != typ || ev.ID == "" || r.header.Get("X-Gears-Delivery") != ev.ID {
		t.Errorf("event %s (headers %v), want type %s", r.body, r.header, typ)
	}
	return ev
}

// readMail decodes a message the SMTP server accepted: its subject and
// its plain text.
func readMail(t *testing.T, m smtptest.Message) (subject, text string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	if subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	if cte := msg.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
		t.Fatalf("Content-Transfer-Encoding %q", cte)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	return subject, string(body)
}

// newCrisis returns crisis mode's jobs sending to the SMTP server.
func newCrisis(l *listening, smtp *smtptest.Server) *jobs.Crisis {
	return &jobs.Crisis{Store: l.crisis, Webhook: &notify.WebhookSender{}, BaseURL: "https://gears.example",
		Mailer: &notify.Mailer{Config: notify.SMTPConfig{Host: smtp.Host, Port: smtp.Port, From: "Gears <alerts@gears.example>", TLS: notify.TLSNone}}}
}

// traffic is synthetic inbound traffic, minute by minute: a rate that
// follows the hours of the day (quiet nights, busy office hours with a
// lunch dip, quieter weekends) and wanders from day to day, drawn as
// Poisson counts, one message in ten negative. It is the same for a seed.
type traffic struct {
	rng   *rand.Rand
	scale float64 // messages a minute in office hours
	day   time.Time
	lift  float64 // the day's level
}

func newTraffic(seed uint64, scale float64) *traffic {
	return &traffic{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), scale: scale}
}

// hours is the share of the office hours' rate at each hour of the day.
var hours = [24]float64{0.05, 0.04, 0.03, 0.03, 0.03, 0.04, 0.1, 0.3, 0.5, 1, 1, 1, 1, 0.6, 0.8, 1, 1, 0.9, 0.6, 0.5, 0.4, 0.3, 0.15, 0.1}

// minute returns how many messages arrive in the minute t, and how many
// of them are negative.
func (tr *traffic) minute(t time.Time) (total, negative int) {
	if d := t.Truncate(24 * time.Hour); !d.Equal(tr.day) {
		tr.day, tr.lift = d, 0.8+0.45*tr.rng.Float64()
	}
	rate := tr.scale * hours[t.Hour()] * tr.lift
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		rate *= 0.5
	}
	total = poisson(tr.rng, rate)
	for range total {
		if tr.rng.Float64() < 0.1 {
			negative++
		}
	}
	return total, negative
}

func poisson(rng *rand.Rand, lambda float64) int {
	limit, k, p := math.Exp(-lambda), 0, rng.Float64()
	for p > limit {
		k++
		p *= rng.Float64()
	}
	return k
}

var (
	neutralTexts  = []string{"@aurora Do you ship to Portugal?", "@aurora What time does the shop open on Saturday?", "@aurora Is the Huila blend back in stock?", "@aurora Thanks, the new blend is wonderful!"}
	negativeTexts = []string{"@aurora Terrible service, my order arrived broken", "@aurora Awful, still waiting for a refund"}
)

// mentions returns the messages of the minute m: total mentions, the
// first negative of them negative, written a tenth of a second apart,
// one conversation an hour.
func mentions(m time.Time, total, negative int) []gears.InboundMessage {
	minute := m.Unix() / 60
	batch := make([]gears.InboundMessage, total)
	for i := range total {
		text := neutralTexts[(int(minute)+i)%len(neutralTexts)]
		if i < negative {
			text = negativeTexts[i%len(negativeTexts)]
		}
		id := strconv.FormatInt(minute, 10) + "-" + strconv.Itoa(i)
		batch[i] = gears.InboundMessage{RemoteID: id, Kind: gears.KindMention, Thread: "h" + strconv.FormatInt(minute/60, 10),
			Post: gears.PostRef{ID: id}, Author: gears.RemoteAccount{ID: "9", Handle: "reader@example.social"}, Text: text, Lang: "en",
			CreatedAt: m.Add(time.Duration(i) * 100 * time.Millisecond)}
	}
	return batch
}

// seed stores the traffic of every minute in [from, to) as mentions of
// the account, each minute's messages received in that minute: the
// database's clock is set to it while they are stored. It must not run
// while workers use the database.
func (l *listening) seed(t *testing.T, from, to time.Time, count func(time.Time) (total, negative int)) (messages int) {
	t.Helper()
	defer l.db.SetNow(time.Now)
	src := store.Source{WorkspaceID: l.ws.ID, Network: gears.Mastodon, AccountID: &l.account.ID}
	for m := from; m.Before(to); m = m.Add(time.Minute) {
		total, negative := count(m)
		if total == 0 {
			continue
		}
		at := m.Add(50 * time.Second)
		l.db.SetNow(func() time.Time { return at })
		res, err := l.inbox.Ingest(context.Background(), src, mentions(m, total, negative), nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.New != total {
			t.Fatalf("minute %v: %d new of %d", m, res.New, total)
		}
		messages += total
	}
	return messages
}

// seedHours stores the traffic of [from, to) as seed does, but an hour
// at a time, for traffic too busy to store minute by minute in a test:
// each hour's messages are stored at its end, and then each message's
// arrival is dated back to when it was written, in its minute.
func (l *listening) seedHours(t *testing.T, from, to time.Time, count func(time.Time) (total, negative int)) (messages int) {
	t.Helper()
	src := store.Source{WorkspaceID: l.ws.ID, Network: gears.Mastodon, AccountID: &l.account.ID}
	var batch []gears.InboundMessage
	for h := from; h.Before(to); h = h.Add(time.Hour) {
		batch = batch[:0]
		for m := h; m.Before(h.Add(time.Hour)) && m.Before(to); m = m.Add(time.Minute) {
			total, negative := count(m)
			batch = append(batch, mentions(m, total, negative)...)
		}
		at := h.Add(time.Hour)
		l.db.SetNow(func() time.Time { return at })
		res, err := l.inbox.Ingest(context.Background(), src, batch, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.New != len(batch) {
			t.Fatalf("hour %v: %d new of %d", h, res.New, len(batch))
		}
		messages += len(batch)
	}
	l.db.SetNow(time.Now)
	l.exec(t, `UPDATE messages SET received_at = created_at WHERE workspace_id = ?`, l.ws.ID)
	return messages
}

// seedFeed stores thirty items of a feed followed by a saved search once
// a day, all in one minute at the time of day given: listening matches,
// which are not messages to the organisation.
func (l *listening) seedFeed(t *testing.T, from, to time.Time, at time.Duration) {
	t.Helper()
	defer l.db.SetNow(time.Now)
	search, err := l.listen.CreateSearch(l.ctx, l.ws.ID, gears.SavedSearch{Kind: gears.SearchFeed, Query: "https://news.example/feed.xml"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	src := store.Source{WorkspaceID: l.ws.ID, Network: gears.Feed, SearchID: &search.ID}
	for day := from; day.Before(to); day = day.Add(24 * time.Hour) {
		when := day.Add(at + 30*time.Second)
		var items []gears.InboundMessage
		for i := range 30 {
			id := "https://news.example/" + day.Format("2006-01-02") + "/" + strconv.Itoa(i)
			items = append(items, gears.InboundMessage{RemoteID: id, Kind: gears.KindMatch, Thread: id, Text: "Coffee prices rise", CreatedAt: when})
		}
		l.db.SetNow(func() time.Time { return when })
		if _, err := l.inbox.Ingest(context.Background(), src, items, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// detect runs the detector over the workspace's minutes up to until,
// every step, as the periodic job would have.
func (l *listening) detect(t *testing.T, c *jobs.Crisis, from, until time.Time, step time.Duration) {
	t.Helper()
	for u := from.Add(step); ; u = u.Add(step) {
		if u.After(until) {
			u = until
		}
		if err := c.Detect(context.Background(), l.detection(t), u); err != nil {
			t.Fatal(err)
		}
		if !u.Before(until) {
			return
		}
	}
}

func (l *listening) detection(t *testing.T) store.Detection {
	t.Helper()
	list, err := l.crisis.Detections(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list {
		if d.WorkspaceID == l.ws.ID {
			return d
		}
	}
	t.Fatalf("no detection for workspace %d", l.ws.ID)
	return store.Detection{}
}

func (l *listening) alerts(t *testing.T) []store.StoredAlert {
	t.Helper()
	list, err := l.crisis.FindAlerts(l.ctx, l.ws.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// TestCrisisAlert seeds two weeks of a quiet workspace's traffic (with a
// feed's thirty items at once every night, which must not count) and
// then a spike, runs the detector every six hours as the periodic job
// would, and follows the one alert to a signed webhook and an e-mail, in
// the workspace's time zone and language; a second spike, once the
// workspace speaks Spanish, is mailed in Spanish.
func TestCrisisAlert(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := newListening(t, db)
		h := newHook(t)
		smtp := smtptest.New(t)
		_, secret, err := l.crisis.CreateChannel(l.ctx, l.ws.ID, gears.AlertWebhook, h.srv.URL+"/gears", notify.ValidateWebhookURL)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := l.crisis.CreateChannel(l.ctx, l.ws.ID, gears.AlertEmail, "team@aurora.example", nil); err != nil {
			t.Fatal(err)
		}

		start := time.Date(2025, 2, 10, 0, 0, 0, 0, time.UTC)   // a Monday
		first := time.Date(2025, 2, 24, 10, 0, 0, 0, time.UTC)  // Monday, two weeks on, 11:00 in Madrid
		second := time.Date(2025, 2, 25, 15, 0, 0, 0, time.UTC) // Tuesday, 16:00 in Madrid
		end := second.Add(2 * time.Hour)
		tr := newTraffic(1, 0.15)
		l.seed(t, start, end, func(m time.Time) (int, int) {
			total, negative := tr.minute(m)
			// Ten more neutral messages a minute for five minutes: a volume spike.
			if (!m.Before(first) && m.Before(first.Add(5*time.Minute))) || (!m.Before(second) && m.Before(second.Add(5*time.Minute))) {
				return total + 10, negative
			}
			return total, negative
		})
		// Every night, a feed brings thirty items at once: no alert.
		l.seedFeed(t, start, end, 3*time.Hour)
		// The workspace keeps Madrid's time: its hours of the week, and the
		// alert's explanation, are Madrid's (UTC+1 in February).
		l.exec(t, `UPDATE workspaces SET timezone = 'Europe/Madrid' WHERE id = ?`, l.ws.ID)
		c := newCrisis(l, smtp)
		l.start(t, false, c)

		l.detect(t, c, start, first.Add(2*time.Hour), 6*time.Hour)
		alerts := l.alerts(t)
		if len(alerts) != 1 {
			t.Fatalf("%d alerts, want 1: %+v", len(alerts), alerts)
		}
		a := alerts[0]
		if a.Kind != string(crisis.KindVolume) || a.At.Before(first) || a.At.After(first.Add(5*time.Minute)) ||
			a.Start.Before(first.Add(-5*time.Minute)) || a.Start.After(a.At) {
			t.Errorf("alert %s from %v at %v, want volume, at the spike of %v", a.Kind, a.Start, a.At, first)
		}
		var raised crisis.Alert
		if err := json.Unmarshal(a.Data, &raised); err != nil {
			t.Fatal(err)
		}
		if raised.Ratio < 2 || raised.Observed < 10 || raised.Weekday != time.Monday || raised.Hour != 11 {
			t.Errorf("alert data %s", a.Data)
		}

		got := h.wait(t, 1)
		ev := got[0].event(t, secret, "crisis.alert")
		var sent crisis.Alert
		if err := json.Unmarshal(ev.Data, &sent); err != nil {
			t.Fatal(err)
		}
		if ev.WorkspaceID != l.ws.ID || sent.Kind != crisis.KindVolume || !sent.At.Equal(raised.At) || sent.Ratio != raised.Ratio {
			t.Errorf("webhook event %s", got[0].body)
		}
		mails, err := smtp.WaitFor(1, waitTimeout)
		if err != nil {
			t.Fatal(err)
		}
		if len(mails[0].To) != 1 || mails[0].To[0] != "team@aurora.example" {
			t.Errorf("mail to %v", mails[0].To)
		}
		subject, text := readMail(t, mails[0])
		if subject != "[Aurora] Crisis alert" || !strings.Contains(text, "× the usual volume for a Monday 11:00") {
			t.Errorf("mail %q:\n%s", subject, text)
		}

		// The workspace now speaks Spanish; the next spike is explained so.
		l.exec(t, `UPDATE workspaces SET language = 'es' WHERE id = ?`, l.ws.ID)
		l.detect(t, c, first.Add(2*time.Hour), end, 6*time.Hour)
		alerts = l.alerts(t)
		if len(alerts) != 2 || alerts[0].Kind != string(crisis.KindVolume) || alerts[0].At.Before(second) || alerts[0].At.After(second.Add(5*time.Minute)) {
			t.Fatalf("after the second spike: %+v", alerts)
		}
		got = h.wait(t, 2)
		if ev2 := got[1].event(t, secret, "crisis.alert"); ev2.ID == ev.ID {
			t.Errorf("two alerts share the event ID %s", ev.ID)
		}
		if mails, err = smtp.WaitFor(2, waitTimeout); err != nil {
			t.Fatal(err)
		}
		subject, text = readMail(t, mails[1])
		if subject != "[Aurora] Alerta de crisis" || !strings.Contains(text, "veces el volumen habitual de un martes a las 16:00") {
			t.Errorf("Spanish mail %q:\n%s", subject, text)
		}
		if len(smtp.Messages()) != 2 {
			t.Errorf("%d mails, want 2", len(smtp.Messages()))
		}
	})
}

// TestCrisisNormalTraffic feeds two and a half weeks of ordinary traffic, with a
// feed that brings thirty items at once every afternoon (listening
// matches, which are not messages to the organisation), through the
// detector: nothing is raised, though it learnt the traffic. The
// detector's state does not depend on how often it ran.
//
// It runs on SQLite only: the traffic is too busy to store quickly on
// PostgreSQL, and TestCrisisAlert runs the same queries there.
func TestCrisisNormalTraffic(t *testing.T) {
	t.Parallel()
	l := newListening(t, storetest.Open(t, store.SQLite))
	h := newHook(t)
	if _, _, err := l.crisis.CreateChannel(l.ctx, l.ws.ID, gears.AlertWebhook, h.srv.URL, notify.ValidateWebhookURL); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	end := start.Add(18 * 24 * time.Hour)
	tr := newTraffic(2, 1.5)
	n := l.seedHours(t, start, end, tr.minute)
	// Each afternoon, a feed brings thirty items at once.
	l.seedFeed(t, start, end, 15*time.Hour)

	c := newCrisis(l, smtptest.New(t))
	l.start(t, false, c)
	l.detect(t, c, start, end, 24*time.Hour)
	if alerts := l.alerts(t); len(alerts) != 0 {
		t.Errorf("%d alerts on ordinary traffic: %+v", len(alerts), alerts)
	}
	d := l.detection(t)
	if !d.ObservedUntil.Equal(end) {
		t.Errorf("observed until %v, want %v", d.ObservedUntil, end)
	}
	var base crisis.Baseline
	if err := json.Unmarshal(d.Baseline, &base); err != nil {
		t.Fatal(err)
	}
	// The detector saw the weeks (from the first message, in the
	// first night), and learnt their rate, without the feed's items.
	mean := float64(n) / end.Sub(start).Minutes()
	if minutes := int64(end.Sub(start).Minutes()); base.Minutes < minutes-7*60 || base.Minutes > minutes || math.Abs(base.Overall.Rate-mean) > 0.1*mean || base.Open(crisis.KindVolume) || !base.Last.Equal(end.Add(-time.Minute)) {
		t.Errorf("baseline after %d messages (%.3f a minute): %d minutes up to %v, overall %+v, volume %+v", n, mean, base.Minutes, base.Last, base.Overall, base.Volume)
	}

	// Run again from scratch every six hours: the same state.
	l.exec(t, `UPDATE workspaces SET crisis_baseline = '', crisis_observed_until = 0 WHERE id = ?`, l.ws.ID)
	l.detect(t, c, start, end, 6*time.Hour)
	if again := l.detection(t); !bytes.Equal(again.Baseline, d.Baseline) {
		t.Errorf("the baseline depends on how often the detector ran:\n%.300s\n%.300s", d.Baseline, again.Baseline)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.got) != 0 {
		t.Errorf("%d webhooks sent for ordinary traffic", len(h.got))
	}
}

// TestIncidentAlerts opens an incident that pauses publishing: the
// channels hear of it once, publishing is paused until it is resolved, and
// they hear of that too.
func TestIncidentAlerts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := newListening(t, db)
		h := newHook(t)
		smtp := smtptest.New(t)
		_, secret, err := l.crisis.CreateChannel(l.ctx, l.ws.ID, gears.AlertWebhook, h.srv.URL, notify.ValidateWebhookURL)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := l.crisis.CreateChannel(l.ctx, l.ws.ID, gears.AlertEmail, "Team <team@aurora.example>", nil); err != nil {
			t.Fatal(err)
		}
		l.start(t, false, newCrisis(l, smtp))

		in, err := l.incidents.CreateIncident(l.ctx, l.ws.ID, gears.IncidentCreate{Title: "Orders arrive broken", Severity: gears.SeverityHigh,
			PausePublishing: true}, []string{"playbook.step.acknowledge"})
		if err != nil {
			t.Fatal(err)
		}
		if _, paused, err := l.posts.PublishingSettings(l.ctx, l.ws.ID); err != nil || !paused {
			t.Fatalf("publishing paused = %v, %v after opening the incident", paused, err)
		}
		got := h.wait(t, 1)
		ev := got[0].event(t, secret, "incident.opened")
		var sent gears.Incident
		if err := json.Unmarshal(ev.Data, &sent); err != nil {
			t.Fatal(err)
		}
		if ev.WorkspaceID != l.ws.ID || sent.ID != in.ID || sent.Title != in.Title || sent.Status != gears.IncidentOpen || !sent.PausedPublishing {
			t.Errorf("incident.opened event %s", got[0].body)
		}
		mails, err := smtp.WaitFor(1, waitTimeout)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(smtp.Messages()); n != 1 {
			t.Errorf("%d mails for one incident opened", n)
		}
		subject, text := readMail(t, mails[0])
		link := "https://gears.example/w/" + strconv.FormatInt(l.ws.ID, 10) + "/incidents/" + strconv.FormatInt(in.ID, 10)
		if subject != "[Aurora] Incident opened: Orders arrive broken" || !strings.Contains(text, "Orders arrive broken") || !strings.Contains(text, link) {
			t.Errorf("mail %q:\n%s", subject, text)
		}

		resolved := gears.IncidentResolved
		if _, err := l.incidents.UpdateIncident(l.ctx, l.ws.ID, in.ID, gears.IncidentUpdate{Status: &resolved}); err != nil {
			t.Fatal(err)
		}
		if _, paused, err := l.posts.PublishingSettings(l.ctx, l.ws.ID); err != nil || paused {
			t.Fatalf("publishing paused = %v, %v after resolving the incident", paused, err)
		}
		got = h.wait(t, 2)
		ev = got[1].event(t, secret, "incident.updated")
		if err := json.Unmarshal(ev.Data, &sent); err != nil {
			t.Fatal(err)
		}
		if sent.Status != gears.IncidentResolved || sent.PausedPublishing || sent.ClosedAt == nil {
			t.Errorf("incident.updated event %s", got[1].body)
		}
		if _, err := smtp.WaitFor(2, waitTimeout); err != nil {
			t.Fatal(err)
		}
	})
}

// TestPeriodicDetect starts crisis mode's periodic job: it runs at once,
// and the detector observes every workspace up to the last whole minute.
func TestPeriodicDetect(t *testing.T) {
	t.Parallel()
	l := newListening(t, storetest.Open(t, store.SQLite))
	before := time.Now().UTC().Truncate(time.Minute)
	l.start(t, true, newCrisis(l, smtptest.New(t)))
	waitFor(t, func() bool { return !l.detection(t).ObservedUntil.Before(before) })
	d := l.detection(t)
	var base crisis.Baseline
	if err := json.Unmarshal(d.Baseline, &base); err != nil {
		t.Fatal(err)
	}
	if d.ObservedUntil.After(time.Now()) || !base.Last.Equal(d.ObservedUntil.Add(-time.Minute)) {
		t.Errorf("observed until %v, baseline up to %v", d.ObservedUntil, base.Last)
	}
}

// TestDetectRunsDoNotOverlap runs the detector twice over the same
// minutes from the same state, as two periodic runs do when one outlasts
// the minute between them (a catch-up after downtime, many workspaces):
// the spike is one alert, not two.
func TestDetectRunsDoNotOverlap(t *testing.T) {
	t.Parallel()
	l := newListening(t, storetest.Open(t, store.SQLite))
	// The state a workspace of fifteen quiet days has, as the detector
	// learnt it.
	spike := time.Date(2025, 2, 24, 10, 0, 0, 0, time.UTC)
	det := crisis.Detector{Location: time.UTC}
	var base crisis.Baseline
	tr := newTraffic(3, 0.15)
	for m := spike.Add(-15 * 24 * time.Hour); m.Before(spike); m = m.Add(time.Minute) {
		total, negative := tr.minute(m)
		det.Observe(&base, crisis.Minute{Start: m, Total: total, Negative: negative})
	}
	raw, err := json.Marshal(&base)
	if err != nil {
		t.Fatal(err)
	}
	l.seed(t, spike, spike.Add(5*time.Minute), func(time.Time) (int, int) { return 10, 0 })
	l.exec(t, `UPDATE workspaces SET crisis_baseline = ?, crisis_observed_until = ? WHERE id = ?`, string(raw), spike.UnixMilli(), l.ws.ID)
	d := store.Detection{WorkspaceID: l.ws.ID, TimeZone: "UTC", Sensitivity: "medium", Baseline: raw, ObservedUntil: spike}
	c := newCrisis(l, smtptest.New(t))
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if err := c.Detect(context.Background(), d, spike.Add(10*time.Minute)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if alerts := l.alerts(t); len(alerts) != 1 {
		t.Errorf("%d alerts for one spike", len(alerts))
	}
}
