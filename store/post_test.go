package store_test

import (
	"context"
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
)

type postFixture struct {
	*planFixture
	posts    *store.PostService
	acct     int64
	acct2    int64
	manager  *gears.User
	schedule time.Time
	now      time.Time
}

func newPostFixture(t *testing.T, db *store.DB) *postFixture {
	f := &postFixture{planFixture: newPlanFixture(t, db), posts: store.NewPostService(db, nil)}
	f.now = time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	db.SetNow(func() time.Time { return f.now })
	f.schedule = f.now.Add(2 * time.Hour)
	var err error
	if f.acct, err = store.InsertAccountForTest(db, f.ws.ID, gears.Mastodon, "@aurora@example.social"); err != nil {
		t.Fatal(err)
	}
	if f.acct2, err = store.InsertAccountForTest(db, f.ws.ID, gears.Bluesky, "@aurora.example.com"); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *postFixture) input(at *time.Time) gears.PostInput {
	return gears.PostInput{Text: "Fresh roast: Huila, Colombia", AccountIDs: []int64{f.acct, f.acct2}, ScheduledAt: at,
		Variants: map[string]gears.Variant{}, Tags: []string{"#coffee", " "}}
}

func jobsOf(t *testing.T, db *store.DB) [][2]int64 {
	t.Helper()
	j, err := store.JobsForTest(db)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestPostLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newPostFixture(t, db)
		// An owner's post with a time is scheduled at once, with one job per account.
		p, err := f.posts.CreatePost(as(f.owner), f.ws.ID, f.input(&f.schedule))
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != gears.PostScheduled || len(p.Deliveries) != 2 || p.Deliveries[0].Status != gears.DeliveryScheduled || len(p.Tags) != 1 || p.Tags[0] != "coffee" {
			t.Fatalf("created %+v", p)
		}
		if j := jobsOf(t, db); len(j) != 2 {
			t.Fatalf("jobs = %v", j)
		}
		// Rescheduling replaces the jobs: the old ones are stale by version.
		later := f.schedule.Add(24 * time.Hour)
		p, err = f.posts.Reschedule(as(f.owner), f.ws.ID, p.ID, later)
		if err != nil || !p.ScheduledAt.Equal(later) || p.Status != gears.PostScheduled {
			t.Fatalf("reschedule = %+v, %v", p, err)
		}
		versions := map[int64]int64{}
		for _, j := range jobsOf(t, db) {
			versions[j[0]] = max(versions[j[0]], j[1])
		}
		if len(versions) != 2 {
			t.Fatalf("jobs after reschedule: %v", jobsOf(t, db))
		}
		for _, v := range versions {
			if v < 2 {
				t.Errorf("the newest job of a delivery has version %d", v)
			}
		}
		// Deleting cancels every delivery in the same transaction.
		if err := f.posts.DeletePost(as(f.owner), f.ws.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.posts.FindPost(as(f.owner), f.ws.ID, p.ID)
		wantCode(t, err, gears.ENOTFOUND)
	})
}

func TestApproval(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newPostFixture(t, db)
		// An editor's post with a time waits for approval; no job yet.
		p, err := f.posts.CreatePost(as(f.editor), f.ws.ID, f.input(&f.schedule))
		if err != nil || p.Status != gears.PostInReview {
			t.Fatalf("editor's post = %+v, %v", p, err)
		}
		if j := jobsOf(t, db); len(j) != 0 {
			t.Fatalf("jobs before approval: %v", j)
		}
		_, err = f.posts.ApprovePost(as(f.editor), f.ws.ID, p.ID)
		wantCode(t, err, gears.EFORBIDDEN)
		_, err = f.posts.SendBack(as(f.bo), f.ws.ID, p.ID, " ")
		wantCode(t, err, gears.EINVALID)
		p, err = f.posts.SendBack(as(f.bo), f.ws.ID, p.ID, "Mention the Huila farm by name")
		if err != nil || p.Status != gears.PostDraft {
			t.Fatalf("send back = %+v, %v", p, err)
		}
		comments, err := f.posts.FindComments(as(f.editor), f.ws.ID, p.ID)
		if err != nil || len(comments) != 1 || comments[0].Body != "Mention the Huila farm by name" {
			t.Fatalf("comments = %+v, %v", comments, err)
		}
		if p, err = f.posts.SubmitPost(as(f.editor), f.ws.ID, p.ID); err != nil || p.Status != gears.PostInReview {
			t.Fatalf("submit = %+v, %v", p, err)
		}
		// The client's approver approves: scheduled, jobs inserted.
		if p, err = f.posts.ApprovePost(as(f.bo), f.ws.ID, p.ID); err != nil || p.Status != gears.PostScheduled {
			t.Fatalf("approve = %+v, %v", p, err)
		}
		if j := jobsOf(t, db); len(j) != 2 {
			t.Fatalf("jobs after approval: %v", j)
		}
		// With approval required, even the owner's posts wait.
		if err := f.posts.SetApprovalRequired(as(f.owner), f.ws.ID, true); err != nil {
			t.Fatal(err)
		}
		q, err := f.posts.CreatePost(as(f.owner), f.ws.ID, f.input(&f.schedule))
		if err != nil || q.Status != gears.PostInReview {
			t.Fatalf("owner's post with approval required = %+v, %v", q, err)
		}
		_, err = f.posts.PublishNow(as(f.editor), f.ws.ID, q.ID)
		wantCode(t, err, gears.EFORBIDDEN)
	})
}

