package gears

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// PostStatus is where a post is in its life.
type PostStatus string

// Post statuses: draft → in review → approved → scheduled → publishing →
// published, or failed, or outcome unknown, or cancelled.
const (
	PostDraft      PostStatus = "draft"
	PostInReview   PostStatus = "in_review"
	PostApproved   PostStatus = "approved" // approved, waiting for a time
	PostScheduled  PostStatus = "scheduled"
	PostPublishing PostStatus = "publishing"
	PostPublished  PostStatus = "published"
	PostFailed     PostStatus = "failed"
	PostUnknown    PostStatus = "unknown" // a network may or may not have it: being reconciled
	PostCancelled  PostStatus = "cancelled"
)

// Editable reports whether a post in this status may still change.
func (s PostStatus) Editable() bool {
	switch s {
	case PostDraft, PostInReview, PostApproved, PostScheduled, PostFailed:
		return true
	}
	return false
}

// DeliveryStatus is where one (post, account) delivery is.
type DeliveryStatus string

// Delivery statuses.
const (
	DeliveryPending    DeliveryStatus = "pending" // the post is not scheduled yet
	DeliveryScheduled  DeliveryStatus = "scheduled"
	DeliveryPublishing DeliveryStatus = "publishing"
	DeliveryPublished  DeliveryStatus = "published"
	DeliveryFailed     DeliveryStatus = "failed"
	DeliveryUnknown    DeliveryStatus = "unknown"
	DeliveryCancelled  DeliveryStatus = "cancelled"
)

// Done reports whether nothing more will happen to the delivery.
func (s DeliveryStatus) Done() bool {
	return s == DeliveryPublished || s == DeliveryFailed || s == DeliveryCancelled
}

// ContentType is the kind of message a post is, from the editorial calendar
// of the strategy gear.
type ContentType string

// Content types.
const (
	ContentMessage   ContentType = "message"
	ContentContest   ContentType = "contest"
	ContentPromotion ContentType = "promotion"
	ContentApp       ContentType = "app"
	ContentBlog      ContentType = "blog_article"
)

// ContentTypes lists the content types.
var ContentTypes = []ContentType{ContentMessage, ContentContest, ContentPromotion, ContentApp, ContentBlog}

// Post is a message for one or more accounts.
type Post struct {
	ID          int64            `json:"id"`
	WorkspaceID int64            `json:"workspace_id"`
	AuthorID    int64            `json:"author_id"`
	Text        string           `json:"text"`
	ContentType ContentType      `json:"content_type"`
	Campaign    string           `json:"campaign"`
	Tags        []string         `json:"tags"`
	ScheduledAt *time.Time       `json:"scheduled_at"`
	Status      PostStatus       `json:"status"`
	MediaIDs    []int64          `json:"media_ids"`
	Variants    map[int64]string `json:"-"`
	Deliveries  []*Delivery      `json:"deliveries"`
	CreatedAt   time.Time        `json:"created_at"`
	UpdatedAt   time.Time        `json:"updated_at"`
}

// TextFor returns the text a post sends to an account: its variant, or
// the post's text.
func (p *Post) TextFor(accountID int64) string {
	if v, ok := p.Variants[accountID]; ok && strings.TrimSpace(v) != "" {
		return v
	}
	return p.Text
}

// Input returns what would write the post again, to change a part of it.
// Accounts it was already published on are left out: nothing changes
// them any more.
func (p *Post) Input() PostInput {
	in := PostInput{Text: p.Text, ScheduledAt: p.ScheduledAt, MediaIDs: p.MediaIDs, ContentType: p.ContentType,
		Campaign: p.Campaign, Tags: p.Tags, Variants: map[string]Variant{}}
	for _, d := range p.Deliveries {
		if d.Status == DeliveryPublished {
			continue
		}
		in.AccountIDs = append(in.AccountIDs, d.AccountID)
		if v, ok := p.Variants[d.AccountID]; ok {
			in.Variants[strconv.FormatInt(d.AccountID, 10)] = Variant{Text: v}
		}
	}
	return in
}

// Delivery is a post's publication on one account.
type Delivery struct {
	ID          int64          `json:"-"`
	PostID      int64          `json:"-"`
	AccountID   int64          `json:"account_id"`
	Status      DeliveryStatus `json:"status"`
	RemoteID    string         `json:"remote_id"`
	RemoteURL   string         `json:"remote_url"`
	Error       string         `json:"error"`
	Attempts    int            `json:"attempts"`
	PublishedAt *time.Time     `json:"published_at"`
}

