// Package mastodontest is a Mastodon API server for tests, written from
// the Mastodon API documentation (docs.joinmastodon.org: methods/statuses,
// methods/media, methods/accounts, methods/apps, methods/oauth,
// methods/instance, methods/notifications, methods/conversations,
// methods/timelines, methods/search, api/rate-limits, entities/Error) and,
// for how a status is counted and rendered, from what Mastodon documents
// of its behaviour.
// No Mastodon server can be installed where Gears is tested, so this one
// is meant to be strict where a client can go wrong.
//
// It listens on 127.0.0.1 on a free port (httptest) and implements:
//
//   - GET /api/v1/accounts/verify_credentials: the token's Account; 401
//     {"error":"The access token is invalid"} for a missing or unknown
//     token, on every authenticated method.
//   - POST /api/v1/statuses (form, multipart or JSON): status, media_ids[],
//     visibility, spoiler_text, language, in_reply_to_id (404 "The post
//     you are trying to reply to does not appear to exist." for a status
//     that does not exist or that the account may not see). The Idempotency-Key header is honoured per
//     account for one hour, before any validation, as Mastodon does: the
//     same key returns the same status. Validation answers 422 with
//     Mastodon's messages: blank text without media ("Validation failed:
//     Text can't be blank"), over the character limit (URLs count 23,
//     remote mentions count their username, text counts in grapheme
//     clusters), unknown or foreign media, media still processing, too
//     many attachments, a video mixed with other media. Content is
//     rendered to HTML as Mastodon does (paragraphs, <br />, links split in
//     invisible/ellipsis spans, h-card mentions showing only @user,
//     hashtags). The Status entity carries in_reply_to_id,
//     in_reply_to_account_id, visibility, language, mentions (the local
//     accounts "@user" names, and known remote ones "@user@domain" names),
//     tags, reblog, quote (Mastodon 4.5) and the counts.
//   - POST /api/v2/media (multipart file, description): type and size
//     checked against the instance configuration; 200 when processed
//     at once, 202 with url null while processing (Config.MediaProcessing
//     time and/or Config.MediaProcessingPolls polls).
//   - GET /api/v1/media/:id: 206 with an empty body while processing, 200
//     when done, 404 {"error":"Record not found"} for another account's.
//   - GET /api/v1/accounts/:id/statuses: newest first, limit (20, at most
//     40), max_id, since_id, min_id, exclude_reblogs; Link header with
//     rel="next" (max_id) and rel="prev" (min_id). The author sees all its
//     statuses; others see public and unlisted ones, private ones when
//     they follow or are mentioned, direct ones when mentioned.
//   - GET /api/v1/notifications (read:notifications): types[],
//     exclude_types[], account_id, max_id, since_id, min_id (the page
//     immediately newer), limit (40, at most 80), newest first, Link
//     header. Notifications are made as Mastodon makes them: a mention for
//     each local account a status mentions (a reply notifies only if it
//     mentions), a quote for the author of a quoted status, a reblog, a
//     favourite (once), a follow (once); never for the actor itself or a
//     remote account. Notification IDs count from 1, so they grow in
//     length. No notification policy filters them.
//   - GET /api/v1/conversations (read:statuses): each direct status files
//     its thread in the conversations of its local participants, with the
//     others as accounts, last_status, and unread for all but the author;
//     newest last status first, paged by last-status ID (limit 20, at most
//     40), Link header. POST /api/v1/conversations/:id/read.
//   - GET /api/v1/timelines/tag/:hashtag: public statuses with the
//     hashtag (any case), any[], all[], none[], local, remote, only_media,
//     paged as notifications (limit 20, at most 40), Link header.
//   - GET /api/v2/search (read:search with a token): q, type, resolve,
//     offset (401 without a token, as resolve=true), limit (20, at most
//     40). Statuses match when every word of q is a case-insensitive
//     substring of the text or content warning, among the public and
//     unlisted ones and those the account may see; they come newest first.
//     As Mastodon 4 with Elasticsearch does, and unlike what the
//     documentation says, min_id and max_id become after: and before: on
//     the creation time cut to the second: min_id returns the newest
//     matches, not those immediately newer, and may return the status it
//     names and others of the same second again. Accounts match by acct or
//     display name, hashtags by prefix. No Link header (the answer is an
//     object).
//   - GET /api/v2/instance and GET /api/v1/instance: configuration limits,
//     and the streaming API's base URL (configuration.urls.streaming, and
//     urls.streaming_api for v1): ws://127.0.0.1:port, the server itself,
//     unless Config.StreamingURL says otherwise.
//   - GET /api/v1/streaming/user/notification (and GET /api/v1/streaming
//     with stream=user:notification): server-sent events, as Mastodon's
//     streaming server writes them: ":)" on opening, ":thump" every
//     Config.StreamHeartbeat (15 s), and "event: notification" with the
//     Notification entity as "data:" each time one is made for the
//     token's account. The token comes in the Authorization header or
//     access_token, and needs read or read:notifications (401 otherwise,
//     as the streaming server answers). Not rate-limited. A stream that
//     falls 64 notifications behind is cut. Config.NoStreaming answers
//     404 instead, as an instance whose proxy does not route it.
//   - POST /api/v1/apps, GET /oauth/authorize (approves at once as
//     Server.Authorizer and redirects with code and state), POST
//     /oauth/token (authorization_code; single-use codes; 400
//     invalid_grant, 401 invalid_client).
//   - GET /api/v1/statuses/:id, GET /api/v1/statuses?id[]= (Mastodon 4.3;
//     Config.NoStatusesIndex answers 404 as older servers do), GET
//     /api/v1/accounts/:id and GET /api/v1/accounts/lookup?acct=, with the
//     counts of statuses (quotes_count included) and accounts; tests set
//     them with SetCounts, SetAccountCounts and SetStatusFields (hostile
//     fields), and delete a status with DeleteStatus (see metrics.go).
//   - Rate limits on every answer: X-RateLimit-Limit,
//     X-RateLimit-Remaining, X-RateLimit-Reset (ISO 8601, windows aligned
//     on the epoch as Rack::Attack does), per token (per IP without one);
//     429 {"error":"Too many requests"} when the budget is spent.
//
// Tests steer it with Inject (the next N requests to a path fail: a
// status with any body, a hang until the client gives up, a dropped
// connection before or after the request was processed, an endless body),
// Advance (move its clock: idempotency keys expire, windows reset) and
// DropStreams (reset every open stream's connection), and make the
// others act with AddAccount, AddRemoteAccount, SetDisplayName,
// AddStatus, Mention (a status, with its mentions, notifications and
// conversations; StatusOptions set a reply, visibility, language, content
// warning, quote, time), AddRawStatus (content given as raw, possibly
// hostile HTML), Reblog, Favourite and Follow. They read it with
// Statuses, Notifications, Requests and Streams (open streams). Every
// status created is recorded, so a test can count duplicates.
//
// Not implemented: everything else in the API (home and public timelines,
// grouped notifications, notification policies, polls, scheduled
// statuses, edits, deletes, streams other than user:notification,
// WebSocket streaming, v1 media), PKCE, scopes
// enforcement on the methods not listed above with a scope, WebFinger
// resolution of mentions (an unknown @user@domain is rendered but not
// mentioned), account search beyond substrings, search operators.
package mastodontest
