package bluesky

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"gears"
	"gears/outbound"
)

var _ gears.Connector = (*Connector)(nil)

// The publishing engine (package jobs) asks a connector for credentials it
// refreshed, through this method; see Connector.Refreshed.
var _ interface {
	Refreshed(gears.Credentials) (gears.Credentials, bool)
} = (*Connector)(nil)

// DefaultServer is the PDS (the entryway) of accounts hosted by Bluesky.
const DefaultServer = "https://bsky.social"

// DefaultAppURL is where people see profiles and posts.
const DefaultAppURL = "https://bsky.app"

// DefaultAppView is the service a PDS passes app.bsky.* reads
// (notifications, search) to, as an atproto-proxy value: Bluesky's
// AppView.
const DefaultAppView = "did:web:api.bsky.app#bsky_appview"

const postCollection = "app.bsky.feed.post"

// Connector speaks the AT Protocol to a PDS for Gears. Set its exported
// fields, if at all, before its first use; it is then safe for concurrent
// use.
type Connector struct {
	client *http.Client

	// Limits are the limits Check applies (DefaultLimits where unset).
	Limits Limits
	// AppURL is the web app posts and profiles link to (DefaultAppURL
	// when empty).
	AppURL string
	// Langs, when set, are the languages every post declares
	// (BCP-47 tags, at most 3).
	Langs []string
	// AppView is the service the PDS passes app.bsky.* reads to
	// (Notifications, Search), as an atproto-proxy value: a DID and the
	// fragment of its service entry (DefaultAppView when empty).
	AppView string

	mu       sync.Mutex
	accounts map[string]*account
}

// New returns a connector that uses client, or, when client is nil, a
// client with timeouts fit for a background publisher. Redirects are never
// followed: a PDS answers without them, and following one would turn a
// POST into a GET.
func New(client *http.Client) *Connector {
	hc := outbound.Client(client)
	return &Connector{client: hc, Limits: DefaultLimits(), accounts: make(map[string]*account)}
}

// Network returns gears.Bluesky.
func (cn *Connector) Network() gears.Network { return gears.Bluesky }

// NormalizeServer returns the PDS base URL of server: https://bsky.social
// when empty, https:// when no scheme is given, http:// only for loopback
// hosts (tests), without a trailing slash. Anything else (user info, a
// query) is refused with a *gears.RemoteError of kind RemoteRejected
// wrapping gears.Invalid("server", "bluesky.server_invalid").
func NormalizeServer(server string) (string, error) {
	s := strings.TrimSpace(server)
	if s == "" {
		return DefaultServer, nil
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", invalidServer(server, err)
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme == "https":
	case scheme == "http" && outbound.Loopback(u.Hostname()):
	default:
		return "", invalidServer(server, fmt.Errorf("scheme %q", u.Scheme))
	}
	return scheme + "://" + strings.ToLower(u.Host) + strings.TrimRight(u.EscapedPath(), "/"), nil
}

func invalidServer(server string, err error) error {
	inv := gears.Invalid("server", "bluesky.server_invalid")
	inv.Err = err
	return &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteRejected,
		Message: "invalid server address " + outbound.RemoteText(server, 100), Err: inv}
}

// normalizeHandle returns a handle without "@" and in lower case, or a DID
// as it is.
func normalizeHandle(h string) string {
	h = strings.TrimPrefix(strings.TrimSpace(h), "@")
	if strings.HasPrefix(h, "did:") {
		return h
	}
	return strings.ToLower(h)
}

// profileName returns how the app's URLs name an account: its handle, or
// its DID when the handle is unknown or invalid.
func profileName(handle, did string) string {
	if handle == "" || handle == "handle.invalid" || strings.HasPrefix(handle, "did:") {
		return did
	}
	return handle
}

func (cn *Connector) appURL() string {
	if cn.AppURL != "" {
		return strings.TrimRight(cn.AppURL, "/")
	}
	return DefaultAppURL
}

// postURL is the app's address of a post.
func (cn *Connector) postURL(handle, did, rkey string) string {
	return cn.appURL() + "/profile/" + url.PathEscape(profileName(handle, did)) + "/post/" + url.PathEscape(rkey)
}

