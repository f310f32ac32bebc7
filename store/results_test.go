package store_test

import (
	"testing"
	"time"

	"gears/store"
	"gears/store/storetest"
)

func TestEpochDayIsTheLocalDate(t *testing.T) {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	// 23:30 UTC on 31 March is already 1 April in Madrid.
	at := time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC)
	utc, local := store.EpochDayForTest(at, time.UTC), store.EpochDayForTest(at, madrid)
	if want := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC).Unix() / 86400; utc != want {
		t.Errorf("UTC day %d, want %d", utc, want)
	}
	if local != utc+1 {
		t.Errorf("Madrid day %d, want %d", local, utc+1)
	}
}

func TestAddDailySums(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newPostFixture(t, db)
		at := f.now
		if l, v, err := store.AddDailyForTest(db, f.ws.ID, at, time.UTC, "mastodon", 3, 1250); err != nil || l != 3 || v != 1250 {
			t.Fatalf("first add: likes %d value %d, %v", l, v, err)
		}
		// A second reading adds its growth, which may be negative.
		if l, v, err := store.AddDailyForTest(db, f.ws.ID, at, time.UTC, "mastodon", -1, 50); err != nil || l != 2 || v != 1300 {
			t.Fatalf("second add: likes %d value %d, %v", l, v, err)
		}
		// Another network is another row.
		if l, _, err := store.AddDailyForTest(db, f.ws.ID, at, time.UTC, "bluesky", 7, 0); err != nil || l != 7 {
			t.Fatalf("other network: likes %d, %v", l, err)
		}
	})
}
