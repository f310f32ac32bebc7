package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gears"
	"gears/sentiment"
)

// InboxService keeps the unified inbox: what the networks report, grouped
// into conversations, and what the team does with it.
type InboxService struct {
	db    *DB
	posts *PostService
}

// NewInboxService returns the inbox of db; answers go out as posts.
func NewInboxService(db *DB, posts *PostService) *InboxService {
	return &InboxService{db: db, posts: posts}
}

// Source is where ingested messages come from: one connected account's
// notifications, or one saved search (through an account, or a feed).
type Source struct {
	WorkspaceID int64
	Network     gears.Network
	AccountID   *int64 // notifications of this account
	SearchID    *int64 // matches of this saved search
}

func (s Source) key() string {
	if s.SearchID != nil {
		return "s" + strconv.FormatInt(*s.SearchID, 10)
	}
	if s.AccountID != nil {
		return "a" + strconv.FormatInt(*s.AccountID, 10)
	}
	return ""
}

// IngestResult counts what one batch did.
type IngestResult struct {
	New           int     // messages stored
	Duplicates    int     // messages already stored, skipped
	Conversations []int64 // conversations that received messages
}

// subjectLength is how much of a conversation's first message names it.
const subjectLength = 140

// maxMessageText caps what is kept of a message's text.
const maxMessageText = 10_000

// Ingest stores a batch of messages from one source and, when cursor is
// not nil, the source's new cursor, in one transaction: a poll that dies
// half-way stores neither, and the next poll reads the same messages
// again, which are then skipped as duplicates. Each message is scored for
// sentiment, indexed for search and put in its thread's conversation; a
// conversation that was waiting or closed opens again when someone writes
// in it.
//
// Ingest is called by the background pollers, not on behalf of a user.
func (s *InboxService) Ingest(ctx context.Context, src Source, msgs []gears.InboundMessage, cursor *string) (IngestResult, error) {
	var res IngestResult
	key := src.key()
	if key == "" || src.WorkspaceID == 0 {
		return res, gears.Internal("ingest: no source")
	}
	// The statements every batch runs are prepared once, before the
	// transaction (where SQLite's one connection is free).
	if err := s.db.prepareAll(ctx, storedIDsSQL, threadsSQL, insertMessagesSQL(perStatement),
		s.db.insertReturningID(createConversationSQL), touchConversationSQL); err != nil {
		return res, err
	}
	err := s.db.InTx(ctx, func(tx *Tx) error {
		var err error
		res, err = ingest(tx, src, key, msgs)
		if err != nil {
			return err
		}
		if cursor == nil {
			return nil
		}
		return saveCursor(tx, src, *cursor)
	})
	return res, err
}

// ingested is a message ready to store.
type ingested struct {
	m      *gears.InboundMessage
	result sentiment.Result
	conv   int64
}

func ingest(tx *Tx, src Source, key string, msgs []gears.InboundMessage) (IngestResult, error) {
	var res IngestResult
	if len(msgs) == 0 {
		return res, nil
	}
	// Clean first (IDs included, as they are stored), then deduplicate
	// within the batch, then against what is stored.
	now := tx.now()
	seen := make(map[string]bool, len(msgs))
	batch := make([]*ingested, 0, len(msgs))
	for i := range msgs {
		m := &msgs[i]
		cleanInbound(m, now)
		if m.RemoteID == "" || seen[m.RemoteID] {
			res.Duplicates++
			continue
		}
		seen[m.RemoteID] = true
		batch = append(batch, &ingested{m: m})
	}
	stored, err := storedIDs(tx, src.WorkspaceID, key, batch)
	if err != nil {
		return res, err
	}
	fresh := batch[:0]
	for _, in := range batch {
		if stored[in.m.RemoteID] {
			res.Duplicates++
			continue
		}
		fresh = append(fresh, in)
	}
	if len(fresh) == 0 {
		return res, nil
	}
	for _, in := range fresh {
		if in.m.Text != "" && scored(in.m.Kind) {
			in.result = sentiment.Analyze(in.m.Text, in.m.Lang)
		} else {
			in.result = sentiment.Result{Label: gears.Neutral}
		}
	}
	// Oldest first, so a conversation's subject is its first message.
	sort.SliceStable(fresh, func(i, j int) bool { return fresh[i].m.CreatedAt.Before(fresh[j].m.CreatedAt) })
	threads, err := threadConversations(tx, src.WorkspaceID, key, fresh)
	if err != nil {
		return res, err
	}
	byConv := map[int64][]*ingested{}
	var order []int64
	var create *sql.Stmt
	for _, in := range fresh {
		in.conv = threads[in.m.Thread]
		if in.conv == 0 {
			if create == nil {
				if create, err = tx.statement(tx.db.insertReturningID(createConversationSQL)); err != nil {
					return res, gears.Internal("create conversation: %w", err)
				}
			}
			id, err := createConversation(tx, create, src, key, in)
			if err != nil {
				return res, err
			}
			in.conv = id
			threads[in.m.Thread] = id
		}
		// A reply to this message later in the same batch joins it.
		if threads[in.m.RemoteID] == 0 {
			threads[in.m.RemoteID] = in.conv
		}
		if byConv[in.conv] == nil {
			order = append(order, in.conv)
		}
		byConv[in.conv] = append(byConv[in.conv], in)
	}
	indexFrom, err := tx.db.lastMessageID(tx)
	if err != nil {
		return res, err
	}
	if err := insertMessages(tx, src.WorkspaceID, key, fresh, now); err != nil {
		return res, err
	}
	if err := tx.db.indexMessages(tx, indexFrom); err != nil {
		return res, err
	}
	touch, err := tx.statement(touchConversationSQL)
	if err != nil {
		return res, gears.Internal("update conversation: %w", err)
	}
	for _, id := range order {
		if err := touchConversation(tx, touch, id, byConv[id]); err != nil {
			return res, err
		}
	}
	res.New = len(fresh)
	res.Conversations = order
	return res, nil
}

