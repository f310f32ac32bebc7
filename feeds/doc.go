// Package feeds reads RSS, Atom and JSON Feed documents (with
// github.com/mmcdole/gofeed) for listening and for the composer's curated
// content.
//
// Reader.Read polls a feed with a conditional GET and returns what is new
// since its cursor as gears.InboundMessage of kind gears.KindMatch; its
// cursor is an opaque string the caller stores with the messages.
// Reader.Items lists a feed's latest items for sharing. Feeds are
// untrusted: the body is capped (MaxBytes), text is reduced to plain text
// (PlainText) and cut, links other than http(s) are dropped, and XML
// entities declared in a DOCTYPE are never expanded (encoding/xml does not
// expand them), so an entity bomb stays small.
//
// Failures are *gears.RemoteError of network gears.Network("feed"):
// temporary for timeouts, connection failures, 408, 429 (with RetryAfter)
// and 5xx; rejected for other 4xx, an invalid URL, a body larger than
// MaxBytes, and content that is not a feed (errors.Is(err, ErrNotFeed)).
// Rejections about the feed itself wrap a *gears.Error with a message key.
package feeds

import "gears"

// network names feeds in errors.
const network = gears.Network("feed")
