package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"image"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/demo"
	"gears/mastodon"
	"gears/mastodon/mastodontest"
	"gears/store"
	"gears/store/storetest"
	"gears/vault"
	"gears/web"
)

// actor is someone the tests act as: a session for pages, a token for the API.
type actor struct {
	user    *gears.User
	session string
	csrf    string
	token   string
	tokenID int64
}

// fixture is a workspace with one member of each role, a second owner (so
// that owners may leave), and an outsider who owns another workspace.
type fixture struct {
	db     *store.DB
	ws     *gears.Workspace
	other  *gears.Workspace
	actors map[string]*actor // by role, and "outsider"
	invite *gears.Invitation
	owner2 *gears.User
	srv    *httptest.Server

	net      *testNet       // the networks accounts connect to
	account  *gears.Account // a Mastodon account of ws
	draft    *gears.Post    // an editor's draft for account
	review   *gears.Post    // an editor's post for tomorrow, in review
	planned  *gears.Post    // the owner's post for tomorrow, scheduled
	picture  *gears.Media   // an image of the media library
	pngBytes []byte

	conversation *gears.Conversation // a mention of account, open
	incident     *gears.Incident     // an open incident
	search       *gears.SavedSearch  // a hashtag search
	savedReply   *gears.SavedReply
	channel      *gears.AlertChannel // a webhook to the discard port
}

// testNet is a Mastodon test server with one account, and the vault that
// seals its credentials.
type testNet struct {
	vault      *vault.Vault
	server     *mastodontest.Server
	remote     mastodontest.Account
	connectors store.Connectors
}

func newTestNet(t testing.TB) *testNet {
	key := make([]byte, vault.KeySize)
	rand.Read(key)
	v, _ := vault.New(key)
	n := &testNet{vault: v, server: mastodontest.New(t, mastodontest.Config{RateLimit: 100000})}
	n.remote = n.server.AddAccount("aurora")
	n.connectors = store.Connectors{gears.Mastodon: mastodon.New(nil)}
	return n
}

// tinyPNG is a valid 1×1 PNG.
func tinyPNG() []byte {
	var buf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 1, 1))
	png.Encode(&buf, img)
	return buf.Bytes()
}

var actorNames = []string{"owner", "manager", "editor", "analyst", "approver", "outsider"}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

// newFixture builds the fixture in a fresh database of dialect d.
func newFixture(t testing.TB, d store.Dialect) *fixture {
	t.Helper()
	f := &fixture{db: storetest.Open(t, d), actors: map[string]*actor{}}
	f.populate(t)
	f.serve(t)
	return f
}

