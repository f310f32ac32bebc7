package web_test

import (
	"context"
	"fmt"
	"html/template"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/crisis"
	"gears/locale"
	"gears/store"
	"gears/store/storetest"
	"gears/workload"
)

// toot is a message from someone on Mastodon to the fixture's account, as
// the account's poller reads it.
func toot(id string, kind gears.MessageKind, author, text, lang string, ago time.Duration) gears.InboundMessage {
	ref := gears.PostRef{ID: id}
	m := gears.InboundMessage{RemoteID: id, Kind: kind, Thread: id, Post: ref, Reply: gears.ReplyTo{Parent: ref, Root: ref},
		Author: gears.RemoteAccount{ID: "9" + id, Handle: author, DisplayName: strings.Split(author, "@")[0]},
		Text:   text, Lang: lang, URL: "https://example.social/@x/" + id, CreatedAt: time.Now().Add(-ago)}
	if kind == gears.KindFollow {
		m.Post, m.Reply, m.Text = gears.PostRef{}, gears.ReplyTo{}, ""
	}
	return m
}

// ingest stores messages from src (the fixture's account when nil) and
// returns the conversation of each, in order.
func (f *fixture) ingest(t testing.TB, src *store.Source, msgs ...gears.InboundMessage) []int64 {
	t.Helper()
	if src == nil {
		src = &store.Source{WorkspaceID: f.ws.ID, Network: gears.Mastodon, AccountID: &f.account.ID}
	}
	inbox := store.NewInboxService(f.db, nil)
	var ids []int64
	for _, m := range msgs {
		res, err := inbox.Ingest(context.Background(), *src, []gears.InboundMessage{m}, nil)
		if err != nil || len(res.Conversations) != 1 {
			t.Fatalf("ingest %s: %+v %v", m.RemoteID, res, err)
		}
		ids = append(ids, res.Conversations[0])
	}
	return ids
}

// otherConversation stores a listening match in the outsider's workspace
// and returns its conversation.
func (f *fixture) otherConversation(t testing.TB) int64 {
	t.Helper()
	outsider := gears.NewContextWithUser(context.Background(), f.actors["outsider"].user)
	s, err := store.NewListeningService(f.db, nil).CreateSearch(outsider, f.other.ID, gears.SavedSearch{Kind: gears.SearchKeyword, Query: "elsewhere"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f.ingest(t, &store.Source{WorkspaceID: f.other.ID, Network: gears.Mastodon, SearchID: &s.ID},
		toot("5001", gears.KindMatch, "someone@example.social", "Elsewhere is lovely", "en", time.Minute))[0]
}

// jsonType names the JSON type of a decoded value.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// The Conversation and ConversationMessage schemas of api/openapi.yaml:
// each property with the JSON types it may take ("time" is a string in
// RFC 3339). required are the properties every object must have.
var (
	conversationSchema = map[string][]string{
		"id": {"number"}, "account_id": {"number", "null"}, "saved_search_id": {"number", "null"},
		"network": {"string"}, "stream": {"string"}, "status": {"string"}, "assignee_id": {"number", "null"},
		"sentiment": {"string"}, "score": {"number"}, "subject": {"string"}, "message_count": {"number"},
		"first_message_at": {"time"}, "last_message_at": {"time"}, "first_response_at": {"time", "null"},
		"messages": {"array"},
	}
	messageSchema = map[string][]string{
		"id": {"number"}, "kind": {"string"}, "outbound": {"boolean"}, "author": {"string"}, "author_name": {"string"},
		"author_url": {"string"}, "text": {"string"}, "remote_url": {"string"}, "lang": {"string"},
		"sentiment": {"string"}, "score": {"number"}, "created_at": {"time"}, "delivery_id": {"number"},
	}
	messageOptional = []string{"delivery_id"} // answers only
)

// checkSchema fails the test for an object whose properties are missing,
// undocumented or of another type than the schema's.
func checkSchema(t *testing.T, what string, obj map[string]any, schema map[string][]string, optional ...string) {
	t.Helper()
	for k, types := range schema {
		v, ok := obj[k]
		if !ok {
			if !slices.Contains(optional, k) {
				t.Errorf("%s lacks %q: %v", what, k, obj)
			}
			continue
		}
		got := jsonType(v)
		if got == "string" && slices.Contains(types, "time") {
			if _, err := time.Parse(time.RFC3339Nano, v.(string)); err != nil {
				t.Errorf("%s.%s = %q, not a time", what, k, v)
			}
			continue
		}
		if !slices.Contains(types, got) {
			t.Errorf("%s.%s is %s (%v), want %v", what, k, got, v, types)
		}
	}
	for k := range obj {
		if _, ok := schema[k]; !ok {
			t.Errorf("%s has the undocumented property %q", what, k)
		}
	}
}

// conversations checks a list's shape and returns its conversations.
func conversations(t *testing.T, r apiResult) []map[string]any {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("list = %d %s", r.status, r.raw)
	}
	if len(r.body) != 1 {
		t.Errorf("the list has other properties than conversations: %s", r.raw)
	}
	raw, ok := r.body["conversations"].([]any)
	if !ok {
		t.Fatalf("conversations is not an array: %s", r.raw)
	}
	out := make([]map[string]any, len(raw))
	for i, c := range raw {
		if out[i], ok = c.(map[string]any); !ok {
			t.Fatalf("conversation %d is not an object: %s", i, r.raw)
		}
		checkSchema(t, "conversation", out[i], conversationSchema)
		msgs, _ := out[i]["messages"].([]any)
		if len(msgs) == 0 {
			t.Errorf("conversation %v has no messages", out[i]["id"])
		}
		for _, m := range msgs {
			mm, ok := m.(map[string]any)
			if !ok {
				t.Fatalf("message is not an object: %s", r.raw)
			}
			checkSchema(t, "message", mm, messageSchema, messageOptional...)
		}
	}
	return out
}

// idsOf returns the conversations' IDs, in the list's order.
func idsOf(list []map[string]any) []int64 {
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = int64(c["id"].(float64))
	}
	return ids
}

