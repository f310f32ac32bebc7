package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
)

type inboxFixture struct {
	*postFixture
	inbox *store.InboxService
	src   store.Source
}

func newInboxFixture(t *testing.T, db *store.DB) *inboxFixture {
	f := &inboxFixture{postFixture: newPostFixture(t, db)}
	f.inbox = store.NewInboxService(db, f.posts)
	f.src = store.Source{WorkspaceID: f.ws.ID, Network: gears.Mastodon, AccountID: &f.acct}
	return f
}

// mention builds a message as a connector reports it.
func mention(id, thread, text string, at time.Time) gears.InboundMessage {
	return gears.InboundMessage{RemoteID: id, Kind: gears.KindMention, Thread: thread, Post: gears.PostRef{ID: id},
		Reply:  gears.ReplyTo{Parent: gears.PostRef{ID: id}, Root: gears.PostRef{ID: thread}},
		Author: gears.RemoteAccount{ID: "9", Handle: "reader@example.social", DisplayName: "A reader"}, Text: text, CreatedAt: at}
}

func cursorPtr(s string) *string { return &s }

func TestIngestDeduplicatesAndThreads(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newInboxFixture(t, db)
		ctx := context.Background()
		at := f.now.Add(-time.Hour)
		batch := []gears.InboundMessage{
			mention("101", "101", "Your delivery was late again, awful service", at),
			mention("102", "101", "Still waiting for a refund", at.Add(time.Minute)),
			mention("102", "101", "Still waiting for a refund", at.Add(time.Minute)), // twice in one batch
			mention("200", "200", "Thanks, the new blend is wonderful!", at.Add(2*time.Minute)),
			{RemoteID: "favourite:9:55", Kind: gears.KindFavourite, Thread: "55", Author: gears.RemoteAccount{Handle: "fan@example.social"}, CreatedAt: at},
		}
		res, err := f.inbox.Ingest(ctx, f.src, batch, cursorPtr("c1"))
		if err != nil {
			t.Fatal(err)
		}
		if res.New != 4 || res.Duplicates != 1 || len(res.Conversations) != 3 {
			t.Fatalf("first batch: %+v", res)
		}
		// The same messages again (a poll retried after a crash): nothing new.
		res, err = f.inbox.Ingest(ctx, f.src, batch, cursorPtr("c1"))
		if err != nil {
			t.Fatal(err)
		}
		if res.New != 0 || res.Duplicates != 5 {
			t.Fatalf("second batch: %+v", res)
		}
		// A reply to message 102 (a reply to a reply) joins its conversation.
		if _, err := f.inbox.Ingest(ctx, f.src, []gears.InboundMessage{mention("103", "102", "Any news?", at.Add(3*time.Minute))}, cursorPtr("c2")); err != nil {
			t.Fatal(err)
		}
		list, err := f.inbox.FindConversations(as(f.editor), f.ws.ID, gears.ConversationFilter{Stream: gears.StreamMentions})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 {
			t.Fatalf("mention conversations = %d, want 2", len(list))
		}
		late := list[1]
		if list[0].Count == 3 {
			late = list[0]
		}
		if late.Count != 3 || len(late.Messages) != 3 || late.Messages[2].Text != "Any news?" || late.Sentiment == "" {
			t.Fatalf("threaded conversation: %+v", late)
		}
		if !strings.HasPrefix(late.Subject, "Your delivery was late") || late.Status != gears.ConversationOpen {
			t.Fatalf("subject/status: %q %s", late.Subject, late.Status)
		}
		// Activity needs no answer.
		act, err := f.inbox.FindConversations(as(f.editor), f.ws.ID, gears.ConversationFilter{Stream: gears.StreamActivity})
		if err != nil {
			t.Fatal(err)
		}
		if len(act) != 1 || act[0].Status != gears.ConversationClosed {
			t.Fatalf("activity: %+v", act)
		}
		// Sentiment and full-text filters.
		neg, err := f.inbox.FindConversations(as(f.editor), f.ws.ID, gears.ConversationFilter{Sentiment: gears.Positive})
		if err != nil {
			t.Fatal(err)
		}
		if len(neg) != 1 || !strings.Contains(neg[0].Subject, "wonderful") {
			t.Fatalf("positive: %+v", neg)
		}
		for q, want := range map[string]int{"refund": 1, "REFUND": 1, "refu": 0, "refu*": 1, "ré*": 0, "réfund": 1, "wonderful": 1, "nothing-like-this": 0, `"; DROP TABLE messages; --`: 0, "reader": 2} {
			got, err := f.inbox.FindConversations(as(f.editor), f.ws.ID, gears.ConversationFilter{Query: q})
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			if len(got) != want {
				t.Errorf("search %q: %d conversations, want %d", q, len(got), want)
			}
		}
	})
}

