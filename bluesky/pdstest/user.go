package pdstest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// User is an account of the network that a test acts as: it writes
// posts, likes, reposts and follows through the PDS
// (com.atproto.repo.createRecord), as another person would.
type User struct {
	DID    string
	Handle string
	// AppPassword is an app password of the account, as a person would
	// give Gears.
	AppPassword string
	// Access is the access JWT of the account's session.
	Access string

	pds *PDS
}

// Ref names a record: its at:// URI and CID.
type Ref struct {
	URI string `json:"uri"`
	CID string `json:"cid"`
}

// PostInput is a post to write.
type PostInput struct {
	Text string
	// Mentions are the accounts named in Text as "@handle": each becomes
	// a mention facet.
	Mentions []*User
	// Parent and Root, when Parent is set, make the post a reply (Root
	// defaults to Parent).
	Parent, Root *Ref
	// Quote, when set, embeds the post quoted (app.bsky.embed.record).
	Quote *Ref
	Langs []string
	// CreatedAt defaults to now.
	CreatedAt time.Time
}

// CreateUser creates an account as CreateAccount does and signs it in.
func (p *PDS) CreateUser(t testing.TB, handle string) *User {
	t.Helper()
	u := &User{pds: p}
	u.Handle, u.DID, u.Access, u.AppPassword = p.createAccount(t, handle)
	return u
}

// CreateRecord writes record (its $type is added) to collection, under a
// record key the PDS chooses, and returns its reference.
func (u *User) CreateRecord(t testing.TB, collection string, record map[string]any) Ref {
	t.Helper()
	rec := map[string]any{"$type": collection}
	for k, v := range record {
		rec[k] = v
	}
	if _, ok := rec["createdAt"]; !ok {
		rec["createdAt"] = timestamp(now())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out Ref
	in := map[string]any{"repo": u.DID, "collection": collection, "record": rec}
	if err := u.pds.XRPC(ctx, "com.atproto.repo.createRecord", u.Access, in, &out); err != nil {
		t.Fatalf("pdstest: %s writes %s: %v", u.Handle, collection, err)
	}
	return out
}

// Write publishes a post.
func (u *User) Write(t testing.TB, in PostInput) Ref {
	t.Helper()
	rec := map[string]any{"text": in.Text}
	if !in.CreatedAt.IsZero() {
		rec["createdAt"] = timestamp(in.CreatedAt)
	}
	var facets []any
	for _, m := range in.Mentions {
		name := "@" + m.Handle
		i := strings.Index(in.Text, name)
		if i < 0 {
			t.Fatalf("pdstest: the text does not name %s", name)
		}
		facets = append(facets, map[string]any{
			"index":    map[string]any{"byteStart": i, "byteEnd": i + len(name)},
			"features": []any{map[string]any{"$type": "app.bsky.richtext.facet#mention", "did": m.DID}},
		})
	}
	if facets != nil {
		rec["facets"] = facets
	}
	if in.Parent != nil {
		root := in.Root
		if root == nil {
			root = in.Parent
		}
		rec["reply"] = map[string]any{"root": *root, "parent": *in.Parent}
	}
	if in.Quote != nil {
		rec["embed"] = map[string]any{"$type": "app.bsky.embed.record", "record": *in.Quote}
	}
	if in.Langs != nil {
		rec["langs"] = in.Langs
	}
	return u.CreateRecord(t, "app.bsky.feed.post", rec)
}

// Post publishes a post of text.
func (u *User) Post(t testing.TB, text string) Ref {
	t.Helper()
	return u.Write(t, PostInput{Text: text})
}

// Like likes a post.
func (u *User) Like(t testing.TB, subject Ref) Ref {
	t.Helper()
	return u.CreateRecord(t, "app.bsky.feed.like", map[string]any{"subject": subject})
}

// Repost reposts a post.
func (u *User) Repost(t testing.TB, subject Ref) Ref {
	t.Helper()
	return u.CreateRecord(t, "app.bsky.feed.repost", map[string]any{"subject": subject})
}

// Follow follows the account of did.
func (u *User) Follow(t testing.TB, did string) Ref {
	t.Helper()
	return u.CreateRecord(t, "app.bsky.graph.follow", map[string]any{"subject": did})
}

// Get calls a query method of the network as the user (nsid may carry a
// query) and decodes the answer into out. With proxy set (e.g.
// Network.Proxy()) the PDS passes the call to that service.
func (u *User) Get(t testing.TB, nsid, proxy string, out any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := u.pds.xrpc(ctx, nsid, u.Access, proxy, nil, out); err != nil {
		t.Fatalf("pdstest: %s calls %v", u.Handle, err)
	}
}

// timestamp formats t as the AT Protocol's datetimes are usually written.
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// clock makes the times of records written one after the other differ,
// to the millisecond their datetimes keep: the AppView orders by them.
var clock struct {
	sync.Mutex
	last time.Time
}

// now returns the time, at least a millisecond after the last it returned.
func now() time.Time {
	clock.Lock()
	defer clock.Unlock()
	t := time.Now().UTC().Truncate(time.Millisecond)
	if !t.After(clock.last) {
		t = clock.last.Add(time.Millisecond)
	}
	clock.last = t
	return t
}
