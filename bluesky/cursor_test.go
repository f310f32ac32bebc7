package bluesky

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gears"
)

// list is a newest-first list served a page at a time, as the AppView
// serves notifications.
type list struct {
	entries []entry // newest first
	fetches int
	// overlap repeats the last entry of a page at the top of the next.
	overlap bool
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// add inserts an entry with key and time at, where it belongs.
func (l *list) add(key string, at time.Time) {
	e := entry{key: key, at: at, msg: &gears.InboundMessage{RemoteID: key}}
	i := slices.IndexFunc(l.entries, func(x entry) bool { return x.at.Before(at) })
	if i < 0 {
		i = len(l.entries)
	}
	l.entries = slices.Insert(l.entries, i, e)
}

func (l *list) fetch(apiCursor string) ([]entry, string, error) {
	l.fetches++
	start := 0
	if apiCursor != "" {
		start, _ = strconv.Atoi(apiCursor)
		if l.overlap && start > 0 {
			start--
		}
	}
	end := min(start+pageSize, len(l.entries))
	next := ""
	if end < len(l.entries) {
		next = strconv.Itoa(end)
	}
	return slices.Clone(l.entries[start:end]), next, nil
}

// poll reads with cursor and returns the keys and the next cursor,
// through the cursor's text form.
func (l *list) poll(t *testing.T, cursor string) ([]string, string) {
	t.Helper()
	cur, err := parseListCursor(cursor)
	if err != nil {
		t.Fatalf("parse %q: %v", cursor, err)
	}
	msgs, next, err := readNewer(cur, l.fetch)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range msgs {
		keys = append(keys, m.RemoteID)
	}
	s := next.String()
	if len(s) > 1600 {
		t.Errorf("cursor of %d bytes", len(s))
	}
	return keys, s
}

func keyRange(prefix string, from, to int) []string {
	var k []string
	for i := from; i < to; i++ {
		k = append(k, fmt.Sprintf("%s%d", prefix, i))
	}
	return k
}

func TestReadNewer(t *testing.T) {
	t.Parallel()
	l := &list{}
	got, cursor := l.poll(t, "")
	if got != nil || cursor != "" {
		t.Fatalf("empty list: %v %q", got, cursor)
	}

	// The first poll takes the newest page, oldest first.
	for i := range 120 {
		l.add(fmt.Sprint("a", i), t0.Add(time.Duration(i)*time.Second))
	}
	got, cursor = l.poll(t, "")
	if want := keyRange("a", 70, 120); !slices.Equal(got, want) {
		t.Fatalf("first poll: %v", got)
	}
	if l.fetches != 2 {
		t.Errorf("%d fetches", l.fetches)
	}
	got, cursor = l.poll(t, cursor)
	if len(got) != 0 {
		t.Fatalf("no news: %v", got)
	}

	// New entries, over two pages.
	for i := range 80 {
		l.add(fmt.Sprint("b", i), t0.Add(time.Duration(200+i)*time.Second))
	}
	got, cursor = l.poll(t, cursor)
	if want := keyRange("b", 0, 80); !slices.Equal(got, want) {
		t.Fatalf("80 new: %v", got)
	}

	// Ties: new entries with the newest time taken, and a late one a
	// minute back.
	last := t0.Add(279 * time.Second)
	l.add("tie1", last)
	l.add("tie2", last)
	l.add("late", last.Add(-time.Minute))
	l.add("too late", last.Add(-lateWindow-time.Second)) // before the window: given up
	got, cursor = l.poll(t, cursor)
	slices.Sort(got)
	if want := []string{"late", "tie1", "tie2"}; !slices.Equal(got, want) {
		t.Fatalf("ties and late: %v", got)
	}
	if got, _ := l.poll(t, cursor); len(got) != 0 {
		t.Fatalf("no news after ties: %v", got)
	}

	// Entries of kinds not read move the cursor on too.
	l.entries = slices.Insert(l.entries, 0, entry{key: "skipped", at: last.Add(time.Second)})
	got, cursor = l.poll(t, cursor)
	if len(got) != 0 || !strings.HasPrefix(cursor, "1 ") {
		t.Fatalf("skipped kind: %v %q", got, cursor)
	}
	cur, _ := parseListCursor(cursor)
	if !cur.seen[entryHash("skipped")] {
		t.Error("the skipped entry is not in the cursor")
	}
}

// TestReadNewerBacklog: beyond maxPages pages the oldest part is given
// up, and the next poll starts after what was read.
func TestReadNewerBacklog(t *testing.T) {
	t.Parallel()
	l := &list{}
	l.add("first", t0)
	_, cursor := l.poll(t, "")
	n := maxPages*pageSize + 30
	for i := range n {
		l.add(fmt.Sprint("c", i), t0.Add(time.Hour+time.Duration(i)*time.Second))
	}
	l.fetches = 0
	got, cursor := l.poll(t, cursor)
	if want := keyRange("c", 30, n); !slices.Equal(got, want) {
		t.Fatalf("backlog: %d messages, from %s", len(got), got[0])
	}
	if l.fetches != maxPages {
		t.Errorf("%d fetches, want %d", l.fetches, maxPages)
	}
	if got, _ := l.poll(t, cursor); len(got) != 0 {
		t.Fatalf("after the backlog: %d messages", len(got))
	}
}

// TestReadNewerSameTime: many entries with one time keep the cursor small
// and are taken once.
func TestReadNewerSameTime(t *testing.T) {
	t.Parallel()
	l := &list{overlap: true}
	l.add("first", t0)
	_, cursor := l.poll(t, "")
	for i := range 3 * maxSeen {
		l.add(fmt.Sprint("s", i), t0.Add(time.Minute))
	}
	got, cursor := l.poll(t, cursor)
	if len(got) != 3*maxSeen {
		t.Fatalf("%d messages, want %d", len(got), 3*maxSeen)
	}
	if got, _ := l.poll(t, cursor); len(got) != 0 {
		t.Fatalf("again: %d messages", len(got))
	}
}

// TestReadNewerRandom: entries arrive in bursts, late by up to a minute,
// with ties, and pages overlap; every entry is taken exactly once (as
// long as fewer than maxSeen arrive within lateWindow).
func TestReadNewerRandom(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	l := &list{overlap: true}
	seen := map[string]int{}
	var all []string
	now, cursor := t0, ""
	l.add("start", now)
	_, cursor = l.poll(t, cursor)
	for poll := range 200 {
		for i := range rng.IntN(12) {
			key := fmt.Sprintf("r%d.%d", poll, i)
			at := now.Add(-time.Duration(rng.IntN(60_000)) * time.Millisecond).Truncate(100 * time.Millisecond)
			l.add(key, at)
			all = append(all, key)
		}
		var got []string
		got, cursor = l.poll(t, cursor)
		for _, k := range got {
			seen[k]++
		}
		now = now.Add(time.Duration(rng.IntN(20_000)) * time.Millisecond)
	}
	for _, k := range all {
		if seen[k] != 1 {
			t.Errorf("%s taken %d times", k, seen[k])
		}
	}
}

func TestListCursorText(t *testing.T) {
	t.Parallel()
	c := listCursor{since: t0.Add(123456789 * time.Nanosecond), seen: map[string]bool{entryHash("a"): true, entryHash("b"): true}}
	s := c.String()
	back, err := parseListCursor(s)
	if err != nil || !back.since.Equal(c.since) || len(back.seen) != 2 || back.String() != s {
		t.Errorf("%q → %+v, %v", s, back, err)
	}
	for _, bad := range []string{"x", "1", "2 2026-01-01T00:00:00Z", "1 yesterday", "1 2026-01-01T00:00:00Z short"} {
		if _, err := parseListCursor(bad); err == nil {
			t.Errorf("parseListCursor(%q) accepted", bad)
		}
	}
}