// TestIngestBatchMatchesOneByOne checks that conversations made by one
// batch (written at once, as they stand after it) are what the same
// messages make one at a time: count, times, status, stream, subject and
// the last message's sentiment. 63 threads use every statement size.
func TestIngestBatchMatchesOneByOne(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newInboxFixture(t, db)
		ctx := context.Background()
		other, err := store.InsertAccountForTest(db, f.ws.ID, gears.Mastodon, "@other@example.social")
		if err != nil {
			t.Fatal(err)
		}
		one := store.Source{WorkspaceID: f.ws.ID, Network: gears.Mastodon, AccountID: &other}
		at := f.now.Add(-2 * time.Hour)
		var batch []gears.InboundMessage
		for k := range 63 {
			thread := fmt.Sprint(1000 + k)
			first := mention(thread, thread, fmt.Sprintf("Thread %d: awful service, late again", k), at.Add(time.Duration(k)*time.Minute))
			second := mention(thread+"-2", thread, fmt.Sprintf("Thread %d: thanks, wonderful!", k), first.CreatedAt.Add(30*time.Second))
			switch k % 3 {
			case 1: // activity, then a mention: open
				first.Kind, first.Text = gears.KindFavourite, ""
				first.Author.Handle = fmt.Sprintf("fan%d@example.social", k)
			case 2: // activity only: closed
				first.Kind, first.Text = gears.KindFavourite, ""
				first.Author.Handle = fmt.Sprintf("fan%d@example.social", k)
				second.Kind, second.Text = gears.KindRepost, ""
			}
			// Newest first, as the networks list them.
			batch = append([]gears.InboundMessage{second, first}, batch...)
		}
		res, err := f.inbox.Ingest(ctx, f.src, slices.Clone(batch), nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.New != 126 || len(res.Conversations) != 63 {
			t.Fatalf("batch: %d new, %d conversations", res.New, len(res.Conversations))
		}
		for i := len(batch) - 1; i >= 0; i-- {
			if _, err := f.inbox.Ingest(ctx, one, batch[i:i+1], nil); err != nil {
				t.Fatal(err)
			}
		}
		find := func(account int64) map[string]*gears.Conversation {
			out := map[string]*gears.Conversation{}
			for _, stream := range []gears.Stream{gears.StreamMentions, gears.StreamActivity} {
				list, err := f.inbox.FindConversations(as(f.editor), f.ws.ID, gears.ConversationFilter{AccountID: &account, Stream: stream, Limit: 200})
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range list {
					out[c.Subject] = c
				}
			}
			if len(out) != 63 {
				t.Fatalf("account %d: %d conversations, want 63", account, len(out))
			}
			return out
		}
		batched, single := find(f.acct), find(other)
		for subject, b := range batched {
			s := single[subject]
			if s == nil {
				t.Fatalf("%q: not made one by one", subject)
			}
			if b.Count != 2 || b.Count != s.Count || b.Status != s.Status || b.Stream != s.Stream || b.Sentiment != s.Sentiment || b.Score != s.Score ||
				!b.FirstAt.Equal(s.FirstAt) || !b.LastAt.Equal(s.LastAt) || len(b.Messages) != 2 || b.Messages[1].Text != s.Messages[1].Text {
				t.Errorf("%q: batch %+v, one by one %+v", subject, b, s)
			}
		}
		// The cases themselves, beyond agreeing.
		if c := batched["Thread 0: awful service, late again"]; c.Status != gears.ConversationOpen || c.Sentiment != gears.Positive || c.Stream != gears.StreamMentions {
			t.Errorf("mentions: %+v", c)
		}
		if c := batched["fan1@example.social"]; c.Status != gears.ConversationOpen || c.Stream != gears.StreamActivity {
			t.Errorf("activity, then a mention: %+v", c)
		}
		if c := batched["fan2@example.social"]; c.Status != gears.ConversationClosed || c.Stream != gears.StreamActivity {
			t.Errorf("activity only: %+v", c)
		}
	})
}