// TestInboxAPIList reads the inbox through the API: the documented shape,
// newest activity first, every filter, paging, and a clear 400 for each
// bad value, in the language asked for.
func TestInboxAPIList(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := &fixture{db: db, actors: map[string]*actor{}}
		f.populate(t)
		f.serve(t)
		owner, editor := f.actors["owner"], f.actors["editor"]
		ids := f.ingest(t, nil,
			toot("2001", gears.KindMention, "angry@example.social", "Terrible service: my order arrived broken and late, awful", "en", 30*time.Minute),
			toot("2002", gears.KindReply, "fan@example.org", "¡Me encanta vuestro café, excelente!", "es", 20*time.Minute),
			toot("follow:88", gears.KindFollow, "new@example.social", "", "", 5*time.Minute))
		neg, pos, follow, sunday := ids[0], ids[1], ids[2], f.conversation.ID
		list := func(a *actor, query string) []int64 {
			t.Helper()
			return idsOf(conversations(t, f.api(t, a, "GET", f.apiPath("/conversations?%s", query), "")))
		}
		all := conversations(t, f.api(t, owner, "GET", f.apiPath("/conversations"), ""))
		if got := idsOf(all); !slices.Equal(got, []int64{follow, sunday, pos, neg}) {
			t.Fatalf("inbox = %v, want newest first %v", got, []int64{follow, sunday, pos, neg})
		}
		c := all[1]
		m := c["messages"].([]any)[0].(map[string]any)
		if c["network"] != "mastodon" || c["status"] != "open" || c["assignee_id"] != nil || c["sentiment"] != "neutral" ||
			c["account_id"] != float64(f.account.ID) || m["author"] != "reader@example.social" || m["text"] != "@aurora is the shop open on Sunday?" {
			t.Errorf("the fixture's conversation = %v", c)
		}
		if all[0]["stream"] != "activity" || all[0]["status"] != "closed" || all[3]["sentiment"] != "negative" || all[2]["sentiment"] != "positive" {
			t.Errorf("streams, statuses or sentiments are off: %v", all)
		}
		for _, tt := range []struct {
			query string
			want  []int64
		}{
			{"status=open", []int64{sunday, pos, neg}},
			{"status=closed", []int64{follow}},
			{"status=waiting", []int64{}},
			{"q=sunday", []int64{sunday}},
			{"q=SUNDAY", []int64{sunday}},
			{"q=sund*", []int64{sunday}},
			{"q=" + url.QueryEscape("SUND*"), []int64{sunday}},
			{"q=" + url.QueryEscape("broken, late!"), []int64{neg}},
			{"q=" + url.QueryEscape("café"), []int64{pos}},
			{"q=" + url.QueryEscape(`sunday" OR "*`), []int64{}},
			{"q=nothing+matches", []int64{}},
			{"sentiment=negative", []int64{neg}},
			{"sentiment=positive", []int64{pos}},
			{"status=open&sentiment=neutral", []int64{sunday}},
			{"stream=activity", []int64{follow}},
			{"network=bluesky", []int64{}},
			{"assignee_id=none", []int64{follow, sunday, pos, neg}},
			{"assignee_id=me", []int64{}},
			{"limit=2", []int64{follow, sunday}},
		} {
			if got := list(owner, tt.query); !slices.Equal(got, tt.want) {
				t.Errorf("?%s = %v, want %v", tt.query, got, tt.want)
			}
		}
		// Assigned conversations: "me" is whoever asks.
		if r := f.api(t, owner, "PATCH", f.apiPath("/conversations/%d", neg), fmt.Sprintf(`{"assignee_id":%d}`, owner.user.ID)); r.status != 200 {
			t.Fatalf("assign = %d %s", r.status, r.raw)
		}
		if r := f.api(t, owner, "PATCH", f.apiPath("/conversations/%d", pos), fmt.Sprintf(`{"assignee_id":%d}`, editor.user.ID)); r.status != 200 {
			t.Fatalf("assign = %d %s", r.status, r.raw)
		}
		for _, tt := range []struct {
			who   *actor
			query string
			want  []int64
		}{
			{owner, "assignee_id=me", []int64{neg}},
			{editor, "assignee_id=me", []int64{pos}},
			{owner, "assignee=me", []int64{neg}},
			{owner, "assignee_id=none", []int64{follow, sunday}},
			{owner, "assignee_id=0", []int64{follow, sunday}},
			{owner, fmt.Sprintf("assignee_id=%d", editor.user.ID), []int64{pos}},
			{owner, fmt.Sprintf("assignee_id=%d&sentiment=negative", editor.user.ID), []int64{}},
		} {
			if got := list(tt.who, tt.query); !slices.Equal(got, tt.want) {
				t.Errorf("?%s as %s = %v, want %v", tt.query, tt.who.user.Email, got, tt.want)
			}
		}
		// Paging: the next page starts after the last one read.
		first := conversations(t, f.api(t, owner, "GET", f.apiPath("/conversations?limit=2"), ""))
		last := first[len(first)-1]
		next := fmt.Sprintf("limit=2&before=%s&before_id=%d", url.QueryEscape(last["last_message_at"].(string)), int64(last["id"].(float64)))
		if got := list(owner, next); !slices.Equal(got, []int64{pos, neg}) {
			t.Errorf("second page = %v, want %v", got, []int64{pos, neg})
		}
		// A 200-character search is allowed, in characters, not bytes.
		if got := list(owner, "q="+url.QueryEscape(strings.Repeat("é", 200))); len(got) != 0 {
			t.Errorf("200 é = %v", got)
		}
		// Bad values: 400, the error's shape, the field, a readable message.
		for _, tt := range []struct {
			query, field, en, es string
		}{
			{"status=bogus", "status", "The status must be open, waiting or closed.", "El estado debe ser abierta, en espera o cerrada."},
			{"sentiment=x", "sentiment", "The sentiment must be negative, neutral or positive.", "El sentimiento debe ser negativo, neutro o positivo."},
			{"limit=-1", "limit", `"limit" must be a whole number.`, "«limit» debe ser un número entero."},
			{"limit=many", "limit", `"limit" must be a whole number.`, "«limit» debe ser un número entero."},
			{"before=notatime", "before", `"before" must be a time such as`, "«before» debe ser una hora como"},
			{"q=" + strings.Repeat("x", 201), "q", "The search is too long (at most 200 characters).", "La búsqueda es demasiado larga (como máximo 200 caracteres)."},
			{"q=" + url.QueryEscape(strings.Repeat("ñ", 201)), "q", "at most 200 characters", "como máximo 200 caracteres"},
			{"stream=tv", "stream", "Unknown stream.", "Flujo desconocido."},
			{"network=myspace", "network", "Unknown network.", "Red desconocida."},
			{"search=0", "search", `"search" must be a positive whole number.`, "«search» debe ser un número entero positivo."},
			{"assignee_id=somebody", "", `Choose a member, "me" or "none".`, "Elija un miembro, «me» o «none»."},
		} {
			for lang, want := range map[string]string{"en": tt.en, "es": tt.es} {
				r := f.apiIn(t, owner, lang, "GET", f.apiPath("/conversations?%s", tt.query), "")
				code, msg := errorOf(t, r)
				if r.status != 400 || code != "invalid" || (tt.field != "" && fieldOf(r) != tt.field) || !strings.Contains(msg, want) || strings.Contains(msg, "%!") {
					t.Errorf("?%.40s in %s = %d %s, want 400 field %q %q", tt.query, lang, r.status, r.raw, tt.field, want)
				}
				if len(r.body) != 1 {
					t.Errorf("?%.40s: the error has other properties: %s", tt.query, r.raw)
				}
			}
		}
		// Someone else's workspace: not found, as if it did not exist.
		f.otherConversation(t)
		r := f.api(t, owner, "GET", fmt.Sprintf("/api/v1/workspaces/%d/conversations", f.other.ID), "")
		if code, _ := errorOf(t, r); r.status != 404 || code != "not_found" {
			t.Errorf("another workspace's inbox = %d %s", r.status, r.raw)
		}
		if got := list(owner, "q=elsewhere"); len(got) != 0 {
			t.Errorf("the search found another workspace's messages: %v", got)
		}
	})
}

