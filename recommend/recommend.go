// Package recommend turns a workspace's own results and hours into
// recommendations, each with the evidence it rests on: the best times to
// post per network, weak channels, activities whose hours grow without
// results, and activities whose planned hours no longer match the work.
//
// The statistics are simple and explainable (medians, ratios, the
// least-squares slope over weeks) and deterministic. A rule speaks only
// when its evidence is sufficient (the thresholds below); with too little
// data it says what is missing instead of guessing. Everything a person
// reads is a Message, translated by package locale. See
// docs/recommendations.md.
package recommend

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Kind is what a recommendation is about.
type Kind string

// The kinds of recommendation, in the order Analyze returns them.
const (
	KindBestTime            Kind = "best_time"
	KindWeakChannel         Kind = "weak_channel"
	KindHoursWithoutResults Kind = "hours_without_results"
	KindEstimateMismatch    Kind = "estimate_mismatch"
)

// Kinds lists every kind, in order.
var Kinds = []Kind{KindBestTime, KindWeakChannel, KindHoursWithoutResults, KindEstimateMismatch}

// Status says whether a recommendation is advice or a note that the data
// do not suffice.
type Status string

// The statuses.
const (
	Advice           Status = "advice"
	InsufficientData Status = "insufficient_data"
)

// Thresholds: the evidence each rule needs before it speaks, and what
// counts as far below, growing or flat.
const (
	// Best times: a network needs MinNetworkPosts posts published over at
	// least MinNetworkWeeks distinct weeks; a slot (weekday × band of
	// BandHours hours) needs MinSlotPosts posts, and is recommended when
	// its median engagements per post reach MinLift × the network's
	// median. At most TopSlots slots per network.
	MinNetworkPosts = 20
	MinNetworkWeeks = 4
	MinSlotPosts    = 3
	BandHours       = 3
	MinLift         = 1.2
	TopSlots        = 3

	// Weak channels: the period covers at least MinChannelDays days; a
	// channel (an account) needs MinChannelPosts posts, and at least two
	// channels must have them. A channel is weak when its engagements per
	// post are at most WeakRatio × the median of the other channels',
	// its network's clicks and conversions per post (when counted) do not
	// make up for it, and its followers grew by at most FlatFollowers (a
	// share of where they started) over a history of at least
	// MinFollowerDays days.
	MinChannelDays  = 28
	MinChannelPosts = 10
	WeakRatio       = 0.5
	FlatFollowers   = 0.01
	MinFollowerDays = 14

	// Hours without results: at least MinTrendWeeks complete weeks, the
	// activity tracked in at least MinActiveWeeks of them. Hours grow when
	// the fitted rise over the weeks (slope × (weeks − 1)) is at least
	// HoursRise × the mean and at least MinHoursRise hours; results rise
	// when their fitted rise is positive and at least ResultRise × the
	// absolute mean.
	MinTrendWeeks  = 6
	MinActiveWeeks = 4
	HoursRise      = 0.2
	MinHoursRise   = 1.0
	ResultRise     = 0.05

	// Estimate mismatch: tracked hours differ from the planned ones by
	// more than MismatchShare of the plan and at least MinMismatchHours,
	// in the same direction, for at least MinMismatchWeeks consecutive
	// complete weeks.
	MismatchShare    = 0.3
	MinMismatchHours = 1.0
	MinMismatchWeeks = 3
)

// Result is a measure of results that activities serve.
type Result string

// The results.
const (
	Engagements Result = "engagements" // replies + reposts + likes + quotes
	Replies     Result = "replies"
	Followers   Result = "followers" // net new followers of the own accounts
	Clicks      Result = "clicks"
	Conversions Result = "conversions"
)

// Serves maps the activities whose work should show in a result to that
// result. Activities not here (monitoring, crisis management, research,
// the strategy documents, metrics and reports) serve listening,
// preparation or measurement, which no count shows; they are not judged.
var Serves = map[string]Result{
	"maintenance.engagement": Replies,
	"maintenance.calendar":   Engagements,
	"maintenance.curation":   Engagements,
	"maintenance.graphics":   Engagements,
	"maintenance.blogs":      Clicks,
	"strategy.followers":     Followers,
	"strategy.campaigns":     Conversions,
}

// Post is one published post (one delivery) and the engagements it has had.
type Post struct {
	Network     string
	At          time.Time // published, in the workspace's time zone
	Engagements int64     // replies + reposts + likes + quotes, the latest counts
}

