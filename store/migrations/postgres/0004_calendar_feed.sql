-- The secret that makes a workspace's calendar readable as an iCalendar feed.
ALTER TABLE workspaces ADD COLUMN ical_token TEXT NOT NULL DEFAULT '';