func TestReplyGoesOutInTheThread(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		storetest.InsertOnlyJobs(t, db)
		f := newInboxFixture(t, db)
		ctx := context.Background()
		if _, err := f.inbox.Ingest(ctx, f.src, []gears.InboundMessage{mention("301", "300", "Is the shop open on Sunday?", f.now.Add(-30*time.Minute))}, cursorPtr("x")); err != nil {
			t.Fatal(err)
		}
		list, err := f.inbox.FindConversations(as(f.editor), f.ws.ID, gears.ConversationFilter{})
		if err != nil || len(list) != 1 {
			t.Fatalf("%v %v", list, err)
		}
		c := list[0]
		// An analyst may read but not answer; an outsider sees nothing.
		if _, err := f.inbox.Reply(as(f.bo), f.ws.ID, c.ID, "Yes!", nil); gears.ErrorCode(err) != gears.EFORBIDDEN {
			t.Fatalf("approver replying: %v", err)
		}
		stranger := mustUser(t, db, "stranger@example.com")
		if _, err := f.inbox.FindConversation(as(stranger), f.ws.ID, c.ID); gears.ErrorCode(err) != gears.ENOTFOUND {
			t.Fatalf("stranger: %v", err)
		}
		if _, err := f.inbox.Reply(as(f.editor), f.ws.ID, c.ID, "  ", nil); gears.ErrorCode(err) != gears.EINVALID {
			t.Fatalf("empty reply: %v", err)
		}
		ans, err := f.inbox.Reply(as(f.editor), f.ws.ID, c.ID, "Yes, from 10:00 to 14:00.", nil)
		if err != nil {
			t.Fatal(err)
		}
		if ans.Delivery == nil || ans.Delivery.AccountID != f.acct || !ans.Message.Outbound {
			t.Fatalf("answer: %+v", ans)
		}
		// The reply is a post due now, with its thread, and one job.
		p, err := f.posts.FindPost(as(f.editor), f.ws.ID, ans.PostID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != gears.PostScheduled || p.ScheduledAt == nil || p.ScheduledAt.After(f.now) {
			t.Fatalf("reply post: %+v", p)
		}
		if n := len(jobsOf(t, db)); n != 1 {
			t.Fatalf("jobs = %d, want 1", n)
		}
		// The calendar does not show answers.
		posts, err := f.posts.FindPosts(as(f.editor), f.ws.ID, gears.PostFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range posts {
			if x.ID == ans.PostID {
				t.Fatal("an answer is on the calendar")
			}
		}
		got, err := f.inbox.FindConversation(as(f.editor), f.ws.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != gears.ConversationWaiting || got.RespondedAt == nil || got.FirstResponse(f.now) != 30*time.Minute || got.Count != 2 {
			t.Fatalf("after reply: %+v", got)
		}
		// Someone writes again: the conversation opens again.
		if _, err := f.inbox.Ingest(ctx, f.src, []gears.InboundMessage{mention("302", "301", "Great, thanks", f.now)}, cursorPtr("y")); err != nil {
			t.Fatal(err)
		}
		if got, _ = f.inbox.FindConversation(as(f.editor), f.ws.ID, c.ID); got.Status != gears.ConversationOpen || got.Count != 3 {
			t.Fatalf("after new message: %+v", got)
		}
		// Assign, close, note.
		closed, zero := gears.ConversationClosed, int64(0)
		if _, err := f.inbox.UpdateConversation(as(f.editor), f.ws.ID, c.ID, gears.ConversationUpdate{AssigneeID: &stranger.ID}); gears.ErrorCode(err) != gears.EINVALID {
			t.Fatalf("assign to a stranger: %v", err)
		}
		got, err = f.inbox.UpdateConversation(as(f.editor), f.ws.ID, c.ID, gears.ConversationUpdate{Status: &closed, AssigneeID: &f.editor.ID})
		if err != nil || got.Status != closed || got.AssigneeID == nil || *got.AssigneeID != f.editor.ID {
			t.Fatalf("update: %+v %v", got, err)
		}
		mine, err := f.inbox.FindConversations(as(f.editor), f.ws.ID, gears.ConversationFilter{AssigneeID: &f.editor.ID})
		if err != nil || len(mine) != 1 {
			t.Fatalf("assigned to me: %v %v", mine, err)
		}
		if got, err = f.inbox.UpdateConversation(as(f.editor), f.ws.ID, c.ID, gears.ConversationUpdate{AssigneeID: &zero}); err != nil || got.AssigneeID != nil {
			t.Fatalf("unassign: %+v %v", got, err)
		}
		if _, err := f.inbox.AddNote(as(f.editor), f.ws.ID, c.ID, "Customer since 2019"); err != nil {
			t.Fatal(err)
		}
		notes, err := f.inbox.FindNotes(as(f.bo), f.ws.ID, c.ID)
		if err != nil || len(notes) != 1 || notes[0].Author == "" {
			t.Fatalf("notes: %+v %v", notes, err)
		}
	})
}

func TestHostileInboundIsKeptAsText(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newInboxFixture(t, db)
		m := mention("666", "666", "<script>alert(1)</script>\x00\x07 bad\xffbytes", f.now)
		m.URL = "javascript:alert(1)"
		m.Author.URL = "https://example.social/@x"
		m.CreatedAt = f.now.Add(24 * time.Hour) // in the future
		if _, err := f.inbox.Ingest(context.Background(), f.src, []gears.InboundMessage{m}, nil); err != nil {
			t.Fatal(err)
		}
		list, err := f.inbox.FindConversations(as(f.editor), f.ws.ID, gears.ConversationFilter{})
		if err != nil || len(list) != 1 {
			t.Fatal(list, err)
		}
		got := list[0].Messages[0]
		if got.Text != "<script>alert(1)</script> bad\uFFFDbytes" || got.URL != "" || got.AuthorURL == "" || got.CreatedAt.After(f.now) {
			t.Fatalf("stored: %+v", got)
		}
	})
}

