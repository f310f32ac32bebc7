// Package bluesky is the Gears connector for Bluesky and any AT Protocol
// PDS, written from the AT Protocol lexicons and checked against a real
// PDS (package pdstest starts one for the tests).
//
// Connector implements gears.Connector:
//
//   - Verify signs in with the handle (or DID) and an app password,
//     com.atproto.server.createSession, and returns the account (its DID,
//     "@handle", its bsky.app profile) with the credentials to store: the
//     session's access and refresh JWTs and the DID.
//   - Publish writes an app.bsky.feed.post record with
//     com.atproto.repo.createRecord under a record key Gears chose before
//     the first attempt (RecordKey of the delivery key; NewKey makes keys
//     that are record keys themselves). Links, mentions and hashtags are
//     sent as facets, found as Bluesky's app finds them (DetectFacets),
//     mentions resolved to DIDs with com.atproto.identity.resolveHandle.
//     Images are uploaded with com.atproto.repo.uploadBlob and embedded
//     (app.bsky.embed.images) with their descriptions and aspect ratios.
//     An answer (post.Reply) names its parent and the thread's root, each
//     by URI and CID, in the record's reply.
//   - FindPublished reads the record under the delivery's key,
//     com.atproto.repo.getRecord: found, or gears.ErrNotFound.
//   - Check counts text in graphemes and UTF-8 bytes and checks images
//     against DefaultLimits.
//
// It implements gears.Listener too, reading through the PDS, which passes
// app.bsky.* calls to the AppView named by Connector.AppView (an
// atproto-proxy value; DefaultAppView, Bluesky's, when empty):
//
//   - Notifications reads app.bsky.notification.listNotifications:
//     mentions, replies and quotes (the message is the post; its thread is
//     the reply root, or the post itself), likes and reposts (RemoteID
//     "like:<author DID>:<post URI>", "repost:…"; the post is the one
//     liked), follows ("follow:<author DID>").
//   - Search reads app.bsky.feed.searchPosts (sort=latest, since from the
//     cursor) as gears.KindMatch messages.
//
// Both lists come newest first; the cursor Gears stores is the
// connector's own (see cursor.go): a poll reads from the newest entry
// back to it, at most 10 pages of 50, and returns what is new oldest
// first. Text is the record's text as it is (plain, untrusted), without
// NUL characters or invalid UTF-8.
//
// With every answer to an authenticated call the PDS states the rate
// limit closest to being spent (RateLimit-Remaining, RateLimit-Reset);
// Quota (gears.QuotaReporter) returns the last one seen for an account.
//
// # Exactly once
//
// A record key names one record of the account's repository for good, so
// a retry with the same key cannot make a second post. A PDS answers a
// createRecord whose key is taken with HTTP 500 InternalServerError (PDS
// 0.4, measured); Publish therefore reads the record back after any
// createRecord failure but a refused session or a rate limit (a 5xx, a
// lost answer, a 400 from a PDS that words the conflict otherwise) and
// returns it when it is there. The same read is the reconciliation of a
// delivery whose outcome is unknown: it is exact, whatever the age of the
// post or the number of posts since.
//
// # Failures
//
// Every failure is a *gears.RemoteError of network gears.Bluesky; those
// from an XRPC error answer wrap an *XRPCError with the error's name. A
// refused connection is RemoteTemporary; a createRecord that was sent and
// not answered (timeout, reset), or answered 502/503/504 by a proxy, is
// RemoteUnknown; other 5xx are RemoteTemporary; 429 is RemoteRateLimited
// with RetryAfter from RateLimit-Reset or Retry-After; credentials the PDS
// refuses for good (after one renewal of the session, see session.go) are
// RemoteAuth; any other refusal (400 InvalidRequest) is RemoteRejected.
//
// # Sessions
//
// Access tokens expire after about two hours. On ExpiredToken,
// InvalidToken or 401 the connector refreshes the session once
// (com.atproto.server.refreshSession), or signs in again with the app
// password, and repeats the call. Publish cannot return credentials, so
// the connector keeps each account's newest session and Refreshed returns
// the credentials to store; the publishing engine asks after each
// publish.
package bluesky
