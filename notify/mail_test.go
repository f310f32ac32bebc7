package notify_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/locale"
	"gears/notify"
	"gears/notify/smtptest"
)

// mailer returns a Mailer for srv, without TLS (the server is on loopback).
func mailer(srv *smtptest.Server) *notify.Mailer {
	return &notify.Mailer{Config: notify.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: notify.TLSNone,
		From: "Gears Alertas <alerts@gears.example>", Timeout: 5 * time.Second}}
}

// readBody decodes a part's quoted-printable body.
func readBody(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(quotedprintable.NewReader(r))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMailerSend(t *testing.T) {
	t.Parallel()
	srv := smtptest.New(t)
	m := mailer(srv)
	subject := "Alerta de crisis: «Año nuevo», canción y pingüino — ¿qué pasó?"
	text := "Hola, equipo:\n\nSe abrió un incidente. Línea con = y ünïcödé.\n.\nFin, con una línea muy larga " + strings.Repeat("á", 100)
	err := m.Send(context.Background(), notify.Mail{To: []string{"Ana Peña <ana@example.com>", "bob@example.org"}, Subject: subject, Text: text})
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := srv.WaitFor(1, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	got := msgs[0]
	if got.From != "alerts@gears.example" || strings.Join(got.To, ",") != "ana@example.com,bob@example.org" {
		t.Errorf("envelope: from %q to %q", got.From, got.To)
	}
	for i, line := range strings.Split(string(got.Data), "\r\n") {
		if len(line) > 78 || strings.Contains(line, "\n") {
			t.Errorf("line %d is %d bytes or has a bare LF: %q", i, len(line), line)
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(got.Data))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	if s, err := dec.DecodeHeader(msg.Header.Get("Subject")); err != nil || s != subject {
		t.Errorf("Subject = %q (%v), raw %q", s, err, msg.Header.Get("Subject"))
	}
	if from, err := msg.Header.AddressList("From"); err != nil || len(from) != 1 || from[0].Name != "Gears Alertas" || from[0].Address != "alerts@gears.example" {
		t.Errorf("From = %v (%v)", from, err)
	}
	if to, err := msg.Header.AddressList("To"); err != nil || len(to) != 2 || to[0].Name != "Ana Peña" || to[1].Address != "bob@example.org" {
		t.Errorf("To = %v (%v)", to, err)
	}
	if d, err := msg.Header.Date(); err != nil || time.Since(d) > time.Minute {
		t.Errorf("Date = %v (%v)", d, err)
	}
	if id := msg.Header.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@gears.example>") {
		t.Errorf("Message-ID = %q", id)
	}
	for k, want := range map[string]string{
		"MIME-Version":              "1.0",
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable",
		"Auto-Submitted":            "auto-generated",
	} {
		if v := msg.Header.Get(k); v != want {
			t.Errorf("%s = %q, want %q", k, v, want)
		}
	}
	if body := strings.TrimSuffix(readBody(t, msg.Body), "\r\n"); body != strings.ReplaceAll(text, "\n", "\r\n") {
		t.Errorf("body = %q", body)
	}
}

func TestMailerHTML(t *testing.T) {
	t.Parallel()
	srv := smtptest.New(t)
	err := mailer(srv).Send(context.Background(), notify.Mail{To: []string{"ana@example.com"}, Subject: "Incidente abierto",
		Text: "Se abrió «Caída».", HTML: "<p>Se abrió <b>«Caída»</b>.</p>"})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(srv.Messages()[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	typ, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || typ != "multipart/alternative" {
		t.Fatalf("Content-Type = %q", msg.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var parts []string
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
			t.Errorf("part encoding %q", p.Header.Get("Content-Transfer-Encoding"))
		}
		parts = append(parts, p.Header.Get("Content-Type")+" "+readBody(t, p))
	}
	want := []string{"text/plain; charset=utf-8 Se abrió «Caída».", "text/html; charset=utf-8 <p>Se abrió <b>«Caída»</b>.</p>"}
	if strings.Join(parts, "|") != strings.Join(want, "|") {
		t.Errorf("parts = %q, want %q", parts, want)
	}
}

func TestMailerAuth(t *testing.T) {
	t.Parallel()
	srv := smtptest.New(t, smtptest.WithAuth("gears", "p4ss"))
	m := mailer(srv)
	mail := notify.Mail{To: []string{"ana@example.com"}, Subject: "s", Text: "t"}

	// Without login, the server refuses MAIL with 530.
	err := m.Send(context.Background(), mail)
	if re := remoteError(t, err); re.Kind != gears.RemoteRejected || !strings.Contains(re.Message, "530") {
		t.Errorf("no login: %v", err)
	}
	m.Config.Username, m.Config.Password = "gears", "wrong"
	err = m.Send(context.Background(), mail)
	if re := remoteError(t, err); re.Kind != gears.RemoteRejected || !strings.Contains(re.Message, "AUTH: 535") {
		t.Errorf("wrong password: %v", err)
	}
	m.Config.Password = "p4ss"
	if err := m.Send(context.Background(), mail); err != nil {
		t.Fatal(err)
	}
	if msgs := srv.Messages(); len(msgs) != 1 || msgs[0].User != "gears" {
		t.Errorf("messages = %+v", msgs)
	}
}

func TestMailerTLS(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		opt  smtptest.Option
		mode string
	}{
		{"starttls", smtptest.WithSTARTTLS(), notify.TLSStartTLS},
		{"default is starttls", smtptest.WithSTARTTLS(), ""},
		{"implicit", smtptest.WithImplicitTLS(), notify.TLSImplicit},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.New(t, tt.opt, smtptest.WithAuth("gears", "p4ss"))
			m := mailer(srv)
			m.Config.TLS, m.Config.Username, m.Config.Password = tt.mode, "gears", "p4ss"
			mail := notify.Mail{To: []string{"ana@example.com"}, Subject: "s", Text: "t"}

			// The test certificate is not trusted by the system.
			err := m.Send(context.Background(), mail)
			if re := remoteError(t, err); re.Kind != gears.RemoteTemporary {
				t.Errorf("untrusted certificate: %v", err)
			}
			m.TLSConfig = srv.ClientTLSConfig()
			if err := m.Send(context.Background(), mail); err != nil {
				t.Fatal(err)
			}
			if msgs := srv.Messages(); len(msgs) != 1 || !msgs[0].TLS || msgs[0].User != "gears" {
				t.Errorf("messages = %+v", msgs)
			}
		})
	}

	// A server without STARTTLS is refused before any password is sent.
	srv := smtptest.New(t, smtptest.WithAuth("gears", "p4ss"))
	m := mailer(srv)
	m.Config.TLS, m.Config.Username, m.Config.Password = notify.TLSStartTLS, "gears", "p4ss"
	err := m.Send(context.Background(), notify.Mail{To: []string{"ana@example.com"}, Subject: "s", Text: "t"})
	if re := remoteError(t, err); re.Kind != gears.RemoteRejected || !strings.Contains(re.Message, "STARTTLS") {
		t.Errorf("no STARTTLS: %v", err)
	}
}

func TestMailerServerFailures(t *testing.T) {
	t.Parallel()
	srv := smtptest.New(t)
	m := mailer(srv)
	mail := notify.Mail{To: []string{"ana@example.com"}, Subject: "s", Text: "t"}
	for _, tt := range []struct {
		code int
		kind gears.RemoteErrorKind
	}{
		{451, gears.RemoteTemporary},
		{452, gears.RemoteTemporary},
		{550, gears.RemoteRejected},
		{554, gears.RemoteRejected},
	} {
		srv.RejectNext(tt.code)
		err := m.Send(context.Background(), mail)
		if re := remoteError(t, err); re.Kind != tt.kind || re.Network != notify.NetworkEmail {
			t.Errorf("%d: %v, want %s", tt.code, err, tt.kind)
		}
	}
	if err := m.Send(context.Background(), mail); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages kept, want 1", n)
	}
}

