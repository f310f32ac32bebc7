package feeds_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"gears"
	"gears/feeds"
	"gears/locale"
)

// files serves testdata (with Last-Modified, and 304 for If-Modified-Since).
func files(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.FileServer(http.Dir("testdata")))
	t.Cleanup(srv.Close)
	return srv
}

func remoteError(t *testing.T, err error) *gears.RemoteError {
	t.Helper()
	var re *gears.RemoteError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T) is not a *gears.RemoteError", err, err)
	}
	if re.Network != "feed" {
		t.Errorf("network %q", re.Network)
	}
	return re
}

func ids(msgs []gears.InboundMessage) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.RemoteID)
	}
	return out
}

func find(t *testing.T, msgs []gears.InboundMessage, id string) gears.InboundMessage {
	t.Helper()
	for _, m := range msgs {
		if m.RemoteID == id {
			return m
		}
	}
	t.Fatalf("no message %q in %q", id, ids(msgs))
	return gears.InboundMessage{}
}

// checkSafe checks what every message must be, whatever the feed.
func checkSafe(t *testing.T, msgs []gears.InboundMessage) {
	t.Helper()
	for _, m := range msgs {
		if m.Kind != gears.KindMatch || m.Thread != m.RemoteID || m.RemoteID == "" {
			t.Errorf("%q: kind %q thread %q", m.RemoteID, m.Kind, m.Thread)
		}
		for _, s := range []string{m.Text, m.Author.DisplayName, m.Author.Handle, m.RemoteID} {
			if !utf8.ValidString(s) || strings.ContainsAny(s, "<>\x00") && s != m.RemoteID {
				t.Errorf("%q: unsafe text %q", m.RemoteID, s)
			}
		}
		if m.URL != "" && !strings.HasPrefix(m.URL, "https://") && !strings.HasPrefix(m.URL, "http://") {
			t.Errorf("%q: URL %q", m.RemoteID, m.URL)
		}
		if n := utf8.RuneCountInString(m.Text); n > 2001 {
			t.Errorf("%q: text of %d runes", m.RemoteID, n)
		}
		if m.CreatedAt.IsZero() || m.CreatedAt.After(time.Now().Add(time.Minute)) {
			t.Errorf("%q: created at %v", m.RemoteID, m.CreatedAt)
		}
	}
}

func TestReadRSS(t *testing.T) {
	t.Parallel()
	srv := files(t)
	r := &feeds.Reader{Client: srv.Client()}
	before := time.Now()
	page, err := r.Read(context.Background(), srv.URL+"/rss.xml", "")
	if err != nil {
		t.Fatal(err)
	}
	checkSafe(t, page.Messages)
	sum := sha256.Sum256([]byte("Sin enlace ni guid\x00Sun, 31 Dec 2023 10:00:00 +0000\x00"))
	noID := "sha256:" + hex.EncodeToString(sum[:16])
	want := []string{"post-0", noID, "post-1", "post-2", "post-3", srv.URL + "/relativo/sin-fecha"}
	if got := ids(page.Messages); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("ids = %q, want %q (oldest first, one post-1, undated last)", got, want)
	}

	m := find(t, page.Messages, "post-3")
	if m.Text != "Lanzamiento: versión 2.0\n\nHoy publicamos la versión 2.0 & más.\n\nSegundo párrafo\ncon salto." {
		t.Errorf("text = %q", m.Text)
	}
	if m.URL != "https://blog.example/2024/lanzamiento" || m.Lang != "es" ||
		!m.CreatedAt.Equal(time.Date(2024, 1, 3, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("post-3 = %+v", m)
	}
	if a := m.Author; a.DisplayName != "Ana Peña" || a.Handle != "blog.example" || a.URL != "https://www.blog.example/" {
		t.Errorf("author = %+v", a)
	}
	if a := find(t, page.Messages, "post-1").Author; a.DisplayName != "Blog de Gears & amigos" || a.Handle != "blog.example" {
		t.Errorf("feed as author = %+v", a)
	}
	if m := find(t, page.Messages, "post-1"); m.Text != "Duplicado (primera aparición)\n\nPrimera." {
		t.Errorf("duplicate GUID: the first item wins, got %q", m.Text)
	}
	if m := find(t, page.Messages, "post-2"); m.URL != "" || m.Text != "Hostil\n\nAntes después enlace" {
		t.Errorf("hostile item = %q %q", m.URL, m.Text)
	}
	if m := find(t, page.Messages, "post-0"); m.Text != "UTF-8 inválido: ca\uFFFDda\n\nBytes rotos: \uFFFD y control" {
		t.Errorf("invalid UTF-8 = %q", m.Text)
	}
	if m := find(t, page.Messages, srv.URL+"/relativo/sin-fecha"); m.URL != srv.URL+"/relativo/sin-fecha" ||
		m.Text != "Sin fecha ni guid\n\nSolo contenido completo." || m.CreatedAt.Before(before) {
		t.Errorf("undated item = %+v", m)
	}

	// The file has not changed: the conditional GET gets a 304.
	again, err := r.Read(context.Background(), srv.URL+"/rss.xml", page.Cursor)
	if err != nil || len(again.Messages) != 0 || again.Cursor != page.Cursor {
		t.Errorf("second read = %d messages, cursor changed %v, %v", len(again.Messages), again.Cursor != page.Cursor, err)
	}
}