// Verify signs in with the handle (or DID) and app password
// (com.atproto.server.createSession) and returns the account with the
// credentials to store: the server address normalised, the session's
// tokens and the account's DID filled in.
func (cn *Connector) Verify(ctx context.Context, c gears.Credentials) (gears.RemoteAccount, gears.Credentials, error) {
	server, err := NormalizeServer(c.Server)
	if err != nil {
		return gears.RemoteAccount{}, c, err
	}
	if normalizeHandle(c.Handle) == "" || strings.TrimSpace(c.AppPassword) == "" {
		return gears.RemoteAccount{}, c, &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteAuth,
			Message: "handle and app password are required", Err: gears.Invalid("handle", "bluesky.credentials_missing")}
	}
	c.Server = server
	c.Handle = strings.TrimSpace(c.Handle)
	c.AppPassword = strings.TrimSpace(c.AppPassword)
	s, err := cn.createSession(ctx, server, normalizeHandle(c.Handle), c.AppPassword)
	if err != nil {
		return gears.RemoteAccount{}, c, fmt.Errorf("verify bluesky credentials: %w", err)
	}
	a := cn.account(server, c)
	a.mu.Lock()
	a.s = s
	a.mu.Unlock()
	c = s.apply(c)
	remote := cn.remoteAccount(s.did, s.handle, cn.displayName(ctx, server, s))
	return remote, c, nil
}

// remoteAccount describes an account: its DID, "@handle" (the DID when
// the handle is unknown or invalid), display name, and profile in the app.
func (cn *Connector) remoteAccount(did, handle, displayName string) gears.RemoteAccount {
	name := profileName(handle, did)
	remote := gears.RemoteAccount{
		ID:          did,
		Handle:      "@" + name,
		DisplayName: displayName,
		URL:         cn.appURL() + "/profile/" + url.PathEscape(name),
	}
	if strings.HasPrefix(name, "did:") {
		remote.Handle = name
	}
	return remote
}

// displayName reads the account's profile record; any failure leaves the
// name empty.
func (cn *Connector) displayName(ctx context.Context, server string, s session) string {
	var out struct {
		Value struct {
			DisplayName string `json:"displayName"`
		} `json:"value"`
	}
	q := url.Values{"repo": {s.did}, "collection": {"app.bsky.actor.profile"}, "rkey": {"self"}}
	if err := cn.do(ctx, server, call{method: http.MethodGet, nsid: "com.atproto.repo.getRecord", query: q, token: s.access}, &out); err != nil {
		return ""
	}
	return outbound.RemoteText(out.Value.DisplayName, 64)
}

// Publish publishes post as a record of app.bsky.feed.post whose record
// key is RecordKey(post.Key), so that any number of calls with the same
// key make one post. Links, mentions and hashtags become facets (mentions
// that do not resolve to an account stay plain text); images are uploaded
// and embedded with their descriptions and aspect ratios.
//
// A PDS answers a second createRecord with the same key with HTTP 500
// InternalServerError (measured on PDS 0.4; other versions may refuse it
// otherwise). So after any createRecord failure but a refused session or
// a rate limit, Publish reads the record back (getRecord), and if it is
// there returns it as the post published; if not, the failure stands.
func (cn *Connector) Publish(ctx context.Context, c gears.Credentials, post gears.OutgoingPost) (gears.Published, error) {
	server, err := NormalizeServer(c.Server)
	if err != nil {
		return gears.Published{}, err
	}
	if post.Key == "" {
		return gears.Published{}, &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteRejected, Message: "the post has no key"}
	}
	infos := make([]gears.MediaInfo, len(post.Media))
	for i, m := range post.Media {
		infos[i] = gears.MediaInfo{ContentType: m.ContentType, Size: int64(len(m.Data)), Alt: m.Alt}
	}
	if ps := cn.Check(post.Text, infos); len(ps) > 0 {
		return gears.Published{}, &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteRejected,
			Message: "the post breaks Bluesky's limits: " + ps[0].Key, Err: &gears.Error{Code: gears.EINVALID, Key: ps[0].Key, Args: ps[0].Args}}
	}
	var reply *replyRef
	if post.Reply != nil {
		if reply, err = recordReply(*post.Reply); err != nil {
			return gears.Published{}, err
		}
	}
	rkey := RecordKey(post.Key)
	a := cn.account(server, c)
	facets, err := cn.resolveFacets(ctx, server, DetectFacets(post.Text))
	if err != nil {
		return gears.Published{}, fmt.Errorf("publish to bluesky: %w", err)
	}
	created := time.Now().UTC().Truncate(time.Millisecond)
	rec := postRecord{
		Type:      postCollection,
		Text:      post.Text,
		CreatedAt: created.Format("2006-01-02T15:04:05.000Z"),
		Facets:    facets,
		Reply:     reply,
	}
	if n := len(cn.Langs); n > 0 {
		rec.Langs = cn.Langs[:min(n, 3)]
	}
	if len(post.Media) > 0 {
		embed := &imagesEmbed{Type: "app.bsky.embed.images"}
		for i, m := range post.Media {
			blob, err := cn.uploadBlob(ctx, server, a, c, m)
			if err != nil {
				return gears.Published{}, fmt.Errorf("publish to bluesky: upload image %d: %w", i+1, err)
			}
			img := embeddedImage{Image: blob, Alt: m.Alt}
			if w, h, ok := imageSize(m.Data); ok {
				img.AspectRatio = &aspectRatio{Width: w, Height: h}
			}
			embed.Images = append(embed.Images, img)
		}
		rec.Embed = embed
	}
	var s session
	err = cn.authed(ctx, server, a, c, func(cur session) error {
		s = cur
		const nsid = "com.atproto.repo.createRecord"
		in := map[string]any{"repo": cur.did, "collection": postCollection, "rkey": rkey, "record": rec}
		var out struct {
			URI string `json:"uri"`
		}
		if err := cn.do(ctx, server, call{method: http.MethodPost, nsid: nsid, token: cur.access, body: in, sideEffect: true, quota: a}, &out); err != nil {
			return err
		}
		if out.URI != atURI(cur.did, rkey) {
			return &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteUnknown, Status: http.StatusOK,
				Message: nsid + " answered with another record: " + outbound.RemoteText(out.URI, 200)}
		}
		return nil
	})
	if err != nil {
		var re *gears.RemoteError
		if errors.As(err, &re) && re.Kind != gears.RemoteAuth && re.Kind != gears.RemoteRateLimited {
			if pub, ferr := cn.find(ctx, server, a, c, rkey); ferr == nil {
				return pub, nil // written by an earlier attempt, or by this one
			}
		}
		return gears.Published{}, fmt.Errorf("publish to bluesky: %w", err)
	}
	return gears.Published{
		RemoteID:  atURI(s.did, rkey),
		URL:       cn.postURL(s.handle, s.did, rkey),
		CreatedAt: created,
	}, nil
}