func TestSavedRepliesAndSearches(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newInboxFixture(t, db)
		r, err := f.inbox.CreateSavedReply(as(f.editor), f.ws.ID, gears.SavedReply{Name: "Thanks", Text: "Thank you, {name}! — {agent}, {workspace}"})
		if err != nil {
			t.Fatal(err)
		}
		if got := (gears.ReplyVariables{Handle: "ana@example.social", Agent: "Luz", Workspace: "Aurora"}).Expand(r.Text); got != "Thank you, ana@example.social! — Luz, Aurora" {
			t.Fatalf("expand: %q", got)
		}
		ls := store.NewListeningService(db, nil)
		if _, err := ls.CreateSearch(as(f.editor), f.ws.ID, gears.SavedSearch{Kind: gears.SearchHashtag, Query: "#aurora coffee"}, nil); gears.ErrorCode(err) != gears.EINVALID {
			t.Fatalf("hashtag with a space: %v", err)
		}
		s, err := ls.CreateSearch(as(f.editor), f.ws.ID, gears.SavedSearch{Kind: gears.SearchHashtag, Query: "#aurora"}, nil)
		if err != nil || s.Query != "aurora" || s.Name != "aurora" {
			t.Fatalf("search: %+v %v", s, err)
		}
		src := store.Source{WorkspaceID: f.ws.ID, Network: gears.Mastodon, SearchID: &s.ID, AccountID: &f.acct}
		match := mention("900", "900", "Loving #aurora coffee", f.now)
		match.Kind = gears.KindMatch
		if _, err := f.inbox.Ingest(context.Background(), src, []gears.InboundMessage{match}, cursorPtr("900")); err != nil {
			t.Fatal(err)
		}
		// A feed keeps one cursor of its own.
		feed, err := ls.CreateSearch(as(f.editor), f.ws.ID, gears.SavedSearch{Kind: gears.SearchFeed, Query: "https://example.org/feed.xml"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		item := mention("https://example.org/a", "https://example.org/a", "A post\n\nAbout coffee", f.now)
		item.Kind = gears.KindMatch
		if _, err := f.inbox.Ingest(context.Background(), store.Source{WorkspaceID: f.ws.ID, Network: gears.Feed, SearchID: &feed.ID}, []gears.InboundMessage{item}, cursorPtr("etag-1")); err != nil {
			t.Fatal(err)
		}
		poll, err := ls.PollSearch(context.Background(), feed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if poll.FeedCursor != "etag-1" || poll.Search.PolledAt == nil {
			t.Fatalf("feed poll: %+v", poll)
		}
		if err := ls.SetSearchPaused(as(f.editor), f.ws.ID, feed.ID, true); err != nil {
			t.Fatal(err)
		}
		var skip *store.Skip
		if _, err := ls.PollSearch(context.Background(), feed.ID); !errors.As(err, &skip) {
			t.Fatalf("a paused search is polled: %v", err)
		}
		list, err := f.inbox.FindConversations(as(f.editor), f.ws.ID, gears.ConversationFilter{SearchID: &s.ID})
		if err != nil || len(list) != 1 || list[0].Stream != gears.StreamListening {
			t.Fatalf("listening: %+v %v", list, err)
		}
	})
}

// BenchmarkIngest measures ingestion — deduplication, sentiment, the
// full-text index and threading — in batches of 500 on SQLite.
func BenchmarkIngest(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	_, ws, acct := benchWorkspace(b, db)
	inbox := store.NewInboxService(db, store.NewPostService(db, nil))
	src := store.Source{WorkspaceID: ws, Network: gears.Mastodon, AccountID: &acct}
	batch := 500
	if v := os.Getenv("GEARS_BENCH_BATCH"); v != "" {
		fmt.Sscan(v, &batch)
	}
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		msgs := make([]gears.InboundMessage, batch)
		for j := range msgs {
			msgs[j] = benchMessage(n)
			n++
		}
		if _, err := inbox.Ingest(context.Background(), src, msgs, cursorPtr(fmt.Sprint(n))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
}

var benchWords = strings.Fields(`coffee delivery late refund thanks love awful service order shop open sunday great
	beans roast blend price broken cup machine support help wait week month today new store city aurora barista
	milk sugar decaf espresso latte slow fast friendly rude staff queue card payment app website error login`)

func benchMessage(n int) gears.InboundMessage {
	var b strings.Builder
	x := uint32(n)*2654435761 + 1
	for w := 0; w < 18; w++ {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b.WriteString(benchWords[x%uint32(len(benchWords))])
		b.WriteByte(' ')
	}
	id := fmt.Sprint(n)
	thread := fmt.Sprint(n - n%4)
	return mention(id, thread, b.String(), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n)*time.Second))
}