func TestReadAtom(t *testing.T) {
	t.Parallel()
	srv := files(t)
	page, err := (&feeds.Reader{Client: srv.Client()}).Read(context.Background(), srv.URL+"/atom.xml", "")
	if err != nil {
		t.Fatal(err)
	}
	checkSafe(t, page.Messages)
	if got := ids(page.Messages); strings.Join(got, " ") != "tag:atom.example,2024:1 tag:atom.example,2024:2" {
		t.Fatalf("ids = %q", got)
	}
	one, two := page.Messages[0], page.Messages[1]
	if one.Text != "Entrada uno\n\nContenido XHTML." || one.URL != "" || !one.CreatedAt.Equal(time.Date(2024, 2, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("entry one (content, data: link, updated only) = %+v", one)
	}
	if two.Text != "Entrada dos\n\nResumen con enlace." || two.URL != "https://atom.example/dos" ||
		two.Author.DisplayName != "Luis" || two.Author.Handle != "luis@atom.example" ||
		!two.CreatedAt.Equal(time.Date(2024, 2, 2, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("entry two (summary, published) = %+v", two)
	}
}

func TestReadJSONFeed(t *testing.T) {
	t.Parallel()
	srv := files(t)
	page, err := (&feeds.Reader{Client: srv.Client()}).Read(context.Background(), srv.URL+"/feed.json", "")
	if err != nil {
		t.Fatal(err)
	}
	checkSafe(t, page.Messages)
	if got := ids(page.Messages); strings.Join(got, " ") != "j1 j2" {
		t.Fatalf("ids = %q", got)
	}
	j1, j2 := page.Messages[0], page.Messages[1]
	if j1.Text != "First\n\nA summary, not the content." || j1.URL != "" || j1.Lang != "en" ||
		!j1.CreatedAt.Equal(time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)) || j1.Author.DisplayName != "JSON Feed de ejemplo" {
		t.Errorf("j1 = %+v", j1)
	}
	if j2.Text != "Second\n\nHello world & friends" || j2.URL != "https://json.example/2" || j2.Author.DisplayName != "Kim" {
		t.Errorf("j2 (first of two with its id) = %+v", j2)
	}
}

// feedServer serves an RSS feed that a test changes.
type feedServer struct {
	*httptest.Server
	mu          sync.Mutex
	items       []item // newest first, as feeds list them
	etag        bool   // send an ETag and honour If-None-Match
	full, not   int    // 200 and 304 answers
	ifNoneMatch []string
}

type item struct {
	guid, title string
	date        time.Time // zero: no pubDate
}

func newFeedServer(t *testing.T, etag bool) *feedServer {
	t.Helper()
	s := &feedServer{etag: etag}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func day(n int) time.Time { return time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, n) }

// add puts items at the top of the feed.
func (s *feedServer) add(items ...item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = append(append([]item(nil), items...), s.items...)
}

func (s *feedServer) set(items []item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = append([]item(nil), items...)
}

func (s *feedServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Test feed</title><link>https://test.example/</link>`)
	for _, it := range s.items {
		fmt.Fprintf(&b, "<item><guid>%s</guid><title>%s</title><link>https://test.example/%s</link>", it.guid, it.title, it.guid)
		if !it.date.IsZero() {
			fmt.Fprintf(&b, "<pubDate>%s</pubDate>", it.date.Format(time.RFC1123Z))
		}
		b.WriteString("<description>&lt;p&gt;Body.&lt;/p&gt;</description></item>")
	}
	b.WriteString("</channel></rss>")
	body := b.String()
	if s.etag {
		sum := sha256.Sum256([]byte(body))
		tag := `"` + hex.EncodeToString(sum[:8]) + `"`
		s.ifNoneMatch = append(s.ifNoneMatch, r.Header.Get("If-None-Match"))
		w.Header().Set("ETag", tag)
		if r.Header.Get("If-None-Match") == tag {
			s.not++
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	s.full++
	w.Header().Set("Content-Type", "application/rss+xml")
	_, _ = w.Write([]byte(body))
}

func TestReadConditionalGET(t *testing.T) {
	t.Parallel()
	srv := newFeedServer(t, true)
	srv.add(item{"a", "A", day(1)})
	r := &feeds.Reader{Client: srv.Client()}
	ctx := context.Background()
	first, err := r.Read(ctx, srv.URL, "")
	if err != nil || len(first.Messages) != 1 {
		t.Fatalf("first read: %v, %v", ids(first.Messages), err)
	}
	second, err := r.Read(ctx, srv.URL, first.Cursor)
	if err != nil || len(second.Messages) != 0 || second.Cursor != first.Cursor {
		t.Fatalf("second read: %v, %v", ids(second.Messages), err)
	}
	srv.add(item{"b", "B", day(2)})
	third, err := r.Read(ctx, srv.URL, second.Cursor)
	if err != nil || strings.Join(ids(third.Messages), " ") != "b" {
		t.Fatalf("third read: %v, %v", ids(third.Messages), err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.full != 2 || srv.not != 1 || srv.ifNoneMatch[0] != "" || srv.ifNoneMatch[1] == "" {
		t.Errorf("%d full answers, %d not modified, If-None-Match %q", srv.full, srv.not, srv.ifNoneMatch)
	}
}

func TestReadCursorProgression(t *testing.T) {
	t.Parallel()
	srv := newFeedServer(t, false) // every read gets the whole feed
	var all []item
	for i := 25; i >= 1; i-- {
		all = append(all, item{fmt.Sprintf("i%d", i), fmt.Sprintf("Item %d", i), day(i)})
	}
	srv.set(all)
	r := &feeds.Reader{Client: srv.Client()}
	cursor := ""
	read := func(want string) {
		t.Helper()
		page, err := r.Read(context.Background(), srv.URL, cursor)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(ids(page.Messages), " "); got != want {
			t.Fatalf("read = %q, want %q", got, want)
		}
		if page.Cursor == "" || len(page.Cursor) > 8000 {
			t.Fatalf("cursor of %d bytes", len(page.Cursor))
		}
		cursor = page.Cursor
	}
	var recent []string
	for i := 6; i <= 25; i++ {
		recent = append(recent, fmt.Sprintf("i%d", i))
	}
	read(strings.Join(recent, " ")) // the 20 most recent, oldest first
	read("")
	srv.add(item{"i26", "Item 26", day(26)})
	read("i26")
	read("")
	srv.add(item{"u1", "Undated", time.Time{}})
	read("u1")
	read("")
	srv.add(item{"late", "Dated before the newest", day(10)})
	read("late")
	// Same GUID, new title and date: not new.
	srv.add(item{"i26", "Item 26, edited", day(27)})
	read("")
	// The feed shrinks to its last items, then comes back whole: nothing twice.
	srv.mu.Lock()
	saved := srv.items
	srv.items = saved[:3]
	srv.mu.Unlock()
	read("")
	srv.set(saved)
	read("")
	// Two new items at once, oldest first whatever the feed's order.
	srv.add(item{"i29", "Item 29", day(29)}, item{"i28", "Item 28", day(28)})
	read("i28 i29")
}

func TestReadManyNewItems(t *testing.T) {
	t.Parallel()
	srv := newFeedServer(t, true)
	srv.add(item{"start", "Start", day(0)})
	r := &feeds.Reader{Client: srv.Client()}
	page, err := r.Read(context.Background(), srv.URL, "")
	if err != nil || len(page.Messages) != 1 {
		t.Fatalf("%v, %v", ids(page.Messages), err)
	}
	var burst []item
	for i := 150; i >= 1; i-- {
		burst = append(burst, item{fmt.Sprintf("n%03d", i), "N", day(0).Add(time.Duration(i) * time.Minute)})
	}
	srv.add(burst...)
	seen := map[string]bool{}
	for _, want := range []int{100, 50, 0} {
		page, err = r.Read(context.Background(), srv.URL, page.Cursor)
		if err != nil || len(page.Messages) != want {
			t.Fatalf("read %d messages (%v), want %d", len(page.Messages), err, want)
		}
		for i, m := range page.Messages {
			if seen[m.RemoteID] {
				t.Errorf("%s returned twice", m.RemoteID)
			}
			seen[m.RemoteID] = true
			if i > 0 && m.CreatedAt.Before(page.Messages[i-1].CreatedAt) {
				t.Errorf("not oldest first at %d", i)
			}
		}
	}
	if len(seen) != 150 {
		t.Errorf("%d items returned, want 150", len(seen))
	}
}

func TestReadBadCursor(t *testing.T) {
	t.Parallel()
	srv := newFeedServer(t, false)
	for i := 30; i >= 1; i-- {
		srv.add(item{fmt.Sprintf("i%d", i), "x", day(i)})
	}
	page, err := (&feeds.Reader{Client: srv.Client()}).Read(context.Background(), srv.URL, "not a cursor")
	if err != nil || len(page.Messages) != 20 {
		t.Errorf("a cursor that cannot be read acts as none: %d messages, %v", len(page.Messages), err)
	}
}

func TestItems(t *testing.T) {
	t.Parallel()
	srv := files(t)
	r := &feeds.Reader{Client: srv.Client()}
	items, err := r.Items(context.Background(), srv.URL+"/rss.xml", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 {
		t.Fatalf("%d items", len(items))
	}
	undated, launch := items[0], items[1]
	if undated.Title != "Sin fecha ni guid" || !undated.Published.IsZero() || undated.Link != srv.URL+"/relativo/sin-fecha" {
		t.Errorf("newest (undated) item = %+v", undated)
	}
	if launch.ID != "post-3" || launch.Title != "Lanzamiento: versión 2.0" || launch.Link != "https://blog.example/2024/lanzamiento" ||
		launch.Summary != "Hoy publicamos la versión 2.0 & más.\n\nSegundo párrafo\ncon salto." ||
		!launch.Published.Equal(time.Date(2024, 1, 3, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("item = %+v", launch)
	}
	if items[2].ID != "post-2" || items[2].Link != "" {
		t.Errorf("hostile item = %+v", items[2])
	}
	all, err := r.Items(context.Background(), srv.URL+"/feed.json", 0)
	if err != nil || len(all) != 2 || all[0].ID != "j2" {
		t.Errorf("Items(0) = %+v, %v", all, err)
	}
}

func TestReadStatuses(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		status     int
		header     http.Header
		kind       gears.RemoteErrorKind
		retryAfter time.Duration
	}{
		{500, nil, gears.RemoteTemporary, 0},
		{503, http.Header{"Retry-After": {"30"}}, gears.RemoteTemporary, 30 * time.Second},
		{429, http.Header{"Retry-After": {"120"}}, gears.RemoteTemporary, 2 * time.Minute},
		{429, nil, gears.RemoteTemporary, time.Minute},
		{408, nil, gears.RemoteTemporary, 0},
		{401, nil, gears.RemoteRejected, 0},
		{404, nil, gears.RemoteRejected, 0},
		{410, nil, gears.RemoteRejected, 0},
		{300, nil, gears.RemoteRejected, 0},
	} {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header()[k] = v
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte("<html>error page</html>"))
			}))
			defer srv.Close()
			_, err := (&feeds.Reader{Client: srv.Client()}).Read(context.Background(), srv.URL, "")
			re := remoteError(t, err)
			if re.Kind != tt.kind || re.Status != tt.status || re.RetryAfter != tt.retryAfter {
				t.Errorf("error = %#v", re)
			}
		})
	}
}

