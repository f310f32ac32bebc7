package gears

import (
	"context"
	"fmt"
	"time"
)

// Network names a social network Gears connects to.
type Network string

// The networks Gears speaks today.
const (
	Mastodon Network = "mastodon"
	Bluesky  Network = "bluesky"
)

// Credentials let a connector act as one account. They are stored
// encrypted; a connector may refresh them (Bluesky sessions), and the
// caller stores what it returns.
type Credentials struct {
	Server       string `json:"server"`                  // instance or PDS base URL, e.g. https://mastodon.social
	Handle       string `json:"handle,omitempty"`        // Bluesky handle or DID as typed
	AppPassword  string `json:"app_password,omitempty"`  // Bluesky app password
	AccessToken  string `json:"access_token,omitempty"`  // Mastodon token, or Bluesky access JWT
	RefreshToken string `json:"refresh_token,omitempty"` // Bluesky refresh JWT
	DID          string `json:"did,omitempty"`           // Bluesky account DID
}

// RemoteAccount is the account the credentials act as, as the network
// describes it. Its text comes from the network: untrusted.
type RemoteAccount struct {
	ID          string `json:"id"` // Mastodon account ID or Bluesky DID
	Handle      string `json:"handle"`
	DisplayName string `json:"display_name"`
	URL         string `json:"url"`
}

// OutgoingMedia is one image (or video) attached to a post.
type OutgoingMedia struct {
	Data        []byte
	ContentType string // e.g. image/png
	Alt         string
}

// OutgoingPost is what a connector publishes for one delivery.
type OutgoingPost struct {
	Text  string
	Media []OutgoingMedia
	// Key is chosen by Gears before the first attempt and is the same on
	// every retry: Mastodon sends it as the Idempotency-Key header, Bluesky
	// uses it as the record key (a TID). A retry therefore cannot publish
	// twice.
	Key string
	// Reply, when set, makes the post an answer in an existing thread.
	Reply *ReplyTo
}

// Published is where a post ended up.
type Published struct {
	RemoteID  string    `json:"remote_id"` // Mastodon status ID, or Bluesky at:// URI
	URL       string    `json:"url"`       // for people
	CreatedAt time.Time `json:"created_at"`
}

// Problem is one reason a text cannot go to a network as it is.
type Problem struct {
	Key  string // message key, e.g. "post.too_long"
	Args []any  // e.g. the limit and the count
}

// MessageKey and MessageArgs let a Problem be an argument of another
// message (package locale translates it in place).
func (p Problem) MessageKey() string { return p.Key }

// MessageArgs returns the problem's arguments.
func (p Problem) MessageArgs() []any { return p.Args }

// MediaInfo describes an attachment for validation, without its bytes.
type MediaInfo struct {
	ContentType string
	Size        int64
	Alt         string
}

// Connector is one network behind the small interface the rest of Gears
// uses. Implementations classify every failure as a *RemoteError.
type Connector interface {
	Network() Network
	// Verify checks credentials and returns the account they act as, with
	// credentials to store (refreshed where the network refreshes them).
	Verify(ctx context.Context, c Credentials) (RemoteAccount, Credentials, error)
	// Publish publishes post once, whatever the number of calls with the
	// same Key.
	Publish(ctx context.Context, c Credentials, post OutgoingPost) (Published, error)
	// FindPublished looks among the account's own posts since a time for
	// the one that publishes post (by its Key where the network keeps it,
	// by its content where it does not); ErrNotFound when there is none.
	// It is how a delivery whose outcome is unknown is reconciled.
	FindPublished(ctx context.Context, c Credentials, post OutgoingPost, since time.Time) (Published, error)
	// Check counts text and media as the network does and lists what
	// breaks its limits.
	Check(text string, media []MediaInfo) []Problem
}

// QuotaReporter is a Connector that tells what is left of an account's
// rate limit, as the network's last answer said, so that Gears slows down
// before the network has to refuse it.
type QuotaReporter interface {
	Quota(c Credentials) (remaining int, reset time.Time, ok bool)
}

// RemoteErrorKind classifies a network's failure by what to do next.
type RemoteErrorKind string

// Kinds of remote failure.
const (
	RemoteTemporary   RemoteErrorKind = "temporary"    // timeout, 5xx, connection: retry with backoff
	RemoteRateLimited RemoteErrorKind = "rate_limited" // 429 or quota spent: retry after RetryAfter
	RemoteAuth        RemoteErrorKind = "auth"         // credentials refused: the account needs reconnecting
	RemoteRejected    RemoteErrorKind = "rejected"     // the network refused this content for good
	RemoteUnknown     RemoteErrorKind = "unknown"      // the request may or may not have taken effect
)

// RemoteError is a failure reported by (or on the way to) a network.
type RemoteError struct {
	Network    Network
	Kind       RemoteErrorKind
	Status     int           // HTTP status, 0 when there was no answer
	RetryAfter time.Duration // for RemoteRateLimited, when the network says
	Message    string        // the network's own words: untrusted, for logs and the delivery's error
	Err        error
}

func (e *RemoteError) Error() string {
	s := fmt.Sprintf("%s: %s", e.Network, e.Kind)
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *RemoteError) Unwrap() error { return e.Err }
