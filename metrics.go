package gears

import (
	"context"
	"fmt"
	"time"
)

// MaxCount is the largest count Gears believes from a network: a post or
// profile claiming more (a trillion) is taken as a broken answer.
const MaxCount = 1_000_000_000_000

// PostCounts are the public counts of one post, as its network reports
// them. Quotes is 0 where the network does not count them (Mastodon before
// 4.5).
type PostCounts struct {
	Replies int64 `json:"replies"`
	Reposts int64 `json:"reposts"` // Mastodon boosts, Bluesky reposts
	Likes   int64 `json:"likes"`   // Mastodon favourites, Bluesky likes
	Quotes  int64 `json:"quotes"`
}

// Validate refuses counts no network gives: negative, or over MaxCount.
func (c PostCounts) Validate() error {
	for _, f := range []struct {
		name string
		v    int64
	}{{"replies", c.Replies}, {"reposts", c.Reposts}, {"likes", c.Likes}, {"quotes", c.Quotes}} {
		if f.v < 0 || f.v > MaxCount {
			return Invalid(f.name, "metrics.count_invalid", f.v)
		}
	}
	return nil
}

// Engagements is the sum of the counts.
func (c PostCounts) Engagements() int64 { return c.Replies + c.Reposts + c.Likes + c.Quotes }

// Sub returns the growth from prev to c (negative where a count fell: a
// post unliked or a reply deleted since).
func (c PostCounts) Sub(prev PostCounts) PostCounts {
	return PostCounts{Replies: c.Replies - prev.Replies, Reposts: c.Reposts - prev.Reposts,
		Likes: c.Likes - prev.Likes, Quotes: c.Quotes - prev.Quotes}
}

// PostReading is what a network said of one post: its counts, or that it
// is gone (deleted, or no longer visible to the account).
type PostReading struct {
	Counts PostCounts
	Gone   bool
}

// ProfileCounts are the public counts of one profile.
type ProfileCounts struct {
	Followers int64 `json:"followers"`
	Following int64 `json:"following"`
	Posts     int64 `json:"posts"`
}

// Validate refuses counts no network gives.
func (c ProfileCounts) Validate() error {
	for _, f := range []struct {
		name string
		v    int64
	}{{"followers", c.Followers}, {"following", c.Following}, {"posts", c.Posts}} {
		if f.v < 0 || f.v > MaxCount {
			return Invalid(f.name, "metrics.count_invalid", f.v)
		}
	}
	return nil
}

// MetricsReader is a Connector that reads public counts: of the account's
// own posts, and of profiles (its own, and competitors'). Failures are
// *RemoteError, as for Connector.
type MetricsReader interface {
	// PostCounts reads the counts of posts by their remote IDs (as
	// Published.RemoteID gave them), in as few calls as the network
	// allows. The answer has an entry for every post the network answered
	// for: its counts, or Gone. A post whose answer was unusable (missing
	// or impossible counts) has no entry. On an error, the answer holds
	// what was read before it.
	PostCounts(ctx context.Context, c Credentials, remoteIDs []string) (map[string]PostReading, error)
	// Profile reads a profile's counts: the account's own when handle is
	// "", else the public profile named by handle (user@server on
	// Mastodon, a handle or DID on Bluesky). An unknown handle is a
	// RemoteRejected error wrapping ErrNotFound.
	Profile(ctx context.Context, c Credentials, handle string) (ProfileCounts, error)
}

// MetricsSchedule is when a published post's counts are read, as offsets
// from its publication: often while it is fresh, then less and less, and
// never after the last. Engagement on social networks comes mostly in the
// first day; the 30-day reading closes the count.
var MetricsSchedule = []time.Duration{
	time.Hour, 6 * time.Hour, 24 * time.Hour, 3 * 24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour,
}

// NextReading returns when a post published at published should next be
// read, after a reading at now: the first time of the schedule after now.
// Readings missed (Gears was down, the account held) are not made up
// one by one. ok is false when the schedule is over.
func NextReading(published, now time.Time) (time.Time, bool) {
	for _, d := range MetricsSchedule {
		if t := published.Add(d); t.After(now) {
			return t, true
		}
	}
	return time.Time{}, false
}

// FirstReading is when a post published at published is first read.
func FirstReading(published time.Time) time.Time { return published.Add(MetricsSchedule[0]) }

