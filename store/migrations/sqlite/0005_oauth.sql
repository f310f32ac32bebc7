-- Sign-ins to a Mastodon instance in progress: the OAuth state, and the
-- app registered on the instance for it (its secret sealed).
CREATE TABLE oauth_states (
    state_hash    TEXT    PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    server        TEXT    NOT NULL,
    client_id     TEXT    NOT NULL,
    client_secret TEXT    NOT NULL,
    expires_at    INTEGER NOT NULL
) STRICT;
