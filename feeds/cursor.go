package feeds

import (
	"encoding/json"
	"time"
)

// maxSeen is how many item IDs (hashed) a cursor remembers.
const maxSeen = 300

// state is what a cursor remembers between reads: the validators for the
// conditional GET, the hashed IDs of the items seen (newest first), and
// the date of the oldest item among them (items dated before it are old).
type state struct {
	ETag     string    `json:"etag,omitempty"`
	Modified string    `json:"modified,omitempty"`
	Floor    time.Time `json:"floor,omitzero"`
	Seen     []string  `json:"seen,omitempty"`
}

// decodeCursor reads a cursor; false for "" or a cursor that is not one.
func decodeCursor(s string) (state, bool) {
	if s == "" {
		return state{}, false
	}
	var st state
	if err := json.Unmarshal([]byte(s), &st); err != nil {
		return state{}, false
	}
	return st, true
}

func (st state) encode() string {
	b, err := json.Marshal(st)
	if err != nil {
		panic(err) // strings, a time and a slice of strings always encode
	}
	return string(b)
}

// remember sets what the next read knows: the items of this document
// (newest first, but those held back for the next read), then those
// remembered before, up to maxSeen; and the oldest date among this
// document's items kept (the previous floor when none is dated).
func (st *state) remember(all []entry, held map[string]bool, prev state) {
	keep := make(map[string]bool, maxSeen)
	for i := len(all) - 1; i >= 0 && len(st.Seen) < maxSeen; i-- {
		e := all[i]
		if held[e.hash] || keep[e.hash] {
			continue
		}
		keep[e.hash] = true
		st.Seen = append(st.Seen, e.hash)
		if !e.date.IsZero() && (st.Floor.IsZero() || e.date.Before(st.Floor)) {
			st.Floor = e.date
		}
	}
	for _, h := range prev.Seen {
		if len(st.Seen) >= maxSeen {
			break
		}
		if !held[h] && !keep[h] {
			keep[h] = true
			st.Seen = append(st.Seen, h)
		}
	}
	if st.Floor.IsZero() {
		st.Floor = prev.Floor
	}
}
