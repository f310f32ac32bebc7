-- Time spent for a campaign or on one network: ROI by campaign and by
-- network counts the hours where they were spent, not on a "(none)" line.
-- Campaigns are named as posts name them; a rename carries these too.
ALTER TABLE time_entries ADD COLUMN campaign TEXT NOT NULL DEFAULT '';
ALTER TABLE time_entries ADD COLUMN network TEXT NOT NULL DEFAULT '';
