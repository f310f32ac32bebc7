-- Strategy and results, the part every feature of them shares: campaigns
-- and what is spent on them, people's hourly rates, the workspace's currency
-- and the value it gives an engagement, and the daily roll-up of results
-- that reports read instead of the raw rows.
ALTER TABLE workspaces ADD COLUMN currency TEXT NOT NULL DEFAULT 'EUR';
-- NULL: engagements add no value to ROI.
ALTER TABLE workspaces ADD COLUMN engagement_value_cents INTEGER;
-- NULL: the person's rate is unknown; their hours are counted, not costed.
ALTER TABLE memberships ADD COLUMN hourly_rate_cents INTEGER;

-- A campaign spans channels and dates. Posts, links, spend and conversions
-- name it (posts.campaign holds campaigns.name).
CREATE TABLE campaigns (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    networks     TEXT    NOT NULL DEFAULT '',  -- comma-separated; '' for all
    starts_at    INTEGER NOT NULL,
    ends_at      INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
) STRICT;

-- Paid spend entered per campaign (ads, boosted posts), optionally for one
-- network and one gear.
CREATE TABLE campaign_spend (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    network      TEXT    NOT NULL DEFAULT '',
    gear         TEXT    NOT NULL DEFAULT '',
    amount_cents INTEGER NOT NULL,
    spent_at     INTEGER NOT NULL,
    note         TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX campaign_spend_campaign ON campaign_spend (campaign_id, spent_at);

-- The daily roll-up of results, kept in the transaction of the rows it
-- sums: new engagements on the workspace's posts (the growth of their
-- counts), clicks on tracked links, conversions and their value. day is the
-- workspace's local date as days since 1970-01-01; account_id is 0 and
-- network '' where the result has none (a click knows its network, not its
-- account).
CREATE TABLE daily_metrics (
    workspace_id           INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    day                    INTEGER NOT NULL,
    network                TEXT    NOT NULL DEFAULT '',
    account_id             INTEGER NOT NULL DEFAULT 0,
    campaign               TEXT    NOT NULL DEFAULT '',
    replies                INTEGER NOT NULL DEFAULT 0,
    reposts                INTEGER NOT NULL DEFAULT 0,
    likes                  INTEGER NOT NULL DEFAULT 0,
    quotes                 INTEGER NOT NULL DEFAULT 0,
    clicks                 INTEGER NOT NULL DEFAULT 0,
    conversions            INTEGER NOT NULL DEFAULT 0,
    conversion_value_cents INTEGER NOT NULL DEFAULT 0,
    unvalued_conversions   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, day, network, account_id, campaign)
) STRICT, WITHOUT ROWID;

-- Competitors and their public profiles, whose follower counts are read
-- daily like the workspace's own accounts.
CREATE TABLE competitors (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    network      TEXT    NOT NULL,
    handle       TEXT    NOT NULL,  -- as the network names it: user@server, or a Bluesky handle
    profile_url  TEXT    NOT NULL DEFAULT '',
    notes        TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, network, handle)
) STRICT;

-- Follower counts, one a day (the workspace's local date, as in
-- daily_metrics) per account of the workspace or competitor's profile:
-- exactly one of account_id and competitor_id is set.
CREATE TABLE follower_counts (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    account_id    INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    competitor_id INTEGER REFERENCES competitors (id) ON DELETE CASCADE,
    day           INTEGER NOT NULL,
    followers     INTEGER NOT NULL,
    following     INTEGER NOT NULL DEFAULT 0,
    posts         INTEGER NOT NULL DEFAULT 0,
    read_at       INTEGER NOT NULL,
    CHECK ((account_id IS NULL) <> (competitor_id IS NULL))
) STRICT;
CREATE UNIQUE INDEX follower_counts_account_day ON follower_counts (account_id, day) WHERE account_id IS NOT NULL;
CREATE UNIQUE INDEX follower_counts_competitor_day ON follower_counts (competitor_id, day) WHERE competitor_id IS NOT NULL;
CREATE INDEX follower_counts_workspace_day ON follower_counts (workspace_id, day);
