package gears

import (
	"context"
	"time"
)

// Stream says where an inbox message came from.
type Stream string

// The inbox's streams.
const (
	StreamMentions  Stream = "mentions"  // mentions of and replies to a connected account
	StreamActivity  Stream = "activity"  // boosts, reposts, favourites, likes, follows, quotes
	StreamDirect    Stream = "direct"    // private conversations
	StreamListening Stream = "listening" // matches of a saved search
)

// Streams lists the streams in the order the inbox shows them.
var Streams = []Stream{StreamMentions, StreamDirect, StreamActivity, StreamListening}

// MessageKind is what a network says happened.
type MessageKind string

// Kinds of inbound message.
const (
	KindMention   MessageKind = "mention"   // a post that names the account
	KindReply     MessageKind = "reply"     // a reply to one of the account's posts
	KindQuote     MessageKind = "quote"     // a post quoting one of the account's posts
	KindRepost    MessageKind = "repost"    // a Mastodon boost or a Bluesky repost
	KindFavourite MessageKind = "favourite" // a Mastodon favourite or a Bluesky like
	KindFollow    MessageKind = "follow"    // a new follower
	KindDirect    MessageKind = "direct"    // a private message
	KindMatch     MessageKind = "match"     // a post found by a saved search or a feed item
)

// Stream returns the stream a kind of message belongs to.
func (k MessageKind) Stream() Stream {
	switch k {
	case KindRepost, KindFavourite, KindFollow:
		return StreamActivity
	case KindDirect:
		return StreamDirect
	case KindMatch:
		return StreamListening
	default:
		return StreamMentions
	}
}

// PostRef names a post on a network precisely enough to answer it: a
// Mastodon status ID, or a Bluesky at:// URI with its CID.
type PostRef struct {
	ID  string `json:"id"`
	CID string `json:"cid,omitempty"`
}

// ReplyTo is what a reply needs to land in the right thread. Mastodon uses
// Parent.ID; Bluesky needs both the parent and the root of the thread.
type ReplyTo struct {
	Parent PostRef `json:"parent"`
	Root   PostRef `json:"root"`
	// Visibility is Mastodon's visibility of the reply ("direct" keeps a
	// private conversation private). Empty means the network's default.
	Visibility string `json:"visibility,omitempty"`
}

// InboundMessage is one thing a network reports to or about an account,
// as the connector read it. Everything in it comes from the network and
// is untrusted: Text is plain text (markup already removed by the
// connector) and is never rendered as HTML.
type InboundMessage struct {
	// RemoteID identifies the message on its network, for deduplication:
	// the notification's post (status ID or at:// URI) for posts, or
	// "kind:account:subject" for activity without a post of its own.
	RemoteID string
	Kind     MessageKind
	// Thread is the key that groups messages into one conversation: the
	// thread's root post (Bluesky's reply root; for Mastodon the post
	// answered, or the post itself), or the private conversation's ID.
	Thread string
	// Post is the message's own post, to answer it; empty for follows.
	Post PostRef
	// Reply is where an answer to this message goes.
	Reply     ReplyTo
	Author    RemoteAccount
	Text      string
	URL       string
	Lang      string // the language the author set, when the network says
	CreatedAt time.Time
}

// Page is a connector's answer to one read: the messages, oldest first,
// and the cursor to store so that the next read starts after them.
type Page struct {
	Messages []InboundMessage
	Cursor   string
}

// Listener is a Connector that reads what is said to and about an account.
// Every read starts after cursor ("" reads the most recent page only, so a
// new account does not import its whole history) and returns at most what
// one poll should take; the caller stores the returned cursor with the
// messages, in one transaction, so nothing is missed or doubled.
type Listener interface {
	// Notifications reads mentions, replies, reposts, favourites and
	// follows, and private messages where the network keeps them apart.
	Notifications(ctx context.Context, c Credentials, cursor string) (Page, error)
	// Search reads public posts matching query: a keyword or a #hashtag.
	Search(ctx context.Context, c Credentials, query, cursor string) (Page, error)
}

// Sentiment is the tone of a message, from its score.
type Sentiment string

// Sentiments, from a score in [-1, 1].
const (
	Negative Sentiment = "negative"
	Neutral  Sentiment = "neutral"
	Positive Sentiment = "positive"
)

// Valid reports whether s is one of the three sentiments.
func (s Sentiment) Valid() bool { return s == Negative || s == Neutral || s == Positive }