// scored says which kinds carry words worth a sentiment.
func scored(k gears.MessageKind) bool {
	switch k {
	case gears.KindRepost, gears.KindFavourite, gears.KindFollow:
		return false
	}
	return true
}

// cleanInbound bounds and repairs what a network sent: valid UTF-8, no
// control characters but newlines and tabs, capped lengths, a time that
// is not in the future.
func cleanInbound(m *gears.InboundMessage, now time.Time) {
	m.Text = cleanText(m.Text, maxMessageText)
	m.Author.Handle = cleanText(m.Author.Handle, 300)
	m.Author.DisplayName = cleanText(m.Author.DisplayName, 300)
	m.Author.URL = safeURL(m.Author.URL)
	m.URL = safeURL(m.URL)
	m.Lang = cleanText(m.Lang, 20)
	if m.Thread == "" {
		m.Thread = m.RemoteID
	}
	m.Thread = cleanText(m.Thread, 1000)
	m.RemoteID = cleanText(m.RemoteID, 1000)
	if m.Kind == "" {
		m.Kind = gears.KindMention
	}
	if m.CreatedAt.IsZero() || m.CreatedAt.After(now) {
		m.CreatedAt = now
	}
	m.CreatedAt = m.CreatedAt.UTC().Truncate(time.Millisecond)
}

func cleanText(s string, max int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	clean := true
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			clean = false
			break
		}
	}
	if !clean {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) && r != '\n' && r != '\t' {
				return -1
			}
			return r
		}, s)
	}
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}

// safeURL keeps only http and https addresses: a link from a network is
// shown as a link, and must never run script.
func safeURL(u string) string {
	u = strings.TrimSpace(u)
	l := strings.ToLower(u)
	if (strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")) && len(u) <= 2000 && !strings.ContainsAny(u, " \"'<>\n\r\t") {
		return u
	}
	return ""
}

// lookupChunk is how many IDs one lookup of stored messages or threads
// takes: a fixed number (the last ID repeated to fill it), so that the
// statement is prepared once.
const lookupChunk = 100

var (
	storedIDsSQL = `SELECT remote_id FROM messages WHERE workspace_id = ? AND source = ? AND remote_id IN (` + placeholders(lookupChunk) + `)`
	threadsSQL   = `SELECT thread, id, 1 FROM conversations WHERE workspace_id = ? AND source = ? AND thread IN (` + placeholders(lookupChunk) + `)
		UNION ALL
		SELECT m.remote_id, m.conversation_id, 0 FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE m.workspace_id = ? AND m.source IN (?, 'out') AND c.source = ? AND m.remote_id IN (` + placeholders(lookupChunk) + `)`
)

// padded appends ids to args, repeating the last to fill lookupChunk.
func padded(args []any, ids []string) []any {
	for i := range lookupChunk {
		args = append(args, ids[min(i, len(ids)-1)])
	}
	return args
}

// storedIDs returns which of the batch's remote IDs the source has.
func storedIDs(tx *Tx, wsID int64, key string, batch []*ingested) (map[string]bool, error) {
	out := map[string]bool{}
	ids := make([]string, len(batch))
	for i, in := range batch {
		ids[i] = in.m.RemoteID
	}
	for start := 0; start < len(ids); start += lookupChunk {
		part := ids[start:min(start+lookupChunk, len(ids))]
		found, err := queryPrepared(tx, "stored messages", func(r scanner) (string, error) {
			var id string
			err := r.Scan(&id)
			return id, err
		}, storedIDsSQL, padded([]any{wsID, key}, part)...)
		if err != nil {
			return nil, err
		}
		for _, id := range found {
			out[id] = true
		}
	}
	return out, nil
}

