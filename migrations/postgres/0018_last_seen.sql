-- Last seen (PROF-2): when a person's last connection closed, shown on their profile
-- card to people who share a community or a DM with them, unless they hide it.
ALTER TABLE users ADD COLUMN show_last_seen BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN last_seen_at TIMESTAMPTZ;
