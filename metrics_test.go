package gears_test

import (
	"errors"
	"testing"
	"time"

	"gears"
)

func TestNextReading(t *testing.T) {
	pub := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		after time.Duration
		want  time.Duration // 0: the schedule is over
	}{
		{0, time.Hour},
		{time.Hour, 6 * time.Hour},
		{5 * time.Hour, 6 * time.Hour},
		{6 * time.Hour, 24 * time.Hour},
		{2 * 24 * time.Hour, 3 * 24 * time.Hour},
		{10 * 24 * time.Hour, 30 * 24 * time.Hour}, // missed readings are not made up one by one
		{30 * 24 * time.Hour, 0},
	} {
		got, ok := gears.NextReading(pub, pub.Add(c.after))
		if c.want == 0 {
			if ok {
				t.Errorf("after %v: next %v, want none", c.after, got)
			}
			continue
		}
		if !ok || !got.Equal(pub.Add(c.want)) {
			t.Errorf("after %v: next %v, %v; want +%v", c.after, got, ok, c.want)
		}
	}
}

func TestCountsValidate(t *testing.T) {
	for _, c := range []struct {
		counts gears.PostCounts
		field  string
	}{
		{gears.PostCounts{Replies: 1, Reposts: 2, Likes: 3, Quotes: 4}, ""},
		{gears.PostCounts{Likes: -1}, "likes"},
		{gears.PostCounts{Quotes: gears.MaxCount + 1}, "quotes"},
		{gears.PostCounts{Replies: gears.MaxCount}, ""},
	} {
		err := c.counts.Validate()
		if c.field == "" && err != nil || c.field != "" && fieldOf(err) != c.field {
			t.Errorf("%+v: %v, want field %q", c.counts, err, c.field)
		}
	}
	if err := (gears.ProfileCounts{Followers: -2}).Validate(); fieldOf(err) != "followers" {
		t.Errorf("negative followers: %v", err)
	}
	if g := (gears.PostCounts{Likes: 5, Replies: 1}).Sub(gears.PostCounts{Likes: 7}); g != (gears.PostCounts{Likes: -2, Replies: 1}) {
		t.Errorf("Sub = %+v", g)
	}
}

func TestValidatePeriod(t *testing.T) {
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := gears.ValidatePeriod(day, day.AddDate(0, 0, 365)); err != nil {
		t.Errorf("366 days: %v", err)
	}
	if err := gears.ValidatePeriod(day, day.AddDate(0, 0, 366)); fieldOf(err) != "to" {
		t.Errorf("367 days: %v", err)
	}
	if err := gears.ValidatePeriod(day, day.AddDate(0, 0, -1)); fieldOf(err) != "to" {
		t.Errorf("reversed: %v", err)
	}
}

// fieldOf returns the field an *gears.Error names ("" for none).
func fieldOf(err error) string {
	var e *gears.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