func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// threadConversations finds the conversation of each thread of the batch:
// the one keyed by the thread, or, when the thread names a message already
// stored (a reply to a reply, or to an answer sent from Gears), that
// message's conversation.
func threadConversations(tx *Tx, wsID int64, key string, batch []*ingested) (map[string]int64, error) {
	out := map[string]int64{}
	var threads []string
	for _, in := range batch {
		if _, ok := out[in.m.Thread]; !ok {
			out[in.m.Thread] = 0
			threads = append(threads, in.m.Thread)
		}
	}
	for start := 0; start < len(threads); start += lookupChunk {
		part := threads[start:min(start+lookupChunk, len(threads))]
		args := padded([]any{wsID, key}, part)
		args = padded(append(args, wsID, key, key), part)
		type hit struct {
			thread string
			conv   int64
			byKey  bool
		}
		hits, err := queryPrepared(tx, "find threads", func(r scanner) (hit, error) {
			var h hit
			err := r.Scan(&h.thread, &h.conv, &h.byKey)
			return h, err
		}, threadsSQL, args...)
		if err != nil {
			return nil, err
		}
		for _, h := range hits {
			// A conversation keyed by the thread wins over one found
			// through a message.
			if out[h.thread] == 0 || h.byKey {
				out[h.thread] = h.conv
			}
		}
	}
	return out, nil
}

const createConversationSQL = `INSERT INTO conversations (workspace_id, source, account_id, search_id, network, stream, thread, status, sentiment, score, subject, messages, first_at, last_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`

func createConversation(tx *Tx, stmt *sql.Stmt, src Source, key string, in *ingested) (int64, error) {
	m := in.m
	status := gears.ConversationOpen
	if m.Kind.Stream() == gears.StreamActivity {
		// Boosts, favourites and follows need no answer.
		status = gears.ConversationClosed
	}
	subject := m.Text
	if subject == "" {
		subject = m.Author.Handle
	}
	subject = cleanText(strings.Join(strings.Fields(subject), " "), subjectLength*4)
	if utf8.RuneCountInString(subject) > subjectLength {
		subject = string([]rune(subject)[:subjectLength]) + "…"
	}
	at := millis(m.CreatedAt)
	id, err := tx.db.execReturningID(tx, stmt, src.WorkspaceID, key, src.AccountID, src.SearchID, src.Network, m.Kind.Stream(), m.Thread, status,
		in.result.Label, in.result.Score, subject, at, at)
	if err != nil {
		return 0, gears.Internal("create conversation: %w", err)
	}
	return id, nil
}

// perStatement is how many messages one insert statement writes.
const perStatement = 50

// insertMessagesSQL inserts n messages.
func insertMessagesSQL(n int) string {
	const row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	return `INSERT INTO messages (workspace_id, conversation_id, source, remote_id, kind, author, author_name, author_url, text, url, lang, sentiment, score, reply_to, created_at, received_at) VALUES ` +
		strings.Repeat(row+", ", n-1) + row
}

// insertMessages writes the batch's messages, many rows per statement,
// each statement prepared once: SQLite parses it once, not once per row.
func insertMessages(tx *Tx, wsID int64, key string, batch []*ingested, now time.Time) error {
	statements := map[int]*sql.Stmt{}
	received := millis(now)
	args := make([]any, 0, 16*perStatement)
	for start := 0; start < len(batch); start += perStatement {
		part := batch[start:min(start+perStatement, len(batch))]
		stmt := statements[len(part)]
		if stmt == nil {
			var err error
			if stmt, err = tx.statement(insertMessagesSQL(len(part))); err != nil {
				return gears.Internal("insert messages: %w", err)
			}
			statements[len(part)] = stmt
		}
		args = args[:0]
		for _, in := range part {
			m := in.m
			reply, err := json.Marshal(m.Reply)
			if err != nil {
				return gears.Internal("message reply: %w", err)
			}
			args = append(args, wsID, in.conv, key, m.RemoteID, m.Kind, m.Author.Handle, m.Author.DisplayName, m.Author.URL,
				m.Text, m.URL, m.Lang, in.result.Label, in.result.Score, string(reply), millis(m.CreatedAt), received)
		}
		if _, err := stmt.ExecContext(tx.ctx, args...); err != nil {
			return gears.Internal("insert messages: %w", err)
		}
	}
	return nil
}

// times, the latest sentiment, and opens it again when someone wrote.
const touchConversationSQL = `UPDATE conversations SET messages = messages + ?,
		last_at = CASE WHEN last_at > ? THEN last_at ELSE ? END,
		first_at = CASE WHEN first_at < ? THEN first_at ELSE ? END,
		sentiment = ?, score = ?,
		status = CASE WHEN ? THEN 'open' ELSE status END
	WHERE id = ?`

