package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gears"
	"gears/crisis"
	"gears/store"
)

// The example inbox: what the roaster's two accounts heard over the last
// two days, in Spanish and English, as the pollers would have stored it.

// said is one message of the example inbox, from which inbound makes
// what the network's connector would have read.
type said struct {
	id      string // the post's ID (a Bluesky URI is made from it), or the activity's
	kind    gears.MessageKind
	answers string // the post it answers or acts on, which keys its thread; "" starts one
	handle  string
	name    string
	text    string
	lang    string
	ago     time.Duration
}

// exampleThread is one conversation of the example inbox: its messages,
// each stored as a separate poll would store it, and what the team did.
type exampleThread struct {
	network  gears.Network
	messages []said
	status   gears.ConversationStatus // "" leaves it as the inbox put it
	assignee string                   // e-mail of the member it is assigned to
}

var exampleInbox = []exampleThread{
	{network: gears.Mastodon, assignee: "amara.okafor@aurora-coffee.example", messages: []said{
		{"110001", gears.KindMention, "", "joana@masto.pt.example", "Joana Reis", "@aurora do you ship to Portugal? I'm looking for the Huila lot.", "en", 25 * time.Minute},
	}},
	// A complaint that turned around: three replies, each answering the
	// one before, read by three polls.
	{network: gears.Mastodon, status: gears.ConversationClosed, assignee: "lucia.moreno@aurora-coffee.example", messages: []said{
		{"110010", gears.KindReply, "109900", "pablo@mastodon.example", "Pablo Ruiz", "@aurora el pedido 4411 lleva una semana sin llegar y nadie responde. Muy decepcionado.", "es", 26 * time.Hour},
		{"110011", gears.KindReply, "110010", "pablo@mastodon.example", "Pablo Ruiz", "@aurora ¿alguien puede mirarlo, por favor? Es un regalo para el sábado.", "es", 25 * time.Hour},
		{"110012", gears.KindReply, "110011", "pablo@mastodon.example", "Pablo Ruiz", "@aurora gracias, ya me ha escrito Lucía por privado y llega mañana. ¡Genial!", "es", 22 * time.Hour},
	}},
	{network: gears.Mastodon, messages: []said{
		{"110020", gears.KindDirect, "", "latostada@mastodon.example", "Cafetería La Tostada", "Hola, llevo la cafetería La Tostada en Valencia. ¿Vendéis café en grano al por mayor?", "es", 3 * time.Hour},
	}},
	// Answered from the shop's phone: waiting for the other side.
	{network: gears.Mastodon, status: gears.ConversationWaiting, messages: []said{
		{"110030", gears.KindReply, "109950", "sam@mastodon.example", "Sam Lee", "@aurora what time does the Chamberí shop open on Saturdays?", "en", 5 * time.Hour},
	}},
	{network: gears.Mastodon, status: gears.ConversationClosed, messages: []said{
		{"110040", gears.KindMention, "", "marta@mastodon.example", "Marta Gil", "¡La cata del viernes fue genial! Volveremos seguro @aurora", "es", 9 * time.Hour},
	}},
	{network: gears.Mastodon, messages: []said{
		{"favourite:4401:109960", gears.KindFavourite, "109960", "kenji@mastodon.example", "Kenji", "", "", 4 * time.Hour},
	}},
	{network: gears.Mastodon, messages: []said{
		{"follow:4402", gears.KindFollow, "", "ines@mastodon.example", "Inés", "", "", 7 * time.Hour},
	}},
	{network: gears.Bluesky, messages: []said{
		{"b1", gears.KindMention, "", "nora.bsky.example", "Nora", "Best flat white in Madrid, thank you @aurora-coffee.example ☕", "en", 50 * time.Minute},
	}},
	{network: gears.Bluesky, assignee: "diego.santos@aurora-coffee.example", messages: []said{
		{"b2", gears.KindReply, "b0", "greenleo.bsky.example", "Leo", "The new bags aren't recyclable? Really disappointing from a roaster that talks so much about sustainability.", "en", 2 * time.Hour},
	}},
	{network: gears.Bluesky, messages: []said{
		{"b3", gears.KindMention, "", "alba.bsky.example", "Alba", "¿Alguien ha probado el Etiopía de @aurora-coffee.example en espresso?", "es", 6 * time.Hour},
	}},
	{network: gears.Bluesky, messages: []said{
		{"like:b4", gears.KindFavourite, "b6", "rafa.bsky.example", "Rafa", "", "", 90 * time.Minute},
	}},
	{network: gears.Bluesky, messages: []said{
		{"follow:b5", gears.KindFollow, "", "coffeegeek.bsky.example", "Coffee Geek", "", "", 11 * time.Hour},
	}},
}