// TestInboxAPIReplyAndUpdate answers a conversation (the answer is a
// delivery of a new post, and the conversation waits for the other side),
// refuses bad answers, and sets statuses and assignees.
func TestInboxAPIReplyAndUpdate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := &fixture{db: db, actors: map[string]*actor{}}
		f.populate(t)
		f.serve(t)
		editor := f.actors["editor"]
		conv := f.apiPath("/conversations/%d", f.conversation.ID)
		other := f.otherConversation(t)
		follow := f.ingest(t, nil, toot("follow:90", gears.KindFollow, "new@example.social", "", "", time.Minute))[0]

		for _, tt := range []struct {
			name, body, field, want string
		}{
			{"empty text", `{"text":""}`, "text", ""},
			{"blank text", `{"text":"  \n "}`, "text", ""},
			{"no text", `{}`, "text", ""},
			{"unknown field", `{"text":"Yes","colour":"red"}`, "colour", `Unknown field "colour".`},
			{"wrong type", `{"text":42}`, "text", ""},
			{"too long for Mastodon", fmt.Sprintf(`{"text":%q}`, strings.Repeat("café ", 120)), "text", ""},
		} {
			r := f.api(t, editor, "POST", conv+"/reply", tt.body)
			code, msg := errorOf(t, r)
			if r.status != 400 || code != "invalid" || fieldOf(r) != tt.field || !strings.Contains(msg, tt.want) {
				t.Errorf("%s: %d %s, want 400 on %q", tt.name, r.status, r.raw, tt.field)
			}
		}
		r := f.api(t, editor, "POST", f.apiPath("/conversations/%d/reply", follow), `{"text":"Thanks for following!"}`)
		if code, msg := errorOf(t, r); r.status != 400 || code != "invalid" || !strings.Contains(msg, "no message to answer") {
			t.Errorf("answering a follow = %d %s", r.status, r.raw)
		}
		r = f.api(t, editor, "POST", f.apiPath("/conversations/%d/reply", other), `{"text":"Hello"}`)
		if code, _ := errorOf(t, r); r.status != 404 || code != "not_found" {
			t.Errorf("answering another workspace's conversation = %d %s", r.status, r.raw)
		}
		r = f.api(t, editor, "POST", fmt.Sprintf("/api/v1/workspaces/%d/conversations/%d/reply", f.other.ID, other), `{"text":"Hello"}`)
		if r.status != 404 {
			t.Errorf("answering in another workspace = %d %s", r.status, r.raw)
		}
		// Nothing was sent by the refused answers.
		if r := f.api(t, editor, "GET", conv, ""); r.body["status"] != "open" || len(r.body["messages"].([]any)) != 1 || r.body["first_response_at"] != nil {
			t.Fatalf("after refused answers: %s", r.raw)
		}

		r = f.api(t, editor, "POST", conv+"/reply", `{"text":"Yes, from 10:00 to 14:00."}`)
		if r.status != 201 {
			t.Fatalf("reply = %d %s", r.status, r.raw)
		}
		for k, typ := range map[string]string{"id": "number", "post_id": "number", "account_id": "number", "status": "string", "remote_id": "string", "remote_url": "string", "message": "object"} {
			if got := jsonType(r.body[k]); got != typ {
				t.Errorf("reply.%s is %s, want %s: %s", k, got, typ, r.raw)
			}
		}
		if r.body["account_id"] != float64(f.account.ID) || r.body["status"] == "" || r.body["id"].(float64) <= 0 {
			t.Errorf("reply = %s", r.raw)
		}
		msg, _ := r.body["message"].(map[string]any)
		checkSchema(t, "reply.message", msg, messageSchema)
		if msg["outbound"] != true || msg["text"] != "@reader@example.social Yes, from 10:00 to 14:00." || msg["delivery_id"] != r.body["id"] {
			t.Errorf("reply message = %v", msg)
		}
		post := f.api(t, editor, "GET", f.apiPath("/posts/%d", int64(r.body["post_id"].(float64))), "")
		if post.status != 200 || post.body["text"] != msg["text"] {
			t.Errorf("the answer's post = %d %s", post.status, post.raw)
		}
		r = f.api(t, editor, "GET", conv, "")
		checkSchema(t, "conversation", r.body, conversationSchema)
		if r.body["status"] != "waiting" || r.body["first_response_at"] == nil || r.body["message_count"] != float64(2) || len(r.body["messages"].([]any)) != 2 {
			t.Errorf("after the answer: %s", r.raw)
		}

		// Status and assignee.
		r = f.api(t, editor, "PATCH", conv, fmt.Sprintf(`{"status":"closed","assignee_id":%d}`, editor.user.ID))
		if r.status != 200 || r.body["status"] != "closed" || r.body["assignee_id"] != float64(editor.user.ID) {
			t.Fatalf("patch = %d %s", r.status, r.raw)
		}
		checkSchema(t, "conversation", r.body, conversationSchema)
		for _, tt := range []struct {
			body, field, want string
		}{
			{fmt.Sprintf(`{"assignee_id":%d}`, f.actors["outsider"].user.ID), "assignee_id", "not a member of this workspace"},
			{`{"assignee_id":424242}`, "assignee_id", "not a member of this workspace"},
			{`{"status":"bogus"}`, "status", "open, waiting or closed"},
			{`{}`, "", "Nothing to change"},
			{`{"status":"open","priority":1}`, "priority", "priority"},
		} {
			r := f.api(t, editor, "PATCH", conv, tt.body)
			code, msg := errorOf(t, r)
			if r.status != 400 || code != "invalid" || fieldOf(r) != tt.field || !strings.Contains(msg, tt.want) {
				t.Errorf("patch %s = %d %s", tt.body, r.status, r.raw)
			}
		}
		if r := f.api(t, editor, "GET", conv, ""); r.body["status"] != "closed" || r.body["assignee_id"] != float64(editor.user.ID) {
			t.Errorf("refused patches changed the conversation: %s", r.raw)
		}
		if r := f.api(t, editor, "PATCH", conv, `{"unassign":true,"status":"open"}`); r.status != 200 || r.body["assignee_id"] != nil || r.body["status"] != "open" {
			t.Errorf("unassign = %d %s", r.status, r.raw)
		}
		r = f.api(t, editor, "PATCH", f.apiPath("/conversations/%d", other), `{"status":"closed"}`)
		if code, _ := errorOf(t, r); r.status != 404 || code != "not_found" {
			t.Errorf("patching another workspace's conversation = %d %s", r.status, r.raw)
		}
		outsider := gears.NewContextWithUser(context.Background(), f.actors["outsider"].user)
		if c, err := store.NewInboxService(f.db, nil).FindConversation(outsider, f.other.ID, other); err != nil || c.Status != gears.ConversationOpen || c.Count != 1 {
			t.Errorf("the other workspace's conversation = %+v, %v", c, err)
		}
	})
}

