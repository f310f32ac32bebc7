-- The strategy gear: research notes, the communication strategy and the
-- role of each channel, objectives with their KPI and the readings people
-- enter for custom KPIs, and the platform set-up checklist of each
-- account. Campaigns, their spend and competitors are in 0007.
CREATE TABLE research_notes (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title        TEXT    NOT NULL,
    body         TEXT    NOT NULL DEFAULT '',
    source_url   TEXT    NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX research_notes_workspace ON research_notes (workspace_id, updated_at);

-- One strategy document per workspace.
CREATE TABLE strategies (
    workspace_id INTEGER PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    audiences    TEXT    NOT NULL DEFAULT '',
    tone         TEXT    NOT NULL DEFAULT '',
    updated_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE channel_roles (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    network      TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    PRIMARY KEY (workspace_id, network)
) STRICT;

-- Dates are the workspace's local dates as days since 1970-01-01, as in
-- daily_metrics. campaign holds a campaign's name, as posts.campaign does.
CREATE TABLE objectives (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title        TEXT    NOT NULL,
    kpi          TEXT    NOT NULL,
    account_id   INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    network      TEXT    NOT NULL DEFAULT '',
    campaign     TEXT    NOT NULL DEFAULT '',
    baseline     REAL    NOT NULL,
    target       REAL    NOT NULL,
    starts_on    INTEGER NOT NULL,
    due_on       INTEGER NOT NULL,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX objectives_workspace ON objectives (workspace_id, due_on);

CREATE TABLE kpi_readings (
    id           INTEGER PRIMARY KEY,
    objective_id INTEGER NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    day          INTEGER NOT NULL,
    value        REAL    NOT NULL,
    note         TEXT    NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (objective_id, day)
) STRICT;

-- A row is a step done; an absent row is a step not done.
CREATE TABLE setup_items (
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    item         TEXT    NOT NULL,
    done_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    done_at      INTEGER NOT NULL,
    PRIMARY KEY (account_id, item)
) STRICT;