func touchConversation(tx *Tx, stmt *sql.Stmt, id int64, msgs []*ingested) error {
	last := msgs[len(msgs)-1]
	reopen := false
	for _, in := range msgs {
		if in.m.Kind.Stream() != gears.StreamActivity {
			reopen = true
		}
	}
	_, err := stmt.ExecContext(tx.ctx, len(msgs), millis(last.m.CreatedAt), millis(last.m.CreatedAt), millis(msgs[0].m.CreatedAt), millis(msgs[0].m.CreatedAt),
		last.result.Label, last.result.Score, reopen, id)
	if err != nil {
		return gears.Internal("update conversation: %w", err)
	}
	return nil
}

// saveCursor stores where a source's next poll starts.
func saveCursor(tx *Tx, src Source, cursor string) error {
	now := millis(tx.now())
	if src.SearchID != nil {
		var account int64
		if src.AccountID != nil {
			account = *src.AccountID
		}
		if _, err := tx.exec(`INSERT INTO search_cursors (search_id, account_id, cursor) VALUES (?, ?, ?)
			ON CONFLICT (search_id, account_id) DO UPDATE SET cursor = excluded.cursor`, *src.SearchID, account, cursor); err != nil {
			return gears.Internal("save search cursor: %w", err)
		}
		_, err := tx.exec(`UPDATE saved_searches SET polled_at = ?, error = '' WHERE id = ?`, now, *src.SearchID)
		if err != nil {
			return gears.Internal("save search cursor: %w", err)
		}
		return nil
	}
	if _, err := tx.exec(`UPDATE accounts SET inbox_cursor = ?, inbox_polled_at = ?, inbox_error = '' WHERE id = ?`, cursor, now, *src.AccountID); err != nil {
		return gears.Internal("save inbox cursor: %w", err)
	}
	return nil
}

const conversationColumns = `c.id, c.workspace_id, c.account_id, c.search_id, c.network, c.stream, c.status, c.assignee_id,
	c.sentiment, c.score, c.subject, c.messages, c.first_at, c.last_at, c.responded_at`

func scanConversation(r scanner) (*gears.Conversation, error) {
	var c gears.Conversation
	var account, search, assignee, responded sql.NullInt64
	var first, last int64
	err := r.Scan(&c.ID, &c.WorkspaceID, &account, &search, &c.Network, &c.Stream, &c.Status, &assignee,
		&c.Sentiment, &c.Score, &c.Subject, &c.Count, &first, &last, &responded)
	if err != nil {
		return nil, gears.Internal("scan conversation: %w", err)
	}
	c.AccountID, c.SearchID, c.AssigneeID = nullID(account), nullID(search), nullID(assignee)
	c.FirstAt, c.LastAt, c.RespondedAt = fromMillis(first), fromMillis(last), nullMillis(responded)
	c.Messages = []*gears.Message{}
	return &c, nil
}