func (f *fixture) populate(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	users, auth, wss := store.NewUserService(f.db), store.NewAuthService(f.db), store.NewWorkspaceService(f.db)
	for _, name := range actorNames {
		u, err := users.CreateUser(ctx, gears.UserCreate{Email: name + "@example.com", Name: strings.ToUpper(name[:1]) + name[1:], Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		secret, sess, err := auth.CreateSession(ctx, u.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := auth.CreateToken(ctx, u.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		f.actors[name] = &actor{user: u, session: secret, csrf: sess.CSRF, token: tok.Secret, tokenID: tok.ID}
	}
	var err error
	owner := gears.NewContextWithUser(ctx, f.actors["owner"].user)
	if f.ws, err = wss.CreateWorkspace(owner, gears.WorkspaceCreate{Name: "Aurora", Timezone: "Europe/Madrid"}); err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{"manager", "editor", "analyst", "approver"} {
		if _, err := wss.AddMember(owner, f.ws.ID, gears.MemberAdd{Email: role + "@example.com", Role: gears.Role(role)}); err != nil {
			t.Fatal(err)
		}
	}
	if f.owner2, err = users.CreateUser(ctx, gears.UserCreate{Email: "owner2@example.com", Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	if _, err := wss.AddMember(owner, f.ws.ID, gears.MemberAdd{Email: f.owner2.Email, Role: gears.RoleOwner}); err != nil {
		t.Fatal(err)
	}
	res, err := wss.AddMember(owner, f.ws.ID, gears.MemberAdd{Email: "invitee@example.com", Role: gears.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	f.invite = res.Invitation
	outsider := gears.NewContextWithUser(ctx, f.actors["outsider"].user)
	if f.other, err = wss.CreateWorkspace(outsider, gears.WorkspaceCreate{Name: "Elsewhere"}); err != nil {
		t.Fatal(err)
	}
	f.populatePublishing(t, owner)
}

// populatePublishing connects a Mastodon account (on the test server) and
// writes a draft, a post in review, a scheduled post and an image.
func (f *fixture) populatePublishing(t testing.TB, owner context.Context) {
	t.Helper()
	if f.net == nil {
		f.net = newTestNet(t)
	}
	var err error
	f.account, err = store.NewAccountService(f.db, f.net.vault, f.net.connectors).ConnectAccount(owner, f.ws.ID,
		gears.AccountConnect{Network: gears.Mastodon, Server: f.net.server.URL, AccessToken: f.net.remote.Token})
	if err != nil {
		t.Fatal(err)
	}
	f.pngBytes = tinyPNG()
	if f.picture, err = store.NewMediaService(f.db).UploadMedia(owner, f.ws.ID, gears.MediaUpload{Filename: "roast.png", Alt: "A bag of coffee", Data: f.pngBytes}); err != nil {
		t.Fatal(err)
	}
	posts := store.NewPostService(f.db, f.net.connectors)
	editor := gears.NewContextWithUser(context.Background(), f.actors["editor"].user)
	tomorrow := time.Now().Add(24 * time.Hour)
	if f.draft, err = posts.CreatePost(editor, f.ws.ID, gears.PostInput{Text: "A draft about the Huila roast", AccountIDs: []int64{f.account.ID}}); err != nil {
		t.Fatal(err)
	}
	if f.review, err = posts.CreatePost(editor, f.ws.ID, gears.PostInput{Text: "Tasting on Friday", AccountIDs: []int64{f.account.ID}, ScheduledAt: &tomorrow}); err != nil || f.review.Status != gears.PostInReview {
		t.Fatalf("review post: %+v %v", f.review, err)
	}
	if f.planned, err = posts.CreatePost(owner, f.ws.ID, gears.PostInput{Text: "New bags are in", AccountIDs: []int64{f.account.ID}, ScheduledAt: &tomorrow}); err != nil || f.planned.Status != gears.PostScheduled {
		t.Fatalf("planned post: %+v %v", f.planned, err)
	}
	f.populateInbox(t, owner, posts)
}

// populateInbox stores a mention of the account, a saved search and
// reply, an incident and an alert channel.
func (f *fixture) populateInbox(t testing.TB, owner context.Context, posts *store.PostService) {
	t.Helper()
	inbox := store.NewInboxService(f.db, posts)
	src := store.Source{WorkspaceID: f.ws.ID, Network: gears.Mastodon, AccountID: &f.account.ID}
	msg := gears.InboundMessage{RemoteID: "1001", Kind: gears.KindMention, Thread: "1001", Post: gears.PostRef{ID: "1001"},
		Reply:  gears.ReplyTo{Parent: gears.PostRef{ID: "1001"}, Root: gears.PostRef{ID: "1001"}},
		Author: gears.RemoteAccount{ID: "77", Handle: "reader@example.social", DisplayName: "A reader"},
		Text:   "@aurora is the shop open on Sunday?", CreatedAt: time.Now().Add(-10 * time.Minute)}
	if _, err := inbox.Ingest(context.Background(), src, []gears.InboundMessage{msg}, nil); err != nil {
		t.Fatal(err)
	}
	list, err := inbox.FindConversations(owner, f.ws.ID, gears.ConversationFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("conversations: %v %v", list, err)
	}
	f.conversation = list[0]
	if f.search, err = store.NewListeningService(f.db, nil).CreateSearch(owner, f.ws.ID, gears.SavedSearch{Kind: gears.SearchHashtag, Query: "aurora"}, nil); err != nil {
		t.Fatal(err)
	}
	if f.savedReply, err = inbox.CreateSavedReply(owner, f.ws.ID, gears.SavedReply{Name: "Hours", Text: "Hi {name}, we open 10:00-14:00."}); err != nil {
		t.Fatal(err)
	}
	if f.incident, err = store.NewIncidentService(f.db).CreateIncident(owner, f.ws.ID, gears.IncidentCreate{Title: "Delivery delays"}, []string{"crisis.step.acknowledge"}); err != nil {
		t.Fatal(err)
	}
	if f.channel, _, err = store.NewCrisisService(f.db, f.net.vault).CreateChannel(owner, f.ws.ID, gears.AlertWebhook, "http://127.0.0.1:9/hook", nil); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) serve(t testing.TB) {
	t.Helper()
	if f.net == nil {
		f.net = newTestNet(t)
	}
	s := web.New(web.Config{Version: "test", Vault: f.net.vault, Connectors: f.net.connectors}, f.db, quietLogger())
	db := f.db
	s.Demo = func(ctx context.Context, owner *gears.User) (*gears.Workspace, error) {
		return demo.Fill(ctx, db, owner)
	}
	f.srv = httptest.NewServer(s.Handler())
	t.Cleanup(f.srv.Close)
}

// client returns an HTTP client that keeps cookies and does not follow
// redirects, signed in as a (or nobody when a is nil).
func (f *fixture) client(t testing.TB, a *actor) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	if a != nil {
		u, _ := url.Parse(f.srv.URL)
		jar.SetCookies(u, []*http.Cookie{{Name: "gears_session", Value: a.session, Path: "/"}})
	}
	return &http.Client{Jar: jar, Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// copySQLite copies a SQLite fixture's database file so that each case can
// change its own copy; it returns the new data folder.
func copySQLite(t testing.TB, from string) string {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(from, "gears.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "gears.db"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}
