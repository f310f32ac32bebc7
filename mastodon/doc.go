// Package mastodon is the Gears connector for Mastodon, written from the
// Mastodon API documentation (docs.joinmastodon.org).
//
// Connector implements gears.Connector:
//
//   - Verify reads GET /api/v1/accounts/verify_credentials.
//   - Publish uploads media with POST /api/v2/media (202 while processing,
//     then GET /api/v1/media/:id: 206 until processed, 200 after), then
//     posts POST /api/v1/statuses with the delivery key as the
//     Idempotency-Key header.
//   - FindPublished (FindPost)
//     reconciles a delivery whose outcome is unknown by reading the
//     account's own statuses, GET /api/v1/accounts/:id/statuses.
//   - Check counts a text as Mastodon's StatusLengthValidator does.
//
// It also implements gears.Listener:
//
//   - Notifications reads GET /api/v1/notifications (mentions, replies,
//     quotes, boosts, favourites, follows, and direct messages, which
//     arrive as mentions of direct visibility) forward from a cursor with
//     min_id, a bounded number of pages per call.
//   - Search reads GET /api/v1/timelines/tag/:hashtag for "#tag" and GET
//     /api/v2/search for anything else.
//
// Stream follows the streaming API (server-sent events of
// /api/v1/streaming/user/notification, at the address the instance
// advertises) and rings for each notification: package jobs polls the
// account then.
//
// The text of a status is untrusted HTML; inbound messages carry it as
// plain text (see MaxTextLength), with no markup left.
//
// Every failure is a *gears.RemoteError of network gears.Mastodon; those
// from an HTTP answer wrap the *RateLimit the answer reported, and every
// answer, of any call, updates what Quota reports.
//
// # Exactly once
//
// Mastodon keeps an Idempotency-Key for an hour. Within that hour, a
// retry of Publish with the same key returns the status the first attempt
// created, so any number of retries make one status. Mastodon never shows
// the key again, so after that hour the only way to know whether a
// delivery went out is to compare content: FindPost reads the account's
// statuses created since the first attempt and matches the text (reduced
// from Mastodon's HTML) and the number of attachments. The engine's rule
// for a delivery whose outcome is unknown (RemoteUnknown, or a crash
// between sending and recording) is therefore: FindPost first; if found,
// record it; if not, Publish again with the same key. Before the hour is
// over, that second Publish is safe even if FindPost missed a status; after
// it, FindPost is what prevents a duplicate.
//
// The package mastodontest is a test server for this API.
package mastodon