func nullID(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

const messageColumns = `id, conversation_id, kind, outbound, author, author_name, author_url, text, url, lang, sentiment, score, reply_to, delivery_id, created_at`

func scanMessage(r scanner) (*gears.Message, error) {
	var m gears.Message
	var reply string
	var delivery sql.NullInt64
	var at int64
	err := r.Scan(&m.ID, &m.ConversationID, &m.Kind, &m.Outbound, &m.Author, &m.AuthorName, &m.AuthorURL, &m.Text, &m.URL,
		&m.Lang, &m.Sentiment, &m.Score, &reply, &delivery, &at)
	if err != nil {
		return nil, gears.Internal("scan message: %w", err)
	}
	if reply != "" {
		if err := json.Unmarshal([]byte(reply), &m.Reply); err != nil {
			return nil, gears.Internal("message %d reply_to: %w", m.ID, err)
		}
	}
	m.DeliveryID = nullID(delivery)
	m.CreatedAt = fromMillis(at)
	return &m, nil
}

// searchWindow is how many of the newest matching messages a full-text
// search looks at: enough for an inbox, and bounded whatever the words.
const searchWindow = 5000

// The accents PostgreSQL's search folds (its migration folds the same).
const (
	accented   = "áàâäãåéèêëíìîïóòôöõúùûüñçýÿ"
	unaccented = "aaaaaaeeeeiiiiooooouuuuncyy"
)

// searchWord is one word of a search; a word typed with a final * matches
// as a prefix.
type searchWord struct {
	text   string
	prefix bool
}

// ftsWords turns what a person typed into a safe full-text query: words
// only (no operators, so nothing typed can break the query), all required.
// Whole words match, in any case and with or without accents; "refu*"
// (three letters or more) matches the words that start so.
func ftsWords(q string) []searchWord {
	var out []searchWord
	for _, field := range strings.Fields(strings.ToLower(q)) {
		prefix := strings.HasSuffix(field, "*")
		parts := strings.FieldsFunc(field, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		for i, w := range parts {
			out = append(out, searchWord{text: w, prefix: prefix && i == len(parts)-1 && utf8.RuneCountInString(w) >= 3})
		}
	}
	if len(out) > 16 {
		out = out[:16]
	}
	return out
}

// matchingMessages returns the IDs of the newest messages of the
// workspace that hold every word, newest first.
func (db *DB) matchingMessages(tx *Tx, wsID int64, words []searchWord) ([]int64, error) {
	var b strings.Builder
	var q string
	var args []any
	if db.dialect == Postgres {
		for i, w := range words {
			if i > 0 {
				b.WriteString(" & ")
			}
			b.WriteString("'" + w.text + "'")
			if w.prefix {
				b.WriteString(":*")
			}
		}
		q = `SELECT id FROM messages WHERE workspace_id = ? AND search @@ to_tsquery('simple', translate(?, '` + accented + `', '` + unaccented + `'))
			ORDER BY id DESC LIMIT ` + strconv.Itoa(searchWindow)
		args = []any{wsID, b.String()}
	} else {
		b.WriteString(ftsWorkspace(wsID))
		for _, w := range words {
			b.WriteString(` AND "` + w.text + `"`)
			if w.prefix {
				b.WriteString("*")
			}
		}
		q = `SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ` + strconv.Itoa(searchWindow)
		args = []any{b.String()}
	}
	return queryAll(tx, "search messages", func(r scanner) (int64, error) {
		var id int64
		err := r.Scan(&id)
		return id, err
	}, q, args...)
}

// ftsWorkspace is the token that starts every indexed row of a workspace.
func ftsWorkspace(wsID int64) string { return "gearsws" + strconv.FormatInt(wsID, 10) }

// lastMessageID is the highest message ID so far: the messages written
// after it in this transaction are the ones to index.
func (db *DB) lastMessageID(tx *Tx) (int64, error) {
	if db.dialect == Postgres {
		return 0, nil // PostgreSQL indexes a generated column by itself
	}
	var id int64
	if err := tx.queryRow(`SELECT COALESCE(MAX(id), 0) FROM messages`).Scan(&id); err != nil {
		return 0, gears.Internal("last message: %w", err)
	}
	return id, nil
}

// indexMessages adds the messages written after afterID to SQLite's
// full-text index, in one statement.
func (db *DB) indexMessages(tx *Tx, afterID int64) error {
	if db.dialect == Postgres {
		return nil
	}
	_, err := tx.exec(`INSERT INTO messages_fts (rowid, text)
		SELECT id, 'gearsws' || workspace_id || ' ' || author || ' ' || author_name || ' ' || text FROM messages WHERE id > ?`, afterID)
	if err != nil {
		return gears.Internal("index messages: %w", err)
	}
	return nil
}

// messagesPerConversation caps the messages a list carries per
// conversation (the newest); a conversation's page shows them all.
const messagesPerConversation = 20

// FindConversations lists conversations, newest activity first.
func (s *InboxService) FindConversations(ctx context.Context, wsID int64, f gears.ConversationFilter) ([]*gears.Conversation, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var list []*gears.Conversation
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var err error
		list, err = s.findConversations(tx, wsID, f)
		if err != nil {
			return err
		}
		return loadMessages(tx, list, messagesPerConversation)
	})
	return list, err
}

func (s *InboxService) findConversations(tx *Tx, wsID int64, f gears.ConversationFilter) ([]*gears.Conversation, error) {
	q := `SELECT ` + conversationColumns + ` FROM conversations c WHERE c.workspace_id = ?`
	args := []any{wsID}
	if f.Status != "" {
		q += ` AND c.status = ?`
		args = append(args, f.Status)
	}
	if f.Stream != "" {
		q += ` AND c.stream = ?`
		args = append(args, f.Stream)
	}
	if f.Network != "" {
		q += ` AND c.network = ?`
		args = append(args, f.Network)
	}
	if f.Sentiment != "" {
		q += ` AND c.sentiment = ?`
		args = append(args, f.Sentiment)
	}
	if f.AssigneeID != nil {
		if *f.AssigneeID == 0 {
			q += ` AND c.assignee_id IS NULL`
		} else {
			q += ` AND c.assignee_id = ?`
			args = append(args, *f.AssigneeID)
		}
	}
	if f.SearchID != nil {
		q += ` AND c.search_id = ?`
		args = append(args, *f.SearchID)
	}
	if f.AccountID != nil {
		q += ` AND c.account_id = ?`
		args = append(args, *f.AccountID)
	}
	if f.Before != nil {
		if f.BeforeID > 0 {
			q += ` AND (c.last_at < ? OR (c.last_at = ? AND c.id < ?))`
			args = append(args, millis(*f.Before), millis(*f.Before), f.BeforeID)
		} else {
			q += ` AND c.last_at < ?`
			args = append(args, millis(*f.Before))
		}
	}
	if words := ftsWords(f.Query); len(words) > 0 {
		// The matching messages first (the index answers that at once),
		// then their conversations by primary key: never a walk through
		// every conversation looking for the few that match.
		ids, err := s.db.matchingMessages(tx, wsID, words)
		if err != nil || len(ids) == 0 {
			return nil, err
		}
		list, err := json.Marshal(ids)
		if err != nil {
			return nil, gears.Internal("search: %w", err)
		}
		found := `SELECT value FROM json_each(?)`
		if s.db.dialect == Postgres {
			found = `SELECT value::bigint FROM json_array_elements_text(?::json)`
		}
		q = strings.Replace(q, ` FROM conversations c WHERE`, ` FROM (SELECT DISTINCT conversation_id AS cid FROM messages WHERE id IN (`+found+`)) x
			CROSS JOIN conversations c WHERE c.id = x.cid AND`, 1)
		args = append([]any{string(list)}, args...)
	}
	q += ` ORDER BY c.last_at DESC, c.id DESC LIMIT ` + strconv.Itoa(f.Limit)
	return queryAll(tx, "find conversations", scanConversation, q, args...)
}

