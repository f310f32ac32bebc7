// Package mastodontest is a Mastodon API server for tests, written from
// the Mastodon API documentation (docs.joinmastodon.org: methods/statuses,
// methods/media, methods/accounts, methods/apps, methods/oauth,
// methods/instance, api/rate-limits, entities/Error) and, for how a status
// is counted and rendered, from what Mastodon documents of its behaviour.
// No Mastodon server can be installed where Gears is tested, so this one
// is meant to be strict where a client can go wrong.
//
// It listens on 127.0.0.1 on a free port (httptest) and implements:
//
//   - GET /api/v1/accounts/verify_credentials: the token's Account; 401
//     {"error":"The access token is invalid"} for a missing or unknown
//     token, on every authenticated method.
//   - POST /api/v1/statuses (form, multipart or JSON): status, media_ids[],
//     visibility, spoiler_text. The Idempotency-Key header is honoured per
//     account for one hour, before any validation, as Mastodon does: the
//     same key returns the same status. Validation answers 422 with
//     Mastodon's messages: blank text without media ("Validation failed:
//     Text can't be blank"), over the character limit (URLs count 23,
//     remote mentions count their username, text counts in grapheme
//     clusters), unknown or foreign media, media still processing, too
//     many attachments, a video mixed with other media. Content is
//     rendered to HTML as Mastodon does (paragraphs, <br />, links split in
//     invisible/ellipsis spans, h-card mentions showing only @user,
//     hashtags).
//   - POST /api/v2/media (multipart file, description): type and size
//     checked against the instance configuration; 200 when processed
//     at once, 202 with url null while processing (Config.MediaProcessing
//     time and/or Config.MediaProcessingPolls polls).
//   - GET /api/v1/media/:id: 206 with an empty body while processing, 200
//     when done, 404 {"error":"Record not found"} for another account's.
//   - GET /api/v1/accounts/:id/statuses: newest first, limit (20, at most
//     40), max_id, since_id, min_id, exclude_reblogs; Link header with
//     rel="next" (max_id) and rel="prev" (min_id).
//   - GET /api/v2/instance and GET /api/v1/instance: configuration limits.
//   - POST /api/v1/apps, GET /oauth/authorize (approves at once as
//     Server.Authorizer and redirects with code and state), POST
//     /oauth/token (authorization_code; single-use codes; 400
//     invalid_grant, 401 invalid_client).
//   - Rate limits on every answer: X-RateLimit-Limit,
//     X-RateLimit-Remaining, X-RateLimit-Reset (ISO 8601, windows aligned
//     on the epoch as Rack::Attack does), per token (per IP without one);
//     429 {"error":"Too many requests"} when the budget is spent.
//
// Tests steer it with Inject (the next N requests to a path fail: a
// status with any body, a hang until the client gives up, a dropped
// connection before or after the request was processed, an endless body),
// Advance (move its clock: idempotency keys expire, windows reset),
// AddStatus (statuses made elsewhere) and read it with Statuses and
// Requests. Every status created is recorded, so a test can count
// duplicates.
//
// Not implemented: everything else in the API (timelines, polls, scheduled
// statuses, edits, deletes, streaming, pagination of other lists, v1
// media), PKCE, scopes enforcement per method, WebFinger resolution of
// mentions (any @user@domain is taken to exist).
package mastodontest
