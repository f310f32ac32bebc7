// Package smtptest is a real SMTP server for tests (github.com/emersion/go-smtp's
// server) that keeps the messages it accepts in memory.
//
// It listens on 127.0.0.1 on a free port and stops when the test ends. By
// default it accepts any message without login and without TLS. Options
// add AUTH PLAIN (WithAuth), STARTTLS (WithSTARTTLS) or TLS from the first
// byte (WithImplicitTLS), with a certificate made for 127.0.0.1 that
// Server.ClientTLSConfig trusts. RejectNext makes the next messages fail
// with an SMTP code, for the sender's error handling.
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one message the server accepted.
type Message struct {
	From string   // MAIL FROM
	To   []string // RCPT TO, in order
	Data []byte   // the message as received (headers and body, CRLF line ends)
	User string   // who logged in, "" without AUTH
	TLS  bool     // whether the session was encrypted
}

// Server is a running SMTP server.
type Server struct {
	Addr string // "127.0.0.1:port"
	Host string // "127.0.0.1"
	Port int

	username, password string
	startTLS, implicit bool
	serverTLS          *tls.Config
	roots              *x509.CertPool

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced when a message arrives
	messages []Message
	rejects  []int
}

// Option configures a Server.
type Option func(*Server)

// WithAuth requires AUTH PLAIN with username and password before MAIL.
// Without TLS, AUTH is offered in the clear (the server is on loopback).
func WithAuth(username, password string) Option {
	return func(s *Server) { s.username, s.password = username, password }
}

// WithSTARTTLS offers STARTTLS; with WithAuth, AUTH is then offered only
// after STARTTLS.
func WithSTARTTLS() Option { return func(s *Server) { s.startTLS = true } }

// WithImplicitTLS speaks TLS from the first byte, as on port 465.
func WithImplicitTLS() Option { return func(s *Server) { s.implicit = true } }

// New starts a server for the test; it is closed with t.Cleanup.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{changed: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	if s.startTLS || s.implicit {
		cert, roots, err := certificate()
		if err != nil {
			t.Fatalf("smtptest: certificate: %v", err)
		}
		s.serverTLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		s.roots = roots
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	addr := l.Addr().(*net.TCPAddr)
	s.Addr, s.Host, s.Port = addr.String(), addr.IP.String(), addr.Port
	if s.implicit {
		l = tls.NewListener(l, s.serverTLS)
	}

	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, isTLS := c.TLSConnectionState()
		return &session{server: s, tls: isTLS}, nil
	}))
	srv.Domain = "smtptest.invalid"
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 100
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.ErrorLog = log.New(io.Discard, "", 0)
	if s.startTLS {
		srv.TLSConfig = s.serverTLS
	}
	srv.AllowInsecureAuth = !s.startTLS

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		_ = l.Close() // in case Serve had not registered it yet
		<-done
	})
	return s
}

// ClientTLSConfig returns a client configuration that trusts the
// server's certificate (nil without TLS).
func (s *Server) ClientTLSConfig() *tls.Config {
	if s.roots == nil {
		return nil
	}
	return &tls.Config{RootCAs: s.roots, ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// WaitFor waits until at least n messages were accepted, or timeout; it
// returns the messages and an error when there are fewer than n.
func (s *Server) WaitFor(n int, timeout time.Duration) ([]Message, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		msgs, changed := append([]Message(nil), s.messages...), s.changed
		s.mu.Unlock()
		if len(msgs) >= n {
			return msgs, nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return msgs, fmt.Errorf("smtptest: %d of %d messages after %v", len(msgs), n, timeout)
		}
	}
}

// RejectNext makes the next message (at the end of DATA) fail with code,
// e.g. 451 (temporary) or 554 (permanent); calls queue up.
func (s *Server) RejectNext(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejects = append(s.rejects, code)
}

func (s *Server) accept(m Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.rejects) > 0 {
		code := s.rejects[0]
		s.rejects = s.rejects[1:]
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0},
			Message: "injected failure " + strconv.Itoa(code)}
	}
	s.messages = append(s.messages, m)
	close(s.changed)
	s.changed = make(chan struct{})
	return nil
}

// session is one SMTP connection.
type session struct {
	server *Server
	tls    bool
	user   string
	from   string
	to     []string
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string {
	if ss.server.username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if ss.server.username == "" || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != ss.server.username || password != ss.server.password || (identity != "" && identity != username) {
			return smtp.ErrAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.server.username != "" && ss.user == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return ss.server.accept(Message{From: ss.from, To: append([]string(nil), ss.to...),
		Data: bytes.Clone(data), User: ss.user, TLS: ss.tls})
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

// certificate makes a self-signed certificate for 127.0.0.1 and
// localhost, valid for a day, and the pool that trusts it.
func certificate() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, roots, nil
}
