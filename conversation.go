package gears

import (
	"strings"
	"time"
	"unicode/utf8"
)

// ConversationStatus is where a conversation stands for the team.
type ConversationStatus string

// Conversation statuses.
const (
	ConversationOpen    ConversationStatus = "open"    // needs an answer
	ConversationWaiting ConversationStatus = "waiting" // answered; waiting for the other side
	ConversationClosed  ConversationStatus = "closed"  // nothing left to do
)

// Valid reports whether s is a known status.
func (s ConversationStatus) Valid() bool {
	return s == ConversationOpen || s == ConversationWaiting || s == ConversationClosed
}

// Conversation is a thread of messages between the organisation and
// someone on a network, or the matches of a saved search in one thread.
type Conversation struct {
	ID          int64              `json:"id"`
	WorkspaceID int64              `json:"-"`
	AccountID   *int64             `json:"account_id"`      // the connected account it came to (nil for feeds)
	SearchID    *int64             `json:"saved_search_id"` // the saved search that found it (listening)
	Network     Network            `json:"network"`
	Stream      Stream             `json:"stream"`
	Status      ConversationStatus `json:"status"`
	AssigneeID  *int64             `json:"assignee_id"`
	Sentiment   Sentiment          `json:"sentiment"` // of the latest message from outside
	Score       float64            `json:"score"`
	Subject     string             `json:"subject"`       // the start of its first message: untrusted
	Count       int                `json:"message_count"` // messages in it
	FirstAt     time.Time          `json:"first_message_at"`
	LastAt      time.Time          `json:"last_message_at"`
	RespondedAt *time.Time         `json:"first_response_at"` // first answer sent from Gears
	Messages    []*Message         `json:"messages"`
}

// FirstResponse is how long the first answer took, or how long the
// conversation has waited so far when now is given and there is none.
func (c *Conversation) FirstResponse(now time.Time) time.Duration {
	if c.RespondedAt != nil {
		return c.RespondedAt.Sub(c.FirstAt)
	}
	return now.Sub(c.FirstAt)
}

// Message is one message of a conversation: from the network (inbound),
// or an answer sent from Gears (outbound). Author, Text and URL of inbound
// messages are untrusted.
type Message struct {
	ID             int64       `json:"id"`
	ConversationID int64       `json:"-"`
	Kind           MessageKind `json:"kind"`
	Outbound       bool        `json:"outbound"`
	Author         string      `json:"author"` // handle
	AuthorName     string      `json:"author_name"`
	AuthorURL      string      `json:"author_url"`
	Text           string      `json:"text"`
	URL            string      `json:"remote_url"`
	Lang           string      `json:"lang"`
	Sentiment      Sentiment   `json:"sentiment"`
	Score          float64     `json:"score"`
	CreatedAt      time.Time   `json:"created_at"`
	DeliveryID     *int64      `json:"delivery_id,omitempty"` // for answers: the delivery that sends it
	Reply          ReplyTo     `json:"-"`
}

// ConversationFilter selects conversations. Zero fields do not filter.
type ConversationFilter struct {
	Status     ConversationStatus
	Stream     Stream
	Network    Network
	Sentiment  Sentiment
	AssigneeID *int64 // 0 means unassigned
	SearchID   *int64
	AccountID  *int64
	Query      string // full-text search in the messages
	// Before pages back: conversations last active before this time or,
	// with BeforeID, at this time with a smaller ID.
	Before   *time.Time
	BeforeID int64
	Limit    int // default 50, at most 200
}