func TestMailerNoServer(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	m := &notify.Mailer{Config: notify.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: notify.TLSNone, From: "a@example.com"}}
	err = m.Send(context.Background(), notify.Mail{To: []string{"b@example.com"}, Subject: "s", Text: "t"})
	if re := remoteError(t, err); re.Kind != gears.RemoteTemporary {
		t.Errorf("error = %v, want temporary", err)
	}
}

// TestMailerHangs sends to a server that accepts the connection and never
// greets: the context's deadline ends the attempt.
func TestMailerHangs(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := l.Accept()
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, c) // until the client hangs up
		c.Close()
	}()
	t.Cleanup(func() { l.Close(); <-done })
	m := &notify.Mailer{Config: notify.SMTPConfig{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, TLS: notify.TLSNone, From: "a@example.com"}}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = m.Send(ctx, notify.Mail{To: []string{"b@example.com"}, Subject: "s", Text: "t"})
	if re := remoteError(t, err); re.Kind != gears.RemoteTemporary || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want temporary timeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Send took %v", d)
	}

	// The configured timeout applies as well.
	m.Config.Timeout = 200 * time.Millisecond
	l2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close() // the kernel accepts the connection; nobody answers
	m.Config.Port = l2.Addr().(*net.TCPAddr).Port
	err = m.Send(context.Background(), notify.Mail{To: []string{"b@example.com"}, Subject: "s", Text: "t"})
	if re := remoteError(t, err); re.Kind != gears.RemoteTemporary {
		t.Errorf("error = %v, want temporary timeout", err)
	}
}

