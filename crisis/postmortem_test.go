package crisis_test

import (
	"fmt"
	"maps"
	"testing"
	"time"

	"gears/crisis"
)

func TestSummarise(t *testing.T) {
	t.Parallel()
	opened := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	at := func(minutes int) time.Time { return opened.Add(time.Duration(minutes) * time.Minute) }
	ev := func(minutes int, kind string) crisis.Event { return crisis.Event{At: at(minutes), Kind: kind} }

	for _, tt := range []struct {
		name        string
		closed      time.Time
		events      []crisis.Event
		done, total int
		want        crisis.PostMortem
		wantByKind  map[string]int
	}{
		{
			name:   "a closed incident, events out of order",
			closed: at(180),
			events: []crisis.Event{
				ev(0, crisis.EventOpened), ev(30, crisis.EventPublished), ev(4, crisis.EventNote),
				ev(12, crisis.EventPaused), ev(7, crisis.EventChecklist), ev(150, crisis.EventResumed),
				ev(160, crisis.EventPublished), ev(180, crisis.EventClosed),
			},
			done: 8, total: 10,
			want: crisis.PostMortem{
				Duration: 3 * time.Hour, FirstAction: at(7), TimeToFirstAction: 7 * time.Minute,
				ChecklistDone: 8, ChecklistTotal: 10, Events: 8, Published: 2, Paused: 138 * time.Minute,
			},
			wantByKind: map[string]int{"opened": 1, "note": 1, "checklist": 1, "paused": 1, "resumed": 1, "published": 2, "closed": 1},
		},
		{
			name:   "still open: the duration runs to the last event, a pause too",
			events: []crisis.Event{ev(0, crisis.EventOpened), ev(20, crisis.EventPaused), ev(50, crisis.EventNote)},
			done:   0, total: 10,
			want: crisis.PostMortem{
				Duration: 50 * time.Minute, FirstAction: at(20), TimeToFirstAction: 20 * time.Minute,
				ChecklistTotal: 10, Events: 3, Paused: 30 * time.Minute,
			},
			wantByKind: map[string]int{"opened": 1, "paused": 1, "note": 1},
		},
		{
			name:       "no action at all",
			closed:     at(60),
			events:     []crisis.Event{ev(5, crisis.EventNote), ev(6, crisis.EventLinked), ev(60, crisis.EventClosed)},
			want:       crisis.PostMortem{Duration: time.Hour, Events: 3},
			wantByKind: map[string]int{"note": 1, "linked": 1, "closed": 1},
		},
		{
			name:   "an action logged before opening counts as at opening",
			closed: at(30),
			events: []crisis.Event{ev(-10, crisis.EventStatus)},
			done:   12, total: 10, // clamped
			want:       crisis.PostMortem{Duration: 30 * time.Minute, FirstAction: opened, ChecklistDone: 10, ChecklistTotal: 10, Events: 1},
			wantByKind: map[string]int{"status": 1},
		},
		{
			name:   "closed before opened: no negative durations",
			closed: at(-5),
			done:   -1, total: -3,
			want:       crisis.PostMortem{},
			wantByKind: map[string]int{},
		},
		{
			name:   "pause paused twice, resumed once, then closed",
			closed: at(100),
			events: []crisis.Event{ev(10, crisis.EventPaused), ev(20, crisis.EventPaused), ev(40, crisis.EventResumed), ev(70, crisis.EventPaused)},
			want: crisis.PostMortem{
				Duration: 100 * time.Minute, FirstAction: at(10), TimeToFirstAction: 10 * time.Minute,
				Events: 4, Paused: 30*time.Minute + 30*time.Minute,
			},
			wantByKind: map[string]int{"paused": 3, "resumed": 1},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			input := append([]crisis.Event(nil), tt.events...)
			got := crisis.Summarise(opened, tt.closed, input, tt.done, tt.total)
			want := tt.want
			want.Opened, want.Closed = opened, tt.closed
			if !maps.Equal(got.ByKind, tt.wantByKind) {
				t.Errorf("ByKind = %v, want %v", got.ByKind, tt.wantByKind)
			}
			if len(got.Timeline) != len(tt.events) {
				t.Errorf("timeline has %d events, want %d", len(got.Timeline), len(tt.events))
			}
			for i := 1; i < len(got.Timeline); i++ {
				if got.Timeline[i].At.Before(got.Timeline[i-1].At) {
					t.Errorf("timeline out of order at %d: %v", i, got.Timeline)
				}
			}
			for i := range input {
				if input[i] != tt.events[i] {
					t.Fatal("Summarise reordered the caller's events")
				}
			}
			got.ByKind, got.Timeline = nil, nil
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
				t.Errorf("Summarise =\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}

func TestPostMortemDone(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		done, total int
		want        float64
	}{{0, 0, 0}, {0, 4, 0}, {3, 4, 0.75}, {4, 4, 1}} {
		if got := (crisis.PostMortem{ChecklistDone: tt.done, ChecklistTotal: tt.total}).Done(); got != tt.want {
			t.Errorf("Done(%d/%d) = %v, want %v", tt.done, tt.total, got, tt.want)
		}
	}
}

func ExampleSummarise() {
	opened := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	p := crisis.Summarise(opened, opened.Add(2*time.Hour), []crisis.Event{
		{At: opened, Kind: crisis.EventOpened},
		{At: opened.Add(6 * time.Minute), Kind: crisis.EventPaused},
		{At: opened.Add(25 * time.Minute), Kind: crisis.EventPublished, Text: "holding statement"},
		{At: opened.Add(2 * time.Hour), Kind: crisis.EventClosed},
	}, 7, 10)
	fmt.Println(p.Duration, p.TimeToFirstAction, p.Paused, p.Published, p.Done())
	// Output: 2h0m0s 6m0s 1h54m0s 1 0.7
}