// Channel is one account's results over the period.
type Channel struct {
	Network     string
	AccountID   int64
	Handle      string
	Posts       int
	Engagements int64
	Followers   *FollowerChange // nil: no follower counts in the period
}

// FollowerChange is an account's first and last follower count of the
// period, Days apart.
type FollowerChange struct {
	Start, End int64
	Days       int
}

// Links are a network's clicks on tracked links and conversions over the
// period.
type Links struct {
	Clicks, Conversions int64
}

// Activity is one activity's planned and tracked hours per week, aligned
// with Inputs.Weeks. Planned is the sum of its tasks' weekly budgets.
type Activity struct {
	Key              string
	Planned, Tracked []float64
}

// Inputs is everything Analyze reads. Dates are the workspace's local
// dates: the period is [From, To).
type Inputs struct {
	From, To time.Time
	// Weeks are the Mondays of the complete weeks of the period, oldest
	// first; Activities and Results are aligned with them.
	Weeks    []time.Time
	Posts    []Post
	Channels []Channel
	// Links per network; empty when no click or conversion was counted in
	// the period (links not in use): clicks then play no part.
	Links      map[string]Links
	Activities []Activity
	// Results per week; a result absent from the map is not measured.
	Results map[Result][]float64
	// CountedWeeks is how many weeks of counts of work done (posts,
	// conversations, reports) calibration has; CalibrationWeeks how many
	// it needs. An estimate mismatch says which.
	CountedWeeks, CalibrationWeeks int
}

// ErrInvalid is wrapped by Validate's errors.
var ErrInvalid = errors.New("recommend: invalid input")

// Validate rejects series not aligned with the weeks, negative counts and
// numbers that are not finite.
func (in Inputs) Validate() error {
	if !in.To.After(in.From) {
		return fmt.Errorf("%w: the period ends before it starts", ErrInvalid)
	}
	n := len(in.Weeks)
	for _, a := range in.Activities {
		if len(a.Planned) != n || len(a.Tracked) != n {
			return fmt.Errorf("%w: activity %s has %d planned and %d tracked weeks, want %d", ErrInvalid, a.Key, len(a.Planned), len(a.Tracked), n)
		}
		if !finite(a.Planned) || !finite(a.Tracked) {
			return fmt.Errorf("%w: activity %s has hours that are not finite", ErrInvalid, a.Key)
		}
	}
	for r, s := range in.Results {
		if len(s) != n {
			return fmt.Errorf("%w: result %s has %d weeks, want %d", ErrInvalid, r, len(s), n)
		}
		if !finite(s) {
			return fmt.Errorf("%w: result %s is not finite", ErrInvalid, r)
		}
	}
	for _, c := range in.Channels {
		if c.Posts < 0 || c.Engagements < 0 || (c.Followers != nil && c.Followers.Days < 0) {
			return fmt.Errorf("%w: channel %s has negative counts", ErrInvalid, c.Handle)
		}
	}
	if in.CountedWeeks < 0 || in.CalibrationWeeks < 0 {
		return fmt.Errorf("%w: negative weeks of calibration", ErrInvalid)
	}
	for nw, l := range in.Links {
		if l.Clicks < 0 || l.Conversions < 0 {
			return fmt.Errorf("%w: network %s has negative clicks or conversions", ErrInvalid, nw)
		}
	}
	return nil
}

func finite(xs []float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) || x < -1e12 || x > 1e12 {
			return false
		}
	}
	return true
}

// Recommendation is one piece of advice, or a note that a rule lacks the
// data to give it, with the evidence it rests on. Figures are the numbers
// of the evidence for machines (their names are in
// docs/recommendations.md).
type Recommendation struct {
	Kind        Kind
	Status      Status
	Network     string // the network it is about, if any
	AccountID   int64  // the account it is about, if any
	ActivityKey string // the activity it is about, if any
	Text        Message
	Evidence    []Message
	Figures     map[string]float64
}

// Analyze applies every rule to in. The result is deterministic: by kind
// (Kinds' order), then as each rule orders its findings.
func Analyze(in Inputs) ([]Recommendation, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out []Recommendation
	out = append(out, BestTimes(in.Posts)...)
	out = append(out, WeakChannels(in)...)
	out = append(out, HoursWithoutResults(in)...)
	out = append(out, EstimateMismatches(in)...)
	return out, nil
}
