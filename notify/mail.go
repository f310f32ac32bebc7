package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gears"
	"gears/outbound"
)

// TLS modes of an SMTP connection.
const (
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS (the default; port 587)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
	TLSNone     = "none"     // no encryption: only to a server on this machine
)

// DefaultSMTPTimeout bounds one delivery, connection included, when
// SMTPConfig.Timeout is 0.
const DefaultSMTPTimeout = 30 * time.Second

// SMTPConfig is how Gears reaches its mail server.
type SMTPConfig struct {
	Host string
	// Port is the server's port; 0 means 587 for starttls, 465 for tls and
	// 25 for none.
	Port int
	// Username and Password, when set, log in with AUTH PLAIN, which is
	// sent only over TLS or to this machine.
	Username, Password string
	// From is the sender, e.g. "Gears <alerts@example.com>".
	From string
	// TLS is TLSStartTLS (default, required when the host is not this
	// machine unless TLSImplicit is used), TLSImplicit or TLSNone (only
	// for a loopback host).
	TLS string
	// Timeout bounds one delivery, connection included; 0 means
	// DefaultSMTPTimeout.
	Timeout time.Duration
}

// Validate checks the configuration; the error is a *gears.Error naming
// the field at fault.
func (c SMTPConfig) Validate() error {
	if c.Host == "" || len(c.Host) > 253 || strings.ContainsAny(c.Host, " \t\r\n/@[]") || !utf8.ValidString(c.Host) {
		return gears.Invalid("smtp_host", "notify.smtp_host_invalid")
	}
	if c.Port < 0 || c.Port > 65535 {
		return gears.Invalid("smtp_port", "notify.smtp_port_invalid")
	}
	switch c.TLS {
	case "", TLSStartTLS, TLSImplicit:
	case TLSNone:
		if !outbound.Loopback(c.Host) {
			return gears.Invalid("smtp_tls", "notify.smtp_tls_required")
		}
	default:
		return gears.Invalid("smtp_tls", "notify.smtp_tls_invalid")
	}
	if (c.Username == "") != (c.Password == "") ||
		strings.ContainsAny(c.Username, "\x00\r\n") || strings.ContainsAny(c.Password, "\x00\r\n") {
		return gears.Invalid("smtp_username", "notify.smtp_auth_invalid")
	}
	if _, err := parseAddress(c.From); err != nil {
		e := gears.Invalid("smtp_from", "notify.smtp_from_invalid")
		e.Err = err
		return e
	}
	if c.Timeout < 0 {
		return gears.Invalid("smtp_timeout", "notify.smtp_timeout_invalid")
	}
	return nil
}

func (c SMTPConfig) mode() string {
	if c.TLS == "" {
		return TLSStartTLS
	}
	return c.TLS
}

func (c SMTPConfig) port() int {
	if c.Port != 0 {
		return c.Port
	}
	switch c.mode() {
	case TLSImplicit:
		return 465
	case TLSNone:
		return 25
	}
	return 587
}

// Mailer sends e-mail through one SMTP server.
type Mailer struct {
	Config SMTPConfig
	// TLSConfig, when set, is used for the server's TLS (its RootCAs, for
	// a server with a private certificate authority, or a test's);
	// nil means the system's roots. ServerName defaults to Config.Host.
	TLSConfig *tls.Config
}

// Mail is one message.
type Mail struct {
	To          []string     // addresses, "alice@example.com" or "Alice <alice@example.com>"
	Subject     string       // one line; truncated at 250 characters
	Text        string       // the plain-text body, required
	HTML        string       // optional HTML alternative of Text
	Attachments []Attachment // optional files (a report's PDF)
}

// Attachment is a file sent with a message, base64-encoded.
type Attachment struct {
	Name        string // the file name, ASCII letters, digits, dot, dash and underscore
	ContentType string // e.g. application/pdf
	Data        []byte
}

// validName reports whether an attachment's name is safe in a header.
func (a Attachment) validName() bool {
	if a.Name == "" || len(a.Name) > 100 {
		return false
	}
	for _, r := range a.Name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	_, _, err := mime.ParseMediaType(a.ContentType)
	return err == nil && !strings.ContainsAny(a.ContentType, "\r\n")
}

