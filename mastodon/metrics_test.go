package mastodon_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"gears"
	"gears/mastodon/mastodontest"
)

// TestPostCounts: counts come from what happened on the server (a reply,
// boosts, favourites, a quote) or what it says (SetCounts); 25 statuses
// take two batch calls; a deleted status is Gone; a status of another
// server's account that the token cannot see is Gone too.
func TestPostCounts(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	bob := e.srv.AddAccount("bob")
	carol := e.srv.AddAccount("carol")
	var ids []string
	for i := range 25 {
		ids = append(ids, e.srv.AddStatus(e.acct.ID, fmt.Sprintf("Post %d", i), time.Now()).ID)
	}
	first := ids[0]
	e.srv.Mention(bob.ID, "@alice nice", mastodontest.StatusOptions{InReplyToID: first})
	e.srv.Reblog(bob.ID, first)
	e.srv.Reblog(carol.ID, first)
	e.srv.Favourite(bob.ID, first)
	e.srv.Mention(carol.ID, "Look", mastodontest.StatusOptions{QuoteID: first})
	e.srv.SetCounts(ids[24], mastodontest.Counts{Replies: 7, Reblogs: 98, Favourites: 112, Quotes: 3})
	e.srv.DeleteStatus(ids[3])

	got, err := e.conn.PostCounts(testContext(t), e.cr, append(ids, ids[0], "not/an/id"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 25 {
		t.Fatalf("%d readings, want 25: %v", len(got), got)
	}
	if g := got[first]; g.Gone || g.Counts != (gears.PostCounts{Replies: 1, Reposts: 2, Likes: 1, Quotes: 1}) {
		t.Errorf("first status: %+v", g)
	}
	if g := got[ids[24]]; g.Counts != (gears.PostCounts{Replies: 7, Reposts: 98, Likes: 112, Quotes: 3}) {
		t.Errorf("status with set counts: %+v", g)
	}
	if g := got[ids[3]]; !g.Gone {
		t.Errorf("deleted status: %+v", g)
	}
	if g := got[ids[5]]; g.Gone || g.Counts != (gears.PostCounts{}) {
		t.Errorf("quiet status: %+v", g)
	}
	// Two batches of 20 and 5, and one call to confirm the deleted one.
	if n := e.srv.Requests("GET /api/v1/statuses"); n != 2 {
		t.Errorf("batch calls: %d, want 2", n)
	}
	if n := e.srv.Requests("GET /api/v1/statuses/"); n != 1 {
		t.Errorf("single calls: %d, want 1 (the deleted status)", n)
	}
}

// TestPostCountsOldServer: a server before Mastodon 4.3 answers the batch
// 404; statuses are then read one by one, and the server is remembered.
func TestPostCountsOldServer(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{NoStatusesIndex: true}, nil)
	a := e.srv.AddStatus(e.acct.ID, "One", time.Now())
	b := e.srv.AddStatus(e.acct.ID, "Two", time.Now())
	e.srv.SetCounts(b.ID, mastodontest.Counts{Favourites: 4})
	for range 2 {
		got, err := e.conn.PostCounts(testContext(t), e.cr, []string{a.ID, b.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got[b.ID].Counts.Likes != 4 || len(got) != 2 {
			t.Fatalf("readings %+v", got)
		}
	}
	if n := e.srv.Requests("GET /api/v1/statuses"); n != 1 {
		t.Errorf("batch calls: %d, want 1 (then remembered)", n)
	}
	if n := e.srv.Requests("GET /api/v1/statuses/"); n != 4 {
		t.Errorf("single calls: %d, want 4", n)
	}
}

// TestPostCountsHostile: missing, negative, fractional, textual and huge
// counts leave the status out (no crash, nothing invented); the others in
// the same answer are read. Quotes may be missing (before 4.5).
func TestPostCountsHostile(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	fields := []map[string]any{
		{"favourites_count": nil},
		{"replies_count": -3},
		{"reblogs_count": 1.5},
		{"favourites_count": "12"},
		{"favourites_count": json.Number("100000000000000000000000000000")},
		{"favourites_count": json.Number("2000000000000")}, // over gears.MaxCount
		{"quotes_count": -1},
		{"id": "someone-else"},
	}
	var ids []string
	for i, f := range fields {
		st := e.srv.AddStatus(e.acct.ID, fmt.Sprintf("Odd %d", i), time.Now())
		e.srv.SetStatusFields(st.ID, f)
		ids = append(ids, st.ID)
	}
	fine := e.srv.AddStatus(e.acct.ID, "Fine", time.Now())
	e.srv.SetStatusFields(fine.ID, map[string]any{"quotes_count": nil})
	e.srv.SetCounts(fine.ID, mastodontest.Counts{Replies: 2})
	e.srv.SetStatusFields(fine.ID, map[string]any{"quotes_count": nil, "replies_count": 2})
	got, err := e.conn.PostCounts(testContext(t), e.cr, append(ids, fine.ID))
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids[:7] {
		if g, ok := got[id]; ok {
			t.Errorf("odd status %d (%v) read as %+v", i, fields[i], g)
		}
	}
	// The status whose answer names another ID is confirmed alone: the
	// single answer names another ID too, so it is left out.
	if g, ok := got[ids[7]]; ok {
		t.Errorf("status answered under another ID read as %+v", g)
	}
	if g := got[fine.ID]; g.Gone || g.Counts != (gears.PostCounts{Replies: 2}) {
		t.Errorf("fine status: %+v (all: %v)", g, got)
	}
}

// TestPostCountsFailures: a rate limit and refused credentials are
// classified, with what was read before them kept.
func TestPostCountsFailures(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	var ids []string
	for i := range 30 {
		ids = append(ids, e.srv.AddStatus(e.acct.ID, fmt.Sprintf("P%d", i), time.Now()).ID)
	}
	e.srv.Inject("GET /api/v1/statuses", 1, mastodontest.Fault{Status: 200, Body: "[]"}) // first batch: nothing returned…
	e.srv.Inject("GET /api/v1/statuses/", 3, mastodontest.Fault{Status: 429, Header: map[string][]string{"Retry-After": {"120"}}})
	got, err := e.conn.PostCounts(testContext(t), e.cr, ids)
	re := remote(t, err, gears.RemoteRateLimited)
	if re.RetryAfter != 2*time.Minute {
		t.Errorf("RetryAfter %v", re.RetryAfter)
	}
	if len(got) != 0 {
		t.Errorf("readings before the failure: %v", got)
	}
	bad := e.cr
	bad.AccessToken = "nope"
	_, err = e.conn.PostCounts(testContext(t), bad, ids[:1])
	remote(t, err, gears.RemoteAuth)
	// A server error is temporary.
	e.srv.Inject("GET /api/v1/statuses", 1, mastodontest.Fault{Status: 503})
	_, err = e.conn.PostCounts(testContext(t), e.cr, ids[:2])
	remote(t, err, gears.RemoteTemporary)
}

// TestProfile: the account's own counts, a local account and a remote one
// by handle, an unknown handle (not found), an invalid one, and an
// account whose counts are impossible.
func TestProfile(t *testing.T) {
	t.Parallel()
	e := setup(t, mastodontest.Config{}, nil)
	bob := e.srv.AddAccount("bob")
	rival := e.srv.AddRemoteAccount("rival", "other.example")
	e.srv.Follow(bob.ID, e.acct.ID)
	e.srv.AddStatus(e.acct.ID, "Hello", time.Now())
	e.srv.SetAccountCounts(rival.ID, mastodontest.AccountCounts{Followers: 12000, Following: 40, Statuses: 900})

	own, err := e.conn.Profile(testContext(t), e.cr, "")
	if err != nil || own != (gears.ProfileCounts{Followers: 1, Posts: 1}) {
		t.Fatalf("own profile = %+v, %v", own, err)
	}
	p, err := e.conn.Profile(testContext(t), e.cr, "@rival@other.example")
	if err != nil || p != (gears.ProfileCounts{Followers: 12000, Following: 40, Posts: 900}) {
		t.Fatalf("remote profile = %+v, %v", p, err)
	}
	host := e.cr.Server[len("http://") : len(e.cr.Server)-1]
	p, err = e.conn.Profile(testContext(t), e.cr, "bob@"+host)
	if err != nil || p.Following != 1 {
		t.Fatalf("local profile by full handle = %+v, %v", p, err)
	}
	_, err = e.conn.Profile(testContext(t), e.cr, "nobody@other.example")
	remote(t, err, gears.RemoteRejected)
	if !errors.Is(err, gears.ErrNotFound) {
		t.Errorf("unknown handle: %v is not ErrNotFound", err)
	}
	_, err = e.conn.Profile(testContext(t), e.cr, "bob/../admin")
	if gears.ErrorCode(errors.Unwrap(err)) != gears.EINVALID && !errors.As(err, new(*gears.Error)) {
		t.Errorf("invalid handle: %v", err)
	}
	remote(t, err, gears.RemoteRejected)
	e.srv.SetAccountCounts(rival.ID, mastodontest.AccountCounts{Followers: -5})
	_, err = e.conn.Profile(testContext(t), e.cr, "rival@other.example")
	remote(t, err, gears.RemoteRejected)
}