// DeliveryMetrics are the counts of one delivery of a post (one account),
// as last read.
type DeliveryMetrics struct {
	DeliveryID  int64      `json:"delivery_id"`
	AccountID   int64      `json:"account_id"`
	Network     Network    `json:"network"`
	Handle      string     `json:"handle"`
	RemoteURL   string     `json:"url"`
	PublishedAt time.Time  `json:"published_at"`
	Counts      PostCounts `json:"counts"`
	Engagements int64      `json:"engagements"`
	Reads       int        `json:"reads"`
	ReadAt      *time.Time `json:"read_at"`      // nil before the first reading
	NextReadAt  *time.Time `json:"next_read_at"` // nil when no more readings are due
	Gone        bool       `json:"gone"`
	Error       string     `json:"error,omitempty"` // the network's words: untrusted text
}

// PostPerformance is how one published post did on one network: its
// counts as last read by metrics collection, and the clicks on its tracked
// links for that network. Text is the post's as sent there.
type PostPerformance struct {
	PostID      int64      `json:"post_id"`
	DeliveryID  int64      `json:"delivery_id"`
	AccountID   int64      `json:"account_id"`
	Network     Network    `json:"network"`
	Handle      string     `json:"handle"`
	RemoteURL   string     `json:"url"`
	PublishedAt time.Time  `json:"published_at"`
	Text        string     `json:"text"`
	Campaign    string     `json:"campaign"`
	Counts      PostCounts `json:"counts"`
	Engagements int64      `json:"engagements"`
	Clicks      int64      `json:"clicks"`
}

// PostSort orders posts by how they did.
type PostSort string

// The orders of posts; each breaks ties by the newest first.
const (
	SortEngagements PostSort = "engagements"
	SortClicks      PostSort = "clicks"
	SortReplies     PostSort = "replies"
	SortReposts     PostSort = "reposts"
	SortLikes       PostSort = "likes"
	SortQuotes      PostSort = "quotes"
	SortPublished   PostSort = "published"
)

// PostSorts are the orders, as offered.
var PostSorts = []PostSort{SortEngagements, SortClicks, SortReplies, SortReposts, SortLikes, SortQuotes, SortPublished}

// MaxTopPosts bounds one list of posts by performance: a year of a busy
// workspace, for the CSV export.
const MaxTopPosts = 5000

// ValidatePostSort checks an order ("" is engagements).
func ValidatePostSort(s PostSort) (PostSort, error) {
	if s == "" {
		return SortEngagements, nil
	}
	for _, k := range PostSorts {
		if s == k {
			return s, nil
		}
	}
	return "", Invalid("sort", "metrics.sort_unknown", string(s))
}

// FollowerDay is one day's follower count of a profile.
type FollowerDay struct {
	Date      string `json:"date"` // YYYY-MM-DD, the workspace's local date
	Followers int64  `json:"followers"`
	Following int64  `json:"following"`
	Posts     int64  `json:"posts"`
}

// FollowerSeries is the daily follower counts of one profile: an account
// of the workspace, or a competitor's.
type FollowerSeries struct {
	Kind         string        `json:"kind"` // "account" or "competitor"
	AccountID    int64         `json:"account_id,omitempty"`
	CompetitorID int64         `json:"competitor_id,omitempty"`
	Network      Network       `json:"network"`
	Handle       string        `json:"handle"`
	Name         string        `json:"name"`
	Days         []FollowerDay `json:"days"`
	// Delta is the change over the period: the last day's followers less
	// the first's (0 with fewer than two days).
	Delta int64 `json:"delta"`
}

// MaxFollowerDays bounds the period of a follower series.
const MaxFollowerDays = 366

// ValidatePeriod checks a period of local dates [from, to].
func ValidatePeriod(from, to time.Time) error {
	if to.Before(from) {
		return Invalid("to", "metrics.period_order")
	}
	if days := int(to.Sub(from).Hours()/24) + 1; days > MaxFollowerDays {
		return Invalid("to", "metrics.period_too_long", MaxFollowerDays)
	}
	return nil
}

func (c PostCounts) String() string {
	return fmt.Sprintf("%d replies, %d reposts, %d likes, %d quotes", c.Replies, c.Reposts, c.Likes, c.Quotes)
}
