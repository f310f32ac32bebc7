-- The inbox: conversations and their messages from the connected accounts
-- and the saved searches, with a full-text index; notes, saved replies,
-- cursors of the polls; crisis mode: incidents, alerts and their channels.
ALTER TABLE workspaces ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE workspaces ADD COLUMN response_target_minutes INTEGER NOT NULL DEFAULT 60;
ALTER TABLE workspaces ADD COLUMN crisis_sensitivity TEXT NOT NULL DEFAULT 'medium';
ALTER TABLE workspaces ADD COLUMN crisis_baseline TEXT NOT NULL DEFAULT '';
ALTER TABLE workspaces ADD COLUMN crisis_observed_until INTEGER NOT NULL DEFAULT 0;

ALTER TABLE accounts ADD COLUMN inbox_cursor TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN inbox_polled_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN inbox_error TEXT NOT NULL DEFAULT '';

-- A reply sent from the inbox is a post with one delivery; reply_to holds
-- the thread it answers (JSON of gears.ReplyTo).
ALTER TABLE posts ADD COLUMN reply_to TEXT NOT NULL DEFAULT '';

CREATE TABLE saved_searches (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    query        TEXT    NOT NULL,
    paused       INTEGER NOT NULL DEFAULT 0,
    error        TEXT    NOT NULL DEFAULT '',
    polled_at    INTEGER,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX saved_searches_workspace ON saved_searches (workspace_id);

-- Where each saved search stands on each account it searches through (0
-- for feeds).
CREATE TABLE search_cursors (
    search_id  INTEGER NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL,
    cursor     TEXT    NOT NULL,
    PRIMARY KEY (search_id, account_id)
) STRICT;

CREATE TABLE conversations (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    source       TEXT    NOT NULL, -- a<account id> or s<saved search id>
    account_id   INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    search_id    INTEGER REFERENCES saved_searches (id) ON DELETE SET NULL,
    network      TEXT    NOT NULL,
    stream       TEXT    NOT NULL,
    thread       TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    assignee_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    sentiment    TEXT    NOT NULL,
    score        REAL    NOT NULL DEFAULT 0,
    subject      TEXT    NOT NULL,
    messages     INTEGER NOT NULL DEFAULT 0,
    first_at     INTEGER NOT NULL,
    last_at      INTEGER NOT NULL,
    responded_at INTEGER,
    UNIQUE (workspace_id, source, thread)
) STRICT;
CREATE INDEX conversations_workspace_last ON conversations (workspace_id, last_at);
CREATE INDEX conversations_workspace_status_last ON conversations (workspace_id, status, last_at);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    source          TEXT    NOT NULL,
    remote_id       TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    outbound        INTEGER NOT NULL DEFAULT 0,
    author          TEXT    NOT NULL,
    author_name     TEXT    NOT NULL,
    author_url      TEXT    NOT NULL,
    text            TEXT    NOT NULL,
    url             TEXT    NOT NULL,
    lang            TEXT    NOT NULL,
    sentiment       TEXT    NOT NULL,
    score           REAL    NOT NULL,
    reply_to        TEXT    NOT NULL, -- JSON of gears.ReplyTo: where an answer goes
    delivery_id     INTEGER REFERENCES deliveries (id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    received_at     INTEGER NOT NULL,
    UNIQUE (workspace_id, source, remote_id)
) STRICT;
CREATE INDEX messages_conversation ON messages (conversation_id, created_at);
CREATE INDEX messages_workspace_received ON messages (workspace_id, received_at);

-- Full-text index of the messages, without positions (detail = none:
-- searches are words and prefixes, never phrases), which keeps it small
-- and quick to write. Each row starts with the token "gearsws<workspace
-- id>", so that a search is an intersection inside the index, not a filter
-- after it. Rows are added by the store in the transaction that writes the
-- messages, a batch at a time; deleting a message deletes its row.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    text, content = '', contentless_delete = 1, detail = none,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = old.id;
END;

CREATE TABLE conversation_notes (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX conversation_notes_conversation ON conversation_notes (conversation_id);

CREATE TABLE saved_replies (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX saved_replies_workspace ON saved_replies (workspace_id);

CREATE TABLE incidents (
    id                INTEGER PRIMARY KEY,
    workspace_id      INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title             TEXT    NOT NULL,
    severity          TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    owner_id          INTEGER REFERENCES users (id) ON DELETE SET NULL,
    playbook          TEXT    NOT NULL,
    paused_publishing INTEGER NOT NULL DEFAULT 0,
    summary           TEXT    NOT NULL DEFAULT '',
    opened_at         INTEGER NOT NULL,
    closed_at         INTEGER
) STRICT;
CREATE INDEX incidents_workspace ON incidents (workspace_id, opened_at);

CREATE TABLE incident_events (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    actor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    text        TEXT    NOT NULL
) STRICT;
CREATE INDEX incident_events_incident ON incident_events (incident_id, at);

CREATE TABLE incident_checklist (
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    step        TEXT    NOT NULL,
    done_at     INTEGER,
    done_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (incident_id, position)
) STRICT;

CREATE TABLE incident_conversations (
    incident_id     INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    PRIMARY KEY (incident_id, conversation_id)
) STRICT;

CREATE TABLE alert_channels (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,
    target       TEXT    NOT NULL,
    secret       TEXT    NOT NULL DEFAULT '', -- webhooks: the signing secret, sealed
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX alert_channels_workspace ON alert_channels (workspace_id);

CREATE TABLE crisis_alerts (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,
    start        INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    data         TEXT    NOT NULL, -- the detector's alert, JSON
    incident_id  INTEGER REFERENCES incidents (id) ON DELETE SET NULL
) STRICT;
CREATE INDEX crisis_alerts_workspace ON crisis_alerts (workspace_id, at);
