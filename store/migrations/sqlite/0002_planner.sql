-- The planner: saved plans, the weekly tasks made from the active one,
-- tracked time, and the weekly counts of work done used for calibration.
CREATE TABLE plans (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    input        TEXT    NOT NULL,
    active       INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX plans_workspace_id ON plans (workspace_id);

CREATE TABLE tasks (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    plan_id      INTEGER REFERENCES plans (id) ON DELETE SET NULL,
    activity_key TEXT    NOT NULL,
    weekly_hours REAL    NOT NULL,
    assignee_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    starts_on    INTEGER NOT NULL,
    ends_on      INTEGER
) STRICT;
CREATE INDEX tasks_workspace_id ON tasks (workspace_id, starts_on);

CREATE TABLE time_entries (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    activity_key TEXT    NOT NULL,
    task_id      INTEGER REFERENCES tasks (id) ON DELETE SET NULL,
    started_at   INTEGER NOT NULL,
    minutes      REAL    NOT NULL,
    running      INTEGER NOT NULL DEFAULT 0,
    note         TEXT    NOT NULL DEFAULT '',
    source       TEXT    NOT NULL,
    ref_type     TEXT    NOT NULL DEFAULT '',
    ref_id       INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX time_entries_workspace_started ON time_entries (workspace_id, started_at);
CREATE UNIQUE INDEX time_entries_one_timer ON time_entries (workspace_id, user_id) WHERE running = 1;

CREATE TABLE work_counts (
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    week_start    INTEGER NOT NULL,
    posts         REAL    NOT NULL,
    conversations REAL    NOT NULL,
    reports       REAL    NOT NULL,
    PRIMARY KEY (workspace_id, week_start)
) STRICT;
