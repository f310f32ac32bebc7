package bluesky

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gears"
)

// The cursor of a list.
//
// The AppView lists notifications and search results newest first by a
// time (indexedAt in its answers: the earlier of the record's createdAt
// and the time the AppView indexed it), with a cursor that leads to older
// entries only. Gears needs the opposite: "everything up to here is
// taken, give me what is newer". So the connector keeps its own cursor, a
// point in that order: a time since, before which every entry is taken,
// and the entries at or after since that are taken too, by a short hash
// of their URI.
//
// since trails the newest entry taken by lateWindow, so that an entry
// that appears late with a time a little in the past (the AppView indexed
// it after the poll, and its createdAt is older than its indexing) is
// still found, once; and entries with the same time (ties) are told
// apart. The hashes kept are at most maxSeen (since moves up when there
// are more), so the cursor stays under about 1.5 KB.
//
// Written: "1 " + since (RFC 3339) + " " + the hashes, separated by
// spaces.
const (
	lateWindow = 2 * time.Minute
	maxSeen    = 100
)

// entry is one entry of a list: its key (the URI), its time, and the
// message it makes, nil when it is of a kind Gears does not read.
type entry struct {
	key string
	at  time.Time
	msg *gears.InboundMessage
}

// listCursor is a point in a newest-first list; the zero cursor is before
// the first poll.
type listCursor struct {
	since time.Time
	seen  map[string]bool
}

// entryHash is the short hash of an entry's key that a cursor keeps.
func entryHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return base64.RawURLEncoding.EncodeToString(sum[:9])
}

func parseListCursor(s string) (listCursor, error) {
	if s == "" {
		return listCursor{}, nil
	}
	fields := strings.Fields(s)
	if len(fields) < 2 || fields[0] != "1" {
		return listCursor{}, errors.New("not a cursor of this connector")
	}
	since, err := time.Parse(time.RFC3339Nano, fields[1])
	if err != nil {
		return listCursor{}, fmt.Errorf("cursor time: %w", err)
	}
	c := listCursor{since: since.UTC(), seen: make(map[string]bool, len(fields)-2)}
	for _, h := range fields[2:] {
		if len(h) != 12 {
			return listCursor{}, errors.New("cursor entry is not a hash")
		}
		c.seen[h] = true
	}
	return c, nil
}

func (c listCursor) String() string {
	if c.since.IsZero() {
		return ""
	}
	hashes := make([]string, 0, len(c.seen))
	for h := range c.seen {
		hashes = append(hashes, h)
	}
	slices.Sort(hashes)
	return strings.TrimSpace("1 " + c.since.UTC().Format(time.RFC3339Nano) + " " + strings.Join(hashes, " "))
}

// taken reports whether the cursor covers an entry.
func (c listCursor) taken(e entry) bool {
	return e.at.Before(c.since) || c.seen[entryHash(e.key)]
}

// readNewer reads a newest-first list through fetch (given the list's own
// cursor, "" for the newest page) from its newest entry back to the point
// cur names, and returns the messages of the entries cur does not cover,
// oldest first, with the cursor that covers them too. From the zero
// cursor it reads the newest page only; otherwise at most maxPages pages,
// and when the point is not reached by then, the entries older than the
// last page read are given up.
func readNewer(cur listCursor, fetch func(apiCursor string) ([]entry, string, error)) ([]gears.InboundMessage, listCursor, error) {
	first := cur.since.IsZero()
	pages := maxPages
	if first {
		pages = 1
	}
	var read []entry // every entry at or after cur.since, newest first
	complete := false
	apiCursor := ""
	for range pages {
		entries, next, err := fetch(apiCursor)
		if err != nil {
			return nil, cur, err
		}
		for _, e := range entries {
			if !first && e.at.Before(cur.since) {
				complete = true
				break
			}
			read = append(read, e)
		}
		if complete || next == "" || next == apiCursor || len(entries) == 0 {
			complete = true
			break
		}
		apiCursor = next
	}
	if len(read) == 0 {
		return nil, cur, nil
	}

	var msgs []gears.InboundMessage
	now := map[string]bool{}
	for i := len(read) - 1; i >= 0; i-- {
		e := read[i]
		h := entryHash(e.key)
		if cur.taken(e) || now[h] {
			continue
		}
		now[h] = true
		if e.msg != nil {
			msgs = append(msgs, *e.msg)
		}
	}

	// read holds every entry from floor on: the new cursor may start
	// anywhere from there.
	floor := cur.since
	if !complete {
		floor = read[len(read)-1].at
		for _, e := range read {
			floor = minTime(floor, e.at)
		}
	}
	newest := floor
	for _, e := range read {
		if e.at.After(newest) {
			newest = e.at
		}
	}
	next := listCursor{since: maxTime(floor, newest.Add(-lateWindow))}
	times := make([]time.Time, 0, len(read))
	for _, e := range read {
		if !e.at.Before(next.since) {
			times = append(times, e.at)
		}
	}
	if len(times) > maxSeen {
		slices.SortFunc(times, func(a, b time.Time) int { return b.Compare(a) })
		next.since = times[maxSeen-1]
	}
	next.seen = map[string]bool{}
	for _, e := range read {
		if !e.at.Before(next.since) {
			next.seen[entryHash(e.key)] = true
		}
	}
	if len(next.seen) > 2*maxSeen {
		// Ties at the boundary: move since past them; they are taken.
		next.since = next.since.Add(time.Nanosecond)
		for _, e := range read {
			if e.at.Before(next.since) {
				delete(next.seen, entryHash(e.key))
			}
		}
	}
	return msgs, next, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