// TestIncidentsAPI opens an incident with the outage playbook and a pause,
// works its checklist, resolves it (which lifts the pause), and refuses
// bad values.
func TestIncidentsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := &fixture{db: db, actors: map[string]*actor{}}
		f.populate(t)
		f.serve(t)
		editor := f.actors["editor"]
		ctx := gears.NewContextWithUser(context.Background(), editor.user)
		posts := store.NewPostService(f.db, nil)
		paused := func() bool {
			t.Helper()
			_, p, err := posts.PublishingSettings(ctx, f.ws.ID)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		for _, tt := range []struct {
			body, field, want string
		}{
			{`{"title":"Outage","severity":"apocalyptic"}`, "severity", "low, medium, high or critical"},
			{`{"title":"Outage","playbook":"panic"}`, "playbook", "Unknown playbook"},
			{`{"title":"   "}`, "title", "Give the incident a title"},
			{`{"title":"Outage","conversation_ids":[424242]}`, "conversation_ids", "424242"},
			{`{"title":"Outage","owner_id":424242}`, "owner_id", "not a member"},
			{`{"title":"Outage","colour":"red"}`, "colour", "colour"},
		} {
			r := f.api(t, editor, "POST", f.apiPath("/incidents"), tt.body)
			code, msg := errorOf(t, r)
			if r.status != 400 || code != "invalid" || fieldOf(r) != tt.field || !strings.Contains(msg, tt.want) {
				t.Errorf("create %s = %d %s", tt.body, r.status, r.raw)
			}
		}
		if paused() {
			t.Fatal("a refused incident paused publishing")
		}
		r := f.api(t, editor, "POST", f.apiPath("/incidents"), fmt.Sprintf(
			`{"title":"Checkout down","severity":"high","playbook":"outage","pause_publishing":true,"owner_id":%d,"conversation_ids":[%d]}`,
			f.actors["manager"].user.ID, f.conversation.ID))
		if r.status != 201 {
			t.Fatalf("create = %d %s", r.status, r.raw)
		}
		var in gears.Incident
		decodeInto(t, r, &in)
		outage, _ := crisis.PlaybookByKey("outage")
		steps := make([]string, len(in.Checklist))
		for i, c := range in.Checklist {
			steps[i] = c.Step
			if c.Position != i+1 || c.DoneAt != nil || c.DoneBy != nil {
				t.Errorf("new checklist item %+v", c)
			}
		}
		if !slices.Equal(steps, outage.Steps) {
			t.Errorf("checklist = %v, want the outage playbook's %v", steps, outage.Steps)
		}
		if in.Status != gears.IncidentOpen || in.Severity != gears.SeverityHigh || in.Playbook != "outage" || !in.PausedPublishing ||
			in.ClosedAt != nil || in.OwnerID == nil || *in.OwnerID != f.actors["manager"].user.ID || !slices.Equal(in.Conversations, []int64{f.conversation.ID}) {
			t.Errorf("incident = %+v", in)
		}
		if !paused() {
			t.Error("opening with pause_publishing did not pause the workspace")
		}
		path := f.apiPath("/incidents/%d", in.ID)
		r = f.api(t, editor, "PATCH", path, `{"check":[1],"note":"Status page linked"}`)
		decodeInto(t, r, &in)
		if r.status != 200 || in.Checklist[0].DoneAt == nil || in.Checklist[0].DoneBy == nil || *in.Checklist[0].DoneBy != editor.user.ID || in.Checklist[1].DoneAt != nil {
			t.Fatalf("check = %d %s", r.status, r.raw)
		}
		if r.body["checklist"].([]any)[1].(map[string]any)["done_at"] != nil {
			t.Errorf("an unchecked step's done_at is not null: %s", r.raw)
		}
		for _, tt := range []struct {
			body, field string
		}{
			{`{"check":[99]}`, "check"},
			{`{"severity":"apocalyptic"}`, "severity"},
			{`{"status":"over"}`, "status"},
			{`{"owner_id":424242}`, "owner_id"},
			{`{"note":"  "}`, "body"},
		} {
			r := f.api(t, editor, "PATCH", path, tt.body)
			if code, _ := errorOf(t, r); r.status != 400 || code != "invalid" || fieldOf(r) != tt.field {
				t.Errorf("patch %s = %d %s", tt.body, r.status, r.raw)
			}
		}
		r = f.api(t, editor, "PATCH", path, `{"status":"resolved","summary":"The payment provider recovered at 11:40."}`)
		decodeInto(t, r, &in)
		if r.status != 200 || in.Status != gears.IncidentResolved || in.ClosedAt == nil || in.PausedPublishing || in.Summary != "The payment provider recovered at 11:40." {
			t.Fatalf("resolve = %d %s", r.status, r.raw)
		}
		if r.body["closed_at"] == nil {
			t.Errorf("closed_at is null: %s", r.raw)
		}
		var kinds []string
		for _, e := range in.Timeline {
			kinds = append(kinds, e.Kind)
		}
		for _, k := range []string{gears.EventOpened, gears.EventLinked, gears.EventPaused, gears.EventChecklist, gears.EventNote, gears.EventClosed, gears.EventResumed} {
			if !slices.Contains(kinds, k) {
				t.Errorf("the timeline lacks %q: %v", k, kinds)
			}
		}
		if paused() {
			t.Error("resolving the incident did not resume publishing")
		}
		r = f.api(t, editor, "PATCH", path, `{"status":"open"}`)
		if code, msg := errorOf(t, r); r.status != 400 || code != "invalid" || !strings.Contains(msg, "resolved") {
			t.Errorf("reopening = %d %s", r.status, r.raw)
		}
		r = f.api(t, editor, "GET", f.apiPath("/incidents"), "")
		list, _ := r.body["incidents"].([]any)
		if r.status != 200 || len(list) != 2 || list[0].(map[string]any)["id"] != float64(in.ID) {
			t.Errorf("incidents = %d %s", r.status, r.raw)
		}
		// Another workspace's incident is not found.
		outsider := gears.NewContextWithUser(context.Background(), f.actors["outsider"].user)
		theirs, err := store.NewIncidentService(f.db).CreateIncident(outsider, f.other.ID, gears.IncidentCreate{Title: "Theirs"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, method := range []string{"GET", "PATCH"} {
			r := f.api(t, editor, method, f.apiPath("/incidents/%d", theirs.ID), `{"status":"resolved"}`)
			if code, _ := errorOf(t, r); r.status != 404 || code != "not_found" {
				t.Errorf("%s another workspace's incident = %d %s", method, r.status, r.raw)
			}
		}
	})
}

