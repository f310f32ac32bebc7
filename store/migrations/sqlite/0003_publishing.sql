-- Publishing: connected accounts, media, posts with their per-account
-- deliveries, variants and comments, and the workspace's publishing switches.
ALTER TABLE workspaces ADD COLUMN approval_required INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workspaces ADD COLUMN publishing_paused INTEGER NOT NULL DEFAULT 0;

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    network       TEXT    NOT NULL,
    server        TEXT    NOT NULL,
    handle        TEXT    NOT NULL,
    display_name  TEXT    NOT NULL DEFAULT '',
    remote_id     TEXT    NOT NULL,
    credentials   TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    status_reason TEXT    NOT NULL DEFAULT '',
    limited_until INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    UNIQUE (workspace_id, network, remote_id)
) STRICT;

CREATE TABLE media (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    alt          TEXT    NOT NULL DEFAULT '',
    data         BLOB    NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX media_workspace_id ON media (workspace_id);

CREATE TABLE posts (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    author_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    text         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    campaign     TEXT    NOT NULL DEFAULT '',
    tags         TEXT    NOT NULL DEFAULT '',
    scheduled_at INTEGER,
    status       TEXT    NOT NULL,
    media_ids    TEXT    NOT NULL DEFAULT '',
    deleted      INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX posts_workspace_scheduled ON posts (workspace_id, scheduled_at);

CREATE TABLE deliveries (
    id           INTEGER PRIMARY KEY,
    post_id      INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    variant      TEXT,
    status       TEXT    NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    idem_key     TEXT    NOT NULL,
    remote_id    TEXT    NOT NULL DEFAULT '',
    remote_url   TEXT    NOT NULL DEFAULT '',
    error        TEXT    NOT NULL DEFAULT '',
    attempts     INTEGER NOT NULL DEFAULT 0,
    attempted_at INTEGER,
    published_at INTEGER,
    UNIQUE (post_id, account_id)
) STRICT;
CREATE INDEX deliveries_account_status ON deliveries (account_id, status);

CREATE TABLE post_comments (
    id         INTEGER PRIMARY KEY,
    post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
