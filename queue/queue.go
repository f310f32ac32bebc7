// Package queue names the background jobs that rows ask for: their
// arguments, inserted by package store in the transaction of the rows they
// serve, and worked by package jobs. It holds data only.
package queue

import (
	"encoding/json"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Publish asks for one delivery of a post to be published. Version is the
// delivery's version when the job was inserted: editing, rescheduling or
// cancelling the post bumps it, so an older job finds it stale and does
// nothing.
type Publish struct {
	DeliveryID int64 `json:"delivery_id"`
	Version    int64 `json:"version"`
	// Urgent deliveries go out while publishing is paused: holding
	// statements and other unscheduled messages.
	Urgent bool `json:"urgent,omitempty"`
}

// Kind implements river.JobArgs.
func (Publish) Kind() string { return "publish" }

// InsertOpts: many attempts (the worker decides what is final), and one
// job per delivery version.
func (Publish) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 25, Queue: QueuePublish, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// QueuePublish is the queue of publishing jobs, apart from housekeeping.
const QueuePublish = "publish"

// Notify asks for one event to be sent to one alert channel of a
// workspace (a signed webhook or an e-mail). Data is the event's subject
// as JSON: the incident, or the crisis alert.
type Notify struct {
	ChannelID   int64           `json:"channel_id"`
	WorkspaceID int64           `json:"workspace_id"`
	EventID     string          `json:"event_id"`
	Type        string          `json:"type"`
	Data        json.RawMessage `json:"data"`
	CreatedAt   int64           `json:"created_at"` // Unix ms
}

// Kind implements river.JobArgs.
func (Notify) Kind() string { return "notify" }

// InsertOpts: alerts are retried for about a day (the worker backs off
// up to an hour), then given up.
func (Notify) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 30, Queue: QueueInbox}
}

// PollAccount asks for one account's notifications to be read.
type PollAccount struct {
	AccountID int64 `json:"account_id"`
}

// Kind implements river.JobArgs.
func (PollAccount) Kind() string { return "poll_account" }

// InsertOpts: one unfinished poll per account (waiting, running or
// backing off after a temporary failure: the rounds add none meanwhile).
func (PollAccount) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, Queue: QueueInbox, UniqueOpts: uniqueArgsWhileUnfinished}
}

// WhileUnfinished makes a job unique while it waits, runs or backs off:
// once it has finished, the next one can be inserted.
var WhileUnfinished = river.UniqueOpts{ByState: unfinished}

var uniqueArgsWhileUnfinished = river.UniqueOpts{ByArgs: true, ByState: unfinished}

var unfinished = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled}

// PollSearch asks for one saved search to be read on every network.
type PollSearch struct {
	SearchID int64 `json:"search_id"`
}

// Kind implements river.JobArgs.
func (PollSearch) Kind() string { return "poll_search" }

// InsertOpts: like PollAccount.
func (PollSearch) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, Queue: QueueInbox, UniqueOpts: uniqueArgsWhileUnfinished}
}

// QueueInbox is the queue of listening and alerting jobs, so that a slow
// network never holds publishing back.
const QueueInbox = "inbox"
