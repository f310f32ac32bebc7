-- Indexes the strategy and results queries want: a campaign's posts (its
-- page, the count on the campaigns page, a rename, a KPI scoped to it), and
-- an account's readings that are due (each metrics job reads its own).
CREATE INDEX posts_workspace_campaign ON posts (workspace_id, campaign);
CREATE INDEX post_metrics_account_due ON post_metrics (account_id, next_read_at) WHERE next_read_at IS NOT NULL;
