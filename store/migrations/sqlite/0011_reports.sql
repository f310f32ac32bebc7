-- Reports: schedules that e-mail the report weekly or monthly, and
-- read-only share links for the client.

-- A schedule sends the report of the period before next_send_at (the last
-- whole week or month, in the workspace's time zone) to its recipients,
-- in the workspace's language. A send is claimed (claimed_for = the
-- next_send_at it serves) before the mail server is called, and recorded
-- (last_sent_at, next_send_at advanced, the claim cleared) in one
-- transaction after it: a send interrupted after its claim is never sent
-- again; it is recorded as interrupted (last_error) and the schedule
-- moves on.
CREATE TABLE report_schedules (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    frequency    TEXT    NOT NULL CHECK (frequency IN ('weekly', 'monthly')),
    recipients   TEXT    NOT NULL,  -- addresses, one per line
    next_send_at INTEGER NOT NULL,
    claimed_for  INTEGER,
    last_sent_at INTEGER,
    last_from    INTEGER,           -- the period last sent, epoch days
    last_to      INTEGER,
    last_error   TEXT    NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX report_schedules_due ON report_schedules (next_send_at);
CREATE INDEX report_schedules_workspace ON report_schedules (workspace_id);

-- A share link shows one period's report (or, rolling, the last 30 days)
-- without signing in. Only the SHA-256 of its token is kept.
CREATE TABLE share_links (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    token_hash   TEXT    NOT NULL UNIQUE,
    rolling_days INTEGER NOT NULL DEFAULT 0,  -- > 0: the last n days up to today; else from_day..to_day
    from_day     INTEGER NOT NULL DEFAULT 0,
    to_day       INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
) STRICT;
CREATE INDEX share_links_workspace ON share_links (workspace_id);