// FindPublished reads the post published for post (its record key is
// RecordKey(post.Key)) with com.atproto.repo.getRecord: the post, or
// gears.ErrNotFound when the account has no record under that key. since
// is not needed: the key alone names the record, so the reconciliation is
// exact and does not depend on how many posts the account made since.
func (cn *Connector) FindPublished(ctx context.Context, c gears.Credentials, post gears.OutgoingPost, since time.Time) (gears.Published, error) {
	server, err := NormalizeServer(c.Server)
	if err != nil {
		return gears.Published{}, err
	}
	if post.Key == "" {
		return gears.Published{}, &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteRejected, Message: "the post has no key"}
	}
	pub, err := cn.find(ctx, server, cn.account(server, c), c, RecordKey(post.Key))
	if err != nil && !errors.Is(err, gears.ErrNotFound) {
		return gears.Published{}, fmt.Errorf("find bluesky post: %w", err)
	}
	return pub, err
}

// find reads the post record at rkey.
func (cn *Connector) find(ctx context.Context, server string, a *account, c gears.Credentials, rkey string) (gears.Published, error) {
	var out struct {
		URI   string `json:"uri"`
		Value struct {
			Type      string `json:"$type"`
			CreatedAt string `json:"createdAt"`
		} `json:"value"`
	}
	var s session
	err := cn.authed(ctx, server, a, c, func(cur session) error {
		s = cur
		q := url.Values{"repo": {cur.did}, "collection": {postCollection}, "rkey": {rkey}}
		return cn.do(ctx, server, call{method: http.MethodGet, nsid: "com.atproto.repo.getRecord", query: q, token: cur.access, quota: a}, &out)
	})
	if err != nil {
		if xrpcName(err) == "RecordNotFound" {
			return gears.Published{}, gears.ErrNotFound
		}
		return gears.Published{}, err
	}
	want := atURI(s.did, rkey)
	if out.URI != want || out.Value.Type != postCollection {
		return gears.Published{}, &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteTemporary,
			Message: "getRecord answered with another record: " + outbound.RemoteText(out.URI, 200)}
	}
	created, err := time.Parse(time.RFC3339Nano, out.Value.CreatedAt)
	if err != nil {
		created, _ = TIDTime(rkey)
	}
	return gears.Published{RemoteID: want, URL: cn.postURL(s.handle, s.did, rkey), CreatedAt: created.UTC()}, nil
}

func atURI(did, rkey string) string { return "at://" + did + "/" + postCollection + "/" + rkey }

