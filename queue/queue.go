// Package queue names the background jobs that rows ask for: their
// arguments, inserted by package store in the transaction of the rows they
// serve, and worked by package jobs. It holds data only.
package queue

import "github.com/riverqueue/river"

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