// Variant is a post's own text for one account.
type Variant struct {
	Text string `json:"text"`
}

// PostInput is what a person writes: the same for creating and replacing
// a post.
type PostInput struct {
	Text        string             `json:"text"`
	AccountIDs  []int64            `json:"account_ids"`
	ScheduledAt *time.Time         `json:"scheduled_at"` // nil: a draft
	Variants    map[string]Variant `json:"variants"`     // by account ID
	MediaIDs    []int64            `json:"media_ids"`
	ContentType ContentType        `json:"content_type"`
	Campaign    string             `json:"campaign"`
	Tags        []string           `json:"tags"`
}

// Limits of what Gears stores, before any network's own limits.
const (
	MaxPostText  = 10_000
	MaxCampaign  = 100
	MaxTags      = 20
	MaxTagLength = 50
	MaxAccounts  = 50
)

// Validate checks what does not depend on the networks, and normalises.
func (in *PostInput) Validate() error {
	if utf8.RuneCountInString(in.Text) > MaxPostText {
		return Invalid("text", "post.text_too_long", MaxPostText)
	}
	if strings.TrimSpace(in.Text) == "" && len(in.MediaIDs) == 0 {
		return Invalid("text", "post.empty")
	}
	if len(in.AccountIDs) == 0 {
		return Invalid("account_ids", "post.no_accounts")
	}
	if len(in.AccountIDs) > MaxAccounts {
		return Invalid("account_ids", "post.too_many_accounts", MaxAccounts)
	}
	seen := map[int64]bool{}
	ids := in.AccountIDs[:0]
	for _, id := range in.AccountIDs {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	in.AccountIDs = ids
	for _, v := range in.Variants {
		if utf8.RuneCountInString(v.Text) > MaxPostText {
			return Invalid("variants", "post.text_too_long", MaxPostText)
		}
	}
	if in.ContentType == "" {
		in.ContentType = ContentMessage
	}
	known := false
	for _, c := range ContentTypes {
		known = known || c == in.ContentType
	}
	if !known {
		return Invalid("content_type", "post.content_type_unknown")
	}
	var err error
	if in.Campaign, err = CleanCampaign(in.Campaign); err != nil {
		return err
	}
	if len(in.Tags) > MaxTags {
		return Invalid("tags", "post.too_many_tags", MaxTags)
	}
	tags := in.Tags[:0]
	for _, t := range in.Tags {
		t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "#"))
		if t == "" {
			continue
		}
		if utf8.RuneCountInString(t) > MaxTagLength {
			return Invalid("tags", "post.tag_too_long", MaxTagLength)
		}
		tags = append(tags, t)
	}
	in.Tags = tags
	if in.ScheduledAt != nil {
		t := in.ScheduledAt.UTC().Truncate(time.Second)
		in.ScheduledAt = &t
	}
	return nil
}

// PostFilter selects posts for the calendar.
type PostFilter struct {
	From, To    *time.Time // scheduled in [From, To)
	Status      PostStatus
	Network     Network
	Campaign    string
	ContentType ContentType
	Limit       int
}

// PostService writes, approves and schedules posts. Every method acts as
// the user in the context.
type PostService interface {
	CreatePost(ctx context.Context, wsID int64, in PostInput) (*Post, error)
	FindPost(ctx context.Context, wsID, id int64) (*Post, error)
	FindPosts(ctx context.Context, wsID int64, f PostFilter) ([]*Post, error)
	UpdatePost(ctx context.Context, wsID, id int64, in PostInput) (*Post, error)
	// Reschedule moves a post to another time (drag on the calendar).
	Reschedule(ctx context.Context, wsID, id int64, at time.Time) (*Post, error)
	DeletePost(ctx context.Context, wsID, id int64) error
	SubmitPost(ctx context.Context, wsID, id int64) (*Post, error)
	ApprovePost(ctx context.Context, wsID, id int64) (*Post, error)
	SendBack(ctx context.Context, wsID, id int64, comment string) (*Post, error)
	// PublishNow schedules the post for now: unscheduled messages.
	PublishNow(ctx context.Context, wsID, id int64) (*Post, error)
	SetPaused(ctx context.Context, wsID int64, paused bool) error
}