func benchWorkspace(b testing.TB, db *store.DB) (context.Context, int64, int64) {
	u, err := store.NewUserService(db).CreateUser(context.Background(), gears.UserCreate{Email: "bench@example.com", Name: "Bench", Password: "correct horse battery"})
	if err != nil {
		b.Fatal(err)
	}
	ws, err := store.NewWorkspaceService(db).CreateWorkspace(as(u), gears.WorkspaceCreate{Name: "Bench", Timezone: "UTC"})
	if err != nil {
		b.Fatal(err)
	}
	acct, err := store.InsertAccountForTest(db, ws.ID, gears.Mastodon, "@bench@example.social")
	if err != nil {
		b.Fatal(err)
	}
	return as(u), ws.ID, acct
}

// BenchmarkSearch measures the inbox's full-text search over 1,000,000
// messages on SQLite (GEARS_BENCH_MESSAGES changes the count): each
// iteration is one search of the inbox's first page, for one or two words,
// and the 95th percentile is reported.
func BenchmarkSearch(b *testing.B) {
	total := 1_000_000
	if v := os.Getenv("GEARS_BENCH_MESSAGES"); v != "" {
		fmt.Sscan(v, &total)
	}
	db := storetest.Open(b, store.SQLite)
	ctx, ws, acct := benchWorkspace(b, db)
	inbox := store.NewInboxService(db, store.NewPostService(db, nil))
	src := store.Source{WorkspaceID: ws, Network: gears.Mastodon, AccountID: &acct}
	start := time.Now()
	for n := 0; n < total; {
		msgs := make([]gears.InboundMessage, 0, 1000)
		for ; len(msgs) < cap(msgs) && n < total; n++ {
			msgs = append(msgs, benchMessage(n))
		}
		if _, err := inbox.Ingest(context.Background(), src, msgs, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("ingested %d messages in %s", total, time.Since(start).Round(time.Second))
	queries := []string{"refund", "late delivery", "espresso machine", "rude staff", "barista", "payment error", "decaf", "sunday open", "broken cup", "app login"}
	var took []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		list, err := inbox.FindConversations(ctx, ws, gears.ConversationFilter{Query: queries[i%len(queries)]})
		if err != nil {
			b.Fatal(err)
		}
		if len(list) == 0 {
			b.Fatalf("no results for %q", queries[i%len(queries)])
		}
		took = append(took, time.Since(t0))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}

func TestReplyInTheSameBatchJoinsItsParent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newInboxFixture(t, db)
		at := f.now.Add(-time.Hour)
		// Mastodon names the post answered as the thread: 502 answers 501,
		// 503 answers 502, all read in one poll.
		batch := []gears.InboundMessage{
			mention("503", "502", "third", at.Add(2*time.Minute)),
			mention("501", "501", "first", at),
			mention("502", "501", "second", at.Add(time.Minute)),
		}
		res, err := f.inbox.Ingest(context.Background(), f.src, batch, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.New != 3 || len(res.Conversations) != 1 {
			t.Fatalf("one thread became %d conversations: %+v", len(res.Conversations), res)
		}
	})
}