// keyLike finds what looks like a message key of the catalogue: an area of
// the catalogue, a dot, and more.
var keyLike = regexp.MustCompile(`\b([a-z]+)\.[a-z_]+(?:\.[a-z_0-9]+)*\b`)

// textNode and shownAttr find what a person reads on a page.
var (
	textNode  = regexp.MustCompile(`>([^<]+)<`)
	shownAttr = regexp.MustCompile(`(?:aria-label|title|placeholder|alt)="([^"]*)"`)
)

// untranslated lists message keys shown as they are (a missing text) and
// broken format verbs on a page.
func untranslated(body string) []string {
	areas := map[string]bool{}
	for _, k := range locale.Keys() {
		areas[strings.SplitN(k, ".", 2)[0]] = true
	}
	var out []string
	for _, re := range []*regexp.Regexp{textNode, shownAttr} {
		for _, m := range re.FindAllStringSubmatch(body, -1) {
			for _, k := range keyLike.FindAllStringSubmatchIndex(m[1], -1) {
				// A handle's or an address's domain is not a key.
				if k[0] > 0 && strings.ContainsRune("@/.-:", rune(m[1][k[0]-1])) {
					continue
				}
				if areas[m[1][k[2]:k[3]]] {
					out = append(out, m[1][k[0]:k[1]])
				}
			}
			if strings.Contains(m[1], "%!") {
				out = append(out, m[1])
			}
		}
	}
	return out
}

// shown is text as a page shows it, escaped.
func shown(text string) string { return template.HTMLEscapeString(text) }

// TestInboxPagesShowNetworkTextInert stores a message whose every field
// is markup and checks the inbox and the conversation show it as text.
func TestInboxPagesShowNetworkTextInert(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	m := toot("3001", gears.KindMention, `<b>mallory</b>@evil.example`, `<script>alert(1)</script><img src=x onerror=alert(2)> is my order late?`, "en", time.Minute)
	m.Author.DisplayName = `<script>alert(3)</script>`
	m.Author.URL, m.URL = "javascript:alert(4)", "javascript:alert(5)"
	id := f.ingest(t, nil, m)[0]
	b := signIn(t, f, "editor")
	for _, p := range []string{
		f.path("/inbox"),
		f.path("/inbox?q=%s", url.QueryEscape(`"><script>alert(6)</script>`)),
		f.path("/inbox/%d", id),
	} {
		st, body, h := b.get(p)
		if st != 200 {
			t.Fatalf("%s = %d", p, st)
		}
		for _, raw := range []string{"<script>alert", "<img src=x", "<b>mallory", "javascript:"} {
			if strings.Contains(body, raw) {
				t.Errorf("%s shows %q unescaped", p, raw)
			}
		}
		if !strings.Contains(p, "?q=") && !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;") {
			t.Errorf("%s does not show the message escaped", p)
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s: CSP %q", p, csp)
		}
	}
	_, body, _ := b.get(f.path("/inbox/%d", id))
	if !strings.Contains(body, "&lt;script&gt;alert(3)&lt;/script&gt; @&lt;b&gt;mallory&lt;/b&gt;@evil.example") {
		t.Errorf("the conversation does not show the author escaped")
	}
}

// TestInboxPagesInSpanish reads the inbox's pages in Spanish: every
// text translated, no message key shown.
func TestInboxPagesInSpanish(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	f.ingest(t, nil, toot("follow:91", gears.KindFollow, "new@example.social", "", "", time.Minute))
	editor, owner := signIn(t, f, "editor"), signIn(t, f, "owner")
	st, body, _ := editor.get(f.path("/inbox/%d", f.conversation.ID), "Accept-Language", "es-ES,es;q=0.9")
	if st != 200 || !strings.Contains(body, `lang="es"`) {
		t.Fatalf("conversation in Spanish = %d", st)
	}
	for _, want := range []string{"Mensajes", "mención", "Abierta", "Neutro", "Responder", "Enviar respuesta", "Respuestas guardadas", "Hours", "Estado y asignación", "Notas internas", "Abrir una incidencia sobre esta conversación", "esperando desde hace"} {
		if !strings.Contains(body, want) {
			t.Errorf("the conversation in Spanish lacks %q", want)
		}
	}
	for _, english := range []string{"Send reply", "Internal notes", "Messages<", "Saved replies"} {
		if strings.Contains(body, english) {
			t.Errorf("the conversation in Spanish shows %q", english)
		}
	}
	// The saved reply is filled in for this conversation.
	if !strings.Contains(body, "Hi A reader, we open 10:00-14:00.") {
		t.Errorf("the saved reply is not filled in with the author's name")
	}
	for _, page := range []struct {
		b    *browser
		path string
	}{
		{editor, f.path("/inbox/%d", f.conversation.ID)},
		{editor, f.path("/inbox")},
		{editor, f.path("/inbox?status=bogus")},
		{editor, f.path("/listening")},
		{editor, f.path("/incidents")},
		{editor, f.path("/incidents/%d", f.incident.ID)},
		{owner, f.path("/crisis")},
	} {
		st, body, _ := page.b.get(page.path, "Accept-Language", "es")
		if st != 200 || !strings.Contains(body, `lang="es"`) {
			t.Errorf("%s in Spanish = %d", page.path, st)
			continue
		}
		if keys := untranslated(body); len(keys) > 0 {
			t.Errorf("%s shows untranslated keys: %v", page.path, keys)
		}
	}
	if _, body, _ := editor.get(f.path("/inbox?status=bogus"), "Accept-Language", "es"); !strings.Contains(body, "El estado debe ser abierta, en espera o cerrada.") {
		t.Errorf("the inbox's filter error is not in Spanish")
	}
}