func TestMailerRefusesInjection(t *testing.T) {
	t.Parallel()
	srv := smtptest.New(t)
	m := mailer(srv)
	for _, tt := range []struct {
		name string
		mail notify.Mail
		key  string
	}{
		{"subject CRLF", notify.Mail{To: []string{"ana@example.com"}, Subject: "Hola\r\nBcc: victim@example.com", Text: "t"}, "notify.mail_subject_invalid"},
		{"subject LF", notify.Mail{To: []string{"ana@example.com"}, Subject: "Hola\nX: y", Text: "t"}, "notify.mail_subject_invalid"},
		{"to CRLF", notify.Mail{To: []string{"ana@example.com\r\nBcc: victim@example.com"}, Subject: "s", Text: "t"}, "notify.mail_to_invalid"},
		{"to name CRLF", notify.Mail{To: []string{"\"Ana\r\nBcc: v@example.com\" <ana@example.com>"}, Subject: "s", Text: "t"}, "notify.mail_to_invalid"},
		{"to garbage", notify.Mail{To: []string{"not an address"}, Subject: "s", Text: "t"}, "notify.mail_to_invalid"},
		{"to two in one", notify.Mail{To: []string{"a@example.com, b@example.com"}, Subject: "s", Text: "t"}, "notify.mail_to_invalid"},
		{"no recipient", notify.Mail{Subject: "s", Text: "t"}, "notify.mail_no_recipient"},
		{"no text", notify.Mail{To: []string{"ana@example.com"}, Subject: "s"}, "notify.mail_empty"},
	} {
		err := m.Send(context.Background(), tt.mail)
		if re := remoteError(t, err); re.Kind != gears.RemoteRejected {
			t.Errorf("%s: %v, want rejected", tt.name, err)
		}
		if ge := gears.AsError(err); ge.Code != gears.EINVALID || ge.Key != tt.key || !locale.Has(ge.Key) {
			t.Errorf("%s: error %v, want key %s", tt.name, err, tt.key)
		}
	}
	bad := mailer(srv)
	bad.Config.From = "alerts@gears.example\r\nBcc: victim@example.com"
	err := bad.Send(context.Background(), notify.Mail{To: []string{"ana@example.com"}, Subject: "s", Text: "t"})
	if ge := gears.AsError(err); ge.Key != "notify.smtp_from_invalid" {
		t.Errorf("From with CRLF: %v", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages sent", n)
	}
}

func TestSMTPConfigValidate(t *testing.T) {
	t.Parallel()
	ok := notify.SMTPConfig{Host: "smtp.example.com", Port: 587, Username: "u", Password: "p", From: "Gears <a@example.com>"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		change func(*notify.SMTPConfig)
		key    string
	}{
		{"implicit tls", func(c *notify.SMTPConfig) { c.TLS, c.Port = notify.TLSImplicit, 465 }, ""},
		{"port 0 is the default", func(c *notify.SMTPConfig) { c.Port = 0 }, ""},
		{"no auth", func(c *notify.SMTPConfig) { c.Username, c.Password = "", "" }, ""},
		{"none on loopback", func(c *notify.SMTPConfig) { c.Host, c.TLS = "127.0.0.1", notify.TLSNone }, ""},
		{"none on localhost with auth", func(c *notify.SMTPConfig) { c.Host, c.TLS = "localhost", notify.TLSNone }, ""},
		{"none elsewhere", func(c *notify.SMTPConfig) { c.TLS = notify.TLSNone }, "notify.smtp_tls_required"},
		{"none elsewhere without auth", func(c *notify.SMTPConfig) { c.TLS, c.Username, c.Password = notify.TLSNone, "", "" }, "notify.smtp_tls_required"},
		{"unknown tls", func(c *notify.SMTPConfig) { c.TLS = "ssl" }, "notify.smtp_tls_invalid"},
		{"no host", func(c *notify.SMTPConfig) { c.Host = "" }, "notify.smtp_host_invalid"},
		{"host with CRLF", func(c *notify.SMTPConfig) { c.Host = "a\r\nb" }, "notify.smtp_host_invalid"},
		{"host with port", func(c *notify.SMTPConfig) { c.Host = "smtp.example.com/25" }, "notify.smtp_host_invalid"},
		{"port", func(c *notify.SMTPConfig) { c.Port = 70000 }, "notify.smtp_port_invalid"},
		{"user without password", func(c *notify.SMTPConfig) { c.Password = "" }, "notify.smtp_auth_invalid"},
		{"password without user", func(c *notify.SMTPConfig) { c.Username = "" }, "notify.smtp_auth_invalid"},
		{"NUL in password", func(c *notify.SMTPConfig) { c.Password = "a\x00b" }, "notify.smtp_auth_invalid"},
		{"no from", func(c *notify.SMTPConfig) { c.From = "" }, "notify.smtp_from_invalid"},
		{"two from", func(c *notify.SMTPConfig) { c.From = "a@example.com, b@example.com" }, "notify.smtp_from_invalid"},
		{"negative timeout", func(c *notify.SMTPConfig) { c.Timeout = -time.Second }, "notify.smtp_timeout_invalid"},
	} {
		c := ok
		tt.change(&c)
		err := c.Validate()
		if tt.key == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if ge := gears.AsError(err); err == nil || ge.Code != gears.EINVALID || ge.Key != tt.key || !locale.Has(ge.Key) {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.key)
		}
	}
}
