-- Indexes the strategy and results queries want: a campaign's posts (its
-- page, the count on the campaigns page, a rename, a KPI scoped to it), and
-- an account's readings that are due (each metrics job reads its own).
CREATE INDEX posts_workspace_campaign ON posts (workspace_id, campaign);
CREATE INDEX post_metrics_account_due ON post_metrics (account_id, next_read_at) WHERE next_read_at IS NOT NULL;

-- The local day a competitor's profile was last refused by its network (an
-- unknown or unusable handle): it is not asked again until the next day.
ALTER TABLE competitors ADD COLUMN refused_day BIGINT NOT NULL DEFAULT 0;
