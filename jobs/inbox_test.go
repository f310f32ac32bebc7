package jobs_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"gears"
	"gears/feeds"
	"gears/jobs"
	"gears/mastodon"
	"gears/mastodon/mastodontest"
	"gears/queue"
	"gears/store"
	"gears/store/storetest"
	"gears/vault"
)

// listening is a workspace with a Mastodon account on a test server, the
// services the listening and crisis jobs use, and, once started, a job
// client working them.
type listening struct {
	db         *store.DB
	ctx        context.Context // as the workspace's owner
	ws         *gears.Workspace
	server     *mastodontest.Server
	remote     mastodontest.Account // the connected account, on the server
	account    *gears.Account
	connectors store.Connectors
	accounts   *store.AccountService
	posts      *store.PostService
	listen     *store.ListeningService
	inbox      *store.InboxService
	crisis     *store.CrisisService
	incidents  *store.IncidentService
	publisher  *store.Publisher
	jobs       *jobs.Client
}

func newListening(t *testing.T, db *store.DB) *listening {
	t.Helper()
	l := &listening{db: db, server: mastodontest.New(t, mastodontest.Config{})}
	l.remote = l.server.AddAccount("aurora")
	conn := mastodon.New(&http.Client{Timeout: 5 * time.Second})
	l.connectors = store.Connectors{gears.Mastodon: conn}
	key := make([]byte, vault.KeySize)
	rand.Read(key)
	v, err := vault.New(key)
	if err != nil {
		t.Fatal(err)
	}
	l.accounts = store.NewAccountService(db, v, l.connectors)
	l.posts = store.NewPostService(db, l.connectors)
	l.listen = store.NewListeningService(db, l.accounts)
	l.inbox = store.NewInboxService(db, l.posts)
	l.crisis = store.NewCrisisService(db, v)
	l.incidents = store.NewIncidentService(db)
	l.publisher = store.NewPublisher(db, l.accounts)
	ctx := context.Background()
	u, err := store.NewUserService(db).CreateUser(ctx, gears.UserCreate{Email: "owner@example.com", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	l.ctx = gears.NewContextWithUser(ctx, u)
	if l.ws, err = store.NewWorkspaceService(db).CreateWorkspace(l.ctx, gears.WorkspaceCreate{Name: "Aurora"}); err != nil {
		t.Fatal(err)
	}
	l.account, err = l.accounts.ConnectAccount(l.ctx, l.ws.ID, gears.AccountConnect{Network: gears.Mastodon, Server: l.server.URL, AccessToken: l.remote.Token})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// start starts a job client working the listening jobs and, when c is
// not nil, crisis mode's. With periodic, the periodic jobs run once at
// start; the next poll round is an hour away, so that it does not get in
// the way of the polls a test makes itself.
func (l *listening) start(t *testing.T, periodic bool, c *jobs.Crisis) {
	t.Helper()
	cfg := jobs.Config{DB: l.db, Logger: slog.New(slog.DiscardHandler), PollInterval: 20 * time.Millisecond, NoPeriodic: !periodic,
		Inbox: &jobs.Inbox{Listening: l.listen, Inbox: l.inbox, Publisher: l.publisher, Connectors: l.connectors,
			Feeds: &feeds.Reader{}, Every: time.Hour},
		Crisis: c}
	var err error
	if l.jobs, err = jobs.New(cfg); err != nil {
		t.Fatal(err)
	}
	if err := l.jobs.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		l.jobs.Stop(ctx)
	})
}

// work inserts a job and waits until it is finalized, and returns it. A
// unique job already waiting or running is waited for first: the job
// worked starts after the call.
func (l *listening) work(t *testing.T, args river.JobArgs) *rivertype.JobRow {
	t.Helper()
	for {
		res, err := l.jobs.Insert(context.Background(), args, nil)
		if err != nil {
			t.Fatal(err)
		}
		job := l.waitJob(t, res.Job.ID)
		if !res.UniqueSkippedAsDuplicate {
			return job
		}
	}
}

func (l *listening) waitJob(t *testing.T, id int64) *rivertype.JobRow {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		job, err := l.jobs.JobGet(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		// Finished, or failed and backing off before its next attempt.
		if job.FinalizedAt != nil || job.State == rivertype.JobStateRetryable {
			return job
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d (%s) is still %s", id, job.Kind, job.State)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// poll polls the account once, and fails the test unless the job
// completed.
func (l *listening) poll(t *testing.T) {
	t.Helper()
	if job := l.work(t, queue.PollAccount{AccountID: l.account.ID}); job.State != rivertype.JobStateCompleted {
		t.Fatalf("account poll %s: %v", job.State, job.Errors)
	}
}

// row reads one row with a query written with ? placeholders.
func (l *listening) row(t *testing.T, q string, args []any, dest ...any) {
	t.Helper()
	if err := l.db.SQL().QueryRowContext(context.Background(), l.rebind(q), args...).Scan(dest...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (l *listening) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := l.db.SQL().ExecContext(context.Background(), l.rebind(q), args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (l *listening) rebind(q string) string {
	if l.db.Dialect() != store.Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// inboxState is what the account's row says of its polls.
type inboxState struct {
	cursor, err  string
	limitedUntil time.Time
}

func (l *listening) inboxState(t *testing.T) inboxState {
	t.Helper()
	var s inboxState
	var limited int64
	l.row(t, `SELECT inbox_cursor, inbox_error, limited_until FROM accounts WHERE id = ?`, []any{l.account.ID}, &s.cursor, &s.err, &limited)
	s.limitedUntil = time.UnixMilli(limited)
	return s
}

// conversations lists the workspace's conversations of a filter.
func (l *listening) conversations(t *testing.T, f gears.ConversationFilter) []*gears.Conversation {
	t.Helper()
	f.Limit = 200
	list, err := l.inbox.FindConversations(l.ctx, l.ws.ID, f)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// messageCounts counts the messages stored by remote ID, across every
// conversation.
func (l *listening) messageCounts(t *testing.T) map[string]int {
	t.Helper()
	rows, err := l.db.SQL().QueryContext(context.Background(), l.rebind(`SELECT remote_id FROM messages WHERE workspace_id = ?`), l.ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out[id]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPollAccount reads an account's notifications end to end: the
// periodic round polls it, mentions arrive once however often it is
// polled, and the cursor follows; a refused token and a rate limit are
// recorded without stopping anything.
func TestPollAccount(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := newListening(t, db)
		fan := l.server.AddRemoteAccount("fan", "example.social")
		critic := l.server.AddAccount("critic")
		first := l.server.Mention(fan.ID, "@aurora Do you ship to Portugal?", mastodontest.StatusOptions{})
		l.server.Mention(critic.ID, "@aurora Terrible service, my order arrived broken", mastodontest.StatusOptions{})

		l.start(t, true, nil)
		// The first round runs at once and reads both mentions.
		waitFor(t, func() bool { return len(l.messageCounts(t)) == 2 })
		mentions := l.conversations(t, gears.ConversationFilter{Stream: gears.StreamMentions})
		if len(mentions) != 2 {
			t.Fatalf("%d conversations in mentions, want 2", len(mentions))
		}
		for _, c := range mentions {
			if c.Network != gears.Mastodon || c.AccountID == nil || *c.AccountID != l.account.ID || c.Count != 1 || c.Status != gears.ConversationOpen {
				t.Errorf("conversation %+v", c)
			}
		}
		if mentions[0].Sentiment != gears.Negative {
			t.Errorf("the newest conversation (the complaint) is %s", mentions[0].Sentiment)
		}
		if s := l.inboxState(t); s.cursor == "" || s.err != "" {
			t.Fatalf("after the first poll: %+v", s)
		}

		// More happens: a reply in the first thread, a new mention, a
		// favourite of the account's own post.
		own := l.server.AddStatus(l.remote.ID, "Fresh roast today", time.Now())
		l.server.Mention(fan.ID, "@aurora And to Madeira?", mastodontest.StatusOptions{InReplyToID: first.ID})
		l.server.Mention(critic.ID, "@aurora Still waiting for a refund", mastodontest.StatusOptions{})
		l.server.Favourite(critic.ID, own.ID)
		for range 3 {
			l.poll(t)
		}
		counts := l.messageCounts(t)
		if len(counts) != 5 {
			t.Errorf("%d messages stored, want 5: %v", len(counts), counts)
		}
		for id, n := range counts {
			if n != 1 {
				t.Errorf("message %s stored %d times", id, n)
			}
		}
		thread := l.conversations(t, gears.ConversationFilter{Query: "Portugal"})
		if len(thread) != 1 || thread[0].Count != 2 {
			t.Errorf("the reply did not join its thread: %+v", thread)
		}
		if n := len(l.conversations(t, gears.ConversationFilter{Stream: gears.StreamActivity})); n != 1 {
			t.Errorf("%d conversations in activity, want the favourite", n)
		}
		notes := l.server.Notifications(l.remote.ID)
		if s := l.inboxState(t); s.cursor != notes[len(notes)-1].ID {
			t.Errorf("cursor %q, want the newest notification %q", s.cursor, notes[len(notes)-1].ID)
		}

		// The token is refused: the error is recorded, the job ends, the
		// account needs reconnecting (and is not polled until it is), and
		// the next good poll after reconnecting clears the error.
		l.server.Inject("GET /api/v1/notifications", 1, mastodontest.Fault{Status: 401, Body: `{"error":"The access token was revoked"}`})
		l.poll(t)
		s := l.inboxState(t)
		if !strings.Contains(s.err, "revoked") {
			t.Errorf("inbox_error after a 401 = %q", s.err)
		}
		var status string
		l.row(t, `SELECT status FROM accounts WHERE id = ?`, []any{l.account.ID}, &status)
		if status != string(gears.AccountNeedsReconnect) {
			t.Errorf("account status after a 401 = %q, want %q", status, gears.AccountNeedsReconnect)
		}
		refused := l.server.Requests("GET /api/v1/notifications")
		l.poll(t)
		if n := l.server.Requests("GET /api/v1/notifications"); n != refused {
			t.Errorf("an account needing reconnection was polled: %d requests, then %d", refused, n)
		}
		if _, err := l.accounts.ConnectAccount(l.ctx, l.ws.ID, gears.AccountConnect{Network: gears.Mastodon, Server: l.server.URL, AccessToken: l.remote.Token}); err != nil {
			t.Fatal(err)
		}
		l.server.Mention(fan.ID, "@aurora Is the Huila blend back in stock?", mastodontest.StatusOptions{})
		l.poll(t)
		if s := l.inboxState(t); s.err != "" {
			t.Errorf("inbox_error after a good poll = %q", s.err)
		}
		if n := len(l.messageCounts(t)); n != 6 {
			t.Errorf("%d messages after the 401, want 6", n)
		}

		// The server says the limit is spent: the account is held, and not
		// polled while it is.
		l.server.Inject("GET /api/v1/notifications", 1, mastodontest.Fault{Status: 429, Header: http.Header{"Retry-After": {"120"}}})
		before := time.Now()
		l.poll(t)
		s = l.inboxState(t)
		if s.limitedUntil.Before(before.Add(110*time.Second)) || s.limitedUntil.After(time.Now().Add(125*time.Second)) {
			t.Errorf("limited_until = %v, want about two minutes from %v", s.limitedUntil, before)
		}
		if s.err == "" {
			t.Error("no inbox_error after a 429")
		}
		requests := l.server.Requests("GET /api/v1/notifications")
		l.poll(t)
		if n := l.server.Requests("GET /api/v1/notifications"); n != requests {
			t.Errorf("a held account was polled: %d requests, then %d", requests, n)
		}
	})
}

// feed is an RSS feed served on 127.0.0.1 that the test adds items to
// and makes fail.
type feed struct {
	mu          sync.Mutex
	items       []int // item numbers, oldest first
	failing     bool
	notModified int // conditional GETs answered 304
	srv         *httptest.Server
	base        time.Time
}

func newFeed(t *testing.T, n int) *feed {
	f := &feed{base: time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Second)}
	for i := 1; i <= n; i++ {
		f.items = append(f.items, i)
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *feed) add() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.items) + 1
	f.items = append(f.items, n)
	return n
}

func (f *feed) fail(v bool) {
	f.mu.Lock()
	f.failing = v
	f.mu.Unlock()
}

func (f *feed) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failing {
		http.Error(w, "database unavailable", http.StatusInternalServerError)
		return
	}
	etag := fmt.Sprintf(`"v%d"`, len(f.items))
	if r.Header.Get("If-None-Match") == etag {
		f.notModified++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	w.Header().Set("ETag", etag)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Coffee news</title><link>https://news.example/</link><language>en</language>`)
	for i := len(f.items) - 1; i >= 0; i-- {
		n := f.items[i]
		fmt.Fprintf(&b, `<item><title>Roasters item %d</title><link>https://news.example/%d</link><guid>item-%d</guid><pubDate>%s</pubDate><description>About Aurora, item %d.</description></item>`,
			n, n, n, f.base.Add(time.Duration(n)*time.Hour).Format(time.RFC1123Z), n)
	}
	b.WriteString(`</channel></rss>`)
	_, _ = w.Write([]byte(b.String()))
}

// TestPollFeed follows a feed through a saved search: its items become
// conversations of the listening stream, a new item arrives once, and a
// failing feed is shown on the search until it works again.
func TestPollFeed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := newListening(t, db)
		f := newFeed(t, 25)
		search, err := l.listen.CreateSearch(l.ctx, l.ws.ID, gears.SavedSearch{Name: "News", Kind: gears.SearchFeed, Query: f.srv.URL + "/feed.xml"},
			func(s *gears.SavedSearch) error { return feeds.ValidateURL(s.Query) })
		if err != nil {
			t.Fatal(err)
		}
		stream := gears.ConversationFilter{Stream: gears.StreamListening, SearchID: &search.ID}
		l.start(t, false, nil)
		// A round polls the search, which reads the feed's latest 20 items,
		// not its history.
		if job := l.work(t, jobs.PollRoundArgs{}); job.State != rivertype.JobStateCompleted {
			t.Fatalf("poll round: %s %v", job.State, job.Errors)
		}
		waitFor(t, func() bool { return len(l.conversations(t, stream)) >= 20 })
		list := l.conversations(t, stream)
		if len(list) != 20 {
			t.Fatalf("%d conversations, want the latest 20 items", len(list))
		}
		for _, c := range list {
			if c.Network != gears.Feed || c.AccountID != nil || c.SearchID == nil || *c.SearchID != search.ID || c.Count != 1 {
				t.Errorf("conversation %+v", c)
			}
		}
		if subj := list[0].Subject; !strings.HasPrefix(subj, "Roasters item 25") {
			t.Errorf("newest conversation %q, want item 25", subj)
		}
		if n := len(l.conversations(t, gears.ConversationFilter{Network: gears.Feed})); n != 20 {
			t.Errorf("%d conversations of network feed", n)
		}

		pollSearch := func() *rivertype.JobRow { return l.work(t, queue.PollSearch{SearchID: search.ID}) }
		// Unchanged: the stored cursor makes the read conditional.
		if job := pollSearch(); job.State != rivertype.JobStateCompleted {
			t.Fatalf("poll of an unchanged feed: %s %v", job.State, job.Errors)
		}
		f.mu.Lock()
		if f.notModified != 1 {
			t.Errorf("%d answers 304 for an unchanged feed, want 1", f.notModified)
		}
		f.mu.Unlock()
		n := f.add()
		for range 3 {
			if job := pollSearch(); job.State != rivertype.JobStateCompleted {
				t.Fatalf("poll: %s %v", job.State, job.Errors)
			}
		}
		counts := l.messageCounts(t)
		if len(counts) != 21 || counts["item-"+strconv.Itoa(n)] != 1 {
			t.Errorf("after a new item: %d messages, item %d stored %d times", len(counts), n, counts["item-"+strconv.Itoa(n)])
		}

		// The feed fails: the search says why, the poll backs off to try
		// again; the next good read clears the error.
		f.fail(true)
		if job := pollSearch(); job.State != rivertype.JobStateRetryable {
			t.Errorf("a poll of a failing feed ended %s, want retryable (backing off)", job.State)
		} else if _, err := l.jobs.JobCancel(context.Background(), job.ID); err != nil {
			t.Fatal(err)
		}
		got, err := l.listen.FindSearch(l.ctx, l.ws.ID, search.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Error == "" || got.PolledAt == nil {
			t.Errorf("after a 500: error %q, polled at %v", got.Error, got.PolledAt)
		}
		f.fail(false)
		pollSearch()
		if got, err = l.listen.FindSearch(l.ctx, l.ws.ID, search.ID); err != nil {
			t.Fatal(err)
		}
		if got.Error != "" {
			t.Errorf("after the feed recovered: error %q", got.Error)
		}
		if n := len(l.messageCounts(t)); n != 21 {
			t.Errorf("%d messages in the end, want 21", n)
		}
	})
}

// sky is a Bluesky connector that only listens: its searches find what
// the test gives them, or fail as the test says.
type sky struct {
	mu      sync.Mutex
	posts   []gears.InboundMessage // oldest first; the cursor is how many were read
	err     error
	queries []string
}

var _ gears.Listener = (*sky)(nil)

func (s *sky) Network() gears.Network { return gears.Bluesky }

func (s *sky) Verify(ctx context.Context, c gears.Credentials) (gears.RemoteAccount, gears.Credentials, error) {
	c.DID = "did:plc:aurora"
	return gears.RemoteAccount{ID: c.DID, Handle: c.Handle}, c, nil
}

func (s *sky) Publish(context.Context, gears.Credentials, gears.OutgoingPost) (gears.Published, error) {
	return gears.Published{}, &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteRejected, Message: "listening only"}
}

func (s *sky) FindPublished(context.Context, gears.Credentials, gears.OutgoingPost, time.Time) (gears.Published, error) {
	return gears.Published{}, gears.ErrNotFound
}

func (s *sky) Check(string, []gears.MediaInfo) []gears.Problem { return nil }

func (s *sky) Notifications(_ context.Context, _ gears.Credentials, cursor string) (gears.Page, error) {
	return gears.Page{Cursor: cursor}, nil
}

func (s *sky) Search(_ context.Context, _ gears.Credentials, query, cursor string) (gears.Page, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queries = append(s.queries, query)
	if s.err != nil {
		return gears.Page{}, s.err
	}
	read, _ := strconv.Atoi(cursor)
	return gears.Page{Messages: append([]gears.InboundMessage(nil), s.posts[min(read, len(s.posts)):]...), Cursor: strconv.Itoa(len(s.posts))}, nil
}

func (s *sky) post(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := "at://did:plc:fan/app.bsky.feed.post/" + strconv.Itoa(len(s.posts)+1)
	s.posts = append(s.posts, gears.InboundMessage{RemoteID: id, Kind: gears.KindMatch, Thread: id, Post: gears.PostRef{ID: id},
		Author: gears.RemoteAccount{ID: "did:plc:fan", Handle: "fan.bsky.social"}, Text: text, CreatedAt: time.Now()})
}

func (s *sky) fail(err error) {
	s.mu.Lock()
	s.err = err
	s.mu.Unlock()
}

// withSky connects a Bluesky account, on a listening-only connector, next
// to the Mastodon one.
func (l *listening) withSky(t *testing.T) (*sky, *gears.Account) {
	t.Helper()
	s := &sky{}
	l.connectors[gears.Bluesky] = s // the services share the map
	a, err := l.accounts.ConnectAccount(l.ctx, l.ws.ID, gears.AccountConnect{Network: gears.Bluesky, Handle: "aurora.bsky.social", AppPassword: "abcd-efgh-ijkl-mnop"})
	if err != nil {
		t.Fatal(err)
	}
	return s, a
}

// TestPollKeywordSearch reads a keyword search through one account of
// each network: matches arrive once, each from its network, in the
// listening stream.
func TestPollKeywordSearch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := newListening(t, db)
		s, skyAccount := l.withSky(t)
		fan := l.server.AddAccount("fan")
		l.server.Mention(fan.ID, "The best coffee in Lisbon is at Aurora", mastodontest.StatusOptions{})
		l.server.Mention(fan.ID, "Tea is fine too", mastodontest.StatusOptions{})
		s.post("Aurora coffee, on Bluesky")
		search, err := l.listen.CreateSearch(l.ctx, l.ws.ID, gears.SavedSearch{Kind: gears.SearchKeyword, Query: "coffee"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		l.start(t, false, nil)
		poll := func() {
			t.Helper()
			if job := l.work(t, queue.PollSearch{SearchID: search.ID}); job.State != rivertype.JobStateCompleted {
				t.Fatalf("search poll %s: %v", job.State, job.Errors)
			}
		}
		poll()
		stream := gears.ConversationFilter{Stream: gears.StreamListening, SearchID: &search.ID}
		byNetwork := func() map[gears.Network]int {
			out := map[gears.Network]int{}
			for _, c := range l.conversations(t, stream) {
				out[c.Network]++
				want := l.account.ID
				if c.Network == gears.Bluesky {
					want = skyAccount.ID
				}
				if c.AccountID == nil || *c.AccountID != want || c.Count != 1 {
					t.Errorf("conversation %+v", c)
				}
			}
			return out
		}
		if got := byNetwork(); got[gears.Mastodon] != 1 || got[gears.Bluesky] != 1 || len(got) != 2 {
			t.Fatalf("after the first poll: %v", got)
		}
		l.server.Mention(fan.ID, "Coffee again", mastodontest.StatusOptions{})
		s.post("More coffee")
		poll()
		poll()
		if got := byNetwork(); got[gears.Mastodon] != 2 || got[gears.Bluesky] != 2 {
			t.Errorf("after new matches: %v", got)
		}
		for id, n := range l.messageCounts(t) {
			if n != 1 {
				t.Errorf("match %s stored %d times", id, n)
			}
		}
		var cursors int
		l.row(t, `SELECT COUNT(*) FROM search_cursors WHERE search_id = ? AND cursor <> ''`, []any{search.ID}, &cursors)
		if cursors != 2 {
			t.Errorf("%d cursors stored, want one per account", cursors)
		}
		if got, _ := l.listen.FindSearch(l.ctx, l.ws.ID, search.ID); got.Error != "" || got.PolledAt == nil {
			t.Errorf("search after good polls: %+v", got)
		}
	})
}

// TestPollSearchHoldsEveryLimitedAccount fails a search on both networks
// at once: Mastodon with a server error, Bluesky with a spent rate limit.
// The Bluesky account must be held as it would be alone.
func TestPollSearchHoldsEveryLimitedAccount(t *testing.T) {
	t.Parallel()
	l := newListening(t, storetest.Open(t, store.SQLite))
	s, skyAccount := l.withSky(t)
	search, err := l.listen.CreateSearch(l.ctx, l.ws.ID, gears.SavedSearch{Kind: gears.SearchKeyword, Query: "coffee"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.start(t, false, nil)
	l.server.Inject("GET /api/v2/search", 1, mastodontest.Fault{Status: 503})
	s.fail(&gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteRateLimited, Status: 429, Message: "Rate Limit Exceeded", RetryAfter: 2 * time.Minute})
	before := time.Now()
	l.work(t, queue.PollSearch{SearchID: search.ID})
	var limited int64
	l.row(t, `SELECT limited_until FROM accounts WHERE id = ?`, []any{skyAccount.ID}, &limited)
	if until := time.UnixMilli(limited); until.Before(before.Add(110 * time.Second)) {
		t.Errorf("the rate-limited Bluesky account is held until %v; want about two minutes from %v", until, before)
	}
	if got, _ := l.listen.FindSearch(l.ctx, l.ws.ID, search.ID); got.Error == "" {
		t.Error("the search's failure is not shown")
	}
}