func TestReadHangs(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := (&feeds.Reader{Client: srv.Client()}).Read(ctx, srv.URL, "")
	if re := remoteError(t, err); re.Kind != gears.RemoteTemporary || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v", err)
	}
}

func TestReadRedirects(t *testing.T) {
	t.Parallel()
	feed := files(t)
	var hops int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hops++
		mu.Unlock()
		switch r.URL.Path {
		case "/moved":
			http.Redirect(w, r, "/moved-again", http.StatusMovedPermanently)
		case "/moved-again":
			http.Redirect(w, r, feed.URL+"/atom.xml", http.StatusFound)
		case "/js":
			w.Header().Set("Location", "javascript:alert(1)")
			w.WriteHeader(http.StatusFound)
		case "/ftp":
			w.Header().Set("Location", "ftp://example.com/feed")
			w.WriteHeader(http.StatusMovedPermanently)
		case "/nowhere":
			w.WriteHeader(http.StatusFound)
		default:
			http.Redirect(w, r, r.URL.Path, http.StatusTemporaryRedirect) // a loop
		}
	}))
	defer srv.Close()
	r := &feeds.Reader{Client: srv.Client()}
	page, err := r.Read(context.Background(), srv.URL+"/moved", "")
	if err != nil || len(page.Messages) != 2 || page.Messages[0].Author.ID != feed.URL+"/atom.xml" {
		t.Fatalf("redirected read: %d messages, %v", len(page.Messages), err)
	}
	for _, path := range []string{"/js", "/ftp", "/nowhere", "/loop"} {
		_, err := r.Read(context.Background(), srv.URL+path, "")
		if re := remoteError(t, err); re.Kind != gears.RemoteRejected {
			t.Errorf("%s: %v", path, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if hops != 2+3+6 {
		t.Errorf("%d requests, want 11 (2 + 3 + a loop cut after 5 redirects)", hops)
	}
}

func TestReadNotAFeed(t *testing.T) {
	t.Parallel()
	srv := files(t)
	r := &feeds.Reader{Client: srv.Client()}
	_, err := r.Read(context.Background(), srv.URL+"/page.html", "")
	if re := remoteError(t, err); re.Kind != gears.RemoteRejected || !errors.Is(err, feeds.ErrNotFeed) {
		t.Errorf("error = %v", err)
	}
	if ge := gears.AsError(err); ge.Key != "feeds.not_a_feed" || !locale.Has(ge.Key) {
		t.Errorf("key = %q", ge.Key)
	}
	for body, key := range map[string]string{
		`<rss version="2.0"><channel><item><title>x</ti`: "feeds.malformed",
		``:                  "feeds.not_a_feed",
		`{"not": "a feed"}`: "feeds.not_a_feed",
	} {
		bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) }))
		_, err := (&feeds.Reader{Client: bad.Client()}).Items(context.Background(), bad.URL, 5)
		bad.Close()
		if re := remoteError(t, err); re.Kind != gears.RemoteRejected {
			t.Errorf("%q: %v", body, err)
		}
		if ge := gears.AsError(err); ge.Key != key || !locale.Has(ge.Key) {
			t.Errorf("%q: key %q, want %q (%v)", body, ge.Key, key, err)
		}
	}
}