// maxSubject is the longest subject sent, in runes.
const maxSubject = 250

// Send delivers mail. The message is text/plain in UTF-8, quoted-printable
// (multipart/alternative with a text/html part when mail.HTML is set),
// with From, To, Subject (RFC 2047 encoded when not ASCII), Date,
// Message-ID, MIME-Version and Auto-Submitted headers. CR or LF in the
// subject or an address is refused, never sent.
//
// Failures are *gears.RemoteError: temporary for SMTP 4xx, connection and
// TLS failures and timeouts; rejected for SMTP 5xx (a refused login
// included), invalid input and configuration.
func (m *Mailer) Send(ctx context.Context, msg Mail) error {
	c := m.Config
	if err := c.Validate(); err != nil {
		return rejected(NetworkEmail, "invalid SMTP configuration", err)
	}
	from, _ := parseAddress(c.From)
	if len(msg.To) == 0 {
		return rejected(NetworkEmail, "no recipient", gears.Invalid("to", "notify.mail_no_recipient"))
	}
	to := make([]*mail.Address, 0, len(msg.To))
	for _, s := range msg.To {
		a, err := parseAddress(s)
		if err != nil {
			e := gears.Invalid("to", "notify.mail_to_invalid", outbound.RemoteText(s, 100))
			e.Err = err
			return rejected(NetworkEmail, "invalid recipient", e)
		}
		to = append(to, a)
	}
	if strings.ContainsAny(msg.Subject, "\r\n") || !utf8.ValidString(msg.Subject) {
		return rejected(NetworkEmail, "invalid subject", gears.Invalid("subject", "notify.mail_subject_invalid"))
	}
	if strings.TrimSpace(msg.Text) == "" {
		return rejected(NetworkEmail, "no text", gears.Invalid("text", "notify.mail_empty"))
	}
	for _, at := range msg.Attachments {
		if !at.validName() {
			return rejected(NetworkEmail, "invalid attachment", gears.Invalid("attachments", "notify.mail_attachment_invalid"))
		}
	}
	data, err := compose(from, to, msg, time.Now())
	if err != nil {
		return rejected(NetworkEmail, "the message cannot be written", err)
	}
	rcpts := make([]string, len(to))
	for i, a := range to {
		rcpts[i] = a.Address
	}
	return m.deliver(ctx, c, from.Address, rcpts, data)
}

// parseAddress parses one address of one line.
func parseAddress(s string) (*mail.Address, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, errors.New("line break in an address")
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(a.Address, "\r\n<> ") || len(a.Address) > 254 {
		return nil, errors.New("unusable address")
	}
	return a, nil
}

