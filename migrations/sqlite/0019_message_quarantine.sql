-- Message quarantine (ADM-8): a moderator hides a message from everyone but the
-- community's moderators and the instance's staff, reversibly. The content stays.
ALTER TABLE messages ADD COLUMN quarantined_at TEXT;
ALTER TABLE messages ADD COLUMN quarantined_by BLOB REFERENCES users(id) ON DELETE SET NULL;