func TestValidateURL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		url string
		ok  bool
	}{
		{"https://blog.example/feed.xml", true},
		{"http://blog.example/rss", true},
		{"HTTP://Blog.Example/rss?format=atom", true},
		{"http://127.0.0.1:8080/feed", true},
		{"ftp://blog.example/feed", false},
		{"file:///etc/passwd", false},
		{"javascript:alert(1)", false},
		{"https://user:pass@blog.example/feed", false},
		{"blog.example/feed", false},
		{"/feed.xml", false},
		{"https://", false},
		{" https://blog.example/", false},
		{"https://blog.example/\nfeed", false},
		{"", false},
		{"https://" + strings.Repeat("a", 3000), false},
	} {
		err := feeds.ValidateURL(tt.url)
		if tt.ok != (err == nil) {
			t.Errorf("ValidateURL(%q) = %v", tt.url, err)
		}
		if err != nil {
			if ge := gears.AsError(err); ge.Code != gears.EINVALID || ge.Key != "feeds.url_invalid" || ge.Field != "url" || !locale.Has(ge.Key) {
				t.Errorf("ValidateURL(%q) = %v", tt.url, err)
			}
		}
	}
	_, err := (&feeds.Reader{}).Read(context.Background(), "file:///etc/passwd", "")
	if re := remoteError(t, err); re.Kind != gears.RemoteRejected || gears.AsError(err).Key != "feeds.url_invalid" {
		t.Errorf("Read of a file URL: %v", err)
	}
}
