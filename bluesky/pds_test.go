package bluesky_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gears"
	"gears/bluesky"
	"gears/bluesky/pdstest"
	"gears/internal/testenv"
)

// TestMain stops the test network after the tests and checks that no
// goroutine outlives them.
func TestMain(m *testing.M) {
	code := m.Run()
	pdstest.Stop()
	if code == 0 {
		http.DefaultClient.CloseIdleConnections()
		if err := testenv.FindLeaks(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// recorder is a transport that remembers the XRPC methods called.
type recorder struct {
	mu    sync.Mutex
	calls []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.calls = append(r.calls, strings.TrimPrefix(req.URL.Path, "/xrpc/"))
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func (r *recorder) count(nsid string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.calls {
		if c == nsid {
			n++
		}
	}
	return n
}

// account is a test account on the local PDS, verified by a connector.
type account struct {
	pds    *pdstest.PDS
	conn   *bluesky.Connector
	rec    *recorder
	handle string
	did    string
	creds  gears.Credentials
}

// handles makes handles unique in the network (tests may run twice).
var handles atomic.Int64

// uniqueHandle returns name (at most 14 characters) with a number, and
// ".test".
func uniqueHandle(name string) string {
	return fmt.Sprintf("%s%d.test", name, handles.Add(1))
}

// setup creates an account named after name and verifies it with a new
// connector.
func setup(t *testing.T, name string) *account {
	t.Helper()
	pds := pdstest.Start(t)
	handle := uniqueHandle(name)
	did, password := pds.CreateAccount(t, handle)
	a := &account{pds: pds, handle: handle, did: did}
	a.conn, a.rec = newConnector()
	remote, creds, err := a.conn.Verify(ctx(t), gears.Credentials{Server: pds.URL, Handle: "@" + a.handle, AppPassword: password})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if remote.ID != did || creds.DID != did {
		t.Fatalf("Verify: account %+v, DID %q; want DID %s", remote, creds.DID, did)
	}
	a.creds = creds
	return a
}

func newConnector() (*bluesky.Connector, *recorder) {
	rec := &recorder{}
	return bluesky.New(&http.Client{Transport: rec, Timeout: 30 * time.Second}), rec
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// record reads a post record back from the PDS.
func (a *account) record(t *testing.T, rkey string) map[string]any {
	t.Helper()
	var out struct {
		URI   string         `json:"uri"`
		Value map[string]any `json:"value"`
	}
	q := url.Values{"repo": {a.did}, "collection": {"app.bsky.feed.post"}, "rkey": {rkey}}
	if err := a.pds.XRPC(ctx(t), "com.atproto.repo.getRecord?"+q.Encode(), "", nil, &out); err != nil {
		t.Fatalf("getRecord %s: %v", rkey, err)
	}
	return out.Value
}

// posts lists the account's post records.
func (a *account) posts(t *testing.T) []string {
	t.Helper()
	var out struct {
		Records []struct {
			URI string `json:"uri"`
		} `json:"records"`
	}
	q := url.Values{"repo": {a.did}, "collection": {"app.bsky.feed.post"}, "limit": {"100"}}
	if err := a.pds.XRPC(ctx(t), "com.atproto.repo.listRecords?"+q.Encode(), "", nil, &out); err != nil {
		t.Fatalf("listRecords: %v", err)
	}
	var uris []string
	for _, r := range out.Records {
		uris = append(uris, r.URI)
	}
	return uris
}

func remoteKind(err error) gears.RemoteErrorKind {
	var re *gears.RemoteError
	if errors.As(err, &re) {
		return re.Kind
	}
	return ""
}

func TestVerify(t *testing.T) {
	t.Parallel()
	a := setup(t, "verify")
	if a.creds.AccessToken == "" || a.creds.RefreshToken == "" || a.creds.Server != a.pds.URL {
		t.Fatalf("credentials not filled in: %+v", a.creds)
	}
	remote, _, err := a.conn.Verify(ctx(t), a.creds)
	if err != nil {
		t.Fatal(err)
	}
	want := gears.RemoteAccount{ID: a.did, Handle: "@" + a.handle, URL: "https://bsky.app/profile/" + a.handle}
	if remote != want {
		t.Errorf("Verify = %+v, want %+v", remote, want)
	}

	wrong := a.creds
	wrong.AppPassword = "aaaa-bbbb-cccc-dddd"
	_, _, err = a.conn.Verify(ctx(t), wrong)
	var re *gears.RemoteError
	if !errors.As(err, &re) || re.Kind != gears.RemoteAuth || re.Status != http.StatusUnauthorized {
		t.Errorf("Verify with a wrong password: %v; want RemoteAuth (HTTP 401)", err)
	}
}

func TestPublishFacets(t *testing.T) {
	t.Parallel()
	a := setup(t, "facets")
	bob := uniqueHandle("facetsbob")
	bobDID, _ := a.pds.CreateAccount(t, bob)
	text := "👋🏽 Hola @" + bob + " y @nobody.test: mira https://example.com/a_(b). #Año2025 🎉"
	key := bluesky.NewKey()
	pub, err := a.conn.Publish(ctx(t), a.creds, gears.OutgoingPost{Text: text, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if want := "at://" + a.did + "/app.bsky.feed.post/" + key; pub.RemoteID != want {
		t.Errorf("RemoteID = %s, want %s", pub.RemoteID, want)
	}
	if want := "https://bsky.app/profile/" + a.handle + "/post/" + key; pub.URL != want {
		t.Errorf("URL = %s, want %s", pub.URL, want)
	}
	if time.Since(pub.CreatedAt) > time.Minute || pub.CreatedAt.After(time.Now()) {
		t.Errorf("CreatedAt = %v", pub.CreatedAt)
	}

	rec := a.record(t, key)
	if rec["text"] != text {
		t.Errorf("text = %q", rec["text"])
	}
	at := func(s string) map[string]any {
		i := strings.Index(text, s)
		return map[string]any{"byteStart": float64(i), "byteEnd": float64(i + len(s))}
	}
	want := []any{
		map[string]any{"$type": "app.bsky.richtext.facet", "index": at("@" + bob),
			"features": []any{map[string]any{"$type": "app.bsky.richtext.facet#mention", "did": bobDID}}},
		map[string]any{"$type": "app.bsky.richtext.facet", "index": at("https://example.com/a_(b)"),
			"features": []any{map[string]any{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/a_(b)"}}},
		map[string]any{"$type": "app.bsky.richtext.facet", "index": at("#Año2025"),
			"features": []any{map[string]any{"$type": "app.bsky.richtext.facet#tag", "tag": "Año2025"}}},
	}
	if !reflect.DeepEqual(rec["facets"], want) {
		got, _ := json.MarshalIndent(rec["facets"], "", " ")
		t.Errorf("facets =\n%s", got)
	}
}

// smallPNG makes a 3×2 PNG.
func smallPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for x := range 3 {
		for y := range 2 {
			img.Set(x, y, color.RGBA{uint8(80 * x), uint8(120 * y), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPublishImage(t *testing.T) {
	t.Parallel()
	a := setup(t, "imgpost")
	data := smallPNG(t)
	key := bluesky.NewKey()
	post := gears.OutgoingPost{Text: "", Key: key, Media: []gears.OutgoingMedia{{Data: data, ContentType: "image/png", Alt: "Tres píxeles azules"}}}
	if _, err := a.conn.Publish(ctx(t), a.creds, post); err != nil {
		t.Fatal(err)
	}
	embed, _ := a.record(t, key)["embed"].(map[string]any)
	if embed["$type"] != "app.bsky.embed.images" {
		t.Fatalf("embed = %v", embed)
	}
	images, _ := embed["images"].([]any)
	if len(images) != 1 {
		t.Fatalf("images = %v", images)
	}
	img, _ := images[0].(map[string]any)
	blob, _ := img["image"].(map[string]any)
	ref, _ := blob["ref"].(map[string]any)
	cid, _ := ref["$link"].(string)
	if img["alt"] != "Tres píxeles azules" || blob["mimeType"] != "image/png" || blob["size"] != float64(len(data)) || cid == "" {
		t.Errorf("image = %v", img)
	}
	if ar, _ := img["aspectRatio"].(map[string]any); ar["width"] != float64(3) || ar["height"] != float64(2) {
		t.Errorf("aspectRatio = %v", img["aspectRatio"])
	}
	resp, err := http.Get(a.pds.URL + "/xrpc/com.atproto.sync.getBlob?" + url.Values{"did": {a.did}, "cid": {cid}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got bytes.Buffer
	_, _ = got.ReadFrom(resp.Body)
	if !bytes.Equal(got.Bytes(), data) {
		t.Errorf("the blob in the record is not the image (HTTP %d, %d bytes)", resp.StatusCode, got.Len())
	}
}

// TestPublishTwice is the retry after an unknown outcome: the second call
// finds the record the first wrote and returns it, and the account has one
// post. A PDS answers the second createRecord with HTTP 500; Publish then
// reads the record.
func TestPublishTwice(t *testing.T) {
	t.Parallel()
	a := setup(t, "twice")
	for _, key := range []string{bluesky.NewKey(), "0123456789abcdef0123456789abcdef"} {
		post := gears.OutgoingPost{Text: "Once, whatever happens " + key, Key: key}
		first, err := a.conn.Publish(ctx(t), a.creds, post)
		if err != nil {
			t.Fatal(err)
		}
		second, err := a.conn.Publish(ctx(t), a.creds, post)
		if err != nil {
			t.Fatalf("second Publish: %v", err)
		}
		if first.RemoteID != second.RemoteID || first.URL != second.URL || !first.CreatedAt.Equal(second.CreatedAt) {
			t.Errorf("key %s: first %+v, second %+v", key, first, second)
		}
		if !strings.HasSuffix(first.RemoteID, "/"+bluesky.RecordKey(key)) {
			t.Errorf("key %s: RemoteID %s", key, first.RemoteID)
		}
	}
	if uris := a.posts(t); len(uris) != 2 {
		t.Errorf("the account has %d posts, want 2: %v", len(uris), uris)
	}
}

// TestDuplicateRecordKeyAnswer pins what the PDS answers to a second
// createRecord with the same record key, which Publish relies on reading
// back: HTTP 500 InternalServerError.
func TestDuplicateRecordKeyAnswer(t *testing.T) {
	t.Parallel()
	a := setup(t, "dupkey")
	in := map[string]any{"repo": a.did, "collection": "app.bsky.feed.post", "rkey": bluesky.NewKey(),
		"record": map[string]any{"$type": "app.bsky.feed.post", "text": "x", "createdAt": time.Now().UTC().Format(time.RFC3339)}}
	if err := a.pds.XRPC(ctx(t), "com.atproto.repo.createRecord", a.creds.AccessToken, in, nil); err != nil {
		t.Fatal(err)
	}
	err := a.pds.XRPC(ctx(t), "com.atproto.repo.createRecord", a.creds.AccessToken, in, nil)
	if err == nil || !strings.Contains(err.Error(), "HTTP 500") || !strings.Contains(err.Error(), "InternalServerError") {
		t.Errorf("second createRecord: %v; want HTTP 500 InternalServerError", err)
	}
}

func TestFindPublished(t *testing.T) {
	t.Parallel()
	a := setup(t, "find")
	post := gears.OutgoingPost{Text: "Find me", Key: bluesky.NewKey()}
	pub, err := a.conn.Publish(ctx(t), a.creds, post)
	if err != nil {
		t.Fatal(err)
	}
	conn, _ := newConnector() // another process: no session in memory
	found, err := conn.FindPublished(ctx(t), a.creds, post, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if found.RemoteID != pub.RemoteID || found.URL != pub.URL || !found.CreatedAt.Equal(pub.CreatedAt) {
		t.Errorf("FindPublished = %+v, want %+v", found, pub)
	}
	_, err = conn.FindPublished(ctx(t), a.creds, gears.OutgoingPost{Key: bluesky.NewKey()}, time.Now())
	if !errors.Is(err, gears.ErrNotFound) || gears.ErrorCode(err) != gears.ENOTFOUND {
		t.Errorf("FindPublished of a key never used: %v; want ErrNotFound", err)
	}
}

// expiredJWT signs an access token that expired a minute ago with the JWT
// secret of @atproto/dev-env ("jwt-secret"), so that the PDS answers
// ExpiredToken for it, as it does when a real session gets old.
func expiredJWT(did string) string {
	enc := base64.RawURLEncoding.EncodeToString
	header := enc([]byte(`{"typ":"at+jwt","alg":"HS256"}`))
	now := time.Now().Unix()
	payload := enc(fmt.Appendf(nil, `{"scope":"com.atproto.appPass","aud":"did:web:localhost","sub":%q,"iat":%d,"exp":%d}`, did, now-7200, now-60))
	mac := hmac.New(sha256.New, []byte("jwt-secret"))
	mac.Write([]byte(header + "." + payload))
	return header + "." + payload + "." + enc(mac.Sum(nil))
}

func TestSessionRenewal(t *testing.T) {
	t.Parallel()
	a := setup(t, "renew")

	// What the PDS answers, pinned: the connector's renewal rests on it.
	for token, want := range map[string]string{expiredJWT(a.did): "ExpiredToken", a.creds.AccessToken + "x": "InvalidToken"} {
		err := a.pds.XRPC(ctx(t), "com.atproto.server.getSession", token, nil, nil)
		if err == nil || !strings.Contains(err.Error(), "HTTP 400") || !strings.Contains(err.Error(), `"error":"`+want+`"`) {
			t.Errorf("getSession with a bad token: %v; want HTTP 400 %s", err, want)
		}
	}

	cases := []struct {
		name          string
		change        func(*gears.Credentials)
		refresh, sign int // refreshSession and createSession calls expected
		fails         bool
	}{
		{"expired access token", func(c *gears.Credentials) { c.AccessToken = expiredJWT(c.DID) }, 1, 0, false},
		{"corrupt access token", func(c *gears.Credentials) { c.AccessToken += "x" }, 1, 0, false},
		{"corrupt refresh token too", func(c *gears.Credentials) { c.AccessToken += "x"; c.RefreshToken += "x" }, 1, 1, false},
		{"no tokens", func(c *gears.Credentials) { c.AccessToken, c.RefreshToken = "", "" }, 0, 1, false},
		{"everything refused", func(c *gears.Credentials) {
			c.AccessToken += "x"
			c.RefreshToken += "x"
			c.AppPassword = "aaaa-bbbb-cccc-dddd"
		}, 1, 1, true},
	}
	for _, tc := range cases {
		creds := a.creds
		tc.change(&creds)
		conn, rec := newConnector()
		_, err := conn.Publish(ctx(t), creds, gears.OutgoingPost{Text: tc.name, Key: bluesky.NewKey()})
		if tc.fails {
			if remoteKind(err) != gears.RemoteAuth {
				t.Errorf("%s: %v; want RemoteAuth", tc.name, err)
			}
		} else if err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if r, s := rec.count("com.atproto.server.refreshSession"), rec.count("com.atproto.server.createSession"); r != tc.refresh || s != tc.sign {
			t.Errorf("%s: %d refreshSession and %d createSession, want %d and %d", tc.name, r, s, tc.refresh, tc.sign)
		}
		fresh, changed := conn.Refreshed(creds)
		if tc.fails {
			if changed {
				t.Errorf("%s: Refreshed reports new credentials after a failure", tc.name)
			}
			continue
		}
		if !changed || fresh.AccessToken == creds.AccessToken || fresh.RefreshToken == "" || fresh.DID != a.did {
			t.Errorf("%s: Refreshed = %+v, %v", tc.name, fresh, changed)
			continue
		}
		// The credentials to store work as they are, in another process.
		other, orec := newConnector()
		if _, err := other.Publish(ctx(t), fresh, gears.OutgoingPost{Text: tc.name + " again", Key: bluesky.NewKey()}); err != nil {
			t.Errorf("%s: publishing with the refreshed credentials: %v", tc.name, err)
		}
		if n := orec.count("com.atproto.server.refreshSession") + orec.count("com.atproto.server.createSession"); n != 0 {
			t.Errorf("%s: the refreshed credentials needed %d more renewals", tc.name, n)
		}
		if _, changed := other.Refreshed(fresh); changed {
			t.Errorf("%s: Refreshed reports a change when nothing was renewed", tc.name)
		}
	}
}

// TestConcurrentRenewal: deliveries of one account that find the session
// expired at the same time renew it once.
func TestConcurrentRenewal(t *testing.T) {
	t.Parallel()
	a := setup(t, "concurrent")
	creds := a.creds
	creds.AccessToken = expiredJWT(a.did)
	conn, rec := newConnector()
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for i := range 6 {
		wg.Go(func() {
			_, err := conn.Publish(ctx(t), creds, gears.OutgoingPost{Text: fmt.Sprint("post ", i), Key: bluesky.NewKey()})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := rec.count("com.atproto.server.refreshSession"); n != 1 {
		t.Errorf("%d refreshSession calls, want 1", n)
	}
	if n := len(a.posts(t)); n != 6 {
		t.Errorf("%d posts, want 6", n)
	}
}

// TestDetectFacetsMatchesBlueskyApp feeds the same texts to Bluesky's own
// detection (@atproto/api's RichText, from the PDS's node_modules) and to
// DetectFacets: the facets must be identical.
func TestDetectFacetsMatchesBlueskyApp(t *testing.T) {
	t.Parallel()
	dir := pdstest.Dir()
	if _, err := exec.LookPath("node"); err != nil {
		testenv.Missing(t, pdstest.Service, "install Node.js 20")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@atproto", "api")); err != nil {
		testenv.Missing(t, pdstest.Service, "run npm ci in bluesky/pdstest/node")
	}
	texts := append(bluesky.FacetCaseTexts(), bluesky.RandomTexts(3000)...)
	in, _ := json.Marshal(texts)
	script := `const {RichText} = require('@atproto/api'); let s = '';
process.stdin.setEncoding('utf8'); // whole characters, even across chunks
process.stdin.on('data', d => s += d).on('end', () => {
  const out = JSON.parse(s).map(text => { const rt = new RichText({text}); rt.detectFacetsWithoutResolution();
    return (rt.facets || []).map(f => { const ft = f.features[0], kind = ft.$type.split('#')[1];
      return {Start: f.index.byteStart, End: f.index.byteEnd, Kind: kind, Value: kind === 'mention' ? ft.did : kind === 'link' ? ft.uri : ft.tag} }) });
  process.stdout.write(JSON.stringify(out)) })`
	cmd := exec.CommandContext(ctx(t), "node", "-e", script)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var want [][]bluesky.Facet
	if err := json.Unmarshal(outb, &want); err != nil {
		t.Fatal(err)
	}
	mismatches := 0
	for i, text := range texts {
		got := bluesky.DetectFacets(text)
		if len(got) == 0 && len(want[i]) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want[i]) {
			mismatches++
			if mismatches <= 10 {
				t.Errorf("%q:\n Go %+v\n JS %+v", text, got, want[i])
			}
		}
	}
	if mismatches > 0 {
		t.Errorf("%d of %d texts differ", mismatches, len(texts))
	}
}
