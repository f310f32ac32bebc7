package mastodontest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gears/mastodon/mastodontest"
)

type client struct {
	t     *testing.T
	base  string
	token string
}

func (c client) do(method, path string, body io.Reader, ct string, h http.Header) (*http.Response, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func (c client) status(text, key string, media ...string) (*http.Response, map[string]any) {
	c.t.Helper()
	f := url.Values{"status": {text}}
	for _, m := range media {
		f.Add("media_ids[]", m)
	}
	h := http.Header{}
	if key != "" {
		h.Set("Idempotency-Key", key)
	}
	resp, b := c.do("POST", "/api/v1/statuses", strings.NewReader(f.Encode()), "application/x-www-form-urlencoded", h)
	var v map[string]any
	_ = json.Unmarshal(b, &v)
	return resp, v
}

func TestIdempotencyPerAccountAndHour(t *testing.T) {
	t.Parallel()
	srv := mastodontest.New(t, mastodontest.Config{})
	a, b := srv.AddAccount("alice"), srv.AddAccount("bob")
	ca, cb := client{t, srv.URL, a.Token}, client{t, srv.URL, b.Token}
	_, s1 := ca.status("one", "K")
	_, s2 := ca.status("something else", "K") // same key: same status, no validation
	_, s3 := ca.status("", "K")
	_, s4 := cb.status("one", "K") // another account: its own
	if s1["id"] != s2["id"] || s1["id"] != s3["id"] || s1["id"] == s4["id"] {
		t.Errorf("ids %v %v %v %v", s1["id"], s2["id"], s3["id"], s4["id"])
	}
	srv.Advance(time.Hour + time.Second)
	_, s5 := ca.status("one", "K")
	if s5["id"] == s1["id"] {
		t.Error("key kept past an hour")
	}
	if n := len(srv.Statuses(a.ID)); n != 2 {
		t.Errorf("%d statuses", n)
	}
}

func TestValidationAndErrors(t *testing.T) {
	t.Parallel()
	srv := mastodontest.New(t, mastodontest.Config{})
	a := srv.AddAccount("alice")
	c := client{t, srv.URL, a.Token}
	resp, v := c.status(" ", "")
	if resp.StatusCode != 422 || v["error"] != "Validation failed: Text can't be blank" {
		t.Errorf("blank: %d %v", resp.StatusCode, v)
	}
	resp, v = c.status(strings.Repeat("a", 476)+" https://example.com/"+strings.Repeat("p", 50), "")
	if resp.StatusCode != 200 {
		t.Errorf("500 with a URL: %d %v", resp.StatusCode, v)
	}
	resp, _ = c.status(strings.Repeat("a", 501), "")
	if resp.StatusCode != 422 {
		t.Errorf("501: %d", resp.StatusCode)
	}
	resp, v = c.status("x", "", "12345")
	if resp.StatusCode != 422 {
		t.Errorf("unknown media: %d %v", resp.StatusCode, v)
	}
	bad := client{t, srv.URL, "nope"}
	resp, b := bad.do("GET", "/api/v1/accounts/verify_credentials", nil, "", nil)
	if resp.StatusCode != 401 || strings.TrimSpace(string(b)) != `{"error":"The access token is invalid"}` {
		t.Errorf("401: %d %s", resp.StatusCode, b)
	}
	for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("no %s on a 401", h)
		}
	}
	if _, err := time.Parse(time.RFC3339Nano, resp.Header.Get("X-RateLimit-Reset")); err != nil {
		t.Error(err)
	}
}

func TestMediaProcessing(t *testing.T) {
	t.Parallel()
	srv := mastodontest.New(t, mastodontest.Config{MediaProcessingPolls: 1})
	a := srv.AddAccount("alice")
	c := client{t, srv.URL, a.Token}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{`form-data; name="file"; filename="a.png"`}
	h["Content-Type"] = []string{"image/png"}
	p, _ := mw.CreatePart(h)
	p.Write([]byte("\x89PNG"))
	mw.WriteField("description", "alt")
	mw.Close()
	resp, b := c.do("POST", "/api/v2/media", &buf, mw.FormDataContentType(), nil)
	var m map[string]any
	json.Unmarshal(b, &m)
	if resp.StatusCode != 202 || m["url"] != nil {
		t.Fatalf("upload: %d %s", resp.StatusCode, b)
	}
	id := m["id"].(string)
	if resp, _ := c.status("too soon", "", id); resp.StatusCode != 422 {
		t.Errorf("attaching while processing: %d", resp.StatusCode)
	}
	if resp, b := c.do("GET", "/api/v1/media/"+id, nil, "", nil); resp.StatusCode != 206 || len(b) != 0 {
		t.Errorf("first poll: %d %q", resp.StatusCode, b)
	}
	if resp, _ := c.do("GET", "/api/v1/media/"+id, nil, "", nil); resp.StatusCode != 200 {
		t.Errorf("second poll: %d", resp.StatusCode)
	}
	other := client{t, srv.URL, srv.AddAccount("bob").Token}
	if resp, _ := other.do("GET", "/api/v1/media/"+id, nil, "", nil); resp.StatusCode != 404 {
		t.Errorf("another account's media: %d", resp.StatusCode)
	}
	if resp, _ := c.status("", "", id); resp.StatusCode != 200 {
		t.Errorf("media-only status: %d", resp.StatusCode)
	}
}

func TestPaginationLink(t *testing.T) {
	t.Parallel()
	srv := mastodontest.New(t, mastodontest.Config{})
	a := srv.AddAccount("alice")
	for i := range 5 {
		srv.AddStatus(a.ID, "post "+string(rune('a'+i)), time.Now().Add(time.Duration(i)*time.Second))
	}
	c := client{t, srv.URL, a.Token}
	var got []string
	path := "/api/v1/accounts/" + a.ID + "/statuses?limit=2"
	for range 5 {
		resp, b := c.do("GET", path, nil, "", nil)
		var page []map[string]any
		if err := json.Unmarshal(b, &page); err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, s := range page {
			got = append(got, s["content"].(string))
		}
		link := resp.Header.Get("Link")
		next := strings.TrimPrefix(strings.Split(link, ">")[0], "<"+srv.URL)
		if !strings.Contains(link, `rel="next"`) || !strings.Contains(next, "max_id=") {
			t.Fatalf("Link = %q", link)
		}
		path = next
	}
	want := "<p>post e</p> <p>post d</p> <p>post c</p> <p>post b</p> <p>post a</p>"
	if strings.Join(got, " ") != want {
		t.Errorf("pages = %q", got)
	}
}

func TestRateLimitBudget(t *testing.T) {
	t.Parallel()
	srv := mastodontest.New(t, mastodontest.Config{RateLimit: 2})
	a := srv.AddAccount("alice")
	c := client{t, srv.URL, a.Token}
	// Windows are aligned on multiples of five minutes: the server's
	// clock is moved to the start of one, so that the three calls fall in
	// it whatever the time.
	const window = 5 * time.Minute
	srv.Advance(window - time.Duration(time.Now().UnixNano()%int64(window)))
	for i, want := range []int{200, 200, 429} {
		resp, b := c.do("GET", "/api/v1/accounts/verify_credentials", nil, "", nil)
		if resp.StatusCode != want {
			t.Errorf("call %d: %d %s", i+1, resp.StatusCode, b)
		}
	}
	srv.Advance(5 * time.Minute)
	if resp, _ := c.do("GET", "/api/v1/accounts/verify_credentials", nil, "", nil); resp.StatusCode != 200 {
		t.Errorf("after the window: %d", resp.StatusCode)
	}
}