// loadMessages fills each conversation's messages, oldest first, keeping
// the newest max of each (0: all).
func loadMessages(tx *Tx, list []*gears.Conversation, max int) error {
	if len(list) == 0 {
		return nil
	}
	byID := map[int64]*gears.Conversation{}
	args := make([]any, len(list))
	for i, c := range list {
		byID[c.ID] = c
		args[i] = c.ID
	}
	msgs, err := queryAll(tx, "find messages", scanMessage,
		`SELECT `+messageColumns+` FROM messages WHERE conversation_id IN (`+placeholders(len(list))+`) ORDER BY created_at, id`, args...)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		c := byID[m.ConversationID]
		c.Messages = append(c.Messages, m)
	}
	if max > 0 {
		for _, c := range list {
			if n := len(c.Messages); n > max {
				c.Messages = c.Messages[n-max:]
			}
		}
	}
	return nil
}

func findConversation(tx *Tx, wsID, id int64) (*gears.Conversation, error) {
	c, err := scanConversation(tx.queryRow(`SELECT `+conversationColumns+` FROM conversations c WHERE c.workspace_id = ? AND c.id = ?`, wsID, id))
	if err != nil && errors.Is(errors.Unwrap(err), sql.ErrNoRows) {
		return nil, gears.ErrNotFound
	}
	return c, err
}

// FindConversation returns one conversation with all its messages.
func (s *InboxService) FindConversation(ctx context.Context, wsID, id int64) (*gears.Conversation, error) {
	var c *gears.Conversation
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var err error
		if c, err = findConversation(tx, wsID, id); err != nil {
			return err
		}
		return loadMessages(tx, []*gears.Conversation{c}, 0)
	})
	return c, err
}

// UpdateConversation sets a conversation's status or assignee. The
// assignee must be a member of the workspace.
func (s *InboxService) UpdateConversation(ctx context.Context, wsID, id int64, u gears.ConversationUpdate) (*gears.Conversation, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	var c *gears.Conversation
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		if _, err := findConversation(tx, wsID, id); err != nil {
			return err
		}
		if u.Status != nil {
			if _, err := tx.exec(`UPDATE conversations SET status = ? WHERE id = ?`, *u.Status, id); err != nil {
				return gears.Internal("conversation status: %w", err)
			}
		}
		if u.AssigneeID != nil {
			var assignee any
			if *u.AssigneeID != 0 {
				if err := checkMember(tx, wsID, *u.AssigneeID, "assignee_id"); err != nil {
					return err
				}
				assignee = *u.AssigneeID
			}
			if _, err := tx.exec(`UPDATE conversations SET assignee_id = ? WHERE id = ?`, assignee, id); err != nil {
				return gears.Internal("assign conversation: %w", err)
			}
		}
		var err error
		if c, err = findConversation(tx, wsID, id); err != nil {
			return err
		}
		return loadMessages(tx, []*gears.Conversation{c}, 0)
	})
	return c, err
}

// checkMember reports an invalid field unless userID belongs to the
// workspace.
func checkMember(tx *Tx, wsID, userID int64, field string) error {
	var n int
	if err := tx.queryRow(`SELECT COUNT(*) FROM memberships WHERE workspace_id = ? AND user_id = ?`, wsID, userID).Scan(&n); err != nil {
		return gears.Internal("check member: %w", err)
	}
	if n == 0 {
		return gears.Invalid(field, "inbox.not_a_member")
	}
	return nil
}

// Answer is a reply sent from the inbox: the message added to the
// conversation and the delivery that publishes it.
type Answer struct {
	Message  *gears.Message  `json:"message"`
	PostID   int64           `json:"post_id"`
	Delivery *gears.Delivery `json:"delivery"`
}