// TestInboxReplyForm answers a conversation from its page: a refused answer
// keeps the text; a good one goes out with a flash, waits for the other
// side, and logs the time spent to the planner.
func TestInboxReplyForm(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	b := signIn(t, f, "editor")
	page := f.path("/inbox/%d", f.conversation.ID)
	if st, body, _ := b.get(page); st != 200 || !strings.Contains(body, `action="`+page+`/reply"`) || !strings.Contains(body, `name="opened_at"`) {
		t.Fatalf("conversation = %d", st)
	}
	opened := strconv.FormatInt(time.Now().Add(-6*time.Minute).UnixMilli(), 10)
	long := strings.Repeat("café ", 120)
	st, body, _ := b.post(page+"/reply", url.Values{"text": {long}, "opened_at": {opened}})
	if st != 400 || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, strings.TrimSpace(long)) {
		t.Fatalf("too long = %d; the error must be shown and the text kept", st)
	}
	if st, body, _ := b.post(page+"/reply", url.Values{"text": {"  "}}); st != 400 || !strings.Contains(body, `role="alert"`) {
		t.Errorf("empty = %d", st)
	}
	if st, _, _ := b.post(page+"/reply", url.Values{"text": {"Yes"}, "csrf": {"forged"}}); st != 403 {
		t.Errorf("forged CSRF = %d", st)
	}
	st, _, h := b.post(page+"/reply", url.Values{"text": {"Yes, from 10:00 <b>to</b> 14:00."}, "opened_at": {opened}})
	if st != 303 || h.Get("Location") != page+"?ok=flash.reply_sent" {
		t.Fatalf("reply = %d %s", st, h.Get("Location"))
	}
	st, body, _ = b.get(h.Get("Location"))
	if st != 200 || !strings.Contains(body, "Reply on its way: it goes out at once.") || !strings.Contains(body, "Yes, from 10:00 &lt;b&gt;to&lt;/b&gt; 14:00.") ||
		!strings.Contains(body, `class="message outbound`) || !strings.Contains(body, "Waiting") || !strings.Contains(body, "first response after") {
		t.Fatalf("after the reply = %d", st)
	}
	editorCtx := gears.NewContextWithUser(context.Background(), f.actors["editor"].user)
	c, err := store.NewInboxService(f.db, nil).FindConversation(editorCtx, f.ws.ID, f.conversation.ID)
	if err != nil || c.Status != gears.ConversationWaiting || c.RespondedAt == nil || len(c.Messages) != 2 {
		t.Fatalf("conversation = %+v, %v", c, err)
	}
	entries, err := store.NewPlanService(f.db).FindTime(editorCtx, f.ws.ID, workload.TimeFilter{})
	if err != nil || len(entries) != 1 || entries[0].ActivityKey != "maintenance.engagement" || entries[0].RefType != "conversation" ||
		entries[0].RefID != f.conversation.ID || entries[0].Minutes < 5.9 {
		t.Errorf("answering time = %+v, %v", entries, err)
	}
	// Status, assignee and notes.
	editorID := strconv.FormatInt(f.actors["editor"].user.ID, 10)
	if st, _, h := b.post(page, url.Values{"status": {"closed"}, "assignee_id": {editorID}}); st != 303 || h.Get("Location") != page+"?ok=flash.saved" {
		t.Errorf("status form = %d %s", st, h.Get("Location"))
	}
	if st, body, _ := b.post(page, url.Values{"assignee_id": {strconv.FormatInt(f.actors["outsider"].user.ID, 10)}}); st != 400 || !strings.Contains(body, "not a member of this workspace") {
		t.Errorf("assigning an outsider = %d", st)
	}
	if st, body, _ := b.post(page, url.Values{"assignee_id": {"me"}}); st != 400 || !strings.Contains(body, shown(`"assignee_id" must be a positive whole number.`)) {
		t.Errorf("assignee_id=me in the form = %d", st)
	}
	if st, _, _ := b.post(page+"/notes", url.Values{"body": {"Regular <customer>"}}); st != 303 {
		t.Errorf("note = %d", st)
	}
	if st, _, _ := b.post(page+"/notes", url.Values{"body": {" "}}); st != 400 {
		t.Errorf("empty note = %d", st)
	}
	c, _ = store.NewInboxService(f.db, nil).FindConversation(editorCtx, f.ws.ID, f.conversation.ID)
	if c.Status != gears.ConversationClosed || c.AssigneeID == nil || strconv.FormatInt(*c.AssigneeID, 10) != editorID {
		t.Errorf("after the forms: %+v", c)
	}
	if _, body, _ := b.get(page); !strings.Contains(body, "Regular &lt;customer&gt;") || !strings.Contains(body, `<option value="`+editorID+`" selected>`) {
		t.Errorf("the page does not show the note or the assignee")
	}
	// An approver sees the conversation without the forms.
	a := signIn(t, f, "approver")
	if st, body, _ := a.get(page); st != 200 || strings.Contains(body, "/reply") || strings.Contains(body, `name="status"`) {
		t.Errorf("approver's conversation = %d", st)
	}
}