// exampleMatches are what the hashtag search found on Mastodon.
var exampleMatches = []said{
	{"110100", gears.KindMatch, "", "cafeteando@mastodon.example", "Cafeteando", "Mañana de domingo con un V60 y el Huila de @aurora. Notas a panela y manzana, una maravilla. #cafedeespecialidad", "es", 30 * time.Hour},
	{"110101", gears.KindMatch, "", "brewlog@mastodon.example", "Brew Log", "Tried three Madrid roasters this month for #cafedeespecialidad: Aurora's Ethiopia was the cleanest cup, the others were fine.", "en", 8 * time.Hour},
}

// inbound makes the message a network's connector would have read.
func (m said) inbound(network gears.Network, now time.Time) gears.InboundMessage {
	post, answers := m.id, m.answers
	if network == gears.Bluesky {
		post = "at://did:plc:demo" + m.id + "/app.bsky.feed.post/" + m.id
		if answers != "" {
			answers = "at://did:plc:demoaurora/app.bsky.feed.post/" + answers
		}
	}
	thread := answers
	if thread == "" {
		thread = post
	}
	ref := gears.PostRef{ID: post}
	reply := gears.ReplyTo{Parent: ref, Root: ref}
	if answers != "" && network == gears.Bluesky {
		reply.Root = gears.PostRef{ID: answers}
	}
	user, server, _ := strings.Cut(m.handle, "@")
	profile := "https://" + server + "/@" + user
	url := profile + "/" + m.id
	if network == gears.Bluesky {
		profile = "https://bsky.app/profile/" + m.handle
		url = profile + "/post/" + m.id
	}
	in := gears.InboundMessage{RemoteID: post, Kind: m.kind, Thread: thread, Post: ref, Reply: reply,
		Author: gears.RemoteAccount{Handle: m.handle, DisplayName: m.name, URL: profile},
		Text:   m.text, URL: url, Lang: m.lang, CreatedAt: now.Add(-m.ago)}
	switch m.kind {
	case gears.KindDirect:
		in.Thread = "dm:" + thread
		in.Reply.Visibility = "direct"
	case gears.KindFavourite:
		// Activity has no post of its own: it names the post acted on.
		in.RemoteID, in.Post, in.Reply, in.URL = m.id, gears.PostRef{}, gears.ReplyTo{}, profile
	case gears.KindFollow:
		in.RemoteID, in.Thread, in.Post, in.Reply, in.URL = m.id, m.id, gears.PostRef{}, gears.ReplyTo{}, profile
	}
	return in
}

