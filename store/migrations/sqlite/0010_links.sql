-- Tracked short links and conversions. Nothing here describes a visitor:
-- a click is only a count on its link and in daily_metrics.

-- A tracked link: /l/{code} redirects to target_url with UTM tags for its
-- network, campaign and utm_content. clicks is what the click flusher has
-- written (it batches clicks in memory for a few seconds).
CREATE TABLE links (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    code         TEXT    NOT NULL UNIQUE,
    target_url   TEXT    NOT NULL,
    network      TEXT    NOT NULL DEFAULT '',
    campaign     TEXT    NOT NULL DEFAULT '',
    utm_content  TEXT    NOT NULL DEFAULT '',
    post_id      INTEGER REFERENCES posts (id) ON DELETE SET NULL,
    clicks       INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX links_workspace ON links (workspace_id, created_at);
CREATE INDEX links_post ON links (post_id) WHERE post_id IS NOT NULL;

-- The secret address conversions are posted to: one per workspace, stored
-- as the SHA-256 of its token (shown once, when made).
CREATE TABLE conversion_hooks (
    workspace_id INTEGER PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL
) STRICT;

-- Conversions, each added to daily_metrics in its own transaction.
-- external_id is the sender's ID (NULL when none): a retry with the same
-- one is a duplicate and changes nothing.
CREATE TABLE conversions (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    campaign     TEXT    NOT NULL DEFAULT '',
    network      TEXT    NOT NULL DEFAULT '',
    link_id      INTEGER REFERENCES links (id) ON DELETE SET NULL,
    count        INTEGER NOT NULL DEFAULT 1,
    value_cents  INTEGER,             -- NULL: no value given
    currency     TEXT    NOT NULL,
    occurred_at  INTEGER NOT NULL,
    external_id  TEXT,
    source       TEXT    NOT NULL,     -- webhook, csv or manual
    created_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, external_id)
) STRICT;
CREATE INDEX conversions_workspace ON conversions (workspace_id, occurred_at);