// Reply answers a conversation on its network, in its thread, through the
// account it came to. The answer is an unscheduled message: it goes out at
// once, exactly once, through the publishing engine — even while scheduled
// publishing is paused. A conversation found by a saved search is answered
// through accountID, which must be on its network.
func (s *InboxService) Reply(ctx context.Context, wsID, convID int64, text string, accountID *int64) (*Answer, error) {
	var ans *Answer
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		c, err := findConversation(tx, wsID, convID)
		if err != nil {
			return err
		}
		if c.Network == gears.Feed {
			return gears.Invalid("", "inbox.feed_no_reply")
		}
		account := c.AccountID
		if c.SearchID != nil && accountID != nil {
			account = accountID
		}
		if account == nil {
			return gears.Invalid("account_id", "inbox.reply_account_required")
		}
		a, err := findAccount(tx, wsID, *account)
		if gears.ErrorCode(err) == gears.ENOTFOUND {
			return gears.Invalid("account_id", "post.account_unknown", *account)
		}
		if err != nil {
			return err
		}
		if a.Network != c.Network {
			return gears.Invalid("account_id", "inbox.reply_wrong_network")
		}
		if err := loadMessages(tx, []*gears.Conversation{c}, 0); err != nil {
			return err
		}
		target := lastAnswerable(c)
		if target == nil {
			return gears.Invalid("", "inbox.nothing_to_answer")
		}
		in := gears.PostInput{Text: mentionAuthor(c.Network, target.Author, text), AccountIDs: []int64{a.ID}, ContentType: gears.ContentMessage}
		if _, err := s.posts.checkInput(tx, wsID, &in); err != nil {
			return err
		}
		reply, err := json.Marshal(target.Reply)
		if err != nil {
			return gears.Internal("reply: %w", err)
		}
		now := tx.now()
		var postID int64
		err = tx.queryRow(`INSERT INTO posts (workspace_id, author_id, text, content_type, scheduled_at, status, reply_to, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, wsID, gears.UserIDFromContext(tx.ctx), in.Text, in.ContentType,
			millis(now), gears.PostScheduled, string(reply), millis(now), millis(now)).Scan(&postID)
		if err != nil {
			return gears.Internal("reply post: %w", err)
		}
		if err := setDeliveries(tx, postID, &in); err != nil {
			return err
		}
		if err := schedule(tx, postID, true); err != nil {
			return err
		}
		p, err := findPost(tx, wsID, postID)
		if err != nil {
			return err
		}
		d := p.Deliveries[0]
		var msgID int64
		err = tx.queryRow(`INSERT INTO messages (workspace_id, conversation_id, source, remote_id, kind, outbound, author, author_name, author_url,
				text, url, lang, sentiment, score, reply_to, delivery_id, created_at, received_at)
			VALUES (?, ?, 'out', ?, ?, ?, ?, ?, '', ?, '', '', ?, 0, '', ?, ?, ?) RETURNING id`,
			wsID, c.ID, "delivery:"+strconv.FormatInt(d.ID, 10), gears.KindReply, true, a.Handle, a.DisplayName,
			in.Text, gears.Neutral, d.ID, millis(now), millis(now)).Scan(&msgID)
		if err != nil {
			return gears.Internal("reply message: %w", err)
		}
		if _, err := tx.exec(`UPDATE conversations SET messages = messages + 1, last_at = ?, responded_at = COALESCE(responded_at, ?),
				status = CASE WHEN status = 'open' THEN 'waiting' ELSE status END WHERE id = ?`, millis(now), millis(now), c.ID); err != nil {
			return gears.Internal("reply conversation: %w", err)
		}
		if err := tx.db.indexMessages(tx, msgID-1); err != nil {
			return err
		}
		if err := recordPublished(tx, wsID, in.Text); err != nil {
			return err
		}
		m, err := scanMessage(tx.queryRow(`SELECT `+messageColumns+` FROM messages WHERE id = ?`, msgID))
		if err != nil {
			return err
		}
		ans = &Answer{Message: m, PostID: postID, Delivery: d}
		return nil
	})
	return ans, err
}

// mentionAuthor starts a Mastodon answer with the person answered, as
// Mastodon's own apps do: Mastodon shows a reply (a direct one above all)
// only to the accounts it names.
func mentionAuthor(network gears.Network, author, text string) string {
	if network != gears.Mastodon || author == "" || strings.TrimSpace(text) == "" {
		return text
	}
	at := "@" + strings.TrimPrefix(author, "@")
	if strings.Contains(strings.ToLower(text), strings.ToLower(at)) {
		return text
	}
	return at + " " + text
}

// lastAnswerable is the newest message from outside that can be answered.
func lastAnswerable(c *gears.Conversation) *gears.Message {
	for i := len(c.Messages) - 1; i >= 0; i-- {
		m := c.Messages[i]
		if !m.Outbound && m.Reply.Parent.ID != "" {
			return m
		}
	}
	return nil
}

// AddNote adds an internal note to a conversation.
func (s *InboxService) AddNote(ctx context.Context, wsID, convID int64, body string) (*gears.Note, error) {
	if err := gears.ValidateNote(body); err != nil {
		return nil, err
	}
	var n *gears.Note
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		if _, err := findConversation(tx, wsID, convID); err != nil {
			return err
		}
		var id int64
		if err := tx.queryRow(`INSERT INTO conversation_notes (conversation_id, author_id, body, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			convID, gears.UserIDFromContext(tx.ctx), strings.TrimSpace(body), millis(tx.now())).Scan(&id); err != nil {
			return gears.Internal("add note: %w", err)
		}
		notes, err := findNotes(tx, convID, id)
		if err != nil {
			return err
		}
		n = notes[0]
		return nil
	})
	return n, err
}