// compose writes the message, headers and body, with CRLF line ends.
func compose(from *mail.Address, to []*mail.Address, msg Mail, now time.Time) ([]byte, error) {
	var b bytes.Buffer
	header := func(name string, parts []string, sep string) {
		b.WriteString(name)
		b.WriteString(":")
		b.WriteString(fold(len(name)+1, parts, sep))
		b.WriteString("\r\n")
	}
	header("From", []string{from.String()}, "")
	addrs := make([]string, len(to))
	for i, a := range to {
		addrs[i] = a.String()
	}
	header("To", addrs, ",")
	subject := msg.Subject
	if utf8.RuneCountInString(subject) > maxSubject {
		subject = string([]rune(subject)[:maxSubject-1]) + "…"
	}
	header("Subject", strings.Split(mime.QEncoding.Encode("utf-8", subject), " "), "")
	header("Date", []string{now.Format(time.RFC1123Z)}, "")
	header("Message-ID", []string{messageID(from.Address)}, "")
	header("MIME-Version", []string{"1.0"}, "")
	header("Auto-Submitted", []string{"auto-generated"}, "")
	if len(msg.Attachments) > 0 {
		return composeMixed(&b, msg)
	}
	if msg.HTML == "" {
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
		b.WriteString("Content-Transfer-Encoding: quoted-printable\r\n\r\n")
		if err := writeQP(&b, msg.Text); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	b.WriteString("Content-Type: multipart/alternative; boundary=\"" + mw.Boundary() + "\"\r\n\r\n")
	for _, part := range []struct{ typ, text string }{{"text/plain", msg.Text}, {"text/html", msg.HTML}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		if err := writeQP(w, part.text); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	b.Write(body.Bytes())
	return b.Bytes(), nil
}

// fold writes parts, each after sep (but the first) and a space, with a
// line break (CRLF and the space) before a part that would take the line
// past 78 characters.
func fold(start int, parts []string, sep string) string {
	var b strings.Builder
	n := start
	for i, p := range parts {
		if i > 0 {
			b.WriteString(sep)
			n += len(sep)
		}
		if n > 1 && p != "" && n+1+len(p) > 78 {
			b.WriteString("\r\n")
			n = 0
		}
		b.WriteByte(' ')
		b.WriteString(p)
		n += 1 + len(p)
	}
	return b.String()
}

func writeQP(w io.Writer, text string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := io.WriteString(qp, strings.ToValidUTF8(text, "\uFFFD")); err != nil {
		return err
	}
	return qp.Close()
}

// messageID returns a new Message-ID in the sender's domain.
func messageID(from string) string {
	var r [16]byte
	_, _ = rand.Read(r[:])
	domain := "gears.invalid"
	if _, d, ok := strings.Cut(from, "@"); ok && d != "" && !strings.ContainsAny(d, "<>\"") {
		domain = d
	}
	return "<" + hex.EncodeToString(r[:]) + "@" + domain + ">"
}

// deliver runs one SMTP session. The whole session, connection included,
// must end within the configured timeout and before ctx is done.
func (m *Mailer) deliver(ctx context.Context, c SMTPConfig, from string, to []string, data []byte) error {
	timeout := c.Timeout
	if timeout == 0 {
		timeout = DefaultSMTPTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	addr := net.JoinHostPort(c.Host, strconv.Itoa(c.port()))
	tlsConfig := m.tlsConfig(c.Host)
	dialer := &net.Dialer{Timeout: timeout}
	var (
		conn net.Conn
		err  error
	)
	if c.mode() == TLSImplicit {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: tlsConfig}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return sessionError(ctx, "connect", err)
	}
	defer conn.Close()
	if d, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(d)
	}
	// Cancellation interrupts whatever the session is waiting for.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	client, err := smtp.NewClient(conn, c.Host)
	if err != nil {
		return sessionError(ctx, "greeting", err)
	}
	defer client.Close()
	if err := client.Hello("localhost"); err != nil {
		return sessionError(ctx, "EHLO", err)
	}
	if c.mode() == TLSStartTLS {
		if ok, _ := client.Extension("STARTTLS"); !ok {
			return rejected(NetworkEmail, "the server does not offer STARTTLS", nil)
		}
		if err := client.StartTLS(tlsConfig); err != nil {
			return sessionError(ctx, "STARTTLS", err)
		}
	}
	if c.Username != "" {
		if ok, _ := client.Extension("AUTH"); !ok {
			return rejected(NetworkEmail, "the server does not offer AUTH", nil)
		}
		if err := client.Auth(plainAuth{username: c.Username, password: c.Password}); err != nil {
			return sessionError(ctx, "AUTH", err)
		}
	}
	if err := client.Mail(from); err != nil {
		return sessionError(ctx, "MAIL FROM", err)
	}
	for _, rcpt := range to {
		if err := client.Rcpt(rcpt); err != nil {
			return sessionError(ctx, "RCPT TO", err)
		}
	}
	w, err := client.Data()
	if err != nil {
		return sessionError(ctx, "DATA", err)
	}
	if _, err := w.Write(data); err != nil {
		return sessionError(ctx, "DATA", err)
	}
	if err := w.Close(); err != nil {
		return sessionError(ctx, "end of DATA", err)
	}
	// The message is accepted: a failed QUIT must not make the caller
	// send it again.
	_ = client.Quit()
	return nil
}

func (m *Mailer) tlsConfig(host string) *tls.Config {
	var c *tls.Config
	if m.TLSConfig != nil {
		c = m.TLSConfig.Clone()
	} else {
		c = &tls.Config{}
	}
	if c.ServerName == "" {
		c.ServerName = host
	}
	if c.MinVersion == 0 {
		c.MinVersion = tls.VersionTLS12
	}
	return c
}

// sessionError classifies a failure during a step of the session: an
// SMTP reply code 4xx is temporary and 5xx rejected; a failure without a
// reply (connection, TLS, timeout) is temporary.
func sessionError(ctx context.Context, step string, err error) error {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		kind := gears.RemoteTemporary
		if tp.Code >= 500 && tp.Code < 600 {
			kind = gears.RemoteRejected
		}
		return &gears.RemoteError{Network: NetworkEmail, Kind: kind,
			Message: fmt.Sprintf("%s: %d %s", step, tp.Code, outbound.RemoteText(tp.Msg, 200)), Err: err}
	}
	if errors.Is(err, errAuthInsecure) {
		return rejected(NetworkEmail, step+": "+err.Error(), err)
	}
	ctxErr := ctx.Err()
	if d, ok := ctx.Deadline(); ctxErr == nil && ok && !time.Now().Before(d) {
		ctxErr = context.DeadlineExceeded // the connection's deadline, set to the context's, came first
	}
	if ctxErr != nil {
		err = fmt.Errorf("%w (%w)", ctxErr, err)
	}
	e := outbound.TransportError(NetworkEmail, err)
	e.Message = step + ": " + e.Message
	return e
}

