package smtptest_test

import (
	"errors"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"gears/notify/smtptest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestServer(t *testing.T) {
	t.Parallel()
	srv := smtptest.New(t)
	if srv.Host != "127.0.0.1" || srv.Port == 0 || srv.Addr != srv.Host+":"+strconv.Itoa(srv.Port) {
		t.Fatalf("server at %q %q %d", srv.Addr, srv.Host, srv.Port)
	}
	if _, err := srv.WaitFor(1, 10*time.Millisecond); err == nil {
		t.Error("WaitFor found a message in an empty server")
	}
	msg := "Subject: hi\r\n\r\nbody\r\n"
	if err := smtp.SendMail(srv.Addr, nil, "a@example.com", []string{"b@example.com", "c@example.com"}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	msgs, err := srv.WaitFor(1, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	m := msgs[0]
	if m.From != "a@example.com" || strings.Join(m.To, " ") != "b@example.com c@example.com" || string(m.Data) != msg || m.User != "" || m.TLS {
		t.Errorf("message = %+v", m)
	}

	srv.RejectNext(451)
	srv.RejectNext(554)
	for _, code := range []int{451, 554} {
		err := smtp.SendMail(srv.Addr, nil, "a@example.com", []string{"b@example.com"}, []byte(msg))
		var tp *textproto.Error
		if !errors.As(err, &tp) || tp.Code != code {
			t.Errorf("injected %d: %v", code, err)
		}
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}

func TestServerAuth(t *testing.T) {
	t.Parallel()
	srv := smtptest.New(t, smtptest.WithAuth("user", "secret"))
	msg := []byte("Subject: hi\r\n\r\nbody\r\n")
	var tp *textproto.Error
	if err := smtp.SendMail(srv.Addr, nil, "a@example.com", []string{"b@example.com"}, msg); !errors.As(err, &tp) || tp.Code != 530 {
		t.Errorf("without AUTH: %v", err)
	}
	if err := smtp.SendMail(srv.Addr, smtp.PlainAuth("", "user", "wrong", "127.0.0.1"), "a@example.com", []string{"b@example.com"}, msg); !errors.As(err, &tp) || tp.Code != 535 {
		t.Errorf("wrong password: %v", err)
	}
	if err := smtp.SendMail(srv.Addr, smtp.PlainAuth("", "user", "secret", "127.0.0.1"), "a@example.com", []string{"b@example.com"}, msg); err != nil {
		t.Fatal(err)
	}
	if msgs := srv.Messages(); len(msgs) != 1 || msgs[0].User != "user" {
		t.Errorf("messages = %+v", msgs)
	}
}

func TestServerSTARTTLS(t *testing.T) {
	t.Parallel()
	srv := smtptest.New(t, smtptest.WithSTARTTLS(), smtptest.WithAuth("user", "secret"))
	c, err := smtp.Dial(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if ok, _ := c.Extension("AUTH"); ok {
		t.Error("AUTH offered before STARTTLS")
	}
	if err := c.StartTLS(srv.ClientTLSConfig()); err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(smtp.PlainAuth("", "user", "secret", "127.0.0.1")); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("a@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("b@example.com"); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("Subject: hi\r\n\r\nbody\r\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
	if msgs := srv.Messages(); len(msgs) != 1 || !msgs[0].TLS || msgs[0].User != "user" {
		t.Errorf("messages = %+v", msgs)
	}
}
