package feeds_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gears"
	"gears/feeds"
	"gears/locale"
)

// serve answers every request with body (and Content-Type).
func serve(t *testing.T, contentType string, body []byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestReadXMLBomb reads a billion-laughs document: encoding/xml does not
// expand entities declared in a DOCTYPE (nor fetch external ones), so the
// text keeps the reference and memory stays small. Not parallel, so that
// the allocation count is this test's.
func TestReadXMLBomb(t *testing.T) {
	srv := files(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	page, err := (&feeds.Reader{Client: srv.Client()}).Read(context.Background(), srv.URL+"/bomb.xml", "")
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 16<<20 {
		t.Errorf("reading a 1 KB bomb allocated %d MB", n>>20)
	}
	checkSafe(t, page.Messages)
	if len(page.Messages) != 1 || page.Messages[0].Text != "&lol9;\n\n&lol9; &xxe;" {
		t.Errorf("messages = %+v", page.Messages)
	}
}

func TestReadTooLarge(t *testing.T) {
	t.Parallel()
	srv := files(t) // rss.xml is about 2 KB, sent with Content-Length
	chunked := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for range 100 {
			_, _ = w.Write([]byte(strings.Repeat(" ", 100)))
			w.(http.Flusher).Flush()
		}
	}))
	defer chunked.Close()
	// A gzip bomb: 8 MB of spaces in 8 KB, decompressed by the transport.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range 8 {
		_, _ = zw.Write(chunk)
	}
	_ = zw.Close()
	bomb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write(gz.Bytes())
	}))
	defer bomb.Close()

	for _, tt := range []struct {
		name string
		r    *feeds.Reader
		url  string
	}{
		{"content length", &feeds.Reader{Client: srv.Client(), MaxBytes: 1000}, srv.URL + "/rss.xml"},
		{"chunked", &feeds.Reader{Client: chunked.Client(), MaxBytes: 1000}, chunked.URL},
		{"gzip bomb", &feeds.Reader{Client: bomb.Client()}, bomb.URL},
	} {
		_, err := tt.r.Read(context.Background(), tt.url, "")
		if re := remoteError(t, err); re.Kind != gears.RemoteRejected || !errors.Is(err, feeds.ErrTooLarge) {
			t.Errorf("%s: %v", tt.name, err)
		}
		if ge := gears.AsError(err); ge.Key != "feeds.too_large" || !locale.Has(ge.Key) {
			t.Errorf("%s: key %q", tt.name, ge.Key)
		}
	}
	if _, err := (&feeds.Reader{Client: srv.Client(), MaxBytes: 10000}).Read(context.Background(), srv.URL+"/rss.xml", ""); err != nil {
		t.Errorf("within the limit: %v", err)
	}
}

func TestReadHugeItems(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("<p>Lorem ipsum &amp; dolor <script>x()</script></p>", 20000) // about 1 MB
	longGUID := strings.Repeat("g", 10000)
	body := fmt.Sprintf(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>%s</title>
<item><title>%s</title><guid>%s</guid><description><![CDATA[%s]]></description><pubDate>Mon, 01 Jan 9999 00:00:00 +0000</pubDate><link>https://a.example/%s</link></item>
<item><title>Bad date</title><guid>bad-date</guid><pubDate>yesterday-ish</pubDate></item>
</channel></rss>`, strings.Repeat("T", 5000), strings.Repeat("Título ", 2000), longGUID, huge, strings.Repeat("p", 3000))
	srv := serve(t, "application/rss+xml", []byte(body))
	start := time.Now()
	page, err := (&feeds.Reader{Client: srv.Client()}).Read(context.Background(), srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	checkSafe(t, page.Messages)
	if len(page.Messages) != 2 {
		t.Fatalf("%d messages", len(page.Messages))
	}
	var m gears.InboundMessage
	for _, msg := range page.Messages {
		if msg.RemoteID != "bad-date" {
			m = msg
		}
	}
	if !strings.HasPrefix(m.RemoteID, "sha256:") || len(m.RemoteID) > 100 {
		t.Errorf("a 10 KB GUID is kept as %d bytes", len(m.RemoteID))
	}
	if n := utf8.RuneCountInString(m.Text); n < 1900 || n > 2001 || !strings.HasSuffix(m.Text, "…") {
		t.Errorf("text of %d runes: …%q", n, m.Text[len(m.Text)-20:])
	}
	if m.CreatedAt.After(time.Now()) || m.CreatedAt.Before(start) {
		t.Errorf("a date in 9999 is taken as now, got %v", m.CreatedAt)
	}
	if n := utf8.RuneCountInString(m.Author.DisplayName); n > 201 {
		t.Errorf("author of %d runes", n)
	}
	if len(page.Cursor) > 1000 {
		t.Errorf("cursor of %d bytes", len(page.Cursor))
	}
}

func TestReadManyItems(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(`<rss version="2.0"><channel><title>Big</title>`)
	for i := range 3000 {
		fmt.Fprintf(&b, "<item><guid>item-%d</guid><title>Item %d</title><pubDate>%s</pubDate></item>", i, i,
			day(0).Add(-time.Duration(i)*time.Minute).Format(time.RFC1123Z))
	}
	b.WriteString("</channel></rss>")
	srv := serve(t, "application/rss+xml", []byte(b.String()))
	r := &feeds.Reader{Client: srv.Client()}
	page, err := r.Read(context.Background(), srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Messages) != 20 || page.Messages[19].RemoteID != "item-0" || page.Messages[0].RemoteID != "item-19" {
		t.Errorf("first read = %d messages, %v…", len(page.Messages), ids(page.Messages)[:3])
	}
	if len(page.Cursor) > 8000 {
		t.Errorf("cursor of %d bytes", len(page.Cursor))
	}
	// Items beyond those the cursor remembers are older than its floor.
	again, err := r.Read(context.Background(), srv.URL, page.Cursor)
	if err != nil || len(again.Messages) != 0 {
		t.Errorf("second read = %d messages, %v", len(again.Messages), err)
	}
}

func TestReadLatin1(t *testing.T) {
	t.Parallel()
	body := []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>Latin</title>" +
		"<item><guid>l1</guid><title>Espa\xf1a y caf\xe9</title></item></channel></rss>")
	srv := serve(t, "application/rss+xml", body)
	page, err := (&feeds.Reader{Client: srv.Client()}).Read(context.Background(), srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Messages) != 1 || page.Messages[0].Text != "España y café" {
		t.Errorf("messages = %+v", page.Messages)
	}
}