var errAuthInsecure = errors.New("refusing to send a password without TLS to a server that is not on this machine")

// plainAuth is AUTH PLAIN (RFC 4616), sent only over TLS or to a loopback
// host. (net/smtp's PlainAuth knows only "localhost", 127.0.0.1 and ::1.)
type plainAuth struct{ username, password string }

func (a plainAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !outbound.Loopback(server.Name) {
		return "", nil, errAuthInsecure
	}
	return "PLAIN", []byte("\x00" + a.username + "\x00" + a.password), nil
}

func (a plainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("unexpected server challenge")
	}
	return nil, nil
}

// composeMixed writes the body of a message with attachments: a
// multipart/mixed of the text (or the text and HTML alternative) and each
// file in base64, lines of 76 characters.
func composeMixed(b *bytes.Buffer, msg Mail) ([]byte, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	b.WriteString("Content-Type: multipart/mixed; boundary=\"" + mw.Boundary() + "\"\r\n\r\n")
	var part bytes.Buffer
	// The first part: the text, or the text and its HTML alternative.
	if msg.HTML == "" {
		w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return nil, err
		}
		if err := writeQP(w, msg.Text); err != nil {
			return nil, err
		}
	} else {
		alt := multipart.NewWriter(&part)
		for _, p := range []struct{ typ, text string }{{"text/plain", msg.Text}, {"text/html", msg.HTML}} {
			w, err := alt.CreatePart(textproto.MIMEHeader{"Content-Type": {p.typ + "; charset=utf-8"}, "Content-Transfer-Encoding": {"quoted-printable"}})
			if err != nil {
				return nil, err
			}
			if err := writeQP(w, p.text); err != nil {
				return nil, err
			}
		}
		if err := alt.Close(); err != nil {
			return nil, err
		}
		w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"multipart/alternative; boundary=\"" + alt.Boundary() + "\""}})
		if err != nil {
			return nil, err
		}
		w.Write(part.Bytes())
	}
	for _, at := range msg.Attachments {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {at.ContentType + "; name=\"" + at.Name + "\""},
			"Content-Disposition":       {"attachment; filename=\"" + at.Name + "\""},
			"Content-Transfer-Encoding": {"base64"},
		})
		if err != nil {
			return nil, err
		}
		enc := base64.StdEncoding.EncodeToString(at.Data)
		for len(enc) > 76 {
			io.WriteString(w, enc[:76]+"\r\n")
			enc = enc[76:]
		}
		io.WriteString(w, enc+"\r\n")
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	b.Write(body.Bytes())
	return b.Bytes(), nil
}
