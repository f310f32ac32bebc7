-- Metrics collection: the counts of every published delivery, read from its
-- network on a decaying schedule (gears.MetricsSchedule), and every reading
-- kept. Follower counts go to follower_counts (0007); the growth of the
-- counts goes to daily_metrics (0007) in the transaction of the reading.

-- The latest counts of one delivery, and when to read them next. A row is
-- made by the first round after the delivery is published. next_read_at is
-- NULL once the schedule is over, or when the post is gone from its network.
CREATE TABLE post_metrics (
    delivery_id  BIGINT PRIMARY KEY REFERENCES deliveries (id) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    post_id      BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    account_id   BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    network      TEXT    NOT NULL,
    published_at BIGINT NOT NULL,
    replies      BIGINT NOT NULL DEFAULT 0,
    reposts      BIGINT NOT NULL DEFAULT 0,
    likes        BIGINT NOT NULL DEFAULT 0,
    quotes       BIGINT NOT NULL DEFAULT 0,
    reads        BIGINT NOT NULL DEFAULT 0,  -- readings stored so far
    read_at      BIGINT,                     -- the latest reading; NULL before the first
    next_read_at BIGINT,                     -- NULL: no more readings
    gone         BOOLEAN NOT NULL DEFAULT FALSE,  -- the network no longer has the post
    error        TEXT    NOT NULL DEFAULT ''  -- why the last reading failed, for people
);
CREATE INDEX post_metrics_due ON post_metrics (next_read_at, account_id) WHERE next_read_at IS NOT NULL;
CREATE INDEX post_metrics_post ON post_metrics (post_id);
CREATE INDEX post_metrics_workspace ON post_metrics (workspace_id, published_at);

-- Every reading of a delivery's counts, as the network gave them.
CREATE TABLE post_metric_readings (
    delivery_id BIGINT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    read_at     BIGINT NOT NULL,
    replies     BIGINT NOT NULL,
    reposts     BIGINT NOT NULL,
    likes       BIGINT NOT NULL,
    quotes      BIGINT NOT NULL,
    PRIMARY KEY (delivery_id, read_at)
);

-- The rounds look for deliveries published recently that have no row yet.
CREATE INDEX deliveries_published_at ON deliveries (published_at) WHERE status = 'published';