// recordReply returns the reply reference of a post that answers to:
// both the parent and the root must be posts named by at:// URI and CID
// (the root defaults to the parent). Anything else is refused with a
// *gears.RemoteError of kind RemoteRejected wrapping
// gears.Invalid("reply", "bluesky.reply_invalid").
func recordReply(to gears.ReplyTo) (*replyRef, error) {
	root := to.Root
	if root.ID == "" && root.CID == "" {
		root = to.Parent
	}
	for _, ref := range []gears.PostRef{to.Parent, root} {
		if _, _, ok := parsePostURI(ref.ID); !ok || !validCID(ref.CID) {
			return nil, &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteRejected,
				Message: "the post answered is not a Bluesky post: " + outbound.RemoteText(ref.ID, 200), Err: gears.Invalid("reply", "bluesky.reply_invalid")}
		}
	}
	return &replyRef{Root: strongRef{URI: root.ID, CID: root.CID}, Parent: strongRef{URI: to.Parent.ID, CID: to.Parent.CID}}, nil
}

// resolveFacets turns detected facets into the record's, resolving each
// mentioned handle to a DID with com.atproto.identity.resolveHandle. A
// handle the server cannot resolve stays plain text, as in Bluesky's app;
// any other failure (the server unreachable, rate limited) fails the
// attempt, so that a retry does not publish the post without its
// mentions.
func (cn *Connector) resolveFacets(ctx context.Context, server string, found []Facet) ([]facetJSON, error) {
	dids := map[string]string{}
	var out []facetJSON
	for _, f := range found {
		var feat map[string]string
		switch f.Kind {
		case FacetLink:
			feat = map[string]string{"$type": "app.bsky.richtext.facet#link", "uri": f.Value}
		case FacetTag:
			feat = map[string]string{"$type": "app.bsky.richtext.facet#tag", "tag": f.Value}
		case FacetMention:
			handle := strings.ToLower(f.Value)
			did, ok := dids[handle]
			if !ok {
				var res struct {
					DID string `json:"did"`
				}
				err := cn.do(ctx, server, call{method: http.MethodGet, nsid: "com.atproto.identity.resolveHandle", query: url.Values{"handle": {handle}}}, &res)
				var re *gears.RemoteError
				switch {
				case err == nil && validDID(res.DID):
					did = res.DID
				case err == nil, errors.As(err, &re) && re.Kind == gears.RemoteRejected:
					// Unknown handle: plain text.
				default:
					return nil, fmt.Errorf("resolve @%s: %w", handle, err)
				}
				dids[handle] = did
			}
			if did == "" {
				continue
			}
			feat = map[string]string{"$type": "app.bsky.richtext.facet#mention", "did": did}
		default:
			continue
		}
		out = append(out, facetJSON{Type: "app.bsky.richtext.facet", Index: byteSlice{Start: f.Start, End: f.End}, Features: []map[string]string{feat}})
	}
	return out, nil
}

// validDID checks the DID syntax of the AT Protocol (did:method:id).
func validDID(s string) bool {
	if len(s) > 2048 || !strings.HasPrefix(s, "did:") {
		return false
	}
	method, id, ok := strings.Cut(s[4:], ":")
	if !ok || method == "" || id == "" || strings.HasSuffix(id, ":") || strings.HasSuffix(id, "%") {
		return false
	}
	for _, r := range method {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._:%-", r)) {
			return false
		}
	}
	return true
}

// The record written for a post.
type postRecord struct {
	Type      string       `json:"$type"`
	Text      string       `json:"text"`
	CreatedAt string       `json:"createdAt"`
	Facets    []facetJSON  `json:"facets,omitempty"`
	Embed     *imagesEmbed `json:"embed,omitempty"`
	Langs     []string     `json:"langs,omitempty"`
	Reply     *replyRef    `json:"reply,omitempty"`
}

// replyRef places a post in a thread: app.bsky.feed.post#replyRef.
type replyRef struct {
	Root   strongRef `json:"root"`
	Parent strongRef `json:"parent"`
}

// strongRef names a record and its version: com.atproto.repo.strongRef.
type strongRef struct {
	URI string `json:"uri"`
	CID string `json:"cid"`
}

type facetJSON struct {
	Type     string              `json:"$type"`
	Index    byteSlice           `json:"index"`
	Features []map[string]string `json:"features"`
}

type byteSlice struct {
	Start int `json:"byteStart"`
	End   int `json:"byteEnd"`
}

type imagesEmbed struct {
	Type   string          `json:"$type"`
	Images []embeddedImage `json:"images"`
}

type embeddedImage struct {
	Image       blobRef      `json:"image"`
	Alt         string       `json:"alt"`
	AspectRatio *aspectRatio `json:"aspectRatio,omitempty"`
}

type aspectRatio struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}
