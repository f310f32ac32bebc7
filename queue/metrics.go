package queue

import "github.com/riverqueue/river"

// ReadMetrics asks for one account's due metrics to be read: the counts
// of its published posts whose reading is due, its follower count of the
// day, and the day's counts of the competitors read through it.
type ReadMetrics struct {
	AccountID int64 `json:"account_id"`
}

// Kind implements river.JobArgs.
func (ReadMetrics) Kind() string { return "read_metrics" }

// InsertOpts: one unfinished job per account (waiting, running or backing
// off: the rounds add none meanwhile), in the inbox's queue so that it
// never holds publishing back.
func (ReadMetrics) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, Queue: QueueInbox, UniqueOpts: uniqueArgsWhileUnfinished}
}