func TestPostValidation(t *testing.T) {
	t.Parallel()
	f := newPostFixture(t, storetest.Open(t, store.SQLite))
	ctx := as(f.owner)
	past := f.now.Add(-time.Hour)
	for name, tt := range map[string]struct {
		mod   func(*gears.PostInput)
		field string
	}{
		"empty":             {func(in *gears.PostInput) { in.Text = "  " }, "text"},
		"no accounts":       {func(in *gears.PostInput) { in.AccountIDs = nil }, "account_ids"},
		"foreign account":   {func(in *gears.PostInput) { in.AccountIDs = []int64{9999} }, "account_ids"},
		"past":              {func(in *gears.PostInput) { in.ScheduledAt = &past }, "scheduled_at"},
		"content type":      {func(in *gears.PostInput) { in.ContentType = "meme" }, "content_type"},
		"variant elsewhere": {func(in *gears.PostInput) { in.Variants = map[string]gears.Variant{"777": {Text: "x"}} }, "variants"},
		"unknown media":     {func(in *gears.PostInput) { in.MediaIDs = []int64{42} }, "media_ids"},
	} {
		in := f.input(&f.schedule)
		tt.mod(&in)
		_, err := f.posts.CreatePost(ctx, f.ws.ID, in)
		if e := gears.AsError(err); e.Code != gears.EINVALID || e.Field != tt.field {
			t.Errorf("%s: %v, want invalid %s", name, err, tt.field)
		}
	}
	_, err := f.posts.CreatePost(as(f.bo), f.ws.ID, f.input(nil))
	wantCode(t, err, gears.EFORBIDDEN)
}

func TestPauseHoldsAndResumeRequeues(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newPostFixture(t, db)
		p, err := f.posts.CreatePost(as(f.owner), f.ws.ID, f.input(&f.schedule))
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.posts.SetPaused(as(f.editor), f.ws.ID, true), gears.EFORBIDDEN)
		if err := f.posts.SetPaused(as(f.owner), f.ws.ID, true); err != nil {
			t.Fatal(err)
		}
		pub := store.NewPublisher(db, store.NewAccountService(db, nil, nil))
		jobs := jobsOf(t, db)
		f.now = f.schedule.Add(time.Minute)
		for _, j := range jobs {
			_, err := pub.Begin(context.Background(), j[0], j[1], false)
			if s, ok := err.(*store.Skip); !ok || s.Reason != "paused" {
				t.Fatalf("paused delivery: %v", err)
			}
		}
		if err := f.posts.SetPaused(as(f.owner), f.ws.ID, false); err != nil {
			t.Fatal(err)
		}
		after := jobsOf(t, db)
		if len(after) != 4 {
			t.Fatalf("resume must give each delivery a new job: %v", after)
		}
		// The old jobs are stale now.
		if _, err := pub.Begin(context.Background(), jobs[0][0], jobs[0][1], false); err == nil {
			t.Fatal("an old job began after resume")
		} else if s, ok := err.(*store.Skip); !ok || s.Reason != "stale" {
			t.Fatalf("old job: %v", err)
		}
		got, _ := f.posts.FindPost(as(f.owner), f.ws.ID, p.ID)
		if got.Status != gears.PostScheduled {
			t.Errorf("status after resume = %s", got.Status)
		}
	})
}
