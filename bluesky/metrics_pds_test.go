package bluesky_test

import (
	"errors"
	"strings"
	"testing"

	"gears"
	"gears/bluesky"
	"gears/bluesky/pdstest"
)

// TestPostCountsOnTheNetwork reads counts through the real PDS and
// AppView: replies, reposts, likes and quotes made by other accounts; a
// post deleted since is Gone; a URI that is not a post is left out.
func TestPostCountsOnTheNetwork(t *testing.T) {
	t.Parallel()
	l := setupListener(t, "counts")
	bob := l.net.CreateUser(t, uniqueHandle("bob"))
	carol := l.net.CreateUser(t, uniqueHandle("carol"))
	busy := l.publish(t, gears.OutgoingPost{Text: "Fresh roast today"})
	quiet := l.publish(t, gears.OutgoingPost{Text: "Nobody reads this"})
	doomed := l.publish(t, gears.OutgoingPost{Text: "Posted by mistake"})

	bob.Like(t, busy)
	carol.Like(t, busy)
	bob.Repost(t, busy)
	bob.Write(t, pdstest.PostInput{Text: "Looks great", Parent: &busy})
	carol.Write(t, pdstest.PostInput{Text: "Worth a try", Quote: &busy})
	var gone struct{}
	rkey := doomed.URI[strings.LastIndexByte(doomed.URI, '/')+1:]
	if err := l.net.XRPC(ctx(t), "com.atproto.repo.deleteRecord", l.user.Access,
		map[string]any{"repo": l.user.DID, "collection": "app.bsky.feed.post", "rkey": rkey}, &gone); err != nil {
		t.Fatal(err)
	}
	l.net.ProcessAll(t)

	got, err := l.conn.PostCounts(ctx(t), l.creds, []string{busy.URI, quiet.URI, doomed.URI, "https://bsky.app/not-a-uri"})
	if err != nil {
		t.Fatal(err)
	}
	if g := got[busy.URI]; g.Gone || g.Counts != (gears.PostCounts{Replies: 1, Reposts: 1, Likes: 2, Quotes: 1}) {
		t.Errorf("busy post: %+v", g)
	}
	if g, ok := got[quiet.URI]; !ok || g.Gone || g.Counts != (gears.PostCounts{}) {
		t.Errorf("quiet post: %+v %v", g, ok)
	}
	if g := got[doomed.URI]; !g.Gone {
		t.Errorf("deleted post: %+v", g)
	}
	if len(got) != 3 {
		t.Errorf("readings: %v", got)
	}
}

// TestProfileOnTheNetwork reads the account's own counts and another
// account's by handle; an unknown handle is not found, an invalid one
// refused before any call.
func TestProfileOnTheNetwork(t *testing.T) {
	t.Parallel()
	l := setupListener(t, "profile")
	bob := l.net.CreateUser(t, uniqueHandle("bob"))
	carol := l.net.CreateUser(t, uniqueHandle("carol"))
	bob.Follow(t, l.user.DID)
	carol.Follow(t, l.user.DID)
	l.user.Follow(t, bob.DID)
	l.publish(t, gears.OutgoingPost{Text: "Hello"})
	bob.Post(t, "One")
	bob.Post(t, "Two")
	l.net.ProcessAll(t)

	own, err := l.conn.Profile(ctx(t), l.creds, "")
	if err != nil || own != (gears.ProfileCounts{Followers: 2, Following: 1, Posts: 1}) {
		t.Fatalf("own profile = %+v, %v", own, err)
	}
	p, err := l.conn.Profile(ctx(t), l.creds, "@"+strings.ToUpper(bob.Handle))
	if err != nil || p != (gears.ProfileCounts{Followers: 1, Following: 1, Posts: 2}) {
		t.Fatalf("bob's profile = %+v, %v", p, err)
	}
	_, err = l.conn.Profile(ctx(t), l.creds, "nobody-here.test")
	var re *gears.RemoteError
	if !errors.As(err, &re) || re.Kind != gears.RemoteRejected || !errors.Is(err, gears.ErrNotFound) {
		t.Errorf("unknown handle: %v", err)
	}
	_, err = l.conn.Profile(ctx(t), l.creds, "not a handle")
	if !errors.As(err, &re) || re.Kind != gears.RemoteRejected || errors.Is(err, gears.ErrNotFound) {
		t.Errorf("invalid handle: %v", err)
	}
}

var _ gears.MetricsReader = (*bluesky.Connector)(nil)
