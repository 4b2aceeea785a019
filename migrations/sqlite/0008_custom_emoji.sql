-- What a stored file is for: 'attachment' (sent with a message, reaped when never
-- sent) or 'emoji' (a community's custom emoji, seen by everyone signed in). Checked
-- by the server, not by a constraint, so later purposes need no table rebuild.
ALTER TABLE files ADD COLUMN purpose TEXT NOT NULL DEFAULT 'attachment';

-- Custom emoji per community (COM-7), used in messages and reactions as :name:.
CREATE TABLE custom_emoji (
    id            BLOB PRIMARY KEY,
    community_id  BLOB NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    file_id       BLOB NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    created_by    BLOB REFERENCES users(id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (community_id, name)
);