func findNotes(tx *Tx, convID int64, only int64) ([]*gears.Note, error) {
	q := `SELECT n.id, n.author_id, COALESCE(u.name, ''), n.body, n.created_at FROM conversation_notes n
		LEFT JOIN users u ON u.id = n.author_id WHERE n.conversation_id = ?`
	args := []any{convID}
	if only != 0 {
		q += ` AND n.id = ?`
		args = append(args, only)
	}
	return queryAll(tx, "find notes", func(r scanner) (*gears.Note, error) {
		var n gears.Note
		var author sql.NullInt64
		var at int64
		if err := r.Scan(&n.ID, &author, &n.Author, &n.Body, &at); err != nil {
			return nil, gears.Internal("scan note: %w", err)
		}
		n.AuthorID, n.CreatedAt = nullID(author), fromMillis(at)
		return &n, nil
	}, q+` ORDER BY n.created_at, n.id`, args...)
}

// FindNotes lists a conversation's notes, oldest first.
func (s *InboxService) FindNotes(ctx context.Context, wsID, convID int64) ([]*gears.Note, error) {
	var notes []*gears.Note
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		if _, err := findConversation(tx, wsID, convID); err != nil {
			return err
		}
		var err error
		notes, err = findNotes(tx, convID, 0)
		return err
	})
	return notes, err
}

// CreateSavedReply stores a reusable answer.
func (s *InboxService) CreateSavedReply(ctx context.Context, wsID int64, r gears.SavedReply) (*gears.SavedReply, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		r.CreatedAt = tx.now()
		if err := tx.queryRow(`INSERT INTO saved_replies (workspace_id, name, text, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			wsID, r.Name, r.Text, millis(r.CreatedAt)).Scan(&r.ID); err != nil {
			return gears.Internal("saved reply: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// FindSavedReplies lists the workspace's saved replies by name.
func (s *InboxService) FindSavedReplies(ctx context.Context, wsID int64) ([]*gears.SavedReply, error) {
	var list []*gears.SavedReply
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var err error
		list, err = queryAll(tx, "saved replies", func(r scanner) (*gears.SavedReply, error) {
			var sr gears.SavedReply
			var at int64
			if err := r.Scan(&sr.ID, &sr.Name, &sr.Text, &at); err != nil {
				return nil, gears.Internal("scan saved reply: %w", err)
			}
			sr.CreatedAt = fromMillis(at)
			return &sr, nil
		}, `SELECT id, name, text, created_at FROM saved_replies WHERE workspace_id = ? ORDER BY name, id`, wsID)
		return err
	})
	return list, err
}

// DeleteSavedReply removes a saved reply.
func (s *InboxService) DeleteSavedReply(ctx context.Context, wsID, id int64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		res, err := tx.exec(`DELETE FROM saved_replies WHERE workspace_id = ? AND id = ?`, wsID, id)
		if err != nil {
			return gears.Internal("delete saved reply: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gears.ErrNotFound
		}
		return nil
	})
}

// ResponseTarget returns the workspace's first-response target.
func (s *InboxService) ResponseTarget(ctx context.Context, wsID int64) (time.Duration, error) {
	var minutes int
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		if err := tx.queryRow(`SELECT response_target_minutes FROM workspaces WHERE id = ?`, wsID).Scan(&minutes); err != nil {
			return gears.Internal("response target: %w", err)
		}
		return nil
	})
	return time.Duration(minutes) * time.Minute, err
}

// SetResponseTarget sets the workspace's first-response target (1 minute
// to 7 days).
func (s *InboxService) SetResponseTarget(ctx context.Context, wsID int64, target time.Duration) error {
	if target < time.Minute || target > 7*24*time.Hour {
		return gears.Invalid("response_target", "inbox.bad_response_target")
	}
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionManageSettings); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE workspaces SET response_target_minutes = ? WHERE id = ?`, int(target/time.Minute), wsID); err != nil {
			return gears.Internal("response target: %w", err)
		}
		return nil
	})
}