// Validate checks the filter's values.
func (f *ConversationFilter) Validate() error {
	if f.Status != "" && !f.Status.Valid() {
		return Invalid("status", "inbox.bad_status")
	}
	if f.Sentiment != "" && !f.Sentiment.Valid() {
		return Invalid("sentiment", "inbox.bad_sentiment")
	}
	if f.Stream != "" && !validStream(f.Stream) {
		return Invalid("stream", "inbox.bad_stream")
	}
	if f.Network != "" && f.Network != Mastodon && f.Network != Bluesky && f.Network != Feed {
		return Invalid("network", "inbox.bad_network")
	}
	if utf8.RuneCountInString(f.Query) > 200 {
		return Invalid("q", "inbox.query_too_long", 200)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 200 {
		f.Limit = 200
	}
	return nil
}

func validStream(s Stream) bool {
	for _, v := range Streams {
		if v == s {
			return true
		}
	}
	return false
}

// Feed is the network of RSS, Atom and JSON feeds followed by listening.
const Feed Network = "feed"

// ConversationUpdate changes a conversation. Nil fields stay.
type ConversationUpdate struct {
	Status *ConversationStatus
	// AssigneeID assigns the conversation; a pointer to 0 unassigns it.
	AssigneeID *int64
}

// Validate checks the update.
func (u ConversationUpdate) Validate() error {
	if u.Status != nil && !u.Status.Valid() {
		return Invalid("status", "inbox.bad_status")
	}
	if u.Status == nil && u.AssigneeID == nil {
		return Invalid("", "inbox.nothing_to_update")
	}
	return nil
}

// Note is a team's internal note on a conversation, never sent.
type Note struct {
	ID        int64     `json:"id"`
	AuthorID  *int64    `json:"author_id"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// MaxNote is the longest note, in characters.
const MaxNote = 5000

// ValidateNote checks a note's body.
func ValidateNote(body string) error {
	body = strings.TrimSpace(body)
	if body == "" {
		return Invalid("body", "inbox.note_required")
	}
	if utf8.RuneCountInString(body) > MaxNote {
		return Invalid("body", "inbox.note_too_long", MaxNote)
	}
	return nil
}

// SavedReply is a reusable answer. Its text may hold variables, replaced
// when it is used: {name}, {handle}, {agent}, {workspace}.
type SavedReply struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// ReplyVariables are the values a saved reply's variables take.
type ReplyVariables struct {
	Name      string // the other person's display name (or handle)
	Handle    string // the other person's handle, without @
	Agent     string // the team member answering
	Workspace string // the organisation
}

// Expand replaces the variables of a saved reply's text. Unknown braces
// are left as written.
func (v ReplyVariables) Expand(text string) string {
	name := v.Name
	if strings.TrimSpace(name) == "" {
		name = v.Handle
	}
	return strings.NewReplacer(
		"{name}", name,
		"{handle}", strings.TrimPrefix(v.Handle, "@"),
		"{agent}", v.Agent,
		"{workspace}", v.Workspace,
	).Replace(text)
}

// Validate checks a saved reply.
func (r *SavedReply) Validate() error {
	r.Name = strings.TrimSpace(r.Name)
	r.Text = strings.TrimSpace(r.Text)
	if r.Name == "" {
		return Invalid("name", "inbox.reply_name_required")
	}
	if utf8.RuneCountInString(r.Name) > 100 {
		return Invalid("name", "inbox.reply_name_too_long", 100)
	}
	if r.Text == "" {
		return Invalid("text", "inbox.reply_text_required")
	}
	if utf8.RuneCountInString(r.Text) > MaxPostText {
		return Invalid("text", "post.text_too_long", MaxPostText)
	}
	return nil
}

// SearchKind says what a saved search follows.
type SearchKind string

// Kinds of saved search.
const (
	SearchKeyword SearchKind = "keyword" // words, searched on every connected network
	SearchHashtag SearchKind = "hashtag" // a #hashtag's timeline on every connected network
	SearchFeed    SearchKind = "feed"    // an RSS, Atom or JSON feed: listening and curated content
)

// SavedSearch is what a workspace listens for.
type SavedSearch struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Kind      SearchKind `json:"kind"`
	Query     string     `json:"query"` // the words, the hashtag (without #), or the feed's URL
	Paused    bool       `json:"paused"`
	Error     string     `json:"error"` // the last poll's failure, if any: for people
	PolledAt  *time.Time `json:"polled_at"`
	CreatedAt time.Time  `json:"created_at"`
}

// Validate checks and normalises a saved search. Feed URLs are checked
// further by the feed reader.
func (s *SavedSearch) Validate() error {
	s.Name = strings.TrimSpace(s.Name)
	s.Query = strings.TrimSpace(s.Query)
	if s.Kind == SearchHashtag {
		s.Query = strings.TrimLeft(s.Query, "#")
	}
	if s.Name == "" {
		s.Name = s.Query
	}
	switch s.Kind {
	case SearchKeyword, SearchHashtag, SearchFeed:
	default:
		return Invalid("kind", "listening.bad_kind")
	}
	if s.Query == "" {
		return Invalid("query", "listening.query_required")
	}
	if utf8.RuneCountInString(s.Name) > 100 {
		return Invalid("name", "listening.name_too_long", 100)
	}
	if utf8.RuneCountInString(s.Query) > 500 {
		return Invalid("query", "listening.query_too_long", 500)
	}
	if s.Kind == SearchHashtag && strings.ContainsAny(s.Query, " \t\n#") {
		return Invalid("query", "listening.bad_hashtag")
	}
	return nil
}

// Term is the query a network's search is given: "#tag" for hashtags.
func (s *SavedSearch) Term() string {
	if s.Kind == SearchHashtag {
		return "#" + s.Query
	}
	return s.Query
}