// fillInbox gives the example workspace's inbox its conversations, a
// hashtag search with its matches, two saved replies, and an incident the
// team has already resolved. Nothing is sent: the example accounts cannot
// publish, so the answers are statuses set by hand.
func fillInbox(ctx context.Context, db *store.DB, ws *gears.Workspace, now time.Time) error {
	accounts, err := store.NewAccountService(db, nil, nil).FindAccounts(ctx, ws.ID)
	if err != nil {
		return err
	}
	byNetwork := map[gears.Network]*gears.Account{}
	for _, a := range accounts {
		byNetwork[a.Network] = a
	}
	if byNetwork[gears.Mastodon] == nil || byNetwork[gears.Bluesky] == nil {
		return fmt.Errorf("the example accounts are missing")
	}
	members, err := store.NewWorkspaceService(db).FindMembers(ctx, ws.ID)
	if err != nil {
		return err
	}
	memberID := map[string]int64{}
	for _, m := range members {
		memberID[m.Email] = m.UserID
	}
	inbox := store.NewInboxService(db, nil)
	var complaint int64 // the conversation the incident was about
	seen := map[int64]bool{}
	for i, th := range exampleInbox {
		a := byNetwork[th.network]
		src := store.Source{WorkspaceID: ws.ID, Network: a.Network, AccountID: &a.ID}
		var conv int64
		for _, m := range th.messages {
			res, err := inbox.Ingest(ctx, src, []gears.InboundMessage{m.inbound(th.network, now)}, nil)
			if err != nil {
				return fmt.Errorf("example conversation %d: %w", i, err)
			}
			if len(res.Conversations) != 1 || (conv != 0 && res.Conversations[0] != conv) {
				return fmt.Errorf("example conversation %d: messages in conversations %v", i, res.Conversations)
			}
			conv = res.Conversations[0]
		}
		if seen[conv] {
			return fmt.Errorf("example conversation %d: joined conversation %d", i, conv)
		}
		seen[conv] = true
		var u gears.ConversationUpdate
		if th.status != "" {
			u.Status = &th.status
		}
		if th.assignee != "" {
			id, ok := memberID[th.assignee]
			if !ok {
				return fmt.Errorf("example conversation %d: %s is not a member", i, th.assignee)
			}
			u.AssigneeID = &id
		}
		if u.Status != nil || u.AssigneeID != nil {
			if _, err := inbox.UpdateConversation(ctx, ws.ID, conv, u); err != nil {
				return fmt.Errorf("example conversation %d: %w", i, err)
			}
		}
		if len(th.messages) > 1 {
			complaint = conv
		}
	}
	search, err := store.NewListeningService(db, nil).CreateSearch(ctx, ws.ID,
		gears.SavedSearch{Name: "#cafedeespecialidad", Kind: gears.SearchHashtag, Query: "cafedeespecialidad"}, nil)
	if err != nil {
		return fmt.Errorf("example search: %w", err)
	}
	masto := byNetwork[gears.Mastodon]
	matches := make([]gears.InboundMessage, len(exampleMatches))
	for i, m := range exampleMatches {
		matches[i] = m.inbound(gears.Mastodon, now)
	}
	if _, err := inbox.Ingest(ctx, store.Source{WorkspaceID: ws.ID, Network: gears.Mastodon, AccountID: &masto.ID, SearchID: &search.ID}, matches, nil); err != nil {
		return fmt.Errorf("example matches: %w", err)
	}
	for _, r := range []gears.SavedReply{
		{Name: "Pedido retrasado", Text: "Hola {name}, sentimos mucho el retraso. Escríbenos por mensaje directo con el número de pedido y lo revisamos hoy mismo. — {agent}, {workspace}"},
		{Name: "Opening hours", Text: "Hi {name}! The Chamberí shop is open Monday to Saturday 8:00–20:00 and Sunday 9:00–14:00. See you soon! — {agent}"},
	} {
		if _, err := inbox.CreateSavedReply(ctx, ws.ID, r); err != nil {
			return fmt.Errorf("example saved reply: %w", err)
		}
	}
	return fillIncident(ctx, db, ws, memberID["lucia.moreno@aurora-coffee.example"], complaint)
}

// fillIncident records the incident the team handled last week: the
// courier's strike, with the general playbook worked through and a
// post-mortem written.
func fillIncident(ctx context.Context, db *store.DB, ws *gears.Workspace, owner, conversation int64) error {
	general, ok := crisis.PlaybookByKey("general")
	if !ok {
		return fmt.Errorf("no general playbook")
	}
	incidents := store.NewIncidentService(db)
	in, err := incidents.CreateIncident(ctx, ws.ID, gears.IncidentCreate{
		Title: "Orders delayed by the courier strike", Severity: gears.SeverityHigh, OwnerID: &owner,
		Playbook: general.Key, Conversations: []int64{conversation},
	}, general.Steps)
	if err != nil {
		return fmt.Errorf("example incident: %w", err)
	}
	done := make([]int, len(in.Checklist))
	for i, c := range in.Checklist {
		done[i] = c.Position
	}
	note := "Holding statement published on both accounts; Lucía answers every order question by direct message."
	if _, err := incidents.UpdateIncident(ctx, ws.ID, in.ID, gears.IncidentUpdate{Check: done, Note: &note}); err != nil {
		return fmt.Errorf("example incident: %w", err)
	}
	resolved := gears.IncidentResolved
	summary := "What happened: a three-day courier strike delayed about 60 orders.\n" +
		"What worked: one owner, one holding statement, and answering each customer privately with their order number.\n" +
		"What to change: add the backup courier to the shop's settings, and warn customers at checkout when deliveries are at risk."
	if _, err := incidents.UpdateIncident(ctx, ws.ID, in.ID, gears.IncidentUpdate{Status: &resolved, Summary: &summary}); err != nil {
		return fmt.Errorf("example incident: %w", err)
	}
	return nil
}