// TestListeningPage saves a keyword search and a reply from the listening
// page, and refuses a feed whose address would run script.
func TestListeningPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	b := signIn(t, f, "editor")
	path := f.path("/listening")
	if st, body, _ := b.get(path); st != 200 || !strings.Contains(body, `action="`+path+`"`) || !strings.Contains(body, ">aurora<") {
		t.Fatalf("listening = %d", st)
	}
	searches := func() []*gears.SavedSearch {
		t.Helper()
		list, err := store.NewListeningService(f.db, nil).FindSearches(gears.NewContextWithUser(context.Background(), f.actors["editor"].user), f.ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	st, _, h := b.post(path, url.Values{"kind": {"keyword"}, "query": {"aurora coffee"}, "name": {""}})
	if st != 303 || h.Get("Location") != path+"?ok=flash.search_saved" {
		t.Fatalf("save = %d %s", st, h.Get("Location"))
	}
	if st, body, _ := b.get(h.Get("Location")); st != 200 || !strings.Contains(body, "Search saved") || !strings.Contains(body, "<td>aurora coffee</td>") {
		t.Errorf("after saving = %d", st)
	}
	for _, tt := range []struct {
		kind, query, want string
	}{
		{"feed", "javascript:alert(1)", "Enter the feed's full address, starting with https:// or http://."},
		{"feed", "file:///etc/passwd", "Enter the feed's full address"},
		{"hashtag", "two words", "A hashtag is one word, without spaces."},
		{"keyword", "  ", "Enter what to listen for."},
		{"podcast", "coffee", "The kind must be keyword, hashtag or feed."},
	} {
		st, body, _ := b.post(path, url.Values{"kind": {tt.kind}, "query": {tt.query}, "name": {"Evil"}})
		if st != 400 || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, shown(tt.want)) {
			t.Errorf("%s %q = %d, want 400 saying %q", tt.kind, tt.query, st, tt.want)
		}
		if strings.TrimSpace(tt.query) != "" && !strings.Contains(body, `value="`+tt.query+`"`) && !strings.Contains(body, `value="`+strings.ReplaceAll(tt.query, "/", "&#47;")+`"`) {
			t.Errorf("%s %q: the form does not keep the query", tt.kind, tt.query)
		}
		if strings.Contains(body, `href="javascript:`) {
			t.Errorf("%s %q: a javascript: link", tt.kind, tt.query)
		}
	}
	if list := searches(); len(list) != 2 || list[0].Query == "javascript:alert(1)" || list[1].Query == "javascript:alert(1)" {
		t.Errorf("searches = %d; refused searches were saved", len(list))
	}
	// Saved replies, on the same page.
	st, _, h = b.post(f.path("/replies"), url.Values{"name": {"Thanks"}, "text": {"Thank you, {name}!"}})
	if st != 303 || h.Get("Location") != path+"?ok=flash.saved#replies" {
		t.Errorf("saved reply = %d %s", st, h.Get("Location"))
	}
	if st, body, _ := b.get(path + "?ok=flash.saved"); st != 200 || !strings.Contains(body, "Saved.") || !strings.Contains(body, "Thank you, {name}!") {
		t.Errorf("after saving a reply = %d", st)
	}
	if st, body, _ := b.post(f.path("/replies"), url.Values{"name": {""}, "text": {"x"}}); st != 400 || !strings.Contains(body, "Give the saved reply a name.") {
		t.Errorf("unnamed reply = %d", st)
	}
}

// TestCrisisPage adds a webhook from the crisis page: its signing secret is
// shown once, on the page that answers the form, and never again.
func TestCrisisPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	b := signIn(t, f, "owner")
	path := f.path("/crisis")
	if st, body, _ := b.get(path); st != 200 || strings.Contains(body, `id="secret"`) || !strings.Contains(body, "http://127.0.0.1:9/hook") {
		t.Fatalf("crisis = %d", st)
	}
	secret := regexp.MustCompile(`id="secret" readonly data-select value="(whsec_[^"]+)"`)
	st, body, h := b.post(path+"/channels", url.Values{"kind": {"webhook"}, "target": {"https://hooks.example.org/gears"}})
	m := secret.FindStringSubmatch(body)
	if st != 200 || m == nil || !strings.Contains(body, "shown this once") || h.Get("Location") != "" || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("add webhook = %d, secret %v, Location %q, Cache-Control %q", st, m, h.Get("Location"), h.Get("Cache-Control"))
	}
	if st, body, _ := b.get(path); st != 200 || strings.Contains(body, m[1]) || strings.Contains(body, "whsec_") || !strings.Contains(body, "https://hooks.example.org/gears") {
		t.Errorf("the secret is shown again, or the channel is missing: %d", st)
	}
	channels, err := store.NewCrisisService(f.db, f.net.vault).FindChannels(gears.NewContextWithUser(context.Background(), f.actors["owner"].user), f.ws.ID)
	if err != nil || len(channels) != 2 {
		t.Fatalf("channels = %v, %v", channels, err)
	}
	for _, tt := range []struct {
		kind, target, want string
	}{
		{"webhook", "javascript:alert(1)", "Enter the webhook's full address"},
		{"webhook", "http://hooks.example.org/gears", "must start with https://"},
		{"webhook", "https://user:pass@hooks.example.org/", ""},
		{"email", "team@example.org", "E-mail needs an SMTP server"},
		{"pigeon", "roof", "The channel must be webhook or email."},
	} {
		st, body, _ := b.post(path+"/channels", url.Values{"kind": {tt.kind}, "target": {tt.target}})
		if st != 400 || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, shown(tt.want)) || strings.Contains(body, `id="secret"`) {
			t.Errorf("%s %q = %d, want 400 saying %q and no secret", tt.kind, tt.target, st, tt.want)
		}
	}
	if channels, _ := store.NewCrisisService(f.db, f.net.vault).FindChannels(gears.NewContextWithUser(context.Background(), f.actors["owner"].user), f.ws.ID); len(channels) != 2 {
		t.Errorf("refused channels were saved: %d", len(channels))
	}
	// The detector's settings.
	if st, _, h := b.post(path, url.Values{"sensitivity": {"high"}, "response_target": {"30"}}); st != 303 || h.Get("Location") != path+"?ok=flash.saved" {
		t.Errorf("settings = %d %s", st, h.Get("Location"))
	}
	if st, body, _ := b.post(path, url.Values{"sensitivity": {"high"}, "response_target": {"0"}}); st != 400 || !strings.Contains(body, "between 1 minute and 7 days") {
		t.Errorf("target 0 = %d", st)
	}
	if _, body, _ := b.get(f.path("/inbox")); !strings.Contains(body, "First-response target: 30 min") {
		t.Errorf("the inbox does not show the new target")
	}
	// An editor may not reach crisis settings.
	if st, _, _ := signIn(t, f, "editor").get(path); st != 403 {
		t.Errorf("editor on crisis settings = %d", st)
	}
}

