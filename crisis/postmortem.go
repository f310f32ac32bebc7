package crisis

import (
	"slices"
	"time"
)

// The kinds of event of an incident's timeline. Other kinds are kept and
// counted, but none of them is an action.
const (
	EventOpened    = "opened"    // the incident was opened
	EventStatus    = "status"    // its status or severity changed
	EventNote      = "note"      // someone wrote a note
	EventChecklist = "checklist" // a checklist item was done
	EventLinked    = "linked"    // a conversation or post was linked to it
	EventPublished = "published" // a statement was published
	EventPaused    = "paused"    // scheduled posts were paused
	EventResumed   = "resumed"   // scheduled posts were resumed
	EventClosed    = "closed"    // the incident was closed
)

// Event is one entry of an incident's timeline.
type Event struct {
	At   time.Time
	Kind string // one of the Event… constants
	Text string
}

// isAction reports whether an event of that kind is the team acting on the
// incident (a note or a link is talk, opening and closing are bookkeeping).
func isAction(kind string) bool {
	switch kind {
	case EventStatus, EventChecklist, EventPublished, EventPaused, EventResumed:
		return true
	}
	return false
}

// PostMortem summarises an incident's timeline for its closing report.
type PostMortem struct {
	Opened time.Time
	Closed time.Time // zero while the incident is open
	// Duration runs from Opened to Closed, or to the last event while the
	// incident is open.
	Duration time.Duration
	// FirstAction is when the first status change, checklist item, pause,
	// resumption or publication happened; zero if none did, and then
	// TimeToFirstAction is zero too. Earlier events count as at Opened.
	FirstAction       time.Time
	TimeToFirstAction time.Duration
	ChecklistDone     int // clamped to 0…ChecklistTotal
	ChecklistTotal    int
	Events            int            // events in the timeline
	ByKind            map[string]int // events per kind
	Published         int            // statements published
	// Paused is how long scheduled posts stayed paused; a pause still on
	// at the end runs to Closed (or the last event).
	Paused   time.Duration
	Timeline []Event // the events by time (stable), a copy
}

// Done is the share of the checklist done, 0…1 (0 for an empty checklist).
func (p PostMortem) Done() float64 {
	if p.ChecklistTotal == 0 {
		return 0
	}
	return float64(p.ChecklistDone) / float64(p.ChecklistTotal)
}

// Summarise builds the post-mortem of an incident opened at opened and
// closed at closed (zero while it is open) from its events, in any order.
func Summarise(opened, closed time.Time, events []Event, checklistDone, checklistTotal int) PostMortem {
	p := PostMortem{
		Opened:         opened,
		Closed:         closed,
		ChecklistTotal: max(checklistTotal, 0),
		Events:         len(events),
		ByKind:         make(map[string]int),
		Timeline:       slices.Clone(events),
	}
	p.ChecklistDone = min(max(checklistDone, 0), p.ChecklistTotal)
	slices.SortStableFunc(p.Timeline, func(a, b Event) int { return a.At.Compare(b.At) })

	end := closed
	if end.IsZero() && len(p.Timeline) > 0 {
		end = p.Timeline[len(p.Timeline)-1].At
	}
	if end.After(opened) {
		p.Duration = end.Sub(opened)
	}

	var pausedAt time.Time
	for _, e := range p.Timeline {
		p.ByKind[e.Kind]++
		at := e.At
		if at.Before(opened) {
			at = opened
		}
		if isAction(e.Kind) && p.FirstAction.IsZero() {
			p.FirstAction = at
			p.TimeToFirstAction = at.Sub(opened)
		}
		switch e.Kind {
		case EventPublished:
			p.Published++
		case EventPaused:
			if pausedAt.IsZero() {
				pausedAt = at
			}
		case EventResumed:
			if !pausedAt.IsZero() {
				p.Paused += at.Sub(pausedAt)
				pausedAt = time.Time{}
			}
		}
	}
	if !pausedAt.IsZero() && end.After(pausedAt) {
		p.Paused += end.Sub(pausedAt)
	}
	return p
}
