package bluesky

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"gears"
	"gears/outbound"
)

var _ gears.MetricsReader = (*Connector)(nil)

// postsBatch is how many posts one app.bsky.feed.getPosts asks for (the
// most the lexicon allows).
const postsBatch = 25

// PostCounts reads the counts of the account's posts (at:// URIs) with
// app.bsky.feed.getPosts, 25 at a time, through the PDS and the AppView:
// replyCount, repostCount, likeCount and quoteCount. A post the AppView
// leaves out is looked for in the account's repository
// (com.atproto.repo.getRecord): when the record is not there the post is
// Gone (deleted); when it is, the AppView has not indexed it (or hides
// it) and the post has no entry. Counts that are not whole numbers, are
// negative or are over gears.MaxCount leave the post without an entry,
// as does a URI that is not a post of the account. The first failure
// ends the read; the answer then holds what was read before it.
func (cn *Connector) PostCounts(ctx context.Context, c gears.Credentials, remoteIDs []string) (map[string]gears.PostReading, error) {
	out := map[string]gears.PostReading{}
	server, err := NormalizeServer(c.Server)
	if err != nil {
		return out, err
	}
	proxy, err := cn.appView()
	if err != nil {
		return out, err
	}
	a := cn.account(server, c)
	var uris []string
	seen := map[string]bool{}
	for _, u := range remoteIDs {
		if _, _, ok := parsePostURI(u); ok && !seen[u] {
			seen[u] = true
			uris = append(uris, u)
		}
	}
	for start := 0; start < len(uris); start += postsBatch {
		batch := uris[start:min(start+postsBatch, len(uris))]
		var res struct {
			Posts []json.RawMessage `json:"posts"`
		}
		err := cn.authed(ctx, server, a, c, func(s session) error {
			return cn.do(ctx, server, call{method: http.MethodGet, nsid: "app.bsky.feed.getPosts", query: url.Values{"uris": batch},
				token: s.access, proxy: proxy, limit: listLimit, quota: a}, &res)
		})
		if err != nil {
			return out, fmt.Errorf("read bluesky post counts: %w", err)
		}
		asked := map[string]bool{}
		for _, u := range batch {
			asked[u] = true
		}
		answered := map[string]bool{}
		for _, raw := range res.Posts {
			uri, counts, ok := postCounts(raw)
			if !asked[uri] {
				continue
			}
			answered[uri] = true
			if ok {
				out[uri] = gears.PostReading{Counts: counts}
			}
		}
		for _, u := range batch {
			if answered[u] {
				continue
			}
			did, rkey, _ := parsePostURI(u)
			if did != c.DID && c.DID != "" {
				continue // not the account's: it cannot be looked for in its repository
			}
			_, err := cn.find(ctx, server, a, c, rkey)
			switch {
			case errors.Is(err, gears.ErrNotFound):
				out[u] = gears.PostReading{Gone: true}
			case err != nil:
				return out, fmt.Errorf("look for bluesky post %s: %w", outbound.RemoteText(u, 200), err)
			}
		}
	}
	return out, nil
}

// postCounts reads a post view's URI and counts; ok is false when the
// counts are unusable. Counts the AppView leaves out are 0 (the lexicon
// makes them optional).
func postCounts(raw []byte) (uri string, counts gears.PostCounts, ok bool) {
	var p struct {
		URI     string          `json:"uri"`
		Replies json.RawMessage `json:"replyCount"`
		Reposts json.RawMessage `json:"repostCount"`
		Likes   json.RawMessage `json:"likeCount"`
		Quotes  json.RawMessage `json:"quoteCount"`
	}
	if json.Unmarshal(raw, &p) != nil {
		return "", counts, false
	}
	var ok1, ok2, ok3, ok4 bool
	counts.Replies, ok1 = outbound.Count(p.Replies, true)
	counts.Reposts, ok2 = outbound.Count(p.Reposts, true)
	counts.Likes, ok3 = outbound.Count(p.Likes, true)
	counts.Quotes, ok4 = outbound.Count(p.Quotes, true)
	return p.URI, counts, ok1 && ok2 && ok3 && ok4
}

// Profile reads a profile's followersCount, followsCount and postsCount
// with app.bsky.actor.getProfile through the PDS and the AppView: the
// account's own when handle is "", else the profile of handle (a handle,
// with or without "@", or a DID). An unknown profile is a RemoteRejected
// error wrapping gears.ErrNotFound.
func (cn *Connector) Profile(ctx context.Context, c gears.Credentials, handle string) (gears.ProfileCounts, error) {
	server, err := NormalizeServer(c.Server)
	if err != nil {
		return gears.ProfileCounts{}, err
	}
	proxy, err := cn.appView()
	if err != nil {
		return gears.ProfileCounts{}, err
	}
	actor := strings.TrimPrefix(strings.TrimSpace(handle), "@")
	if !strings.HasPrefix(actor, "did:") {
		actor = strings.ToLower(actor) // handles are case-insensitive
	}
	if handle != "" && !validDID(actor) && !validHandle(actor) {
		return gears.ProfileCounts{}, &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteRejected,
			Message: "not a Bluesky handle: " + outbound.RemoteText(handle, 100), Err: gears.Invalid("handle", "metrics.handle_invalid")}
	}
	a := cn.account(server, c)
	var p struct {
		Followers json.RawMessage `json:"followersCount"`
		Follows   json.RawMessage `json:"followsCount"`
		Posts     json.RawMessage `json:"postsCount"`
	}
	err = cn.authed(ctx, server, a, c, func(s session) error {
		who := actor
		if who == "" {
			who = s.did
		}
		return cn.do(ctx, server, call{method: http.MethodGet, nsid: "app.bsky.actor.getProfile", query: url.Values{"actor": {who}},
			token: s.access, proxy: proxy, quota: a}, &p)
	})
	var re *gears.RemoteError
	if errors.As(err, &re) && re.Kind == gears.RemoteRejected && handle != "" &&
		(xrpcName(err) == "InvalidRequest" || xrpcName(err) == "NotFound" || re.Status == http.StatusNotFound) {
		return gears.ProfileCounts{}, fmt.Errorf("read bluesky profile %s: %w", outbound.RemoteText(handle, 100),
			&gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteRejected, Status: re.Status, Message: re.Message, Err: gears.ErrNotFound})
	}
	if err != nil {
		return gears.ProfileCounts{}, fmt.Errorf("read bluesky profile: %w", err)
	}
	var out gears.ProfileCounts
	var ok1, ok2, ok3 bool
	out.Followers, ok1 = outbound.Count(p.Followers, true)
	out.Following, ok2 = outbound.Count(p.Follows, true)
	out.Posts, ok3 = outbound.Count(p.Posts, true)
	if !ok1 || !ok2 || !ok3 {
		return gears.ProfileCounts{}, &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteRejected, Status: http.StatusOK,
			Message: "the profile's counts are impossible (app.bsky.actor.getProfile)"}
	}
	return out, nil
}