// TestIncidentPages opens an incident about a conversation from its page
// and works it through the incident's forms.
func TestIncidentPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	b := signIn(t, f, "editor")
	b.get(f.path("/inbox/%d", f.conversation.ID))
	st, _, h := b.post(f.path("/incidents"), url.Values{"title": {"Shop closed <today>"}, "severity": {"high"}, "playbook": {"complaint"},
		"conversation_id": {strconv.FormatInt(f.conversation.ID, 10)}})
	loc := regexp.MustCompile(`^` + f.path("/incidents/") + `(\d+)\?ok=flash\.incident_opened$`).FindStringSubmatch(h.Get("Location"))
	if st != 303 || loc == nil {
		t.Fatalf("open = %d %s", st, h.Get("Location"))
	}
	page := f.path("/incidents/%s", loc[1])
	st, body, _ := b.get(h.Get("Location"))
	if st != 200 || !strings.Contains(body, "Incident opened.") || !strings.Contains(body, "Shop closed &lt;today&gt;") ||
		!strings.Contains(body, "Find the original post and who is spreading it") || !strings.Contains(body, "@aurora is the shop open on Sunday?") {
		t.Fatalf("incident = %d", st)
	}
	if st, body, _ := b.post(f.path("/incidents"), url.Values{"title": {"X"}, "severity": {"apocalyptic"}}); st != 400 || !strings.Contains(body, "low, medium, high or critical") {
		t.Errorf("bad severity = %d", st)
	}
	if st, _, _ := b.post(page, url.Values{"check": {"1"}}); st != 303 {
		t.Errorf("check = %d", st)
	}
	if st, body, _ := b.post(page, url.Values{"check": {"one"}}); st != 400 || !strings.Contains(body, shown(`"check" must be a whole number.`)) {
		t.Errorf("check=one = %d", st)
	}
	if st, body, _ := b.post(page, url.Values{"check": {"99"}}); st != 400 || !strings.Contains(body, "The checklist has no step 99.") {
		t.Errorf("check=99 = %d", st)
	}
	if st, _, _ := b.post(page, url.Values{"status": {"resolved"}, "severity": {"high"}, "owner_id": {""}, "summary": {"Handled."}}); st != 303 {
		t.Errorf("resolve = %d", st)
	}
	if _, body, _ := b.get(page); !strings.Contains(body, "Resolved") || !strings.Contains(body, `data-step="1" class="done"`) || !strings.Contains(body, "Handled.") {
		t.Errorf("the resolved incident's page")
	}
}

// TestDemoInbox loads the example workspace and opens every page of its
// inbox: each renders, in English and Spanish, without a missing text.
func TestDemoInbox(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	b := signIn(t, f, "owner")
	b.get(f.path("/"))
	st, _, h := b.post("/demo", nil)
	ws := regexp.MustCompile(`^/w/(\d+)/`).FindStringSubmatch(h.Get("Location"))
	if st != 303 || ws == nil {
		t.Fatalf("demo = %d %s", st, h.Get("Location"))
	}
	id, _ := strconv.ParseInt(ws[1], 10, 64)
	owner := gears.NewContextWithUser(context.Background(), f.actors["owner"].user)
	convs, err := store.NewInboxService(f.db, nil).FindConversations(owner, id, gears.ConversationFilter{Limit: 200})
	if err != nil || len(convs) < 12 {
		t.Fatalf("demo conversations = %d, %v", len(convs), err)
	}
	incidents, err := store.NewIncidentService(f.db).FindIncidents(owner, id)
	if err != nil || len(incidents) != 1 {
		t.Fatalf("demo incidents = %d, %v", len(incidents), err)
	}
	paths := []string{"/inbox", "/inbox?stream=listening", "/listening", "/incidents", fmt.Sprintf("/incidents/%d", incidents[0].ID), "/crisis"}
	for _, c := range convs {
		paths = append(paths, fmt.Sprintf("/inbox/%d", c.ID))
	}
	for _, lang := range []string{"en", "es"} {
		for _, p := range paths {
			st, body, _ := b.get(fmt.Sprintf("/w/%d%s", id, p), "Accept-Language", lang)
			if st != 200 || !strings.Contains(body, `lang="`+lang+`"`) {
				t.Errorf("demo %s in %s = %d", p, lang, st)
				continue
			}
			if keys := untranslated(body); len(keys) > 0 {
				t.Errorf("demo %s in %s shows untranslated keys: %v", p, lang, keys)
			}
		}
	}
	_, body, _ := b.get(fmt.Sprintf("/w/%d/inbox", id))
	for _, want := range []string{"pedido 4411", "Best flat white", "Activity", "cafedeespecialidad"} {
		if !strings.Contains(body, want) {
			t.Errorf("the demo inbox lacks %q", want)
		}
	}
}

func TestLinkConversationToIncident(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	b := signIn(t, f, "editor")
	page := f.path("/inbox/%d", f.conversation.ID)
	st, body, _ := b.get(page)
	if st != 200 || !strings.Contains(body, `name="incident_id"`) {
		t.Fatalf("conversation = %d: no incident to link to offered", st)
	}
	st, _, h := b.post(page, url.Values{"incident_id": {strconv.FormatInt(f.incident.ID, 10)}})
	if st != 303 || h.Get("Location") != page+"?ok=flash.linked" {
		t.Fatalf("link = %d %s", st, h.Get("Location"))
	}
	ctx := gears.NewContextWithUser(context.Background(), f.actors["editor"].user)
	in, err := store.NewIncidentService(f.db).FindIncident(ctx, f.ws.ID, f.incident.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Conversations) != 1 || in.Conversations[0] != f.conversation.ID {
		t.Fatalf("incident conversations = %v", in.Conversations)
	}
	if st, _, _ := b.post(page, url.Values{"incident_id": {"999999"}}); st != 404 {
		t.Errorf("another workspace's or no incident = %d, want 404", st)
	}
}

// TestOverviewShowsCrisis: a recent alert and an open incident are on the
// workspace's overview, explained in the reader's language.
func TestOverviewShowsCrisis(t *testing.T) {
	t.Parallel()
	f := newFixture(t, store.SQLite)
	now := time.Now().UTC().Truncate(time.Minute)
	alert := crisis.Alert{Kind: crisis.KindVolume, Start: now.Add(-4 * time.Minute), At: now, Observed: 34, Expected: 10, Ratio: 3.4,
		NegativeShare: 0.61, UsualNegativeShare: 0.05, Weekday: time.Tuesday, Hour: 10}
	crisisStore := store.NewCrisisService(f.db, f.net.vault)
	if err := crisisStore.SaveDetection(context.Background(), store.Detection{WorkspaceID: f.ws.ID, ObservedUntil: time.UnixMilli(0)}, []byte("{}"), now,
		[]store.RaisedAlert{{Kind: string(alert.Kind), Start: alert.Start, At: alert.At, Data: alert}}); err != nil {
		t.Fatal(err)
	}
	b := signIn(t, f, "analyst")
	st, body, _ := b.get(f.path("/"))
	if st != 200 || !strings.Contains(body, "data-crisis-alert") || !strings.Contains(body, "3.4× the usual volume for a Tuesday 10:00, 61 % negative") {
		t.Fatalf("overview = %d: no crisis alert explained", st)
	}
	if !strings.Contains(body, "data-open-incidents") || !strings.Contains(body, template.HTMLEscapeString(f.incident.Title)) {
		t.Errorf("overview does not list the open incident %q", f.incident.Title)
	}
}
